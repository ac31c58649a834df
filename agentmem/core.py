"""Core memory blocks: a ``persona`` and a ``human`` block per user/agent pair.

Blocks are short texts an agent keeps in its prompt; each has a character limit, and an
edit that would exceed it is refused (nothing is cut silently). They live in the records
store beside the memories.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from . import validation as v
from .errors import InvalidInputError
from .models import CoreBlock, ResultList
from .storage.history import parse_ts

if TYPE_CHECKING:
    from .orchestrator import Orchestrator

__all__ = ["AsyncCoreBlocks", "LABELS"]

LABELS = ("persona", "human")
#: the largest character limit a core block may be given
MAX_BLOCK_CHARS = 100_000


def _label(label: Any) -> str:
    if label not in LABELS:
        raise InvalidInputError("label", f"must be one of {', '.join(LABELS)}, got {label!r}")
    return label


def _scope(user_id: Any, agent_id: Any) -> tuple[str | None, str | None, str]:
    user = v.scope_id(user_id, "user_id")
    agent = v.scope_id(agent_id, "agent_id")
    # JSON keeps the pair unambiguous whatever characters the ids hold.
    return user, agent, json.dumps([user, agent], ensure_ascii=False)


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string, got {type(value).__name__}")
    if "\x00" in value:
        raise InvalidInputError(field, "must not contain NUL characters")
    return value


class AsyncCoreBlocks:
    """Read and edit core blocks (``await mem.core.get("human", user_id="alice")``)."""

    def __init__(self, store: Orchestrator, default_limit: int) -> None:
        self._store = store  # the one door to the stores (the blocks are in the records store)
        self._default_limit = default_limit

    async def get(self, label: str, *, user_id: str | None = None, agent_id: str | None = None) -> CoreBlock:
        """The block, or an empty one with the default limit if it was never written."""
        label = _label(label)
        user, agent, scope = _scope(user_id, agent_id)
        row = await self._store.get_block(label, scope)
        if row is None:
            return CoreBlock(label=label, user_id=user, agent_id=agent, value="", limit=self._default_limit, updated_at=None)  # type: ignore[arg-type]
        value, limit, updated = row
        return CoreBlock(label=label, user_id=user, agent_id=agent, value=value, limit=limit,  # type: ignore[arg-type]
                         updated_at=parse_ts(updated) if updated else None)

    async def replace(self, label: str, value: str, *, user_id: str | None = None, agent_id: str | None = None) -> CoreBlock:
        """Set the whole block; refused if longer than its limit."""
        value = _text(value, "value")
        block = await self.get(label, user_id=user_id, agent_id=agent_id)
        return await self._put(block, value)

    async def append(self, label: str, text: str, *, user_id: str | None = None, agent_id: str | None = None,
                     separator: str = "\n") -> CoreBlock:
        """Add text at the end (after ``separator`` when the block is not empty)."""
        text = _text(text, "text")
        if not text.strip():
            raise InvalidInputError("text", "must not be empty")
        block = await self.get(label, user_id=user_id, agent_id=agent_id)
        return await self._put(block, f"{block.value}{separator}{text}" if block.value else text)

    async def set_limit(self, label: str, limit: int, *, user_id: str | None = None, agent_id: str | None = None) -> CoreBlock:
        """Change the character limit; refused if the current value is already longer."""
        limit = v.limit(limit, "limit", maximum=MAX_BLOCK_CHARS)
        block = await self.get(label, user_id=user_id, agent_id=agent_id)
        if len(block.value) > limit:
            raise InvalidInputError("limit", f"the block already holds {len(block.value)} characters, more than {limit}")
        return await self._put(CoreBlock(block.label, block.user_id, block.agent_id, block.value, limit, block.updated_at), block.value)

    async def list(self) -> ResultList[CoreBlock]:
        """Every block ever written."""
        rows = await self._store.list_blocks()
        return ResultList(
            CoreBlock(label=r[0], user_id=r[1], agent_id=r[2], value=r[3], limit=int(r[4]),
                      updated_at=parse_ts(r[5]) if r[5] else None)
            for r in rows
        )

    async def _put(self, block: CoreBlock, value: str) -> CoreBlock:
        if len(value) > block.limit:
            raise InvalidInputError(
                "value", f"{block.label} block would hold {len(value)} characters; its limit is {block.limit}"
            )
        new = CoreBlock(block.label, block.user_id, block.agent_id, value, block.limit, datetime.now(timezone.utc))
        _, _, scope = _scope(block.user_id, block.agent_id)
        await self._store.put_block(new, scope)
        return new
