"""A pool of libSQL clients, all created through libsql-client.

For an embedded ``file:`` database, libsql-client's client is Python's sqlite3 run
synchronously: it opens a new connection for every call, with no busy timeout, and blocks
the event loop. :class:`LocalClient` keeps that client class but holds one connection for
its lifetime (so a pool of N clients is N connections),
sets the busy timeout and WAL-friendly pragmas, and the pool runs its calls in worker
threads, so vector writes, embedding and record writes really overlap. Writes from this
process queue on one lock: SQLite takes one writer at a time anyway, and its busy handler
would otherwise poll with sleeps of 1-100 ms. Remote URLs (``libsql://``, ``http(s)://``,
``ws(s)://``) get libsql-client's own async clients unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import libsql_client
from libsql_client import LibsqlError, ResultSet, Row, Statement
from libsql_client.sqlite3_utils import Sqlite3Client

from ..errors import ClosedError, RecordStoreError
from .sql import Stmt

try:  # libsql-client's remote clients run on aiohttp
    from aiohttp import ClientError as _HttpError
except ImportError:  # pragma: no cover
    _HttpError = OSError  # type: ignore[misc,assignment]

__all__ = ["ENGINE_ERRORS", "ClientPool", "LocalClient", "Stmt", "WriteStep", "run_statement"]

log = logging.getLogger(__name__)

# A step of a local write transaction that runs Python against the open connection.
WriteStep = Callable[[sqlite3.Connection], None]

# Every error the engine or its transport can raise; translated at this boundary.
ENGINE_ERRORS = (LibsqlError, sqlite3.Error, OSError, _HttpError, TimeoutError)


class LocalClient(Sqlite3Client):
    """libsql-client's file client holding one tuned connection, with sync calls.

    WAL with ``synchronous=NORMAL`` keeps every committed transaction across a process
    kill (the WAL is in the OS page cache); only a power loss can drop the last commits.
    The pool hands a client to one caller at a time, so its connection is never shared
    by two threads at once.
    """

    def __init__(self, path: str, busy_timeout_ms: int) -> None:
        super().__init__(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        db = super()._connect()
        db.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._connect()
        return self._db

    def query_sync(self, stmt: Stmt) -> ResultSet:
        return run_statement(self._connection(), stmt[0], list(stmt[1]))

    def write_sync(self, groups: Sequence[tuple[str, Sequence[Stmt | WriteStep]]]) -> dict[str, float]:
        """Run every statement of every group in one transaction; seconds spent per group name.

        A step may also be a callable taking the connection (for work that needs what an
        earlier statement of the same transaction did, e.g. which rows an upsert skipped).
        """
        timings: dict[str, float] = {}
        db = self._connection()
        # IMMEDIATE takes the write lock up front, so the busy timeout applies to it
        # (a DEFERRED read-then-write upgrade fails at once with SQLITE_BUSY).
        t0 = time.perf_counter()
        run_statement(db, "BEGIN IMMEDIATE")
        try:
            for n, (name, stmts) in enumerate(groups):
                start = t0 if n == 0 else time.perf_counter()
                for stmt in stmts:
                    if callable(stmt):
                        try:
                            stmt(db)
                        except sqlite3.Error as exc:
                            raise LibsqlError(str(exc), getattr(exc, "sqlite_errorname", "SQLITE")) from exc
                        continue
                    sql, args = stmt
                    # Bound straight through sqlite3: libsql-client's per-value conversion is
                    # the identity for the str/int/float/None values bound here and cost 3x the insert
                    # itself on the storage-only path (BENCHMARKS.md).
                    try:
                        db.execute(sql, args)
                    except sqlite3.Error as exc:
                        raise LibsqlError(str(exc), getattr(exc, "sqlite_errorname", "SQLITE")) from exc
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
            start = time.perf_counter()
            run_statement(db, "COMMIT")
            if groups:  # the commit (a WAL append, no fsync) counts to the first group
                timings[groups[0][0]] += time.perf_counter() - start
            return timings
        except BaseException:
            try:
                run_statement(db, "ROLLBACK")
            except LibsqlError:
                pass
            raise

    def close_sync(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            db.close()
        self._closed = True


def _bindable(value: Any) -> Any:
    """A value as libsql-client binds it: datetimes as unix milliseconds, booleans as 0/1,
    other buffers as bytes; NaN and infinities are refused."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("Only finite floats (not Infinity or NaN) are supported")
        return value
    if value is None or isinstance(value, (str, int, bytes)):
        return int(value) if isinstance(value, bool) else value
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    return bytes(memoryview(value))


