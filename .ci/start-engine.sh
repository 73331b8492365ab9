#!/usr/bin/env bash
# Start Debian's dockerd with no bridge and no iptables rules, so
# nothing ever talks to a private-range address; containers use --network host or none.
# Also listens on tcp://127.0.0.1:2375 (loopback only) so tests can exercise DOCKER_HOST=tcp://.
# Idempotent: returns at once when an engine already answers.
set -euo pipefail
DOCKERD=${DOCKERD:-/usr/sbin/dockerd}
DOCKER=${DOCKER:-/usr/bin/docker}
if "$DOCKER" version >/dev/null 2>&1; then
  echo "start-engine: an engine already answers"
  exit 0
fi
if pgrep -x dockerd >/dev/null; then
  echo "start-engine: dockerd is running but not answering; waiting for it"
else
  mkdir -p /var/log
  nohup "$DOCKERD" --bridge=none --iptables=false --ip-masq=false \
    -H unix:///var/run/docker.sock -H tcp://127.0.0.1:2375 \
    >/var/log/wheelwright-dockerd.log 2>&1 &
fi
for _ in $(seq 1 60); do
  if "$DOCKER" version >/dev/null 2>&1; then echo "start-engine: dockerd answers"; exit 0; fi
  sleep 1
done
echo "start-engine: dockerd did not answer within 60 s; see /var/log/wheelwright-dockerd.log" >&2
tail -n 20 /var/log/wheelwright-dockerd.log >&2 || true
exit 1
