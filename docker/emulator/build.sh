#!/usr/bin/env bash
# Builds the emulator image of compose.moto.yaml where no image registry and no Python package index are reachable
# (this project's build machines): moto, py-partiql-parser, botocore, boto3 and s3transfer packed from the
# moto_server installation the test suite already uses (pack-installed.py; all pure Python), the rest from Debian, on the locally made Debian base
# (docker/local-base.sh debian). Prints the image's tag: trailrouter-moto:<moto version>.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(python3 -c 'import importlib.metadata as m; print(m.version("moto"))')
base=$("$here/../local-base.sh" debian)
rm -f "$here"/wheels/*.whl
python3 "$here/pack-installed.py" "$here/wheels" moto py-partiql-parser botocore boto3 s3transfer >&2
docker build --network host --build-arg BASE_IMAGE="$base" --build-arg MOTO_WHEELS=1 \
  --build-arg MOTO_VERSION="$version" -t "trailrouter-moto:$version" "$here" >&2
rm -f "$here"/wheels/*.whl
echo "trailrouter-moto:$version"
