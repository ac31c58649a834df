"""What the stores exchange: a memory about to be written."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .filters import meta_kv

if TYPE_CHECKING:
    from ..models import MemoryRecord

__all__ = ["NewMemory"]


@dataclass(slots=True)
class NewMemory:
    """A validated memory on its way into both stores (``created_at`` is aware UTC).

    ``metadata_json`` and ``meta_kv`` are the metadata as each store writes it; a batch
    builder that shares one metadata dict among many memories passes them in once
    (serializing per row was a visible share of the storage-only path).

    ``index_text`` is the text the full-text index sees (LanceDB's ``search_text``
    column): the memory's context (what was said before it, when) and its content.
    None means ``content``. The vector is always of ``content`` alone, and ``content``
    stays the user's own text (BENCHMARKS.md, retrieval: context embedded with the turn
    cost 2x the embedding time and lowered vector recall on LoCoMo).
    """

    id: str
    content: str
    hash: str
    user_id: str | None
    agent_id: str | None
    run_id: str | None
    memory_type: str
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default=None)  # type: ignore[assignment]
    metadata_json: str = ""
    meta_kv: list[str] | None = None
    index_text: str | None = None

    @classmethod
    def from_record(cls, record: MemoryRecord, *, index_text: str | None = None) -> NewMemory:
        """A stored memory on its way into a store again (repair, undo, recovery): the same
        id, text, hash, scope, type, metadata and creation time."""
        return cls(
            id=record.id, content=record.content, hash=record.hash, user_id=record.user_id,
            agent_id=record.agent_id, run_id=record.run_id, memory_type=record.memory_type,
            metadata=record.metadata, created_at=record.created_at, index_text=index_text,
        )

    @property
    def search_text(self) -> str:
        """What the full-text index holds for this memory."""
        return self.content if self.index_text is None else self.index_text

    def __post_init__(self) -> None:
        if not self.metadata_json:
            self.metadata_json = json.dumps(self.metadata, ensure_ascii=False)
        if self.meta_kv is None:
            self.meta_kv = meta_kv(self.metadata)
