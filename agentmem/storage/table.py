"""The LanceDB table: its schema, rows as Arrow, errors translated at the boundary, and
opening (creating or migrating) the one table a vector store holds.

Every LanceDB call of the storage modules goes through :func:`guard` (or
:func:`guard_retried` for reads that upkeep's version cleanup can race), so a caller only
ever sees ``VectorStoreError``.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import lancedb
import numpy as np
import pyarrow as pa
from lancedb.index import FTS, Bitmap, BTree, IvfPq, LabelList

from ..config import is_uri, redact_secrets, redact_url
from ..errors import AgentMemError, VectorStoreError
from .base import NewMemory
from .batch import Batch

__all__ = [
    "BLOCK_COLUMNS",
    "FTS_COLUMN",
    "RESULT_COLUMNS",
    "TABLE",
    "block_rows",
    "connect_options",
    "describe",
    "fts_config",
    "guard",
    "guard_retried",
    "has_vector_index",
    "ivf_pq",
    "list_tables",
    "open_guard",
    "open_table",
    "schema",
    "session",
    "to_arrow",
    "upkeep_facts",
]

T = TypeVar("T")
TABLE = "memories"
#: The full-text index is on this column (a memory's context + content, see NewMemory.index_text).
FTS_COLUMN = "search_text"
#: The columns a search hit returns (and a scope block keeps as Arrow).
RESULT_COLUMNS = ["id", "content", "user_id", "agent_id", "run_id", "memory_type", "metadata", "created_at"]
BLOCK_COLUMNS = [*RESULT_COLUMNS, "vector", FTS_COLUMN]  # what a scope block is built from

_SESSION: Any = None


def session() -> Any:
    """One LanceDB session per process with bounded caches (LanceDB's defaults allow GBs
    of index cache; scope-only searches do not use it, see scopes.py)."""
    global _SESSION
    if _SESSION is None:
        _SESSION = lancedb.Session(index_cache_size_bytes=256 << 20, metadata_cache_size_bytes=64 << 20)
    return _SESSION


def schema(dim: int) -> pa.Schema:
    return pa.schema([
        pa.field("id", pa.string(), nullable=False),
        pa.field("vector", pa.list_(pa.float32(), dim)),
        pa.field("content", pa.string()),
        pa.field("hash", pa.string()),
        pa.field("user_id", pa.string()),
        pa.field("agent_id", pa.string()),
        pa.field("run_id", pa.string()),
        pa.field("memory_type", pa.string()),
        pa.field("created_at", pa.int64()),  # microseconds since the epoch, UTC
        pa.field("metadata", pa.string()),  # the whole dict as JSON, returned with hits
        pa.field("meta_kv", pa.list_(pa.string())),  # key=<json> per scalar entry, for filters
        pa.field("search_text", pa.string()),  # what full-text search sees: context + content
    ])


def fts_config() -> FTS:
    """The full-text index: words lower-cased, ASCII-folded, English-stemmed, stop words out,
    no positions (no phrase queries). Each option measured per category in BENCHMARKS.md
    (retrieval): stemming +0.03 and stop-word removal +0.035 recall@10 for full text alone."""
    return FTS(with_position=False, base_tokenizer="simple", language="English", lower_case=True,
               stem=True, remove_stop_words=True, ascii_folding=True)


def ivf_pq(rows: int, dim: int) -> tuple[IvfPq, int]:
    """The ANN index for a table of ``rows`` and its partition count.

    ~4k rows a partition, 20 k-means iterations on 64 samples a partition: the build runs
    in the background on shared cores, and sqrt(rows) partitions with LanceDB's defaults
    take minutes at 100k rows (scoped searches never need the index). dim/4 sub-vectors
    (96 bytes a row for MiniLM): dim/8 lost too much for the refine step to recover on
    real-model vectors (``VectorStore.search_vector``)."""
    partitions = max(1, min(int(math.sqrt(rows)), rows // 4096))
    config = IvfPq(distance_type="cosine", num_partitions=partitions, num_sub_vectors=dim // 4,
                   max_iterations=20, sample_rate=64)
    return config, partitions


async def guard(what: str, call: Callable[[], Awaitable[T]]) -> T:
    """Run a LanceDB call and translate its errors into VectorStoreError."""
    try:
        return await call()
    except AgentMemError:
        raise
    except Exception as exc:  # lancedb raises RuntimeError, ValueError, OSError, lance errors...
        raise VectorStoreError(f"LanceDB {what} failed: {exc}") from exc


async def guard_retried(what: str, call: Callable[[], Awaitable[T]]) -> T:
    """``guard`` for reads of the version list and table stats: upkeep's version cleanup
    may delete a manifest between LanceDB listing it and reading it ("..._versions/N.manifest
    not found"), so such a read is tried again before it counts as a failure."""
    for attempt in range(3):
        try:
            return await guard(what, call)
        except VectorStoreError:
            await asyncio.sleep(0.05 * (attempt + 1))
    return await guard(what, call)


def _fragments(stats: Any) -> tuple[int, int, int]:
    """(rows, fragments, small fragments) of ``table.stats()``, an object or a dict."""
    frag = stats.fragment_stats if hasattr(stats, "fragment_stats") else stats["fragment_stats"]
    get = (lambda o, k: getattr(o, k)) if hasattr(frag, "num_fragments") else (lambda o, k: o[k])
    rows = int(stats.num_rows if hasattr(stats, "num_rows") else stats["num_rows"])
    return rows, int(get(frag, "num_fragments")), int(get(frag, "num_small_fragments"))


async def upkeep_facts(table: Any) -> dict[str, Any]:
    """Rows, fragments, rows the full-text or vector index does not cover, whether a vector
    index exists, and the version: what the upkeep policy decides on (upkeep.py)."""
    rows, fragments, small = _fragments(await guard("stats", lambda: table.stats()))
    indices = await guard("list indexes", lambda: table.list_indices())
    unindexed = 0
    has_vector = False
    for idx in indices:
        if "vector" in idx.columns:
            has_vector = True
        if idx.index_type in ("FTS", "IVF_PQ") or "vector" in idx.columns:
            st = await guard("index stats", lambda n=idx.name: table.index_stats(n))
            if st is not None:
                unindexed = max(unindexed, int(st.num_unindexed_rows))
    version = int(await guard("version", lambda: table.version()))
    return {"rows": rows, "fragments": fragments, "small_fragments": small, "unindexed_rows": unindexed,
            "has_vector_index": has_vector, "version": version}


async def has_vector_index(table: Any) -> bool:
    indices = await guard("list indexes", lambda: table.list_indices())
    return any("vector" in idx.columns for idx in indices)


async def describe(table: Any) -> dict[str, Any]:
    """The table's version, version count, fragments and indexes (for stats)."""
    stats = await guard_retried("stats", lambda: table.stats())
    version = await guard_retried("version", lambda: table.version())
    versions = await guard_retried("versions", lambda: table.list_versions())
    indices = await guard_retried("list indexes", lambda: table.list_indices())
    _, fragments, small = _fragments(stats)
    return {
        "version": int(version),
        "versions": len(versions),
        "fragments": fragments,
        "small_fragments": small,
        "indices": [{"name": i.name, "type": i.index_type, "columns": list(i.columns)} for i in indices],
    }


async def list_tables(uri: str, opts: dict[str, str] | None) -> Any:
    db = await lancedb.connect_async(uri, storage_options=opts)
    return await db.list_tables()


def connect_options(uri: str, storage_options: Mapping[str, str] | None) -> dict[str, str] | None:
    """storage_options for LanceDB: the caller's, plus bounded timeouts on an object store
    (an unreachable endpoint fails in seconds, not after LanceDB's default 3 minutes).
    Options left out come from the environment variables LanceDB reads."""
    if not is_uri(uri) or uri.startswith("file://"):
        return dict(storage_options) if storage_options else None
    opts = {"connect_timeout": "5s", "client_retry_timeout": "30"}
    opts.update(storage_options or {})
    return opts


async def open_guard(uri: str, options: Mapping[str, str] | None, call: Callable[[], Awaitable[T]]) -> T:
    """Connecting/opening: an engine error becomes a VectorStoreError naming the setting to
    fix (vectors_uri for a bad URI or a missing bucket, storage_options for credentials or an
    unreachable endpoint), with every secret value taken out of the message."""
    try:
        return await call()
    except AgentMemError as exc:
        if isinstance(exc, VectorStoreError) and exc.setting:
            raise
        msg, cause = str(exc), exc
    except Exception as exc:  # noqa: BLE001 - every engine error is mapped to the setting to fix
        msg, cause = str(exc), exc
    text = msg.lower()
    if any(w in text for w in ("nosuchbucket", "bucket does not exist", "could not parse", "invalid url", "relative url")):
        setting = "vectors_uri"
        what = "the bucket does not exist" if "bucket" in text and "parse" not in text else "malformed URI"
    elif any(w in text for w in ("accessdenied", "access denied", "invalidaccesskeyid", "signaturedoesnotmatch",
                                 "403", "401", "forbidden", "credential", "unauthorized")):
        setting, what = "storage_options", "the object store refused the credentials"
    elif any(w in text for w in ("connect", "dns", "timed out", "timeout", "error sending request", "unreachable")):
        setting, what = "storage_options", "the object-store endpoint cannot be reached"
    else:
        setting, what = "vectors_uri", "LanceDB could not open the table"
    detail = redact_secrets(msg, options)[:600]
    raise VectorStoreError(f"{what} ({redact_url(uri)}): {detail}", setting=setting) from cause


def _string_lists(lists: Sequence[list[str]]) -> pa.ListArray:
    """A list<string> column from offsets and one flat array (much faster than nested
    lists); rows sharing one list (one metadata dict for a batch) cost no Python each."""
    n = len(lists)
    first = lists[0] if n else []
    if all(x is first for x in lists):
        offsets = np.arange(n + 1, dtype=np.int32) * len(first)
        flat = pa.array(first * n if first else [], pa.string())
        return pa.ListArray.from_arrays(pa.array(offsets), flat)
    offsets = [0]
    flat_list: list[str] = []
    for values in lists:
        flat_list.extend(values)
        offsets.append(len(flat_list))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(flat_list, pa.string()))


