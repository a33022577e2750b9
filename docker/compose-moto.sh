#!/usr/bin/env bash
# The compose demo where no image registry is reachable (this project's build machines): makes the local base images
# (local-base.sh) and the moto image (emulator/build.sh) when missing, then runs compose.yaml with compose.moto.yaml
# on top under Compose v1 (`docker-compose`; `docker compose` v2 takes the same files). Run from anywhere, after
# `./mvnw -B -q package -DskipTests`:
#   docker/compose-moto.sh up --build          the demo in the foreground; Ctrl-C stops it
#   docker/compose-moto.sh up --build -d       in the background; then `docker/compose-moto.sh logs webhook`,
#   docker/compose-moto.sh down                and this to remove its containers and network
# Any arguments go to docker-compose after the file and project options.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
compose=$(command -v docker-compose || true)
if [ -z "$compose" ]; then
  echo "compose-moto: docker-compose (Compose v1, Debian package docker-compose) is not installed" >&2
  exit 3
fi
if [ "${1:-}" = up ]; then
  # the bases: as given (e.g. debian:bookworm-slim and eclipse-temurin:17-jre where a registry answers), else made here
  TRAILROUTER_DEBIAN_IMAGE=${TRAILROUTER_DEBIAN_IMAGE:-$("$here/local-base.sh" debian)}
  TRAILROUTER_BASE_IMAGE=${TRAILROUTER_BASE_IMAGE:-$("$here/local-base.sh" jre)}
  MOTO_VERSION=$(python3 -c 'import importlib.metadata as m; print(m.version("moto"))')
  docker image inspect "trailrouter-moto:$MOTO_VERSION" >/dev/null 2>&1 || "$here/emulator/build.sh" >/dev/null
  TRAILROUTER_VERSION=$(unzip -p "$here/../target/trailrouter.jar" META-INF/MANIFEST.MF 2>/dev/null \
    | sed -n 's/^Implementation-Version: *//p' | tr -d '\r')
  export TRAILROUTER_DEBIAN_IMAGE TRAILROUTER_BASE_IMAGE MOTO_VERSION TRAILROUTER_VERSION
fi
exec "$compose" -p "${COMPOSE_PROJECT_NAME:-trailrouter-demo}" -f "$here/compose.yaml" -f "$here/compose.moto.yaml" "$@"
