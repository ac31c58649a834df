"""The ``core_blocks`` table of the records store: the always-in-context blocks of a user
or an agent (label, scope, value, character limit), one row per (label, scope)."""

from __future__ import annotations

from typing import Any

from ..models import CoreBlock
from .filters import format_ts
from .pool import ClientPool

__all__ = ["CoreBlockRows"]


class CoreBlockRows:
    """Reads and upserts of core blocks (``agentmem.core`` builds on them)."""

    def __init__(self, pool: ClientPool) -> None:
        self._pool = pool

    async def get(self, label: str, scope: str) -> tuple[str, int, str | None] | None:
        rows = await self._pool.query("SELECT value, char_limit, updated_at FROM core_blocks WHERE label = ? AND scope = ?", [label, scope])
        return (rows[0][0], int(rows[0][1]), rows[0][2]) if rows else None

    async def put(self, block: CoreBlock, scope: str) -> None:
        await self._pool.write([(
            "records",
            [(
                ("INSERT INTO core_blocks (label, scope, user_id, agent_id, value, char_limit, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(label, scope) DO UPDATE SET "
                "value = excluded.value, char_limit = excluded.char_limit, updated_at = excluded.updated_at"),
                [block.label, scope, block.user_id, block.agent_id, block.value, block.limit,
                 format_ts(block.updated_at) if block.updated_at else None],
            )],
        )])

    async def list(self) -> list[tuple[Any, ...]]:
        return await self._pool.query(
            "SELECT label, user_id, agent_id, value, char_limit, updated_at FROM core_blocks ORDER BY user_id, agent_id, label"
        )