def run_statement(db: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> ResultSet:
    """One statement on a local connection, answered as libsql-client's clients answer it:
    a ``ResultSet`` of ``Row``s with the column names, the affected row count and the last
    rowid, and sqlite3's errors raised as ``LibsqlError`` (code: the SQLite error name)."""
    args = [_bindable(v) for v in args]
    try:
        cursor = db.execute(sql, args)
    except sqlite3.Error as exc:
        raise LibsqlError(str(exc), getattr(exc, "sqlite_errorname", "SQLITE")) from exc
    try:
        try:
            fetched = cursor.fetchall()
        except sqlite3.Error as exc:
            raise LibsqlError(str(exc), getattr(exc, "sqlite_errorname", "SQLITE")) from exc
        columns = tuple(d[0] for d in cursor.description or ())
        index = {name: i for i, name in enumerate(columns)}
        return ResultSet(columns, [Row(index, r) for r in fetched], cursor.rowcount, cursor.lastrowid)
    finally:
        cursor.close()


def _is_busy(exc: BaseException) -> bool:
    """A remote server's 'database is locked' (SQLITE_BUSY): nothing was committed."""
    text = str(exc)
    return "SQLITE_BUSY" in text or "database is locked" in text


def _translate(exc: BaseException) -> RecordStoreError:
    return RecordStoreError(f"libSQL: {exc}")


class ClientPool:
    """``size`` libsql-client clients handed out one caller at a time."""

    def __init__(self, url: str, *, size: int, auth_token: str | None, busy_timeout_ms: int) -> None:
        self.url = url
        self.size = size
        self.local = url.startswith("file:")
        self._clients: list[Any] = []
        try:
            for _ in range(size):
                if self.local:
                    # create_client checks that the file opens; then swap in the tuned client.
                    checked = libsql_client.create_client(url)
                    self._clients.append(LocalClient(checked._path, busy_timeout_ms))
                else:
                    self._clients.append(libsql_client.create_client(url, auth_token=auth_token))
        except ENGINE_ERRORS + (ValueError,) as exc:
            raise _translate(exc) from exc
        self._free: asyncio.Queue[Any] = asyncio.Queue()
        for client in self._clients:
            self._free.put_nowait(client)
        self._writer = asyncio.Lock()
        self._busy_timeout_s = busy_timeout_ms / 1000
        self._closed = False

    @asynccontextmanager
    async def _client(self) -> AsyncIterator[Any]:
        if self._closed:
            raise ClosedError("the records store is closed")
        client = await self._free.get()
        try:
            yield client
        finally:
            self._free.put_nowait(client)

    async def query(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        """Rows of one read statement."""
        if not self.local:
            rs = await self._remote(lambda client: client.execute(Statement(sql, list(args))))
            return list(rs.rows)
        async with self._client() as client:
            try:
                rs = await asyncio.to_thread(client.query_sync, (sql, args))
            except ENGINE_ERRORS as exc:
                raise _translate(exc) from exc
            return list(rs.rows)

    async def _remote(self, call: Callable[[Any], Awaitable[Any]]) -> Any:
        """One call on a remote client, retried while the server answers SQLITE_BUSY.

        sqld waits for its write lock itself (up to 5 s), but a database that several
        connections open at once can still answer "database is locked" straight away.
        Each call is one statement or one batch that the server ran as a transaction and
        rolled back, so nothing was applied: it is retried, with backoff, until the busy
        timeout, as a local write would wait.
        """
        deadline = time.monotonic() + self._busy_timeout_s
        pause = 0.005
        async with self._client() as client:
            while True:
                try:
                    return await call(client)
                except ENGINE_ERRORS as exc:
                    if not _is_busy(exc) or time.monotonic() + pause > deadline:
                        raise _translate(exc) from exc
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.1)

    async def write(self, groups: Sequence[tuple[str, Sequence[Stmt | WriteStep]]]) -> dict[str, float]:
        """Run groups of statements in one transaction; returns seconds per group name.

        Local databases run it in a worker thread (so it overlaps the event loop's other
        work), one writer of this process at a time; remote ones send one libsql-client
        batch, which the server runs as a transaction, and its time is all given to the
        first group.
        """
        groups = [(name, list(stmts)) for name, stmts in groups if stmts]
        if not groups:
            return {}
        if not self.local:
            if any(callable(s) for _, stmts in groups for s in stmts):
                raise TypeError("Python steps run inside local transactions only")
            batch = [Statement(sql, list(args)) for _, stmts in groups for sql, args in stmts]
            start = time.perf_counter()
            await self._remote(lambda client: client.batch(batch))
            return {groups[0][0]: time.perf_counter() - start}
        async with self._writer, self._client() as client:
            try:
                return await asyncio.to_thread(client.write_sync, groups)
            except ENGINE_ERRORS as exc:
                raise _translate(exc) from exc

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for client in self._clients:
            try:
                if self.local:
                    client.close_sync()
                else:
                    await client.close()
            except Exception:  # closing is best effort; every commit is already durable
                log.debug("closing a libSQL client raised", exc_info=True)