def to_arrow(items: Sequence[NewMemory], vectors: np.ndarray, dim: int) -> pa.Table:
    """The memories (a Batch, or any sequence of NewMemory) and their vectors as rows of the
    table, one Arrow array per column."""
    b = Batch.of(items)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    flat = pa.array(vectors.reshape(-1), type=pa.float32())
    return pa.Table.from_arrays(
        [
            pa.array(b.ids, pa.string()),
            pa.FixedSizeListArray.from_arrays(flat, dim),
            pa.array(b.contents, pa.string()),
            pa.array(b.hashes, pa.string()),
            pa.array(b.user_ids, pa.string()),
            pa.array(b.agent_ids, pa.string()),
            pa.array(b.run_ids, pa.string()),
            pa.array(b.memory_types, pa.string()),
            pa.array(b.created_us, pa.int64()),
            pa.array(b.metadata_json, pa.string()),
            _string_lists(b.meta_kv),
            pa.array(b.search_texts, pa.string()),
        ],
        schema=schema(dim),
    )


def block_rows(tbl: pa.Table, dim: int) -> tuple[pa.Table, np.ndarray, list[str]]:
    """Rows read with ``BLOCK_COLUMNS`` as a scope block takes them: the hit columns,
    float32 vectors (quantized by the block, blocks.py) and the full text of each row."""
    vec_col = tbl.column("vector").combine_chunks()
    flat = vec_col.values.to_numpy(zero_copy_only=False) if len(vec_col) else np.zeros(0, np.float32)
    texts = [t or "" for t in tbl.column(FTS_COLUMN).to_pylist()]
    return tbl.select(RESULT_COLUMNS).combine_chunks(), flat.reshape(len(vec_col), dim), texts


