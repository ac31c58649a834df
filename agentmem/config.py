"""Settings for a :class:`~agentmem.Memory`: one frozen object with a default for everything.

The write-path switches map onto the optimization phases of the AgentMem plan
(see ``agentmem.bench.phases``): ``persist_records`` (libSQL on/off),
``concurrent_writes`` (2A), ``batch_concurrency`` (2B), ``pool_size`` (2C), and
the ones beyond the plan: ``length_aware``, ``pipeline``, ``embed_cache``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import InvalidInputError

__all__ = [
    "DATA_DIR_ENV",
    "DEFAULT_DATA_DIR",
    "DEFAULT_MODEL",
    "EMBED_DEVICES",
    "FUSIONS",
    "REMOTE_SCHEMES",
    "SEARCH_MODES",
    "MemoryConfig",
    "default_data_dir",
]

#: Where a store lives when nothing else is said: ``MemoryConfig()``, the workbench and the
#: ``agentmem`` store commands all use it (relative to the current folder).
DEFAULT_DATA_DIR = "data/agentmem"
#: The environment variable that moves the workbench's and the command line's default store.
DATA_DIR_ENV = "AGENTMEM_DATA_DIR"


def default_data_dir() -> str:
    """``$AGENTMEM_DATA_DIR`` or ``data/agentmem``: the data directory the workbench opens first and
    the ``agentmem`` store commands use without ``--data-dir``."""
    return os.environ.get(DATA_DIR_ENV, "").strip() or DEFAULT_DATA_DIR


#: The offline default: all-MiniLM-L6-v2 as int8 ONNX, shipped by pip packages.
DEFAULT_MODEL = "agentmem/all-MiniLM-L6-v2-int8"
SEARCH_MODES = ("hybrid", "vector", "fts")
#: How hybrid search merges its two lists (agentmem.fusion).
FUSIONS = ("calibrated", "minmax", "rrf", "adaptive")
REMOTE_SCHEMES = ("libsql", "http", "https", "ws", "wss")
#: Where the embedding model runs (MemoryConfig.embed_device).
EMBED_DEVICES = ("cpu", "cuda", "auto")

#: Object stores LanceDB opens (besides a local folder).
VECTOR_SCHEMES = ("s3", "s3+ddb", "gs", "az", "abfs", "file", "memory")
#: storage_options keys whose values are secret (matched as substrings, lower case).
_SECRET_HINTS = ("secret", "token", "password", "key", "credential", "sas", "signature", "session")

SearchMode = Literal["hybrid", "vector", "fts"]


def is_uri(text: str) -> bool:
    """``scheme://...`` (a folder path is not)."""
    head, sep, _ = text.partition("://")
    return bool(sep) and head.replace("+", "").isalnum()


def is_secret_option(key: str) -> bool:
    k = key.lower()
    return any(hint in k for hint in _SECRET_HINTS)


def masked_options(options: Mapping[str, str] | None) -> dict[str, str] | None:
    """storage_options fit to show: secret values replaced by ``***``."""
    if options is None:
        return None
    return {k: ("***" if is_secret_option(k) else v) for k, v in options.items()}


def redact_url(url: str) -> str:
    """A URL without user info or query string (where tokens hide)."""
    head, sep, rest = url.partition("://")
    if not sep:
        return url.split("?", 1)[0]
    host, slash, path = rest.partition("/")
    if "@" in host:
        host = "***@" + host.rsplit("@", 1)[1]
    return f"{head}://{host}{slash}{path}".split("?", 1)[0]


def redact_secrets(text: str, options: Mapping[str, str] | None, *extra: str | None) -> str:
    """``text`` with every secret value of ``options`` (and ``extra`` secrets) replaced by ``***``."""
    secrets = [v for k, v in (options or {}).items() if is_secret_option(k) and isinstance(v, str)]
    secrets += [s for s in extra if s]
    for s in sorted(secrets, key=len, reverse=True):
        if len(s) >= 3:
            text = text.replace(s, "***")
    for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GOOGLE_SERVICE_ACCOUNT_KEY", "AZURE_STORAGE_ACCOUNT_KEY"):
        env = os.environ.get(name)
        if env and len(env) >= 3:
            text = text.replace(env, "***")
    return text


