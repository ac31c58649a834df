"""The records store (source of truth): memories, history and core blocks in libSQL.

The memories table's rows are in rows.py, core blocks in core_blocks.py, leases in
leases.py, and the pending vectors of write-behind in write_behind.py.

Every value is a bound parameter; identifiers come from this module only. Inserts are
multi-row ``INSERT ... VALUES (?, ...), (?, ...)`` statements inside one transaction,
which is what lets the persisted path keep up with the vector store.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from ..models import CoreBlock, HistoryEvent, MemoryRecord
from .base import NewMemory
from .batch import Batch
from .core_blocks import CoreBlockRows
from .filters import Condition, format_ts, to_sql
from .history import HistoryRow, history_insert
from .leases import Leases
from .pool import ClientPool
from .rows import MEMORY_COLUMNS, SELECT_MEMORY, memory_rows, row_to_record
from .sql import Stmt, chunked, in_list, multi_insert
from .write_behind import PendingRow, clear_pending, read_pending, stage_pending

__all__ = ["MEMORY_COLUMNS", "SCHEMA_VERSION", "RecordStore", "row_to_record"]

SCHEMA_VERSION = 4
#: Page cache (KiB) of a connection once it has run a bulk insert. A 65k-row insert into a
#: 1M-memory store dirties ~120 MB (new table and history pages, and nearly every leaf of
#: the random-keyed hash index); a smaller cache spills them to the WAL mid-transaction,
#: which measured 1.5-2.4x slower per row at 400k (128 MiB against 256-512 MiB).
BULK_CACHE_KIB = 262_144

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

class RecordStore:
    """Memories, history and core blocks in one libSQL database, reached through a pool."""

    def __init__(self, pool: ClientPool) -> None:
        self.pool = pool
        self.core_blocks = CoreBlockRows(pool)
        self.leases = Leases(pool)

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
        if not hashes:
            return {}
        # one statement for any number: the hashes travel as one JSON array, and SQLite
        # probes the hash index once per value
        rows = await self.pool.query(
            "SELECT hash, id, content FROM memories WHERE hash IN (SELECT value FROM json_each(?))",
            [json.dumps(list(hashes))],
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    async def get(self, memory_id: str) -> MemoryRecord | None:
        rows = await self.pool.query(f"{SELECT_MEMORY} WHERE m.id = ?", [memory_id])
        return row_to_record(rows[0]) if rows else None

    async def get_many(self, ids: Sequence[str]) -> list[MemoryRecord]:
        out: list[MemoryRecord] = []
        for chunk in chunked(list(ids), 900):
            rows = await self.pool.query(f"{SELECT_MEMORY} WHERE m.id IN {in_list(chunk)}", chunk)
            out.extend(row_to_record(r) for r in rows)
        return out

    async def list(self, conds: list[Condition], *, limit: int, offset: int) -> list[MemoryRecord]:
        where, args = to_sql(conds)
        rows = await self.pool.query(
            f"{SELECT_MEMORY} WHERE {where} ORDER BY m.created_at DESC, m.rowid DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        )
        return [row_to_record(r) for r in rows]

    async def count(self, conds: list[Condition]) -> int:
        where, args = to_sql(conds)
        rows = await self.pool.query(f"SELECT COUNT(*) FROM memories AS m WHERE {where}", args)
        return int(rows[0][0])

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
        rows = await self.pool.query(f"{SELECT_MEMORY} WHERE {where} AND m.rowid <= ? LIMIT ?", [*args, upto_rowid, limit])
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
        batch = Batch.of(items)
        rows = memory_rows(batch)
        inserts = [(sql + " ON CONFLICT(hash) DO NOTHING", args) for sql, args in multi_insert("memories", MEMORY_COLUMNS, rows)]
        add_history = (
            f"INSERT INTO history ({', '.join(HistoryRow.ADD_COLUMNS)}) SELECT {HistoryRow.ADD_SELECT} FROM memories "
        )
        if not self.pool.local:
            groups: list[tuple[str, list[Any]]] = [("records", inserts)]
            if history:
                # a skipped memory's id is not in the table, so its ADD event is not written
                groups.append(("history", [
                    (add_history + f"WHERE id IN {in_list(c)}", list(c)) for c in chunked(batch.ids, 900)
                ]))
            stages = await self.pool.write(groups)
            if taken is not None:
                for h, (mid, _) in (await self.existing_hashes(batch.hashes)).items():
                    taken[h] = mid
                for h, mid in zip(batch.hashes, batch.ids):
                    if taken.get(h) == mid:
                        del taken[h]
            return stages

        def run(db: Any) -> None:
            if len(items) > 1000:
                # A bulk insert lands all over the hash index (random keys): with SQLite's
                # 2 MB default the pages it touches are evicted and read again, and dirty
                # ones spill to the WAL mid-transaction. The setting stays on this
                # connection; the memory is only taken as pages are cached.
                db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
            # Inside this write transaction the new rows get rowids above every existing
            # one, so "rowid > the max before" is exactly what this call inserted.
            before = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM memories").fetchone()[0]
            inserted = sum(max(0, db.execute(sql, args).rowcount) for sql, args in inserts)
            if inserted < len(items):
                mine = dict(zip(batch.hashes, batch.ids))
                for chunk in chunked(list(mine), 900):
                    for h, mid in db.execute(f"SELECT hash, id FROM memories WHERE hash IN {in_list(chunk)}", chunk):
                        if mid != mine[h] and taken is not None:
                            taken[h] = mid
            if history:
                db.execute(add_history + "WHERE rowid > ?", [before])
            if pending is not None:
                stage_pending(db, items, pending[0], pending[1], set(taken or ()))

        if pending is not None and not self.pool.local:
            raise ValueError("write-behind needs a local records database")
        return await self.pool.write([("records", [run])])

    # --- write-behind vectors (write_behind.py owns the protocol) ----------------------

    async def clear_pending(self, ids: Sequence[str]) -> None:
        """Forget pending vectors whose LanceDB append has committed."""
        await clear_pending(self.pool, ids)

    async def pending_vectors(self, limit: int) -> list[PendingRow]:
        """Up to ``limit`` pending vectors, oldest first (``write_behind.read_pending``)."""
        return await read_pending(self.pool, limit)

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
                    (f"DELETE FROM history WHERE rowid IN (SELECT MAX(rowid) FROM history WHERE event = ? "
                    f"AND memory_id IN {in_list(chunk)} GROUP BY memory_id)"),
                    [drop_event, *chunk],
                ))
        await self.pool.write([("records", stmts)])

    async def reset(self) -> None:
        await self.pool.write([("records", [("DELETE FROM memories", []), ("DELETE FROM history", []), ("DELETE FROM core_blocks", [])])])

    # --- core blocks and leases (core_blocks.py, leases.py) ------------------------------

    async def get_block(self, label: str, scope: str) -> tuple[str, int, str | None] | None:
        return await self.core_blocks.get(label, scope)

    async def put_block(self, block: CoreBlock, scope: str) -> None:
        await self.core_blocks.put(block, scope)

    async def list_blocks(self) -> list[tuple[Any, ...]]:
        return await self.core_blocks.list()

    async def try_lease(self, name: str, holder: str, ttl_s: float) -> bool:
        """Take or renew the lease ``name`` for ``ttl_s`` seconds (``Leases.try_lease``)."""
        return await self.leases.try_lease(name, holder, ttl_s)

    async def release_lease(self, name: str, holder: str) -> None:
        await self.leases.release(name, holder)

    def leased(self, name: str, *, wait_s: float, ttl_s: float = 60.0) -> AbstractAsyncContextManager[None]:
        """Hold lease ``name`` for the block (``Leases.held``)."""
        return self.leases.held(name, wait_s=wait_s, ttl_s=ttl_s)

    async def lease_holder(self, name: str) -> tuple[str, float] | None:
        return await self.leases.holder(name)

    async def close(self) -> None:
        await self.pool.close()