async def open_table(db: Any, dim: int) -> Any:
    """The table of this store, created with its indexes if absent, migrated if older."""
    listing = await guard("list tables", lambda: db.list_tables())
    if TABLE in listing.tables:
        table = await guard("open table", lambda: db.open_table(TABLE))
        found = (await table.schema()).field("vector").type
        if getattr(found, "list_size", dim) != dim:
            raise VectorStoreError(
                f"the vector table holds {found.list_size}-dimensional vectors but the model makes {dim}; "
                "use another data_dir or the same model"
            )
        await migrate(table)
        return table
    table = await guard("create table", lambda: db.create_table(TABLE, schema=schema(dim), exist_ok=True))
    # Indexes on an empty table are cheap and cover the rows appended later:
    # rows not yet indexed are searched by a flat scan until the next optimize().
    await guard("create FTS index", lambda: table.create_index(FTS_COLUMN, config=fts_config()))
    for column, config in (
        ("id", BTree()), ("user_id", BTree()), ("agent_id", BTree()), ("run_id", BTree()),
        ("memory_type", Bitmap()), ("meta_kv", LabelList()),
    ):
        await guard(f"create {column} index", lambda c=column, cf=config: table.create_index(c, config=cf))
    return table


async def migrate(table: Any) -> None:
    """Bring a table written by an older version up to the current schema: a table
    without ``search_text`` gets it (filled from ``content``) and its full-text index
    moves there. Idempotent; the data of every row is kept."""
    names = (await table.schema()).names
    if FTS_COLUMN not in names:
        await guard("add search_text column", lambda: table.add_columns({FTS_COLUMN: "content"}))
    indices = await guard("list indexes", lambda: table.list_indices())
    if not any(FTS_COLUMN in idx.columns for idx in indices):
        for idx in indices:
            if idx.index_type == "FTS" and "content" in idx.columns:
                await guard("drop old FTS index", lambda n=idx.name: table.drop_index(n))
        await guard("create FTS index", lambda: table.create_index(FTS_COLUMN, config=fts_config()))
