"""The records store (source of truth): memories, history and core blocks in libSQL.

Every value is a bound parameter; identifiers come from this module only. Inserts are
multi-row ``INSERT ... VALUES (?, ...), (?, ...)`` statements inside one transaction,
which is what lets the persisted path keep up with the vector store.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from ..models import CoreBlock, HistoryEvent, MemoryRecord
from .base import NewMemory
from .filters import Condition, format_ts, to_sql
from .history import HistoryRow, history_insert, parse_ts
from .pool import ClientPool
from .sql import Stmt, chunked, in_list, multi_insert

__all__ = ["RecordStore", "SCHEMA_VERSION"]

SCHEMA_VERSION = 4

# Each migration takes the schema from version n-1 to n. Never edit a released one.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE IF NOT EXISTS memories (
            id TEXT PRIMARY KEY,
            content TEXT NOT NULL,
            hash TEXT NOT NULL,
            user_id TEXT,
            agent_id TEXT,
            run_id TEXT,
            memory_type TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE UNIQUE INDEX IF NOT EXISTS memories_hash ON memories(hash)",
        "CREATE INDEX IF NOT EXISTS memories_user ON memories(user_id, created_at)",
        # partial: most memories have no agent or run, and those rows then cost nothing here
        "CREATE INDEX IF NOT EXISTS memories_agent ON memories(agent_id, created_at) WHERE agent_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS memories_run ON memories(run_id, created_at) WHERE run_id IS NOT NULL",
        """CREATE TABLE IF NOT EXISTS history (
            id INTEGER PRIMARY KEY,
            memory_id TEXT NOT NULL,
            event TEXT NOT NULL CHECK (event IN ('ADD', 'UPDATE', 'DELETE')),
            old_memory TEXT,
            new_memory TEXT,
            old_metadata TEXT,
            new_metadata TEXT,
            actor_id TEXT,
            role TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT,
            is_deleted INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX IF NOT EXISTS history_memory ON history(memory_id, created_at)",
        """CREATE TABLE IF NOT EXISTS core_blocks (
            label TEXT NOT NULL,
            scope TEXT NOT NULL,
            user_id TEXT,
            agent_id TEXT,
            value TEXT NOT NULL DEFAULT '',
            char_limit INTEGER NOT NULL,
            updated_at TEXT,
            PRIMARY KEY (label, scope)
        )""",
    ],
    [
        # get_all and iter_all without a scope read newest first along this index (with the
        # rowid it holds) instead of sorting the whole table for every page
        "CREATE INDEX IF NOT EXISTS memories_created ON memories(created_at)",
    ],
    [
        # Write-behind: a small add commits its memories here with their vectors in the same
        # transaction and returns; the LanceDB append follows in a group and then clears
        # these rows. Rows left by a killed process are appended on the next open.
        """CREATE TABLE IF NOT EXISTS pending_vectors (
            id TEXT PRIMARY KEY,
            vector BLOB NOT NULL,
            search_text TEXT,
            owner TEXT NOT NULL,
            created REAL NOT NULL
        )""",
    ],
    [
        # Leases (try_lease): one holder at a time per name, e.g. the LanceDB upkeep of a
        # table shared by many processes; ``expires`` is the server's clock (unix seconds),
        # so a holder that died stops holding once its ttl has passed.
        """CREATE TABLE IF NOT EXISTS leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires REAL NOT NULL
        )""",
    ],
]

# The database's clock in unix seconds (one clock for every process sharing a server).
_NOW = "((julianday('now') - 2440587.5) * 86400.0)"

MEMORY_COLUMNS = (
    "id", "content", "hash", "user_id", "agent_id", "run_id",
    "memory_type", "metadata", "created_at", "updated_at",
)
_SELECT_MEMORY = f"SELECT {', '.join('m.' + c for c in MEMORY_COLUMNS)} FROM memories AS m"


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


