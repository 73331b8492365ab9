#!/usr/bin/env bash
# The seed's Makefile workflow as plain commands, for the benchmark's baseline.
#   seed.sh image                       make image docker/base, make image docker/builder
#   seed.sh build SRC TARGET CACHE      make build: docker run ... builder (pip wheel .)
#   seed.sh release TARGET TAG          make release: ADD target, pip install --no-index, rm
# SEED_APP names the application (default polls); SEED_EXTRA_FIND_LINKS is a find-links folder
# inside the mounted source (default /application/packages/dist, the example's own sdists).
# Same index and network mode as wheelwright's example: the machine's file:// index and find-links
# are mounted read-only, the network is the host's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
NETWORK=${SEED_NETWORK:-host}
# The seed's images are named under SEED_NS, so whoever made them can find and remove them.
SEED_NS=${SEED_NS:-wwbench-seed}
BASE=$SEED_NS/base:latest
BUILDER=$SEED_NS/builder:latest
export DOCKER_BUILDKIT=0

case "${1:-}" in
  image)
    docker build -q --network "$NETWORK" -t "$BASE" "$here/base" >/dev/null
    docker build -q --network "$NETWORK" --build-arg SEED_BASE="$BASE" -t "$BUILDER" "$here/builder" >/dev/null
    ;;
  build)
    src=$2 target=$3 cache=$4
    mkdir -p "$target"
    # The seed mounts the source and the output; pip writes build/ and *.egg-info into the source.
    docker run --rm --network "$NETWORK" \
      -v "$src:/application" -v "$target:/wheelhouse" -v "$cache:/cache" \
      -v /opt/pypi:/opt/pypi:ro -v /opt/pypi-more:/opt/pypi-more:ro -v /opt/wheels:/opt/wheels:ro \
      -e PIP_INDEX_URL=file:///opt/pypi/simple -e PIP_EXTRA_INDEX_URL=file:///opt/pypi-more/simple \
      -e PIP_FIND_LINKS="/wheelhouse /opt/wheels ${SEED_EXTRA_FIND_LINKS:-/application/packages/dist}" \
      -e PIP_DISABLE_PIP_VERSION_CHECK=1 \
      "$BUILDER" >/dev/null
    ;;
  release)
    target=$2 tag=$3
    context=$(mktemp -d)
    trap 'rm -rf "$context"' EXIT
    cp -r "$target" "$context/target"
    cp "$here/release/Dockerfile" "$context/Dockerfile"
    previous=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
    docker build -q --network "$NETWORK" --build-arg SEED_BASE="$BASE" --build-arg APP="${SEED_APP:-polls}" -t "$tag" "$context" >/dev/null
    # The seed's make release then removes every dangling image on the host; on a shared engine
    # only the one this build replaced is removed (wheelwright's release does the same).
    current=$(docker image inspect -f '{{.Id}}' "$tag")
    if [ -n "$previous" ] && [ "$previous" != "$current" ]; then docker rmi "$previous" >/dev/null 2>&1 || true; fi
    ;;
  *)
    echo "usage: seed.sh image | build SRC TARGET CACHE | release TARGET TAG" >&2
    exit 2
    ;;
esac
