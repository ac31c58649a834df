"""The history log: one row per ADD, UPDATE and DELETE, with the columns Mem0's history has
(old and new memory, event, timestamps, is_deleted, actor) plus old and new metadata."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..models import HistoryEvent, MemoryRecord
from .base import NewMemory
from .filters import format_ts
from .sql import Stmt, multi_insert

__all__ = ["HistoryRow", "history_insert", "parse_ts"]


def parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


class HistoryRow:
    """Builds history rows and reads them back as :class:`HistoryEvent`."""

    COLUMNS = (
        "id", "memory_id", "event", "old_memory", "new_memory",
        "old_metadata", "new_metadata", "actor_id", "created_at", "is_deleted",
    )
    WRITE_COLUMNS = COLUMNS[1:]  # id is the integer rowid, in insertion order
    ADD_COLUMNS = ("memory_id", "event", "new_memory", "new_metadata", "created_at", "is_deleted")
    ADD_SELECT = "id, 'ADD', content, metadata, created_at, 0"

    @staticmethod
    def update(old: MemoryRecord, new: NewMemory) -> tuple[Any, ...]:
        return (old.id, "UPDATE", old.content, new.content, _json(old.metadata),
                _json(new.metadata), None, format_ts(new.created_at), 0)

    @staticmethod
    def delete(old: MemoryRecord, when: datetime) -> tuple[Any, ...]:
        return (old.id, "DELETE", old.content, None, _json(old.metadata), None, None,
                format_ts(when), 1)

    @staticmethod
    def to_event(row: Sequence[Any]) -> HistoryEvent:
        return HistoryEvent(
            id=str(row[0]),
            memory_id=row[1],
            event=row[2],
            old_content=row[3],
            new_content=row[4],
            old_metadata=None if row[5] is None else json.loads(row[5]),
            new_metadata=None if row[6] is None else json.loads(row[6]),
            actor=row[7],
            created_at=parse_ts(row[8]),
            is_deleted=bool(row[9]),
        )


def history_insert(rows: Sequence[tuple[Any, ...]]) -> list[Stmt]:
    return multi_insert("history", HistoryRow.WRITE_COLUMNS, rows)
