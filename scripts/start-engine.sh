#!/usr/bin/env bash
# Start a throwaway local Docker Engine for development, tests and CI, and make sure the small
# local test image exists. Idempotent: running it again when an engine answers changes nothing.
#
#   scripts/start-engine.sh          # from the project root, as root
#
#   1. installs Debian's docker.io and busybox-static when dockerd or busybox is missing
#   2. starts dockerd on unix://$DOCKER_SOCK unless an engine already answers there, with no
#      default bridge and no iptables: containers get no network unless they ask for `host`
#   3. builds `zapie-test/busybox:latest` from the host's static busybox (no registry needed)
#
# Environment: DOCKER_SOCK (default /var/run/docker.sock), DOCKERD_LOG (default /tmp/dockerd.log)
set -euo pipefail

SOCK="${DOCKER_SOCK:-/var/run/docker.sock}"
LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
IMAGE="zapie-test/busybox:latest"

engine_up() { docker -H "unix://$SOCK" info >/dev/null 2>&1; }

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1 || [ ! -x /bin/busybox ]; then
  echo "start-engine: installing docker.io and busybox-static" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq docker.io busybox-static >/dev/null
fi

if ! engine_up; then
  echo "start-engine: starting dockerd (log: $LOG)" >&2
  rm -f /var/run/docker.pid
  setsid dockerd --host "unix://$SOCK" \
    --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
    >"$LOG" 2>&1 </dev/null &
  for _ in $(seq 1 120); do engine_up && break; sleep 0.5; done
  engine_up || { echo "start-engine: dockerd did not come up; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
fi

if ! docker -H "unix://$SOCK" image inspect "$IMAGE" >/dev/null 2>&1; then
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/bin" "$root/tmp" "$root/data" "$root/www" "$root/etc"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
  echo "ok" >"$root/www/index.html"
  tar -C "$root" -c . | docker -H "unix://$SOCK" import \
    --change 'ENV PATH=/bin' --change 'CMD ["sh"]' - "$IMAGE" >/dev/null
  echo "start-engine: imported $IMAGE" >&2
fi

echo "start-engine: Docker Engine ready at unix://$SOCK ($(docker -H "unix://$SOCK" version --format '{{.Server.Version}} API {{.Server.APIVersion}}'))" >&2
