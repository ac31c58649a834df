"""A deterministic stand-in embedder, for tests of storage logic only (never a default).

It hashes words into a 384-dim bag-of-words vector, so texts sharing words are close;
the tests that use it check storage behaviour, not retrieval quality."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Sequence
from typing import Any

import numpy as np


class HashEmbedder:
    dim = 384
    model_name = "test/hash-bow"

    def __init__(self, fail_after: int | None = None) -> None:
        self.calls = 0
        self.texts = 0
        self.fail_after = fail_after

    def _vec(self, text: str) -> np.ndarray:
        out = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            out[h % self.dim] += 1.0
        if not out.any():
            out[0] = 1.0
        return out / np.linalg.norm(out)

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("stand-in embedder told to fail")
        self.texts += len(texts)
        await asyncio.sleep(0)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vec(t) for t in texts])

    def stats(self) -> dict[str, Any]:
        return {"model": self.model_name, "texts": self.texts, "model_calls": self.calls}

    def clear_cache(self) -> None:
        pass
