#!/usr/bin/env bash
# Create debian:bookworm-slim from Debian's packages (no Docker Hub here): debootstrap
# a minimal bookworm and import it. Idempotent: does nothing when the image exists.
set -euo pipefail
DOCKER=${DOCKER:-/usr/bin/docker}
IMAGE=${1:-debian:bookworm-slim}
if "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "make-base-image: $IMAGE exists"
  exit 0
fi
# The host's own apt mirror (deb822 "URIs:" or one-line "deb URL bookworm main").
host_mirror() {
  { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null || true
    grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null || true; } \
    | awk '{print $2}' | { grep -v -e security -e updates || true; } | head -n1
}
MIRROR=${DEBIAN_MIRROR:-$(host_mirror)}
[ -n "$MIRROR" ] || { echo "make-base-image: no Debian mirror found in apt's sources; set DEBIAN_MIRROR" >&2; exit 1; }
dir=$(mktemp -d /tmp/wheelwright-rootfs.XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "make-base-image: debootstrap bookworm from the configured Debian mirror (about a minute)"
debootstrap --variant=minbase bookworm "$dir" "$MIRROR" >/tmp/wheelwright-debootstrap.log 2>&1 || {
  tail -n 30 /tmp/wheelwright-debootstrap.log >&2; exit 1; }
# apt inside images built from this base uses the same mirror the host uses.
echo "deb $MIRROR bookworm main" > "$dir/etc/apt/sources.list"
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
tar -C "$dir" -c . | "$DOCKER" import - "$IMAGE" >/dev/null
echo "make-base-image: imported $IMAGE"
