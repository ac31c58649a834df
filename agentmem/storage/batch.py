"""New memories as columns: the one form a write takes on its way into both stores.

A bulk add of many thousand memories spends its Python time per memory, so the write
path keeps one list per field (and the creation times as one int64 array) instead of one
object per memory: the Arrow table of the LanceDB append and the rows of the libSQL insert
are built from these columns in one pass each. Code that wants one memory at a time
(write-behind, embed-behind, undo) indexes or iterates a :class:`Batch` and gets a
:class:`NewMemory` built on the spot: the batch is a ``Sequence[NewMemory]``, and
``Batch.of`` turns any such sequence into columns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, overload

import numpy as np

from .base import NewMemory
from .filters import format_ts

__all__ = ["EPOCH", "Batch", "micros"]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
# np.datetime_as_string writes years 1000-9999 as format_ts does (four digits)
_TEXT_MIN_US = (datetime(1000, 1, 1, tzinfo=UTC) - EPOCH) // _US
_TEXT_MAX_US = (datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC) - EPOCH) // _US


def micros(t: datetime) -> int:
    """Microseconds since the epoch, exactly (an aware datetime)."""
    return (t - EPOCH) // _US


class Batch(Sequence[NewMemory]):
    """Validated new memories, one list per field, in input order.

    ``created_us`` holds each memory's ``created_at`` as microseconds since the epoch
    (UTC); ``metadata``, ``metadata_json`` and ``meta_kv`` may share one object among many
    rows (a batch with one metadata dict serializes it once).
    """

    __slots__ = ("agent_ids", "contents", "created_us", "hashes", "ids", "index_texts", "memory_types",
                 "meta_kv", "metadata", "metadata_json", "run_ids", "user_ids")

    def __init__(
        self,
        *,
        ids: list[str],
        contents: list[str],
        hashes: list[str],
        user_ids: list[str | None],
        agent_ids: list[str | None],
        run_ids: list[str | None],
        memory_types: list[str],
        created_us: np.ndarray,
        metadata: list[dict[str, Any]],
        metadata_json: list[str],
        meta_kv: list[list[str]],
        index_texts: list[str | None],
    ) -> None:
        self.ids = ids
        self.contents = contents
        self.hashes = hashes
        self.user_ids = user_ids
        self.agent_ids = agent_ids
        self.run_ids = run_ids
        self.memory_types = memory_types
        self.created_us = created_us
        self.metadata = metadata
        self.metadata_json = metadata_json
        self.meta_kv = meta_kv
        self.index_texts = index_texts

    _LISTS = ("ids", "contents", "hashes", "user_ids", "agent_ids", "run_ids", "memory_types",
              "metadata", "metadata_json", "meta_kv", "index_texts")

    @classmethod
    def of(cls, items: Sequence[NewMemory]) -> Batch:
        """``items`` as columns (a Batch is returned as it is)."""
        if isinstance(items, Batch):
            return items
        cache: dict[datetime, int] = {}  # memories of one call often share a timestamp
        us = [cache[m.created_at] if m.created_at in cache else cache.setdefault(m.created_at, micros(m.created_at))
              for m in items]
        return cls(
            ids=[m.id for m in items], contents=[m.content for m in items], hashes=[m.hash for m in items],
            user_ids=[m.user_id for m in items], agent_ids=[m.agent_id for m in items],
            run_ids=[m.run_id for m in items], memory_types=[m.memory_type for m in items],
            created_us=np.array(us, dtype=np.int64), metadata=[m.metadata for m in items],
            metadata_json=[m.metadata_json for m in items], meta_kv=[m.meta_kv or [] for m in items],
            index_texts=[m.index_text for m in items],
        )

    def take(self, indices: Sequence[int]) -> Batch:
        """The rows at ``indices``, in that order (the batch itself when that is every row)."""
        n = len(self.ids)
        if len(indices) == n and all(i == k for k, i in enumerate(indices)):
            return self
        cols: dict[str, Any] = {}
        for name in self._LISTS:
            col = getattr(self, name)
            cols[name] = [col[i] for i in indices]
        return Batch(**cols, created_us=self.created_us[np.asarray(indices, dtype=np.int64)])

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, i: int) -> NewMemory: ...
    @overload
    def __getitem__(self, i: slice) -> Batch: ...
    def __getitem__(self, i: int | slice) -> NewMemory | Batch:
        if isinstance(i, slice):
            cols: dict[str, Any] = {name: getattr(self, name)[i] for name in self._LISTS}
            return Batch(**cols, created_us=self.created_us[i])
        return NewMemory(
            id=self.ids[i], content=self.contents[i], hash=self.hashes[i], user_id=self.user_ids[i],
            agent_id=self.agent_ids[i], run_id=self.run_ids[i], memory_type=self.memory_types[i],
            metadata=self.metadata[i], created_at=EPOCH + timedelta(microseconds=int(self.created_us[i])),
            metadata_json=self.metadata_json[i], meta_kv=self.meta_kv[i], index_text=self.index_texts[i],
        )

    def __iter__(self) -> Iterator[NewMemory]:
        for i in range(len(self.ids)):
            yield self[i]

    @property
    def search_texts(self) -> list[str]:
        """What the full-text index holds for each memory (``NewMemory.search_text``)."""
        return [c if t is None else t for c, t in zip(self.contents, self.index_texts)]

    def created_texts(self) -> list[str]:
        """Each ``created_at`` as the records store writes it (``format_ts``), formatted in bulk."""
        us = self.created_us
        if not len(us):
            return []
        if us.min() < _TEXT_MIN_US or us.max() > _TEXT_MAX_US:
            return [format_ts(EPOCH + timedelta(microseconds=int(x))) for x in us]
        text = np.datetime_as_string(us.astype("datetime64[us]"), unit="us").tolist()
        return [t + "+00:00" for t in text]
