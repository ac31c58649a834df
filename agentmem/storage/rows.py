"""The memories table of the records store: its columns, and a record from one of its rows
(shared by the records store and the write-behind protocol, which reads pending rows)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..models import MemoryRecord
from .base import NewMemory
from .filters import format_ts
from .history import parse_ts

__all__ = ["MEMORY_COLUMNS", "SELECT_MEMORY", "memory_row", "row_to_record"]

MEMORY_COLUMNS = (
    "id", "content", "hash", "user_id", "agent_id", "run_id",
    "memory_type", "metadata", "created_at", "updated_at",
)
SELECT_MEMORY = f"SELECT {', '.join('m.' + c for c in MEMORY_COLUMNS)} FROM memories AS m"


def row_to_record(row: Sequence[Any]) -> MemoryRecord:
    return MemoryRecord(
        id=row[0],
        content=row[1],
        hash=row[2],
        user_id=row[3],
        agent_id=row[4],
        run_id=row[5],
        memory_type=row[6],
        metadata=json.loads(row[7]),
        created_at=parse_ts(row[8]),
        updated_at=parse_ts(row[9]),
    )


def memory_row(m: NewMemory) -> tuple[Any, ...]:
    ts = format_ts(m.created_at)
    return (m.id, m.content, m.hash, m.user_id, m.agent_id, m.run_id, m.memory_type, m.metadata_json, ts, ts)
