#!/usr/bin/env bash
# Register QEMU's binfmt_misc handler for a foreign CPU (default aarch64) with the kernel, so its
# binaries run here, and in containers of this machine's engine: the handler carries the F flag,
# with which the kernel opens the interpreter once, at registration, so it need not exist inside
# the container. Needs Debian's qemu-user-static (the interpreters, and the handler's definition
# in /usr/share/binfmts) and binfmt-support (update-binfmts). Installing them registers the handler
# where binfmt_misc is mounted and something starts binfmt-support; on these machines neither is
# sure, so this does both. Idempotent.
set -euo pipefail
cpu=${1:-aarch64}
binfmt=/proc/sys/fs/binfmt_misc
handler=$binfmt/qemu-$cpu
die() { echo "enable-binfmt: $*" >&2; exit 1; }

if [ ! -e "$binfmt/status" ]; then
  echo "enable-binfmt: mounting binfmt_misc on $binfmt"
  mount -t binfmt_misc binfmt_misc "$binfmt" ||
    die "could not mount binfmt_misc (a container without CAP_SYS_ADMIN cannot): register qemu-$cpu on the host"
fi
command -v update-binfmts >/dev/null || die "update-binfmts is missing: apt-get install binfmt-support"
if [ ! -e "$handler" ]; then
  # qemu-user-static's postinst imports the definition into binfmt-support's database when
  # binfmt-support is already there; import it when it came later.
  [ -e "/var/lib/binfmts/qemu-$cpu" ] || update-binfmts --import "qemu-$cpu" ||
    die "no qemu-$cpu definition to import: apt-get install qemu-user-static"
  update-binfmts --enable "qemu-$cpu"
fi
[ -e "$handler" ] || die "update-binfmts did not register qemu-$cpu with the kernel"
[ "$(head -n1 "$handler")" = enabled ] || update-binfmts --enable "qemu-$cpu"
flags=$(sed -n 's/^flags: *//p' "$handler")
case "$flags" in
  *F*) ;;
  *) die "qemu-$cpu is registered with flags '$flags', without F: containers cannot use it (remove it: echo -1 > $handler; then run this again)" ;;
esac
echo "enable-binfmt: qemu-$cpu registered (flags $flags, interpreter $(sed -n 's/^interpreter //p' "$handler"))"
