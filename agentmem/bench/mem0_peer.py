"""The optional Mem0 row: Mem0's own ``Memory.add(..., infer=False)`` on the same data and model.

Mem0 (``pip install 'agentmem[mem0]'``) is configured through its public config dict:
its ``fastembed`` embedder provider, a local Qdrant collection on a throwaway path,
its SQLite history in the same folder, and no LLM call (``infer=False`` stores each
text as given). Mem0's fastembed provider only takes a model *name*, so the same
int8 ONNX folder agentmem assembles is registered with fastembed under a name of its
own and laid out as a local Hugging Face cache (``refs/main`` + ``snapshots/<rev>``,
files linked, nothing downloaded) that fastembed resolves offline.

Mem0's telemetry is switched off (``MEM0_TELEMETRY=False``) before it is imported.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from ..config import DEFAULT_MODEL, MemoryConfig
from ..models import STAGES
from .datasets import DatasetItem
from .results import run_row
from .stats import percentile

__all__ = ["PEER_MODEL", "describe", "model_cache", "open_mem0", "run_add", "unavailable_reason"]

#: The name the shared ONNX folder is registered under for Mem0's fastembed provider.
PEER_MODEL = "agentmem-peer/all-MiniLM-L6-v2-int8"
_REVISION = "0" * 40

Progress = Callable[[str, int, int], None]


def unavailable_reason() -> str | None:
    """Why the Mem0 row cannot run here (None when it can)."""
    if importlib.util.find_spec("mem0") is None:
        return "mem0ai is not installed (pip install 'agentmem[mem0]')"
    return None


def describe(base: MemoryConfig) -> dict[str, Any]:
    try:
        version = metadata.version("mem0ai")
    except metadata.PackageNotFoundError:
        version = None
    return {
        "version": version,
        "mode": "Memory.add(text, user_id=..., metadata=..., infer=False), one call per memory",
        "embedder": f"fastembed provider, {PEER_MODEL} (the same files as {base.model}, not graph-optimized)",
        "vector_store": "qdrant, local path (on disk)",
        "history": "sqlite in the same folder",
    }


def model_cache(base: MemoryConfig, root: Path) -> Path:
    """The default model's plain folder, registered with fastembed as ``PEER_MODEL`` and laid
    out as a local hub cache under ``root``; returns ``root`` (Mem0's ``FASTEMBED_CACHE_PATH``)."""
    from ..model_files import ensure_model_folder, register_with_fastembed

    folder = ensure_model_folder(base.cache_path, optimize=False).path
    register_with_fastembed(PEER_MODEL, description="agentmem's default model folder, exposed to Mem0 as a local hub cache")
    return _hub_cache(root, folder)


def _hub_cache(root: Path, folder: Path) -> Path:
    """A Hugging Face cache layout under ``root`` whose snapshot links to ``folder``'s files."""
    repo = root / ("models--" + PEER_MODEL.replace("/", "--"))
    snap = repo / "snapshots" / _REVISION
    snap.mkdir(parents=True, exist_ok=True)
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(_REVISION)
    for src in folder.iterdir():
        dst = snap / src.name
        if src.is_file() and not dst.exists():
            try:
                os.symlink(src, dst)
            except OSError:
                import shutil

                shutil.copyfile(src, dst)
    return root


@contextmanager
def _env(**values: str) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def _quiet() -> Iterator[None]:
    """Mute the expected complaints (no spaCy, no BM25 download) while the peer runs."""
    import logging

    loggers = [logging.getLogger(name) for name in ("mem0", "mem0.vector_stores.qdrant", "mem0.utils")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR + 10)
    try:
        from loguru import logger as loguru_logger
    except ImportError:  # fastembed logs through loguru; without it there is nothing to mute
        loguru_logger = None
    if loguru_logger is not None:
        loguru_logger.disable("fastembed")
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
        if loguru_logger is not None:
            loguru_logger.enable("fastembed")


def open_mem0(path: Path, base: MemoryConfig) -> Any:
    """A Mem0 ``Memory`` in ``path`` using the same ONNX model as ``base`` (default model only)."""
    if base.model != DEFAULT_MODEL:
        raise ValueError(f"the Mem0 row supports the default model only, not {base.model!r}")
    os.environ.setdefault("MEM0_TELEMETRY", "False")
    from ..model_files import DIM

    path.mkdir(parents=True, exist_ok=True)
    cache = model_cache(base, path / "fastembed-cache")
    from mem0 import Memory as Mem0Memory

    config = {
        "embedder": {"provider": "fastembed", "config": {"model": PEER_MODEL, "embedding_dims": DIM}},
        "vector_store": {
            "provider": "qdrant",
            "config": {
                "collection_name": "bench",
                "path": str(path / "qdrant"),
                "embedding_model_dims": DIM,
                "on_disk": True,
            },
        },
        # never called with infer=False; a key is set so the client can be built offline
        "llm": {"provider": "openai", "config": {"api_key": "unused-infer-false", "model": "unused"}},
        "history_db_path": str(path / "history.db"),
    }
    with _env(FASTEMBED_CACHE_PATH=str(cache), HF_HUB_OFFLINE="1"):
        return Mem0Memory.from_config(config)


def _close(mem: Any) -> None:
    for closer in (getattr(getattr(mem, "vector_store", None), "client", None), getattr(mem, "db", None)):
        # best effort on a throwaway store
        with contextlib.suppress(Exception):
            if closer is not None and hasattr(closer, "close"):
                closer.close()


def run_add(
    items: Sequence[DatasetItem],
    path: Path,
    base: MemoryConfig,
    rep: int,
    progress: Progress | None,
    expected: int,
    *,
    search_queries: int = 50,
) -> dict[str, Any]:
    """Add every item with Mem0 (one ``add`` per memory, infer=False); time it; count the store.

    One throwaway add (then ``delete_all``) runs first, outside the timing: it loads the
    model, creates the collection, and lets Mem0's optional BM25 encoder (``Qdrant/bm25``,
    a hub download) fail once, offline, instead of inside the first timed call.
    """
    with _env(HF_HUB_OFFLINE="1"), _quiet():
        mem = open_mem0(path, base)
        try:
            return _timed_adds(mem, items, rep, progress, expected, search_queries)
        finally:
            _close(mem)


def _timed_adds(
    mem: Any, items: Sequence[DatasetItem], rep: int, progress: Progress | None, expected: int, search_queries: int
) -> dict[str, Any]:
    n = len(items)
    mem.add("warm up", user_id="__agentmem_warmup__", infer=False)
    mem.delete_all(user_id="__agentmem_warmup__")
    if progress:
        progress("mem0", 0, n)
    walls: list[float] = []
    step = max(1, n // 100)
    cpu0 = time.process_time()
    start = time.perf_counter()
    for i, item in enumerate(items, start=1):
        t0 = time.perf_counter()
        mem.add(item.text, user_id=item.user_id, metadata=dict(item.metadata), infer=False)
        walls.append((time.perf_counter() - t0) * 1000.0)
        if progress and (i % step == 0 or i == n):
            progress("mem0", i, n)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    stored = _count(mem)
    search_ms: list[float] = []
    for item in list(items[:: max(1, n // search_queries)])[:search_queries]:
        t0 = time.perf_counter()
        mem.search(item.text, filters={"user_id": item.user_id}, top_k=10)
        search_ms.append((time.perf_counter() - t0) * 1000.0)
    return {
        **run_row("mem0", rep, n, expected, wall, walls, dict.fromkeys(STAGES)),
        "cpu_s": cpu,
        "stored": stored,
        "stored_ok": stored == n,  # Mem0 with infer=False does not deduplicate
        "search_p50_ms": percentile(search_ms, 50),
        "search_p95_ms": percentile(search_ms, 95),
    }


def _count(mem: Any) -> int | None:
    """Points in Mem0's Qdrant collection."""
    store = getattr(mem, "vector_store", None)
    client = getattr(store, "client", None)
    name = getattr(store, "collection_name", None)
    if client is None or name is None:
        return None
    try:
        return int(client.count(collection_name=name, exact=True).count)
    except Exception:  # noqa: BLE001 - a count the peer cannot give is reported as unknown
        return None
