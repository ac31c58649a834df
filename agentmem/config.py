"""Settings for a :class:`~agentmem.Memory`: one frozen object with a default for everything.

The write-path switches map onto the optimization phases of the AgentMem plan
(see ``agentmem.bench.phases``): ``persist_records`` (libSQL on/off),
``concurrent_writes`` (2A), ``batch_concurrency`` (2B), ``pool_size`` (2C), and
the ones beyond the plan: ``length_aware``, ``pipeline``, ``embed_cache``.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import InvalidInputError

__all__ = ["MemoryConfig", "DEFAULT_MODEL", "SEARCH_MODES", "FUSIONS", "REMOTE_SCHEMES"]

#: The offline default: all-MiniLM-L6-v2 as int8 ONNX, shipped by pip packages.
DEFAULT_MODEL = "agentmem/all-MiniLM-L6-v2-int8"
SEARCH_MODES = ("hybrid", "vector", "fts")
#: How hybrid search merges its two lists (agentmem.fusion).
FUSIONS = ("minmax", "rrf", "adaptive")
REMOTE_SCHEMES = ("libsql", "http", "https", "ws", "wss")

SearchMode = Literal["hybrid", "vector", "fts"]


@dataclass(frozen=True, kw_only=True)
class MemoryConfig:
    """Every knob of a Memory. ``MemoryConfig()`` is a sensible, fast default.

    Storage
        data_dir: folder holding ``vectors/`` (LanceDB) and ``records.db`` (libSQL).
        records_url: a libSQL URL; ``None`` means ``file:<data_dir>/records.db``.
            ``libsql://``, ``http(s)://`` and ``ws(s)://`` reach a libSQL server.
        records_auth_token: token for a remote libSQL server.
        busy_timeout_ms: how long a libSQL write waits for a lock held by another writer.

    Embedding
        model: fastembed model name; the default loads offline from pip packages.
        model_cache_dir: where the assembled model folder lives (default
            ``$AGENTMEM_CACHE`` or ``~/.cache/agentmem``).
        embed_threads: onnxruntime intra-op threads (``None``: all cores).
        embed_batch_size: most texts in one model call.
        embed_token_budget: most padded tokens (texts x longest) in one model call.
        length_aware: sort texts by token length before batching (padding is waste).
        embed_cache: reuse vectors of texts already embedded (by content hash).
        embed_cache_size: entries kept in that cache.
        optimize_model: apply onnxruntime graph optimizations to the model once, cached.

    Write path
        persist_records: write the libSQL records and history (off: vectors only, phase p1).
        concurrent_writes: write vectors and records at the same time (phase 2A).
        batch_concurrency: batches in flight in ``AsyncMemory.add_many`` (phase 2B).
        pool_size: libSQL clients in the pool (phase 2C; 1 = one client).
        pipeline: embed chunk n+1 while chunk n is being written.
        chunk_size: memories per write chunk inside one ``add_batch``.
        dedupe: same text in the same scope returns the existing id (event NOOP).
        write_history: record ADD/UPDATE/DELETE events.
        page_size: memories per page of the whole-store operations (``export``,
            ``import_``, ``delete_all``, ``verify``, ``repair``, ``iter_all``): their
            memory use follows this, not the store's size.

    Search and upkeep
        search_mode: default mode of ``search``.
        hybrid_fusion: how hybrid search merges the vector and full-text lists: ``minmax``
            (each list's scores scaled to [0, 1], then weighted), ``rrf`` (reciprocal rank)
            or ``adaptive`` (min-max, weights moved to the more confident side per query);
            see agentmem.fusion.
        hybrid_vector_weight: weight of the vector side in ``minmax`` fusion (full text gets the rest).
        rrf_k: the k of reciprocal-rank fusion.
        hybrid_candidates: how many hits each side contributes before fusion (at least ``limit``).
        compact_every: appends between LanceDB compactions.
        ann_index_min_rows: rows before an ANN vector index is built.
        core_block_limit: default character limit of a core block.
    """

    data_dir: str | os.PathLike[str] = "data/agentmem"
    records_url: str | None = None
    records_auth_token: str | None = None
    busy_timeout_ms: int = 10_000

    model: str = DEFAULT_MODEL
    model_cache_dir: str | os.PathLike[str] | None = None
    embed_threads: int | None = None
    embed_batch_size: int = 16
    embed_token_budget: int = 2048
    length_aware: bool = True
    embed_cache: bool = True
    embed_cache_size: int = 20_000  # ~1.6 KB a vector: ~30 MB at most per Memory
    optimize_model: bool = True

    persist_records: bool = True
    concurrent_writes: bool = True
    batch_concurrency: int = 4
    pool_size: int = 4
    pipeline: bool = True
    chunk_size: int = 512  # larger chunks sort better by length; 512 still pipelines (BENCHMARKS.md)
    dedupe: bool = True
    write_history: bool = True
    page_size: int = 5_000

    search_mode: SearchMode = "hybrid"
    # minmax, 0.4, 50 candidates: kept by 2-fold cross-validation on the LoCoMo dev split
    # (agentmem eval --cv 2, BENCHMARKS.md, retrieval). 100 candidates adds ~0.015 recall@10
    # but costs +6.5 % search p50 (+10 % with the context): over the 10 % budget.
    hybrid_fusion: Literal["minmax", "rrf", "adaptive"] = "minmax"
    hybrid_vector_weight: float = 0.4
    rrf_k: int = 60
    hybrid_candidates: int = 50
    compact_every: int = 64
    ann_index_min_rows: int = 100_000
    core_block_limit: int = 2_000

    def __post_init__(self) -> None:
        for name in (
            "busy_timeout_ms",
            "embed_batch_size",
            "embed_token_budget",
            "embed_cache_size",
            "batch_concurrency",
            "pool_size",
            "chunk_size",
            "page_size",
            "rrf_k",
            "hybrid_candidates",
            "compact_every",
            "ann_index_min_rows",
            "core_block_limit",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidInputError(name, f"must be a positive integer, got {value!r}")
        if self.embed_threads is not None and (
            isinstance(self.embed_threads, bool)
            or not isinstance(self.embed_threads, int)
            or self.embed_threads < 1
        ):
            raise InvalidInputError("embed_threads", f"must be None or a positive integer, got {self.embed_threads!r}")
        for name in (
            "length_aware",
            "embed_cache",
            "optimize_model",
            "persist_records",
            "concurrent_writes",
            "pipeline",
            "dedupe",
            "write_history",
        ):
            if not isinstance(getattr(self, name), bool):
                raise InvalidInputError(name, f"must be True or False, got {getattr(self, name)!r}")
        if self.hybrid_fusion not in FUSIONS:
            raise InvalidInputError("hybrid_fusion", f"must be one of {', '.join(FUSIONS)}, got {self.hybrid_fusion!r}")
        w = self.hybrid_vector_weight
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not 0.0 <= w <= 1.0:
            raise InvalidInputError("hybrid_vector_weight", f"must be a number between 0 and 1, got {w!r}")
        if self.search_mode not in SEARCH_MODES:
            raise InvalidInputError("search_mode", f"must be one of {', '.join(SEARCH_MODES)}, got {self.search_mode!r}")
        if not isinstance(self.model, str) or not self.model.strip():
            raise InvalidInputError("model", "must be a non-empty model name")
        if not isinstance(self.data_dir, (str, os.PathLike)) or not str(self.data_dir).strip():
            raise InvalidInputError("data_dir", "must be a non-empty path")
        if self.records_url is not None:
            if not isinstance(self.records_url, str):
                raise InvalidInputError("records_url", "must be a string URL or None")
            scheme = self.records_url.split(":", 1)[0].lower() if ":" in self.records_url else ""
            if scheme not in ("file", *REMOTE_SCHEMES):
                raise InvalidInputError(
                    "records_url",
                    f"unsupported scheme {scheme or '(none)'!r}; use file:, libsql://, http(s):// or ws(s)://",
                )

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def vectors_path(self) -> Path:
        return self.data_path / "vectors"

    @property
    def resolved_records_url(self) -> str:
        """The libSQL URL actually used: ``records_url`` or the embedded file under ``data_dir``."""
        if self.records_url is not None:
            return self.records_url
        return "file:" + str((self.data_path / "records.db").resolve())

    @property
    def cache_path(self) -> Path:
        if self.model_cache_dir is not None:
            return Path(self.model_cache_dir).expanduser()
        env = os.environ.get("AGENTMEM_CACHE")
        if env:
            return Path(env).expanduser()
        return Path.home() / ".cache" / "agentmem"

    def replace(self, **changes: Any) -> MemoryConfig:
        """A copy with some fields changed (validated again)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise InvalidInputError(sorted(unknown)[0], "is not a MemoryConfig field")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        for key in ("data_dir", "model_cache_dir"):
            if out[key] is not None:
                out[key] = str(out[key])
        out.pop("records_auth_token", None)  # never write secrets into results files
        return out
