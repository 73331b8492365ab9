#!/usr/bin/env bash
# Podman beside dockerd, for the podman engine tests (test/engine/podman.test.ts): Debian's podman
# 4.3, rootful, that never makes a bridge network. Idempotent.
# - No recommends: the rootless tools (slirp4netns, fuse-overlayfs, uidmap) and buildah are not
#   needed rootful, and netavark would be one more network stack.
# - catatonit: `--init` needs it, and Debian's podman only recommends it (without it every one-off
#   container fails: "container-init binary not found on the host").
# - runc: podman depends on crun or runc and would take crun, which refuses this host's hybrid cgroups.
# - A containers.conf drop-in:
#   netns = "host": a container or build run without --network joins the host's network, never
#     podman's default CNI bridge (/etc/cni/net.d/87-podman-bridge.conflist, 10.88.0.0/16).
#     wheelwright's fixtures say network = "host" anyway; this is the net under them.
#   default_ulimits: rootful podman raises RLIMIT_NOFILE and RLIMIT_NPROC of each container beyond
#     what this VM lets a process raise (no CAP_SYS_RESOURCE: "error setting rlimit type 7: operation
#     not permitted"); the host's own hard limit for files, and 4096 processes (the builder's
#     --pids-limit), which runc can set here.
#   runtime = "runc" (see above).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

missing=()
command -v podman >/dev/null || missing+=(podman)
[ -x /usr/libexec/podman/catatonit ] || [ -x /usr/bin/catatonit ] || missing+=(catatonit)
command -v runc >/dev/null || missing+=(runc)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-podman: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" runc >/dev/null
fi

conf=/etc/containers/containers.conf.d/50-wheelwright-ci.conf
mkdir -p "$(dirname "$conf")"
files=$(ulimit -Hn)
cat >"$conf.new" <<EOF
# Written by wheelwright's .ci/setup-podman.sh: see there for why.
[containers]
netns = "host"
default_ulimits = ["nofile=${files}:${files}", "nproc=4096:4096"]

[engine]
runtime = "runc"
EOF
if cmp -s "$conf.new" "$conf"; then rm "$conf.new"; else mv "$conf.new" "$conf"; fi

runtime=$(podman info --format '{{.Host.OCIRuntime.Name}}')
if [ "$runtime" != runc ]; then
  echo "setup-podman: podman runs $runtime, not runc; see $conf" >&2
  exit 1
fi
echo "setup-podman: podman $(podman info --format '{{.Version.Version}}') answers (runtime runc; $conf: host network by default)"
