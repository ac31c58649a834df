"""embed_device: the setting, its failure without CUDA, "auto", and the PyTorch encoder
(run on the CPU where there is no GPU) against the onnxruntime model's vectors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import LOCOMO_DEV

from agentmem import AsyncMemory, InvalidInputError, Memory, MemoryConfig
from agentmem.bench.datasets import load_dataset
from agentmem.embed import DeviceChoice, Embedder, get_embedder, resolve_device


def _torch_importable() -> bool:
    try:
        import torch  # noqa: F401
    except Exception:  # noqa: BLE001 - missing or broken, either way nothing to test here
        return False
    return True


HAS_TORCH = _torch_importable()
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason='PyTorch is not installed (pip install "agentmem[gpu]")')
CUDA = resolve_device(MemoryConfig(embed_device="auto")).device == "cuda"
no_cuda_only = pytest.mark.skipif(CUDA, reason="this machine has a CUDA device")
TORCH_ON_CPU = DeviceChoice("cpu", "cpu", engine="torch")

EDGE_TEXTS = [
    "",
    "ok",
    "Ünïcödé text, emoji 🎉 and 中文 characters.",
    ("The quarterly report shows revenue grew 12% while costs fell, mostly thanks to cheaper cloud storage "
     "and a renegotiated contract with the logistics provider in Rotterdam."),
    "word " * 400,  # past the 256-token window: embedded truncated, the same way on both paths
]


def real_texts() -> list[str]:
    """Every seventh LoCoMo dev turn (about 400, from every conversation), and edge cases."""
    if LOCOMO_DEV.exists():
        items = load_dataset(f"locomo:{LOCOMO_DEV}").items
        return [i.text for i in items[::7]] + EDGE_TEXTS
    return [
        "Caroline: I went to a LGBTQ support group yesterday and it was so powerful.",
        "Melanie: Wow, that's cool, Caroline! What happened that was so awesome?",
        "Melanie ran a charity race for mental health last Saturday.",
        "What did Caroline research after the adoption agency meeting?",
        "Painting helps me relax after a long week of work.",
        *EDGE_TEXTS,
    ]


# --------------------------------------------------------------------------- the setting


@pytest.mark.parametrize("bad", ["gpu", "CUDA", "", " cpu", None, 0, True, ["cuda"]])
def test_bad_embed_device_is_rejected_by_name(bad: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        MemoryConfig(embed_device=bad)  # type: ignore[arg-type]
    assert info.value.field == "embed_device"
    with pytest.raises(InvalidInputError) as info:
        MemoryConfig().replace(embed_device=bad)
    assert info.value.field == "embed_device"


def test_default_is_cpu_and_recorded() -> None:
    cfg = MemoryConfig()
    assert cfg.embed_device == "cpu"
    assert cfg.to_dict()["embed_device"] == "cpu"
    assert MemoryConfig(embed_device="auto").to_dict()["embed_device"] == "auto"
    choice = resolve_device(cfg)
    assert (choice.device, choice.engine, choice.reason) == ("cpu", "onnxruntime", None)


@no_cuda_only
async def test_cuda_without_cuda_fails_at_open_and_writes_nothing(tmp_path: Path) -> None:
    store, cache = tmp_path / "store", tmp_path / "cache"
    cfg = MemoryConfig(data_dir=store, model_cache_dir=cache, embed_device="cuda")
    with pytest.raises(InvalidInputError) as info:
        await AsyncMemory.open(cfg)
    assert info.value.field == "embed_device"
    assert "cuda" in str(info.value) and "auto" in str(info.value)  # what failed, and the way out
    with pytest.raises(InvalidInputError) as info, Memory(cfg) as mem:
        mem.add("never stored", user_id="u")
    assert info.value.field == "embed_device"
    with pytest.raises(InvalidInputError) as info:
        get_embedder(cfg)
    assert info.value.field == "embed_device"
    assert not store.exists() and not cache.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_cuda_for_another_model_names_embed_device(tmp_path: Path) -> None:
    """Only the default model has a GPU path; the check comes before any download."""
    cfg = MemoryConfig(model="BAAI/bge-small-en-v1.5", model_cache_dir=tmp_path / "cache", embed_device="cuda")
    with pytest.raises(InvalidInputError) as info:
        get_embedder(cfg)
    assert info.value.field == "embed_device"
    assert "default model" in str(info.value)
    auto = resolve_device(cfg.replace(embed_device="auto"))
    assert auto.device == "cpu" and auto.reason is not None and auto.reason.startswith("auto: ")
    with pytest.raises(InvalidInputError) as info:
        Embedder(cfg.replace(embed_device="cpu"), device=TORCH_ON_CPU)
    assert info.value.field == "embed_device"
    assert not (tmp_path / "cache").exists()


@no_cuda_only
async def test_auto_falls_back_to_the_cpu_and_says_so(tmp_path: Path) -> None:
    cfg = MemoryConfig(data_dir=tmp_path / "store", embed_device="auto")
    async with AsyncMemory(cfg) as mem:
        await mem.add_batch(["Alice likes green tea in the morning.", "The cat sat on the mat."], user_id="u")
        hits = await mem.search("what does Alice drink?", user_id="u", limit=1)
        assert hits[0].content == "Alice likes green tea in the morning."
        facts = (await mem.stats())["embedder"]
        got = await mem.embed(["Alice likes green tea in the morning."])
    assert facts["device"] == "cpu" and facts["device_requested"] == "auto"
    assert facts["device_reason"].startswith("auto: no CUDA")
    assert facts["engine"] == "onnxruntime" and facts["gpu"] is None
    # the CPU model itself: the same vectors as embed_device="cpu", the same settings
    cpu = get_embedder(cfg.replace(embed_device="cpu"))
    np.testing.assert_array_equal(got, cpu.embed_sync(["Alice likes green tea in the morning."]))
    assert facts["batch_size"] == cpu.stats()["batch_size"] and facts["int8_queries"] is True


def test_cpu_stats_name_the_device() -> None:
    facts = get_embedder(MemoryConfig()).stats()
    assert (facts["device"], facts["device_requested"], facts["device_reason"], facts["gpu"], facts["engine"]) == (
        "cpu", "cpu", None, None, "onnxruntime")


# --------------------------------------------------------------------------- the PyTorch encoder


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    pytest.importorskip("torch", reason='PyTorch is not installed (pip install "agentmem[gpu]")')
    return Embedder(MemoryConfig(embed_cache=False), device=TORCH_ON_CPU)


@needs_torch
def test_encoder_shape_is_read_from_the_graph() -> None:
    from agentmem.embed_torch import read_weights
    from agentmem.model_files import MODEL_FILE, ensure_model_folder

    folder = ensure_model_folder(MemoryConfig().cache_path, optimize=False).path
    weights, shape = read_weights(folder / MODEL_FILE)
    assert (shape.layers, shape.hidden, shape.heads, shape.intermediate) == (6, 384, 12, 1536)
    assert shape.vocab == 30522 and shape.max_positions == 512
    assert weights["encoder.layer.5.intermediate.dense.weight"].shape == (384, 1536)
    assert all(w.dtype == np.float32 for w in weights.values())


@needs_torch
def test_torch_encoder_matches_the_onnx_model(torch_embedder: Embedder) -> None:
    texts = real_texts()
    onnx = get_embedder(MemoryConfig(embed_cache=False))
    assert torch_embedder.token_counts(texts) == onnx.token_counts(texts)
    got, want = torch_embedder.embed_sync(texts), onnx.embed_sync(texts)
    assert got.shape == want.shape == (len(texts), 384) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cosine = (got * want).sum(axis=1)
    assert cosine.min() >= 0.999, f"lowest cosine {cosine.min():.6f} ({texts[int(cosine.argmin())]!r})"
    facts = torch_embedder.stats()
    assert (facts["engine"], facts["device"], facts["int8_queries"]) == ("torch", "cpu", False)


@needs_torch
def test_torch_vectors_do_not_depend_on_the_batch(torch_embedder: Embedder) -> None:
    texts = real_texts()[:40]
    together = torch_embedder.embed_sync(texts)
    alone = np.concatenate([torch_embedder.embed_sync([t]) for t in texts[:8]])
    assert ((together[:8] * alone).sum(axis=1)).min() >= 0.99999


@needs_torch
async def test_a_memory_on_the_torch_encoder(tmp_path: Path, torch_embedder: Embedder) -> None:
    """The whole path (add_batch, search with the query's embedding) on the PyTorch encoder."""
    turns = ["Alice likes green tea in the morning.", "The cat sat on the mat.", "Bob fixed the bike on Sunday."]
    async with AsyncMemory(MemoryConfig(data_dir=tmp_path / "store"), embedder=torch_embedder) as mem:
        await mem.add_batch(turns, user_id="u")
        hits = await mem.search("who repaired a bicycle?", user_id="u", limit=1, mode="vector")
        assert hits[0].content == "Bob fixed the bike on Sunday."
        assert (await mem.stats())["embedder"]["engine"] == "torch"


@pytest.mark.skipif(not CUDA, reason="no CUDA device here")
def test_cuda_matches_the_cpu_model() -> None:
    texts = real_texts()
    cuda = get_embedder(MemoryConfig(embed_cache=False, embed_device="cuda"))
    facts = cuda.stats()
    assert (facts["device"], facts["engine"], facts["batch_size"]) == ("cuda", "torch", 256) and facts["gpu"]
    cosine = (cuda.embed_sync(texts) * get_embedder(MemoryConfig(embed_cache=False)).embed_sync(texts)).sum(axis=1)
    assert cosine.min() >= 0.999


# --------------------------------------------------------------------------- the phase benchmark


def _bench(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentmem", "bench", "--dataset", "synthetic:20", "--phases", "p3", "--no-mem0",
         "--no-save", "--quiet", "--work-dir", str(tmp_path / "work"), *args],
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )


@no_cuda_only
def test_bench_embed_device_cuda_without_cuda_is_one_line(tmp_path: Path) -> None:
    proc = _bench(tmp_path, "--embed-device", "cuda", "--json", str(tmp_path / "out.json"))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("agentmem: error: embed_device: ") and len(proc.stderr.strip().splitlines()) == 1
    assert proc.stdout == "" and not (tmp_path / "out.json").exists() and not (tmp_path / "work").exists()


def test_bench_records_the_embed_device(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    proc = _bench(tmp_path, "--embed-device", "auto", "--no-references", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    device = data["machine"]["embed_device"]
    assert device["requested"] == "auto" and device["device"] == ("cuda" if CUDA else "cpu")
    assert data["phases"][0]["plan"]["config"]["embed_device"] == "auto"
    assert f"embedding on {device['device']}" in proc.stdout
