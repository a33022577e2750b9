#!/usr/bin/env bash
# Makes the base images of docker/Dockerfile and docker/emulator/Dockerfile on a machine that can reach no image
# registry (this project's build machines): Debian bookworm from debootstrap, imported into the engine, and on top of
# it a JRE 17 from Debian's own package. Users with a registry never need this: the Dockerfiles default to the public
# images (eclipse-temurin:17-jre, debian:bookworm-slim).
#
#   docker/local-base.sh debian   prints the tag of the plain Debian image, made if missing
#   docker/local-base.sh jre      prints the tag of the Debian + openjdk-17-jre-headless image, made if missing
#
# Images are tagged with a hash of this script, so an image is made once per version of the recipe and reused after
# (`docker image inspect` is the cache); change the script and the next run makes new ones. Making them costs about a
# minute for debootstrap and about a minute for the JRE (docs/operations.md, "Container image"). Needs root, the
# debootstrap package, a Debian mirror (DEBIAN_MIRROR, else debootstrap's default) and a running engine. Only the tag
# goes to stdout; progress goes to stderr. Exit 3 when this machine cannot make them (the reason on stderr).
set -euo pipefail

what=${1:-}
case "$what" in
  debian|jre) ;;
  *) echo "usage: $0 debian|jre" >&2; exit 2 ;;
esac

hash=$(sha256sum "$0" | cut -c1-12)
debian_tag="trailrouter-local-debian:bookworm-$hash"
jre_tag="trailrouter-local-jre:17-$hash"
wanted=$debian_tag
[ "$what" = jre ] && wanted=$jre_tag

have() { docker image inspect "$1" >/dev/null 2>&1; }

if have "$wanted"; then
  echo "$wanted"
  exit 0
fi
if ! docker info >/dev/null 2>&1; then
  echo "local-base: no Docker engine answers" >&2
  exit 3
fi

if ! have "$debian_tag"; then
  if [ "$(id -u)" != 0 ]; then
    echo "local-base: debootstrap needs root; run as root or pull the public base images instead" >&2
    exit 3
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "local-base: debootstrap is not installed (apt-get install debootstrap)" >&2
    exit 3
  fi
  rootfs=$(mktemp -d /tmp/trailrouter-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  start=$SECONDS
  echo "local-base: debootstrap --variant=minbase bookworm (about a minute)" >&2
  # shellcheck disable=SC2086 # the mirror is one optional word
  debootstrap --variant=minbase bookworm "$rootfs" ${DEBIAN_MIRROR:-} >&2
  # what an image needs no copy of: the package cache and lists (apt-get update fetches fresh ones)
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' - "$debian_tag" >&2
  rm -rf "$rootfs"
  trap - EXIT
  echo "local-base: $debian_tag made in $((SECONDS - start)) s" >&2
fi

if [ "$what" = jre ] && ! have "$jre_tag"; then
  start=$SECONDS
  echo "local-base: openjdk-17-jre-headless from Debian on $debian_tag" >&2
  docker build --network host -t "$jre_tag" - >&2 <<DOCKERFILE
FROM $debian_tag
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \\
 && rm -rf /var/lib/apt/lists/*
DOCKERFILE
  echo "local-base: $jre_tag made in $((SECONDS - start)) s" >&2
fi
echo "$wanted"
