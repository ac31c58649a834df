"""What a real server holds, read straight from it (not through agentmem): for tests that
check where rows went, or that nothing was written."""

from __future__ import annotations

import asyncio

import libsql_client


def server_tables(url: str) -> list[str]:
    """The tables of the libSQL server at ``url``, by name."""
    async def q() -> list[str]:
        async with libsql_client.create_client(url) as c:
            rs = await c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            return [r[0] for r in rs.rows]

    return asyncio.run(q())