@dataclass(frozen=True, kw_only=True)
class MemoryConfig:
    """Every knob of a Memory. ``MemoryConfig()`` is a sensible, fast default.

    Storage
        data_dir: folder holding ``vectors/`` (LanceDB) and ``records.db`` (libSQL).
        records_url: a libSQL URL; ``None`` means ``file:<data_dir>/records.db``.
            ``libsql://``, ``http(s)://`` and ``ws(s)://`` reach a libSQL server.
        records_auth_token: token for a remote libSQL server.
        vectors_uri: where the LanceDB table lives: ``None`` means ``<data_dir>/vectors``; an
            object-store URI (``s3://bucket/prefix``, ``gs://``, ``az://``) or a local folder.
        storage_options: passed to LanceDB for ``vectors_uri`` (``endpoint``, ``region``,
            ``allow_http``, credentials...); unset keys come from the environment variables
            LanceDB reads (``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT``...). Secret values never
            appear in ``repr``, ``to_dict``, ``stats()`` or error messages.
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
        int8_queries: with ``optimize_model``, embed search queries with an int8 copy of
            the model (built once, cached; see ``agentmem.model_files``): a 12-token query in
            3.7 ms instead of 5.5 on 2 cores, LoCoMo dev retrieval unchanged. Stored
            memories are always embedded by the float graph.
        embed_device: where the model runs: ``"cpu"`` (onnxruntime, the default),
            ``"cuda"`` (the default model's weights in a PyTorch encoder on the first CUDA
            device, see ``agentmem.embed_torch``; needs ``pip install "agentmem[gpu]"``; other
            models run on the CPU only) or ``"auto"`` (CUDA when it can, else the CPU;
            ``stats()["embedder"]["device"]`` says which and ``["device_reason"]`` why). ``"cuda"`` where no CUDA device is usable fails when the Memory
            opens, with InvalidInputError naming ``embed_device``, before anything is written.
            On CUDA, ``embed_batch_size`` and ``embed_token_budget`` left at their defaults
            become 256 texts and 16,384 padded tokens a model call, search queries are
            embedded by the same encoder (``int8_queries`` is a CPU speed-up) and
            ``embed_threads`` does not apply. The default is ``"cpu"`` and not ``"auto"``:
            the vectors agree to cosine 0.99999 but are not bit-identical, the encoder
            imports PyTorch (seconds, hundreds of megabytes), and a store written on one
            machine keeps the same model, speed and figures on the next unless asked.

    Write path
        persist_records: write the libSQL records and history (off: vectors only, phase p1).
            Off, the vector table is the only copy of each memory and every read uses it
            (``get``, ``get_all``, ``iter_all``, ``count``, ``search``, ``export``, ``stats``;
            ``updated_at`` reads as ``created_at``, the table keeps no update time);
            ``history()`` raises RecordStoreError with ``setting="persist_records"``, as no
            history is kept; core blocks still live in the records store.
        concurrent_writes: write vectors and records at the same time (phase 2A).
        batch_concurrency: batches in flight in ``AsyncMemory.add_many`` (phase 2B).
        pool_size: libSQL clients in the pool (phase 2C; 1 = one client).
        pipeline: embed chunk n+1 while chunk n is being written.
        chunk_size: memories per write chunk inside one ``add_batch``.
        dedupe: same text in the same scope returns the existing id (event NOOP). With
            records off, ``False`` stores repeats as rows of their own; the records store
            keeps one memory per text and scope either way (a unique index), so there
            ``False`` only skips the lookup before the write.
        write_history: record ADD/UPDATE/DELETE events.
        page_size: memories per page of the whole-store operations (``export``,
            ``import_``, ``delete_all``, ``verify``, ``repair``, ``iter_all``): their
            memory use follows this, not the store's size.
        message_context_turns: turns said before a chat message that ``add(messages)``
            puts in its context (0-10; full-text search only, see ``AsyncMemory.add``).

    Search and upkeep
        search_mode: default mode of ``search``.
        hybrid_fusion: how hybrid search merges the vector and full-text lists:
            ``calibrated`` (the default: cosine and full-text scores that mean the same for
            every query, weighted and summed), ``minmax`` (each list's scores scaled to
            [0, 1] by its own min and max, then weighted), ``rrf`` (reciprocal rank) or
            ``adaptive`` (min-max, weights moved to the more confident side per query);
            see agentmem.fusion.
        hybrid_vector_weight: weight of the vector side in ``calibrated`` and ``minmax``
            fusion (full text gets the rest).
        hybrid_vector_floor: ``calibrated``: the cosine below which a memory has no vector
            evidence (0 to 0.9); a hybrid hit with no evidence on either side is not returned.
        hybrid_text_half_rows: ``calibrated``: the scope size (memories) at which full text
            gets half of its weight ``1 - hybrid_vector_weight``: it weighs less among a
            handful of memories, where a shared word is chance (see agentmem.fusion).
        fts_turn_weight: full-text evidence a memory stored without a context gets from the
            one stored just before it in its scope (and the square of it from the one before
            that): in a conversation stored in order, the turn before is often what a
            question matches (0 to 1; scope searches answered from memory, see
            ``ScopeIndex.fts``).
        vector_centering: the share of the scope's mean vector taken from the query and
            every memory before their cosine (0 to 1; scope searches answered from memory,
            see ``ScopeIndex.vector``): what all memories of a user share, such as the name
            in every fact, stops drawing them all towards every question that names it.
            The defaults of these five settings were chosen by cross-validation over
            LoCoMo, a small-store facts set and long-answer chats (BENCHMARKS.md, retrieval).
        rrf_k: the k of reciprocal-rank fusion.
        hybrid_candidates: how many hits each side contributes before fusion (at least ``limit``).
        compact_every: small LanceDB fragments that make a background compaction due
            (with enough new rows; see storage/upkeep.py). Writers never wait for it.
        write_behind_rows: adds of at most this many new memories return once the records
            store has committed them with their vectors; the LanceDB append follows in a
            group (replayed on open after a kill). 0: every add waits for LanceDB.
        embed_behind: with write-behind, such an add returns once the records store has
            committed the memory, before it is embedded: the embedding follows at once in
            the background, batched with whatever else is waiting, and the next search
            embeds anything still waiting together with its query, so every search finds
            it. At most 64 wait; a kill before the embedding is replayed on open.
        ann_index_min_rows: rows before an ANN vector index is built.
        core_block_limit: default character limit of a core block.
        llm_base_url: an OpenAI-compatible endpoint (``https://api.openai.com/v1``, a local
            llama.cpp or vLLM server's ``http://127.0.0.1:8080/v1``) that ``add(messages,
            infer=True)`` asks for facts; None: infer is refused. The key comes only from the
            environment variable ``AGENTMEM_LLM_API_KEY`` (agentmem.llm), never from here.
        llm_model: the model name sent with each request.
        llm_timeout_s: seconds one request may take before it counts as a timeout.
        llm_concurrency: requests in flight at once (a server with continuous batching
            serves several together).
        llm_max_retries: further attempts after a failed one (timeout, 5xx, bad output).
        llm_fallback: ``"error"``: a call that still fails raises LLMError naming the
            cause; ``"store"``: the messages are stored as they are instead.
        llm_max_tokens: the most tokens one answer may have.
        llm_related: how many of the scope's most related memories the model is shown.
        llm_events: the decisions the model may make, any of ``"ADD"``, ``"UPDATE"``,
            ``"DELETE"`` and ``"NOOP"`` (a list is taken and kept as a tuple). The answer's
            schema allows only these (and only the ids they can name), and an answer with
            another one is refused as ``schema``: ``("ADD", "NOOP")`` only ever adds facts,
            ``("ADD", "UPDATE", "NOOP")`` never deletes. With no ADD and no related
            memory there is nothing to decide, and no request is made.
    """

    data_dir: str | os.PathLike[str] = DEFAULT_DATA_DIR
    records_url: str | None = None
    records_auth_token: str | None = field(default=None, repr=False)
    vectors_uri: str | None = None
    storage_options: Mapping[str, str] | None = field(default=None, hash=False, repr=False)
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
    int8_queries: bool = True
    embed_device: Literal["cpu", "cuda", "auto"] = "cpu"

    persist_records: bool = True
    concurrent_writes: bool = True
    batch_concurrency: int = 4
    pool_size: int = 4
    pipeline: bool = True
    chunk_size: int = 512  # larger chunks sort better by length; 512 still pipelines (BENCHMARKS.md)
    dedupe: bool = True
    write_history: bool = True
    page_size: int = 5_000
    # add(messages): the two messages before each one, with the session date, become its
    # full-text context (BENCHMARKS.md, retrieval quality: add(messages) against plain add_batch)
    message_context_turns: int = 2

    search_mode: SearchMode = "hybrid"
    # the fusion and its weights are chosen by cross-validation over every evaluation data
    # set and way in (agentmem eval, BENCHMARKS.md, retrieval quality); calibrated fusion
    # weighs full text by how much signal it can carry in a scope of that size
    hybrid_fusion: Literal["calibrated", "minmax", "rrf", "adaptive"] = "calibrated"
    hybrid_vector_weight: float = 0.1
    hybrid_vector_floor: float = 0.0
    fts_turn_weight: float = 0.5
    hybrid_text_half_rows: int = 60
    vector_centering: float = 0.8
    rrf_k: int = 60
    hybrid_candidates: int = 50
    compact_every: int = 64
    # adds of at most this many new memories return once libSQL has committed them with
    # their vectors; the LanceDB append follows in a group (0: every add waits for it)
    write_behind_rows: int = 1  # the agent loop's single add; batches append directly
    # such adds also return before their text is embedded (committed to libSQL first)
    embed_behind: bool = True
    ann_index_min_rows: int = 100_000
    core_block_limit: int = 2_000
    # --- add(messages, infer=True): the LLM endpoint (agentmem.llm checks these) ---
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = 60.0
    llm_concurrency: int = 4
    llm_max_retries: int = 2
    llm_fallback: Literal["error", "store"] = "error"
    llm_max_tokens: int = 256
    llm_related: int = 10
    llm_events: tuple[Literal["ADD", "UPDATE", "DELETE", "NOOP"], ...] = ("ADD", "UPDATE", "DELETE", "NOOP")

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
            "hybrid_text_half_rows",
            "compact_every",
            "ann_index_min_rows",
            "core_block_limit",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidInputError(name, f"must be a positive integer, got {value!r}")
        wb = self.write_behind_rows
        if isinstance(wb, bool) or not isinstance(wb, int) or wb < 0:
            raise InvalidInputError("write_behind_rows", f"must be a non-negative integer, got {wb!r}")
        turns = self.message_context_turns
        if isinstance(turns, bool) or not isinstance(turns, int) or not 0 <= turns <= 10:
            raise InvalidInputError("message_context_turns", f"must be an integer from 0 to 10, got {turns!r}")
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
            "int8_queries",
            "persist_records",
            "concurrent_writes",
            "pipeline",
            "dedupe",
            "write_history",
            "embed_behind",
        ):
            if not isinstance(getattr(self, name), bool):
                raise InvalidInputError(name, f"must be True or False, got {getattr(self, name)!r}")
        if self.hybrid_fusion not in FUSIONS:
            raise InvalidInputError("hybrid_fusion", f"must be one of {', '.join(FUSIONS)}, got {self.hybrid_fusion!r}")
        for name, top in (("hybrid_vector_weight", 1.0), ("hybrid_vector_floor", 0.9), ("vector_centering", 1.0),
                          ("fts_turn_weight", 1.0)):
            x = getattr(self, name)
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not 0.0 <= x <= top:
                raise InvalidInputError(name, f"must be a number between 0 and {top:g}, got {x!r}")
        if self.embed_device not in EMBED_DEVICES:
            raise InvalidInputError("embed_device", f"must be one of {', '.join(EMBED_DEVICES)}, got {self.embed_device!r}")
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

        self._check_vectors()
        from .llm import check_settings

        check_settings(self)

    def _check_vectors(self) -> None:
        uri = self.vectors_uri
        if uri is not None:
            if not isinstance(uri, str) or not uri.strip():
                raise InvalidInputError("vectors_uri", "must be None, a folder or an object-store URI like s3://bucket/prefix")
            if is_uri(uri):
                scheme, _, rest = uri.partition("://")
                if scheme.lower() not in VECTOR_SCHEMES:
                    raise InvalidInputError(
                        "vectors_uri", f"unsupported scheme {scheme!r}; use {', '.join(s + '://' for s in VECTOR_SCHEMES)} or a folder"
                    )
                bucket = rest.split("/", 1)[0]
                if not bucket or "@" in bucket:
                    raise InvalidInputError("vectors_uri", f"needs a bucket after {scheme}:// (e.g. {scheme}://bucket/prefix)")
            elif ":" in uri.split("/", 1)[0] and len(uri.split(":", 1)[0]) > 1:
                raise InvalidInputError("vectors_uri", "malformed URI: write scheme://bucket/prefix (e.g. s3://bucket/agentmem)")
        opts = self.storage_options
        if opts is not None:
            if not isinstance(opts, Mapping):
                raise InvalidInputError("storage_options", "must be None or a mapping of option name to string value")
            for key, value in opts.items():
                if not isinstance(key, str) or not key:
                    raise InvalidInputError("storage_options", "option names must be non-empty strings")
                if not isinstance(value, str):
                    raise InvalidInputError(f"storage_options.{key}", f"must be a string, got {type(value).__name__}")
            object.__setattr__(self, "storage_options", dict(opts))

    def __repr__(self) -> str:
        parts = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "records_auth_token":
                value = None if value is None else "***"
            elif f.name == "storage_options":
                value = masked_options(value)
            elif f.name in ("records_url", "vectors_uri") and isinstance(value, str):
                value = redact_url(value)
            parts.append(f"{f.name}={value!r}")
        return f"MemoryConfig({', '.join(parts)})"

    @property
    def remote_vectors(self) -> bool:
        """True when the vector table is on an object store (``vectors_uri`` with a scheme)."""
        return self.vectors_uri is not None and is_uri(self.vectors_uri) and not self.vectors_uri.startswith("file://")

    @property
    def resolved_vectors_uri(self) -> str:
        """Where LanceDB opens the table: ``vectors_uri`` or ``<data_dir>/vectors`` (absolute)."""
        if self.vectors_uri is None:
            return str(self.vectors_path.resolve())
        if is_uri(self.vectors_uri):
            return self.vectors_uri
        return str(Path(self.vectors_uri).expanduser().resolve())

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
        out["storage_options"] = masked_options(self.storage_options)
        for key in ("records_url", "vectors_uri"):
            if out[key] is not None:
                out[key] = redact_url(out[key])
        return out
