"""The GPU run: embed_device="cuda" on the LoCoMo dev split, every figure written as JSON.

Run by scripts/gpu_bench.sh on a device machine (it sets PYTHONPATH to the carried
packages); on its own::

    python experiments/gpu_phases.py --out OUT [--dataset locomo:data/tmp/gpu/locomo_dev.json] [--budget 420]

Steps, each writing its file under OUT as soon as it is done, so a run cut short keeps
what it finished:

1. ``env.json``: Python, PyTorch, CUDA, the GPU, onnxruntime, what embed_device resolves to.
2. ``cosine.json``: every dev text embedded on CUDA and by the onnxruntime CPU model:
   lowest and mean cosine, and the embed-only throughput of each (median of 3 on CUDA).
3. ``bench_cuda.json``: the phase benchmark (p0-p3, embed-only ceiling, storage-only,
   no Mem0) with ``--embed-device cuda``, ``--repeat 3``: what ``agentmem bench`` writes.
4. ``bench_cpu.json``: the same on the device's CPU cores, one repetition (when the
   budget allows), for the ratio on one machine.
5. ``sweep_cuda.json``: p3 at embed_batch_size 64, 256 and 1024 on CUDA (budget allowing).
6. ``pytest.txt``: tests/test_embed_device.py there, the CUDA test included.

``--budget`` (seconds) skips the optional steps when the time spent says they would not fit.
``--cpu-check`` runs the same steps where there is no GPU, to check the script itself: the
PyTorch encoder on the CPU for step 2 and ``embed_device="auto"`` (the CPU) for the rest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _write(out: Path, name: str, data: Any) -> None:
    (out / name).write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {name}", flush=True)


def _env() -> dict[str, Any]:
    import onnxruntime
    import torch

    from agentmem import MemoryConfig
    from agentmem.embed import resolve_device

    facts: dict[str, Any] = {
        "python": sys.version.split()[0], "platform": platform.platform(), "cpu_count": os.cpu_count(),
        "torch": torch.__version__, "torch_cuda": torch.version.cuda, "cuda_available": torch.cuda.is_available(),
        "onnxruntime": onnxruntime.__version__, "onnxruntime_providers": onnxruntime.get_available_providers(),
        "load_avg": list(os.getloadavg()),
    }
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        facts["gpu"] = {"name": props.name, "memory_gib": round(props.total_memory / 2**30, 1),
                        "capability": f"{props.major}.{props.minor}"}
    try:
        choice = resolve_device(MemoryConfig(embed_device="cuda"))
        facts["embed_device_cuda"] = {"device": choice.device, "engine": choice.engine, "gpu": choice.gpu}
    except Exception as exc:  # noqa: BLE001 - recorded; the caller stops
        facts["embed_device_cuda"] = {"error": f"{type(exc).__name__}: {exc}"}
    return facts


def _cosine(texts: list[str], cpu_check: bool) -> dict[str, Any]:
    import numpy as np

    from agentmem import MemoryConfig
    from agentmem.embed import DeviceChoice, Embedder

    if cpu_check:
        cuda = Embedder(MemoryConfig(embed_cache=False), device=DeviceChoice("cpu", "cpu", engine="torch"))
    else:
        cuda = Embedder(MemoryConfig(embed_cache=False, embed_device="cuda"))
    cpu = Embedder(MemoryConfig(embed_cache=False))
    cuda.embed_sync(texts[:64])  # first call: kernels, allocator
    cpu.embed_sync(texts[:64])
    walls = []
    for _ in range(3):
        start = time.perf_counter()
        got = cuda.embed_sync(texts)
        walls.append(time.perf_counter() - start)
    start = time.perf_counter()
    want = cpu.embed_sync(texts)
    cpu_wall = time.perf_counter() - start
    cos = (got * want).sum(axis=1)
    worst = int(np.argmin(cos))
    return {
        "encoder_device": "cpu (--cpu-check: the PyTorch encoder on the CPU)" if cpu_check else "cuda",
        "texts": len(texts), "cosine_min": float(cos.min()), "cosine_mean": float(cos.mean()),
        "cosine_p001": float(np.quantile(cos, 0.001)), "worst_text": texts[worst],
        "cuda_embed_s": walls, "cuda_texts_per_s": len(texts) / median(walls),
        "cpu_onnx_embed_s": cpu_wall, "cpu_onnx_texts_per_s": len(texts) / cpu_wall,
        "cuda_stats": cuda.stats(), "cpu_stats": cpu.stats(),
    }


def _bench(ds: Any, device: str, repeat: int, work: Path, phases: Any = None, **config: Any) -> dict[str, Any]:
    from agentmem import MemoryConfig
    from agentmem.bench import PHASES, run_benchmark
    from agentmem.embed import resolve_device

    base = MemoryConfig(embed_device=device, **config)
    choice = resolve_device(base)
    res = run_benchmark(ds, phases=phases or PHASES, repeat=repeat, include_mem0=False, work_dir=work, base_config=base)
    res.machine["embed_device"] = {"requested": choice.requested, "device": choice.device, "engine": choice.engine,
                                   "reason": choice.reason, "gpu": choice.gpu}
    print(res.table(), flush=True)
    data = res.to_dict()
    data["command"] = (f"python experiments/gpu_phases.py: run_benchmark(phases={list(phases or PHASES)}, "
                       f"repeat={repeat}, include_mem0=False, base_config=MemoryConfig(embed_device={device!r}"
                       + "".join(f", {k}={v!r}" for k, v in config.items()) + ")), the call behind "
                       f"`agentmem bench --embed-device {device} --repeat {repeat} --no-mem0`")
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.environ.get("OUT"), help="folder for the JSON files (default $OUT)")
    parser.add_argument("--dataset", default="locomo:data/tmp/gpu/locomo_dev.json")
    parser.add_argument("--budget", type=float, default=420.0, help="seconds for the whole run (optional steps skip)")
    parser.add_argument("--cpu-check", action="store_true", help="no GPU: check the script on the CPU")
    args = parser.parse_args()
    if not args.out:
        parser.error("--out or $OUT is needed")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()

    def left() -> float:
        return args.budget - (time.perf_counter() - t0)

    env = _env()
    _write(out, "env.json", env)
    device = "auto" if args.cpu_check else "cuda"
    if env["embed_device_cuda"].get("device") != "cuda" and not args.cpu_check:
        print("no usable CUDA device: stopping after env.json", file=sys.stderr)
        return 1

    from agentmem.bench import load_dataset

    ds = load_dataset(args.dataset)
    texts = [i.text for i in ds.items]
    _write(out, "cosine.json", _cosine(texts, args.cpu_check))

    work = Path(tempfile.mkdtemp(prefix="agentmem-gpu-"))
    start = time.perf_counter()
    _write(out, "bench_cuda.json", _bench(ds, device, 3, work / "cuda"))
    cuda_s = time.perf_counter() - start
    skipped = []
    # one CPU repetition costs about what three CUDA ones do, or more: run it when that fits twice
    if left() > 2 * cuda_s + 60:
        _write(out, "bench_cpu.json", _bench(ds, "cpu", 1, work / "cpu"))
    else:
        skipped.append("bench_cpu")
    if left() > cuda_s + 60:
        sweep = {str(bs): _bench(ds, device, 1, work / f"sweep-{bs}", phases=["p3"], embed_batch_size=bs,
                                 embed_token_budget=max(16_384, bs * 64)) for bs in (64, 256, 1024)}
        _write(out, "sweep_cuda.json", sweep)
    else:
        skipped.append("sweep_cuda")
    if left() > 60:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "tests/test_embed_device.py"],
                              cwd=ROOT, capture_output=True, text=True, timeout=max(30, int(left())), check=False)
        (out / "pytest.txt").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        print(proc.stdout[-2000:], flush=True)
    else:
        skipped.append("pytest")
    _write(out, "done.json", {"seconds": time.perf_counter() - t0, "skipped": skipped})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
