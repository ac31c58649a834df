"""The memories table of the records store: its columns, and a record from one of its rows
(shared by the records store and the write-behind protocol, which reads pending rows)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..models import MemoryRecord
from .batch import Batch
from .history import parse_ts

__all__ = ["MEMORY_COLUMNS", "SELECT_MEMORY", "memory_rows", "row_to_record"]

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


def memory_rows(b: Batch) -> list[tuple[Any, ...]]:
    """The rows of ``MEMORY_COLUMNS`` for new memories (``updated_at`` = ``created_at``)."""
    ts = b.created_texts()
    return list(zip(b.ids, b.contents, b.hashes, b.user_ids, b.agent_ids, b.run_ids, b.memory_types,
                    b.metadata_json, ts, ts))
