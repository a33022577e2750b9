#!/usr/bin/env python3
"""Writes a wheel of an installed pure-Python distribution (e.g. moto, as `pip install moto` put it on this machine).

Why: docker/emulator/Dockerfile installs moto from a Python package index, which this project's build machines cannot
reach; their moto_server (the one the test suite runs) is installed, though. A wheel is only a zip of the installed
files plus the .dist-info directory, so the installed copy is packed back into one, file for file as its RECORD lists
them, and the image installs that wheel offline (`--build-arg MOTO_WHEELS=1`). Console scripts are not packed (pip
makes them again from entry_points.txt). Only distributions without compiled code are accepted: their files are the
same on every Python 3 and platform.

usage: pack-installed.py OUTPUT_DIR DIST...
"""
import base64
import csv
import hashlib
import importlib.metadata
import os
import sys
import zipfile


def pack(name, out_dir):
    dist = importlib.metadata.distribution(name)
    root = str(dist.locate_file(""))
    info_dir = next(os.path.dirname(f) for f in dist.files if str(f).endswith(".dist-info/METADATA"))
    files = []
    for f in dist.files:
        path = str(f)
        if path.startswith("..") or "__pycache__" in path or path.endswith((".pyc",)) or path.endswith("/RECORD"):
            continue
        if path.endswith((".so", ".pyd")):
            sys.exit(f"{name}: {path} is compiled code; only pure-Python distributions can be packed")
        if path.endswith("/INSTALLER") or path.endswith("/direct_url.json") or path.endswith("/REQUESTED"):
            continue
        files.append(path)
    wheel_name = f"{dist.metadata['Name'].replace('-', '_')}-{dist.version}-py3-none-any.whl"
    target = os.path.join(out_dir, wheel_name)
    record = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for path in sorted(files):
            with open(os.path.join(root, path), "rb") as source:
                data = source.read()
            wheel.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append((path, f"sha256={digest}", str(len(data))))
        if f"{info_dir}/WHEEL" not in files:
            data = b"Wheel-Version: 1.0\nGenerator: pack-installed\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
            wheel.writestr(f"{info_dir}/WHEEL", data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append((f"{info_dir}/WHEEL", f"sha256={digest}", str(len(data))))
        lines = [",".join(r) for r in record] + [f"{info_dir}/RECORD,,"]
        wheel.writestr(f"{info_dir}/RECORD", "\n".join(lines) + "\n")
    print(target)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    for dist_name in sys.argv[2:]:
        pack(dist_name, sys.argv[1])