class RecordStore:
    """Memories, history and core blocks in one libSQL database, reached through a pool."""

    def __init__(self, pool: ClientPool) -> None:
        self.pool = pool

    @classmethod
    async def open(cls, url: str, *, pool_size: int, auth_token: str | None, busy_timeout_ms: int) -> RecordStore:
        pool = ClientPool(url, size=pool_size, auth_token=auth_token, busy_timeout_ms=busy_timeout_ms)
        store = cls(pool)
        try:
            await store.migrate()
        except BaseException:
            await pool.close()
            raise
        return store

    async def migrate(self) -> int:
        """Bring the schema to SCHEMA_VERSION; returns the version found before."""
        if self.pool.local:
            # WAL is a property of the database file: set once, kept by every connection.
            await self.pool.query("PRAGMA journal_mode = WAL")
        await self.pool.write([("schema", [("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", [])])])
        rows = await self.pool.query("SELECT MAX(version) FROM schema_version")
        current = rows[0][0] or 0
        if current > SCHEMA_VERSION:
            from ..errors import RecordStoreError

            raise RecordStoreError(
                f"the records database has schema version {current}, newer than this agentmem ({SCHEMA_VERSION})"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            stmts: list[Stmt] = [(sql, []) for sql in MIGRATIONS[version - 1]]
            stmts.append(("INSERT INTO schema_version (version) VALUES (?)", [version]))
            await self.pool.write([("schema", stmts)])
        return current

    async def schema_version(self) -> int:
        rows = await self.pool.query("SELECT MAX(version) FROM schema_version")
        return rows[0][0] or 0

    # --- reads -------------------------------------------------------------------------

    async def existing_hashes(self, hashes: Sequence[str]) -> dict[str, tuple[str, str]]:
        """hash -> (id, content) for the hashes already stored."""
        found: dict[str, tuple[str, str]] = {}
        for chunk in chunked(list(hashes), 900):
            rows = await self.pool.query(f"SELECT hash, id, content FROM memories WHERE hash IN {in_list(chunk)}", chunk)
            found.update({r[0]: (r[1], r[2]) for r in rows})
        return found

    async def get(self, memory_id: str) -> MemoryRecord | None:
        rows = await self.pool.query(f"{_SELECT_MEMORY} WHERE m.id = ?", [memory_id])
        return row_to_record(rows[0]) if rows else None

    async def get_many(self, ids: Sequence[str]) -> list[MemoryRecord]:
        out: list[MemoryRecord] = []
        for chunk in chunked(list(ids), 900):
            rows = await self.pool.query(f"{_SELECT_MEMORY} WHERE m.id IN {in_list(chunk)}", chunk)
            out.extend(row_to_record(r) for r in rows)
        return out

    async def list(self, conds: list[Condition], *, limit: int, offset: int) -> list[MemoryRecord]:
        where, args = to_sql(conds)
        rows = await self.pool.query(
            f"{_SELECT_MEMORY} WHERE {where} ORDER BY m.created_at DESC, m.rowid DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        )
        return [row_to_record(r) for r in rows]

    async def count(self, conds: list[Condition]) -> int:
        where, args = to_sql(conds)
        rows = await self.pool.query(f"SELECT COUNT(*) FROM memories AS m WHERE {where}", args)
        return int(rows[0][0])

    async def ids(self, conds: list[Condition] | None = None) -> list[str]:
        where, args = to_sql(conds or [])
        rows = await self.pool.query(f"SELECT m.id FROM memories AS m WHERE {where}", args)
        return [r[0] for r in rows]

    async def id_hashes(self) -> dict[str, str]:
        rows = await self.pool.query("SELECT id, hash FROM memories")
        return {r[0]: r[1] for r in rows}

    # --- paged reads (whole-store walks in bounded memory; keyset, never OFFSET) -------

    async def page(
        self, conds: list[Condition], *, after: Any, limit: int, newest_first: bool = True
    ) -> tuple[list[MemoryRecord], Any]:
        """One page of a walk and the cursor of the next (None once the walk is done).

        Keyset paging: a page costs the same at the start and the end of a million rows,
        and a memory present for the whole walk is returned exactly once, whatever is
        added or deleted between pages. ``newest_first`` is ``list``'s order (created_at,
        then storage order), read along the scope's index or the created_at index;
        otherwise storage order, oldest first (rowid). ``after`` is None to start, then
        the cursor returned.
        """
        where, args = to_sql(conds)
        if newest_first:
            if after is not None:
                where += " AND (m.created_at, m.rowid) < (?, ?)"
                args = [*args, after[0], after[1]]
            order = "m.created_at DESC, m.rowid DESC"
        else:
            if after is not None:
                where += " AND m.rowid > ?"
                args = [*args, after]
            order = "m.rowid"
        rows = await self.pool.query(
            f"SELECT {', '.join('m.' + c for c in MEMORY_COLUMNS)}, m.rowid FROM memories AS m "
            f"WHERE {where} ORDER BY {order} LIMIT ?",
            [*args, limit],
        )
        if len(rows) < limit:
            nxt = None
        elif newest_first:
            nxt = (rows[-1][8], rows[-1][10])  # created_at as stored text, rowid
        else:
            nxt = rows[-1][10]
        return [row_to_record(r) for r in rows], nxt

    async def id_hash_page(self, after: str | None, limit: int) -> list[tuple[str, str]]:
        """(id, hash) of up to ``limit`` memories with id > ``after``, in id order (the
        primary key's order: byte order of the UTF-8 text, as LanceDB compares strings)."""
        if after is None:
            rows = await self.pool.query("SELECT id, hash FROM memories ORDER BY id LIMIT ?", [limit])
        else:
            rows = await self.pool.query("SELECT id, hash FROM memories WHERE id > ? ORDER BY id LIMIT ?", [after, limit])
        return [(r[0], r[1]) for r in rows]

    async def max_rowid(self) -> int:
        rows = await self.pool.query("SELECT MAX(rowid) FROM memories")
        return int(rows[0][0] or 0)

    async def first_page(self, conds: list[Condition], *, upto_rowid: int, limit: int) -> list[MemoryRecord]:
        """Up to ``limit`` memories matching ``conds`` stored at or before ``upto_rowid``
        (for deleting page by page: each page is gone before the next is read)."""
        where, args = to_sql(conds)
        rows = await self.pool.query(f"{_SELECT_MEMORY} WHERE {where} AND m.rowid <= ? LIMIT ?", [*args, upto_rowid, limit])
        return [row_to_record(r) for r in rows]

    async def counts_by(self, column: str) -> dict[str, int]:
        if column not in ("user_id", "agent_id", "run_id", "memory_type"):
            raise ValueError(column)
        rows = await self.pool.query(f"SELECT {column}, COUNT(*) FROM memories GROUP BY {column} ORDER BY 2 DESC")
        return {("" if r[0] is None else r[0]): int(r[1]) for r in rows}

    async def history(self, memory_id: str) -> list[HistoryEvent]:
        rows = await self.pool.query(
            f"SELECT {', '.join(HistoryRow.COLUMNS)} FROM history WHERE memory_id = ? ORDER BY created_at, rowid",
            [memory_id],
        )
        return [HistoryRow.to_event(r) for r in rows]

    async def history_count(self) -> int:
        rows = await self.pool.query("SELECT COUNT(*) FROM history")
        return int(rows[0][0])

    # --- writes (each one transaction; returns seconds per stage) --------------------

    async def insert(
        self,
        items: Sequence[NewMemory],
        *,
        history: bool,
        taken: dict[str, str] | None = None,
        pending: tuple[Any, str] | None = None,
    ) -> dict[str, float]:
        """Insert new memories (and their ADD events) in one transaction.

        A memory whose hash is already stored (the same text in the same scope, added by
        another process a moment earlier) is skipped, not an error: ``taken`` receives
        hash -> the stored memory's id for each one skipped, and the rest is stored.
        ``pending`` = (vectors, owner) also stores each inserted memory's vector in
        ``pending_vectors`` in the same transaction (write-behind; local databases only);
        vectors ``None``: not embedded yet (an empty blob; recovery embeds the content).
        """
        if not items:
            return {}
        rows = [memory_row(m) for m in items]
        inserts = [(sql + " ON CONFLICT(hash) DO NOTHING", args) for sql, args in multi_insert("memories", MEMORY_COLUMNS, rows)]
        add_history = (
            f"INSERT INTO history ({', '.join(HistoryRow.ADD_COLUMNS)}) SELECT {HistoryRow.ADD_SELECT} FROM memories "
        )
        if not self.pool.local:
            groups: list[tuple[str, list[Any]]] = [("records", inserts)]
            if history:
                # a skipped memory's id is not in the table, so its ADD event is not written
                groups.append(("history", [
                    (add_history + f"WHERE id IN {in_list(c)}", [m.id for m in c]) for c in chunked(items, 900)
                ]))
            stages = await self.pool.write(groups)
            if taken is not None:
                for h, (mid, _) in (await self.existing_hashes([m.hash for m in items])).items():
                    taken[h] = mid
                for m in items:
                    if taken.get(m.hash) == m.id:
                        del taken[m.hash]
            return stages

        def run(db: Any) -> None:
            # Inside our write transaction the new rows get rowids above every existing
            # one, so "rowid > the max before" is exactly what this call inserted.
            before = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM memories").fetchone()[0]
            inserted = sum(max(0, db.execute(sql, args).rowcount) for sql, args in inserts)
            if inserted < len(items):
                mine = {m.hash: m.id for m in items}
                for chunk in chunked(list(mine), 900):
                    for h, mid in db.execute(f"SELECT hash, id FROM memories WHERE hash IN {in_list(chunk)}", chunk):
                        if mid != mine[h] and taken is not None:
                            taken[h] = mid
            if history:
                db.execute(add_history + "WHERE rowid > ?", [before])
            if pending is not None:
                vecs, owner = pending
                now = time.time()
                lost = set(taken or ())
                db.executemany(
                    "INSERT OR REPLACE INTO pending_vectors (id, vector, search_text, owner, created) VALUES (?, ?, ?, ?, ?)",
                    [
                        (m.id, b"" if vecs is None else np.asarray(vecs[i], dtype=np.float32).tobytes(),
                         None if m.search_text == m.content else m.search_text, owner, now)
                        for i, m in enumerate(items) if m.hash not in lost
                    ],
                )

        if pending is not None and not self.pool.local:
            raise ValueError("write-behind needs a local records database")
        return await self.pool.write([("records", [run])])

    # --- write-behind vectors ----------------------------------------------------------

    async def clear_pending(self, ids: Sequence[str]) -> None:
        """Forget pending vectors whose LanceDB append has committed."""
        await self.pool.write([("records", [
            (f"DELETE FROM pending_vectors WHERE id IN {in_list(c)}", list(c)) for c in chunked(list(ids), 900)
        ])])

    async def pending_vectors(self, limit: int) -> list[tuple[str, MemoryRecord | None, bytes, str | None, str, float]]:
        """Up to ``limit`` pending vectors, oldest first: (id, the memory or None if it is
        gone since, the float32 vector bytes (empty: not embedded yet), its search text if
        not the content, owner, created)."""
        rows = await self.pool.query(
            f"SELECT p.id, p.vector, p.search_text, p.owner, p.created, {', '.join('m.' + c for c in MEMORY_COLUMNS)} "
            "FROM pending_vectors AS p LEFT JOIN memories AS m ON m.id = p.id ORDER BY p.created LIMIT ?",
            [limit],
        )
        return [(r[0], row_to_record(r[5:]) if r[5] is not None else None, r[1], r[2], r[3], r[4]) for r in rows]

    async def update(self, old: MemoryRecord, new: NewMemory, *, history: bool) -> dict[str, float]:
        groups: list[tuple[str, list[Stmt]]] = [(
            "records",
            [(
                "UPDATE memories SET content = ?, hash = ?, metadata = ?, updated_at = ? WHERE id = ?",
                [new.content, new.hash, json.dumps(new.metadata, ensure_ascii=False), format_ts(new.created_at), old.id],
            )],
        )]
        if history:
            groups.append(("history", history_insert([HistoryRow.update(old, new)])))
        return await self.pool.write(groups)

    async def delete(self, olds: Sequence[MemoryRecord], *, history: bool, when: datetime) -> dict[str, float]:
        groups: list[tuple[str, list[Stmt]]] = [
            ("records", [(f"DELETE FROM memories WHERE id IN {in_list(c)}", [m.id for m in c]) for c in chunked(olds, 900)])
        ]
        if history:
            groups.append(("history", history_insert([HistoryRow.delete(m, when) for m in olds])))
        return await self.pool.write(groups)

    async def remove(self, ids: Sequence[str], *, history_too: bool) -> None:
        """Undo an insert: drop the rows (and their ADD events) without a DELETE event."""
        stmts: list[Stmt] = []
        for chunk in chunked(list(ids), 900):
            stmts.append((f"DELETE FROM memories WHERE id IN {in_list(chunk)}", chunk))
            if history_too:
                stmts.append((f"DELETE FROM history WHERE memory_id IN {in_list(chunk)} AND event = 'ADD'", chunk))
        await self.pool.write([("records", stmts)])

    async def restore(self, olds: Sequence[MemoryRecord], *, drop_event: str | None) -> None:
        """Undo an update or delete: put the old rows back, drop the event just written."""
        rows = [
            (m.id, m.content, m.hash, m.user_id, m.agent_id, m.run_id, m.memory_type,
             json.dumps(m.metadata, ensure_ascii=False), format_ts(m.created_at), format_ts(m.updated_at))
            for m in olds
        ]
        stmts = multi_insert("memories", MEMORY_COLUMNS, rows, verb="INSERT OR REPLACE")
        if drop_event:
            for chunk in chunked([m.id for m in olds], 900):
                stmts.append((
                    f"DELETE FROM history WHERE rowid IN (SELECT MAX(rowid) FROM history WHERE event = ? "
                    f"AND memory_id IN {in_list(chunk)} GROUP BY memory_id)",
                    [drop_event, *chunk],
                ))
        await self.pool.write([("records", stmts)])

    async def reset(self) -> None:
        await self.pool.write([("records", [("DELETE FROM memories", []), ("DELETE FROM history", []), ("DELETE FROM core_blocks", [])])])

    # --- core blocks -------------------------------------------------------------------

    async def get_block(self, label: str, scope: str) -> tuple[str, int, str | None] | None:
        rows = await self.pool.query("SELECT value, char_limit, updated_at FROM core_blocks WHERE label = ? AND scope = ?", [label, scope])
        return (rows[0][0], int(rows[0][1]), rows[0][2]) if rows else None

    async def put_block(self, block: CoreBlock, scope: str) -> None:
        await self.pool.write([(
            "records",
            [(
                "INSERT INTO core_blocks (label, scope, user_id, agent_id, value, char_limit, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(label, scope) DO UPDATE SET "
                "value = excluded.value, char_limit = excluded.char_limit, updated_at = excluded.updated_at",
                [block.label, scope, block.user_id, block.agent_id, block.value, block.limit,
                 format_ts(block.updated_at) if block.updated_at else None],
            )],
        )])

    async def list_blocks(self) -> list[tuple[Any, ...]]:
        return await self.pool.query(
            "SELECT label, user_id, agent_id, value, char_limit, updated_at FROM core_blocks ORDER BY user_id, agent_id, label"
        )

    # --- leases ------------------------------------------------------------------------

    async def try_lease(self, name: str, holder: str, ttl_s: float) -> bool:
        """Take or renew the lease ``name`` for ``ttl_s`` seconds; True if ``holder`` holds
        it now. A lease whose holder stopped renewing it is free once it has expired.
        One upsert decides (atomic on the database), on the database's clock."""
        if not ttl_s > 0:
            raise ValueError("ttl_s must be positive")
        await self.pool.write([("lease", [(
            f"INSERT INTO leases (name, holder, expires) VALUES (?, ?, {_NOW} + ?) "
            "ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires "
            f"WHERE leases.holder = excluded.holder OR leases.expires < {_NOW}",
            [name, holder, float(ttl_s)],
        )])])
        rows = await self.pool.query("SELECT holder FROM leases WHERE name = ?", [name])
        return bool(rows) and rows[0][0] == holder

    async def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up (a no-op unless ``holder`` holds it)."""
        await self.pool.write([("lease", [("DELETE FROM leases WHERE name = ? AND holder = ?", [name, holder])])])

    @contextlib.asynccontextmanager
    async def leased(self, name: str, *, wait_s: float, ttl_s: float = 60.0) -> AsyncIterator[None]:
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
                await self.release_lease(name, holder)

    async def lease_holder(self, name: str) -> tuple[str, float] | None:
        """(holder, seconds until it expires; negative once expired) or None."""
        rows = await self.pool.query(f"SELECT holder, expires - {_NOW} FROM leases WHERE name = ?", [name])
        return (rows[0][0], float(rows[0][1])) if rows else None

    async def close(self) -> None:
        await self.pool.close()
