"""What the stores exchange: a memory about to be written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["NewMemory"]


@dataclass(slots=True)
class NewMemory:
    """A validated memory on its way into both stores (``created_at`` is aware UTC)."""

    id: str
    content: str
    hash: str
    user_id: str | None
    agent_id: str | None
    run_id: str | None
    memory_type: str
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default=None)  # type: ignore[assignment]
