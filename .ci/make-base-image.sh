#!/usr/bin/env bash
# Create a Debian base image from Debian's packages (no Docker Hub here): debootstrap a minimal
# system and import it. The image's tag names what it holds:
#   debian:bookworm-slim, debian:trixie-slim   the suite (bookworm, trixie), this machine's architecture
#   debian:bookworm-slim-arm64                 the suite, for arm64 (built and run under QEMU emulation)
# An optional second argument (a Debian architecture: arm64, amd64, ...) overrides the tag's suffix.
# A foreign architecture needs QEMU's binfmt_misc handler with the F flag (Debian's qemu-user-static
# with binfmt-support registers it; .ci/run installs them): debootstrap runs the new system's
# binaries in a chroot, and the image's containers run them too.
# Idempotent: does nothing when the image exists and says the right architecture.
set -euo pipefail
DOCKER=${DOCKER:-/usr/bin/docker}
IMAGE=${1:-debian:bookworm-slim}
die() { echo "make-base-image: $*" >&2; exit 1; }

tag=${IMAGE##*:}
suite=${tag%%-*}
host_arch=$(dpkg --print-architecture)
case "$tag" in
  *-arm64) ARCH=arm64 ;;
  *-amd64) ARCH=amd64 ;;
  *) ARCH=$host_arch ;;
esac
ARCH=${2:-$ARCH}
[ -e "/usr/share/debootstrap/scripts/$suite" ] ||
  die "'$suite' (from the tag of $IMAGE) is not a suite debootstrap knows: name the image debian:<suite>-slim[-arm64]"

# The architecture in the image's config. Engine 20.10's `docker import --platform` is ignored and
# `--change` has no instruction for it, so a foreign image is saved, its config's architecture set,
# and loaded again under the same tag (the image's id is its config's hash, so it changes).
image_arch() { "$DOCKER" image inspect --format '{{.Architecture}}' "$1" 2>/dev/null; }
set_image_arch() {
  local work old
  work=$(mktemp -d /tmp/wheelwright-image-arch.XXXXXX)
  old=$("$DOCKER" image inspect --format '{{.Id}}' "$IMAGE")
  "$DOCKER" save -o "$work/in.tar" "$IMAGE"
  python3 - "$work/in.tar" "$work/out.tar" "$ARCH" <<'PY'
import hashlib, io, json, sys, tarfile
source, target, arch = sys.argv[1:4]
variant = {"arm64": "v8"}.get(arch)
with tarfile.open(source) as saved, tarfile.open(target, "w") as out:
    manifest = json.load(saved.extractfile("manifest.json"))
    old = manifest[0]["Config"]
    config = json.load(saved.extractfile(old))
    config["architecture"] = arch
    if variant:
        config["variant"] = variant
    data = json.dumps(config, separators=(",", ":")).encode()
    new = hashlib.sha256(data).hexdigest() + ".json"
    manifest[0]["Config"] = new
    replaced = {old: (new, data), "manifest.json": ("manifest.json", json.dumps(manifest).encode())}
    for member in saved.getmembers():
        if member.name in replaced:
            name, content = replaced[member.name]
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(content), member.mtime, member.mode
            out.addfile(info, io.BytesIO(content))
        else:
            out.addfile(member, saved.extractfile(member) if member.isfile() else None)
PY
  "$DOCKER" load -q -i "$work/out.tar" >/dev/null
  rm -rf "$work"
  [ "$("$DOCKER" image inspect --format '{{.Id}}' "$IMAGE")" = "$old" ] || "$DOCKER" image rm "$old" >/dev/null
  [ "$(image_arch "$IMAGE")" = "$ARCH" ] || die "could not set the architecture of $IMAGE to $ARCH"
}

if [ -n "$(image_arch "$IMAGE")" ]; then
  if [ "$(image_arch "$IMAGE")" = "$ARCH" ]; then
    echo "make-base-image: $IMAGE exists ($ARCH)"
  else
    set_image_arch
    echo "make-base-image: $IMAGE exists; its config now says $ARCH"
  fi
  exit 0
fi

# A foreign architecture: the binfmt_misc handler QEMU registers, enabled and with the F flag.
if [ "$ARCH" != "$host_arch" ]; then
  case "$ARCH" in
    arm64) qemu=aarch64 ;; amd64) qemu=x86_64 ;; armhf | armel) qemu=arm ;; ppc64el) qemu=ppc64le ;;
    *) qemu=$ARCH ;;
  esac
  binfmt=/proc/sys/fs/binfmt_misc
  [ -e "$binfmt/status" ] ||
    die "$ARCH on $host_arch needs binfmt_misc, which is not mounted: mount -t binfmt_misc binfmt_misc $binfmt"
  [ -e "$binfmt/qemu-$qemu" ] ||
    die "$ARCH on $host_arch needs QEMU's qemu-$qemu binfmt handler: apt-get install qemu-user-static binfmt-support (bash .ci/run does)"
  [ "$(head -n1 "$binfmt/qemu-$qemu")" = enabled ] ||
    die "the qemu-$qemu binfmt handler is disabled: update-binfmts --enable qemu-$qemu"
  grep -qE '^flags:.*F' "$binfmt/qemu-$qemu" ||
    die "the qemu-$qemu binfmt handler lacks the F flag, so containers cannot use it: register Debian's qemu-user-static handler"
fi

# The host's own apt mirror (deb822 "URIs:" or one-line "deb URL bookworm main").
host_mirror() {
  { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null || true
    grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null || true; } \
    | awk '{print $2}' | { grep -v -e security -e updates || true; } | head -n1
}
MIRROR=${DEBIAN_MIRROR:-$(host_mirror)}
[ -n "$MIRROR" ] || die "no Debian mirror found in apt's sources; set DEBIAN_MIRROR"
dir=$(mktemp -d /tmp/wheelwright-rootfs.XXXXXX)
trap 'rm -rf "$dir"' EXIT
log=/tmp/wheelwright-debootstrap-$suite-$ARCH.log
if [ "$ARCH" = "$host_arch" ]; then
  echo "make-base-image: debootstrap $suite from the configured Debian mirror (about a minute)"
else
  echo "make-base-image: debootstrap $suite for $ARCH from the configured Debian mirror (under QEMU: several minutes)"
fi
debootstrap --variant=minbase --arch="$ARCH" "$suite" "$dir" "$MIRROR" >"$log" 2>&1 || {
  tail -n 30 "$log" >&2; exit 1; }
# apt inside images built from this base uses the same mirror the host uses.
echo "deb $MIRROR $suite main" > "$dir/etc/apt/sources.list"
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
tar -C "$dir" -c . | "$DOCKER" import - "$IMAGE" >/dev/null
[ "$(image_arch "$IMAGE")" = "$ARCH" ] || set_image_arch
echo "make-base-image: imported $IMAGE ($ARCH)"
