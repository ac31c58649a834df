"""Leases in the records store: one holder at a time per name, e.g. the LanceDB upkeep of a
table that many processes share. ``expires`` is the database's clock, so every process
sharing a server reads one clock, and a holder that died stops holding once its ttl passed."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from collections.abc import AsyncIterator

from .pool import ClientPool

__all__ = ["Leases"]

# The database's clock in unix seconds (one clock for every process sharing a server).
_NOW = "((julianday('now') - 2440587.5) * 86400.0)"


class Leases:
    """The ``leases`` table (schema version 4 of the records store)."""

    def __init__(self, pool: ClientPool) -> None:
        self._pool = pool

    async def try_lease(self, name: str, holder: str, ttl_s: float) -> bool:
        """Take or renew the lease ``name`` for ``ttl_s`` seconds; True if ``holder`` holds
        it now. A lease whose holder stopped renewing it is free once it has expired.
        One upsert decides (atomic on the database), on the database's clock."""
        if not ttl_s > 0:
            raise ValueError("ttl_s must be positive")
        await self._pool.write([("lease", [(
            (f"INSERT INTO leases (name, holder, expires) VALUES (?, ?, {_NOW} + ?) "
            "ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires "
            f"WHERE leases.holder = excluded.holder OR leases.expires < {_NOW}"),
            [name, holder, float(ttl_s)],
        )])])
        rows = await self._pool.query("SELECT holder FROM leases WHERE name = ?", [name])
        return bool(rows) and rows[0][0] == holder

    async def release(self, name: str, holder: str) -> None:
        """Give the lease up (a no-op unless ``holder`` holds it)."""
        await self._pool.write([("lease", [("DELETE FROM leases WHERE name = ? AND holder = ?", [name, holder])])])

    @contextlib.asynccontextmanager
    async def held(self, name: str, *, wait_s: float, ttl_s: float = 60.0) -> AsyncIterator[None]:
        """Hold lease ``name`` for the block, waiting up to ``wait_s`` for it (then going on
        without it: a holder that is slow is no reason to fail; a dead one's lease expires)."""
        holder = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        deadline = time.monotonic() + wait_s
        held = await self.try_lease(name, holder, ttl_s)
        while not held and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            held = await self.try_lease(name, holder, ttl_s)
        try:
            yield
        finally:
            if held:
                await self.release(name, holder)

    async def holder(self, name: str) -> tuple[str, float] | None:
        """(holder, seconds until it expires; negative once expired) or None."""
        rows = await self._pool.query(f"SELECT holder, expires - {_NOW} FROM leases WHERE name = ?", [name])
        return (rows[0][0], float(rows[0][1])) if rows else None
