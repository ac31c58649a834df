"""The one owner of LanceDB upkeep: a background task, never on a writer's path.

Writers only *kick* it (set an event, no await). It wakes on a kick or every
``interval_s``, asks the table what it needs (``VectorStore.needs()``) and runs a round only
when something is due (``UpkeepPolicy.reason``):

* no vector index although the table has reached ``ann_min_rows``: build IVF_PQ;
* rows the full-text or vector index does not cover yet (``index_stats``) and small
  fragments (``stats().fragment_stats``). LanceDB's compaction rewrites every fragment under
  1M rows, so a round costs about the table's size: it runs when the new rows are a tenth
  of the table (each row is then rewritten a bounded number of times, not once per round)
  or when fragments pile up past ``max_fragments``; small tables are compacted freely;
* versions written since the last round (lance#2318: inserts slow down as versions pile
  up): each round drops versions older than the store's ``retention_s``, and one more round
  follows once the versions the last round replaced are that old, so a quiet store's disk
  comes back to its data's size;
* a quiet table written since the last round: fold in what is left (a large table waits
  longer for quiet, since the round rewrites it).

A round that falls due while searches or single adds are running waits until none ran
for ``search_quiet_s`` (at most ``max_defer_s``), and while a bulk ingest is still appending
(``bulk_writing``). A round is LanceDB's ``optimize`` (compaction, index update, cleanup in
one call), then the ANN build when due; the task's rounds run in a child process at nice 19
(``UpkeepProcess``, upkeep_worker.py), so they take the cores the agent's embeddings leave
idle, not the ones they need (``run_now`` and ``optimize()`` run in this process, for a
caller that waits). After a round of T seconds in this process the task rests T. When the records store offers a lease
(``try_lease``, shared by several processes), each round first takes ``upkeep:<table>``, so
one process at a time does this work. ``stop()`` ends the task (close() calls it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from .upkeep_worker import CPU_THREADS, IO_THREADS, NICE, child_env

__all__ = ["BULK_ROWS", "Upkeep", "UpkeepPolicy", "UpkeepProcess"]

log = logging.getLogger(__name__)
# this many rows appended within ``bulk_quiet_s`` are a bulk ingest: rounds wait until it pauses
BULK_ROWS = 1000


class UpkeepPolicy:
    """When a round is due (plain thresholds; see the module docstring)."""

    def __init__(
        self,
        *,
        small_fragments: int = 16,
        unindexed_rows: int = 20_000,
        versions: int = 512,
        idle_s: float = 2.0,
        ann_min_rows: int = 100_000,
        max_fragments: int = 256,
        search_quiet_s: float = 1.0,
        max_defer_s: float = 60.0,
        bulk_quiet_s: float = 15.0,
        max_bulk_defer_s: float = 600.0,
    ) -> None:
        self.bulk_quiet_s = bulk_quiet_s
        self.max_bulk_defer_s = max_bulk_defer_s
        self.search_quiet_s = search_quiet_s
        self.max_defer_s = max_defer_s
        self.small_fragments = small_fragments
        self.unindexed_rows = unindexed_rows
        self.versions = versions
        self.idle_s = idle_s
        self.ann_min_rows = ann_min_rows
        self.max_fragments = max_fragments

    def reason(self, need: dict[str, Any], idle_for: float, written_since_round: bool = True) -> str | None:
        """Why a round should run now, or None. ``need`` comes from ``VectorStore.needs()``."""
        if need["rows"] >= self.ann_min_rows and not need["has_vector_index"]:
            return "ann_build"
        # LanceDB's compaction rewrites every fragment under 1M rows, so a round costs about
        # the table's size: run it when the rows it folds in are a share of the table
        # (geometric: each row is rewritten a bounded number of times), or when fragments
        # pile up far enough that queries opening each of them slow down.
        share = need["unindexed_rows"] >= max(self.unindexed_rows, need["rows"] // 10)
        if need["small_fragments"] >= self.small_fragments and (share or need["rows"] < 50_000):
            return "small_fragments"
        if need["small_fragments"] >= self.max_fragments:
            return "too_many_fragments"
        if share:
            return "unindexed_rows"
        if need["versions_since_cleanup"] >= self.versions:
            return "versions"
        # Quiet table, written since the last round: fold in whatever is left, so a settled
        # store is fully indexed and small (a large table waits longer for quiet: the round
        # rewrites it).
        quiet = self.idle_s * max(1.0, need["rows"] / 100_000)
        if idle_for >= quiet and written_since_round and (
            need["unindexed_rows"] > 0 or need["small_fragments"] > 1 or need["versions_since_cleanup"] > 1
        ):
            return "idle"
        return None


class _Hold:
    """Puts a round off while something happened within ``quiet_s``, but never for longer
    than ``max_s`` in a row (so a store in constant use is still kept up)."""

    def __init__(self) -> None:
        self.since: float | None = None

    def holds(self, last: float, quiet_s: float, max_s: float) -> bool:
        now = time.monotonic()
        if now - last >= quiet_s:
            self.since = None
            return False
        if self.since is None:
            self.since = now
        if now - self.since >= max_s:
            self.since = None
            return False
        return True


class Upkeep:
    """Background upkeep of one VectorStore (started by the store, stopped by its close)."""

    def __init__(
        self,
        store: Any,
        policy: UpkeepPolicy,
        *,
        interval_s: float = 1.0,
        lease: Callable[[str, str, float], Awaitable[bool]] | None = None,
        lease_name: str = "upkeep",
        release: Callable[[str, str], Awaitable[None]] | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.interval_s = interval_s
        self._lease = lease
        self._release = release
        self._held = False  # the last lease call gave this holder the lease
        self.lease_name = lease_name
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._kick = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._stopped = asyncio.Event()
        self._last_write = time.monotonic()
        self._last_busy = 0.0
        self._last_bulk = 0.0
        self._window: deque[tuple[float, int]] = deque()  # (when, rows) of the recent appends
        self._window_rows = 0
        self._bulk_hold = _Hold()
        self.bulk_waits = 0  # looks at a due round put off while a bulk ingest was writing
        self._busy_hold = _Hold()
        self.deferred = 0  # looks at a due round put off because searches or adds were running
        self._last_round_end = 0.0
        self._cleanup_due: float | None = None
        self.retention_s = float(getattr(store, "retention_s", 30.0))
        self.running = False  # a round is in progress
        self.rounds = 0
        self.seconds = 0.0
        self.last_round_s = 0.0
        self.last_reason: str | None = None
        self.errors = 0
        self.last_error: str | None = None
        self.skipped_no_lease = 0

    # --- control ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="agentmem-upkeep")

    def touch(self) -> None:
        """A search or a single add ran: a round that falls due waits for a quiet moment.
        Never blocks."""
        self._last_busy = time.monotonic()

    def defer(self) -> bool:
        """Whether to put off a due round: searches or single adds ran in the last
        ``search_quiet_s`` (a round takes the cores their embedding needs), but never for
        longer than ``max_defer_s`` in a row, so a store in constant use is still kept up."""
        if not self._busy_hold.holds(self._last_busy, self.policy.search_quiet_s, self.policy.max_defer_s):
            return False
        self.deferred += 1
        return True

    def kick(self, rows: int = 0) -> None:
        """A writer committed ``rows``: look at the table soon. Never blocks."""
        now = self._last_write = time.monotonic()
        if rows:
            self._window.append((now, rows))
            self._window_rows += rows
            while self._window and now - self._window[0][0] > self.policy.bulk_quiet_s:
                self._window_rows -= self._window.popleft()[1]
            if self._window_rows >= BULK_ROWS:
                self._last_bulk = now
        self._kick.set()

    def bulk_writing(self) -> bool:
        """Whether a bulk ingest is still appending (``BULK_ROWS`` or more appended within
        ``bulk_quiet_s``, lately): a round now would compact and index rows that the next
        appends make stale again, and keep the copies it replaced on disk until they age
        past the retention. The round runs once the ingest pauses (at most ``max_bulk_defer_s``
        later). The pause is long (15 s): a bulk call of 100k rows appends once, at its end,
        and such calls come about 10 s apart at 10k rows/s."""
        if not self._bulk_hold.holds(self._last_bulk, self.policy.bulk_quiet_s, self.policy.max_bulk_defer_s):
            return False
        self.bulk_waits += 1
        return True

    async def stop(self, wait_s: float = 5.0) -> None:
        """Stop the task; a round in progress gets ``wait_s`` to finish, then is cancelled.

        Cancelling is safe for the data: a Lance commit is atomic, and files of an
        unfinished one are only leftovers for a later cleanup.
        """
        self._stopping = True
        self._stopped.set()
        self._kick.set()
        task, self._task = self._task, None
        if task is None or task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=wait_s)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        except Exception:  # the loop logs its own errors
            log.debug("the upkeep task ended with an error", exc_info=True)
        await self._give_back()

    async def _give_back(self) -> None:
        """Release the lease on stop: a store reopened here or in another process would
        otherwise skip every round until it expired (its ttl is 30 s or more)."""
        if self._release is None or not self._held:
            return
        self._held = False
        try:
            await self._release(self.lease_name, self.holder)
        except Exception:  # best effort: an unreleased lease still expires
            log.debug("releasing the upkeep lease failed", exc_info=True)

    # --- the loop --------------------------------------------------------------------------

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                await asyncio.wait_for(self._kick.wait(), timeout=self.interval_s)
            except TimeoutError:
                pass
            self._kick.clear()
            if self._stopping:
                break
            rest = 0.0
            try:
                need = await self.store.needs()
                reason = self.policy.reason(
                    need, time.monotonic() - self._last_write, self._last_write > self._last_round_end
                )
                if reason is None and self._cleanup_due is not None and time.monotonic() >= self._cleanup_due:
                    # the last round kept the versions it replaced (younger than the retention):
                    # one more round once they are old enough brings the disk back to the data
                    reason = "cleanup"
                if reason is None or self.bulk_writing() or self.defer():
                    continue
                if not await self.take_lease():
                    self.skipped_no_lease += 1
                    continue
                rest = await self._round(reason, need)  # duty cycle (see _round)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # upkeep only: rows are committed, the next round retries
                self.errors += 1
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                log.warning("LanceDB upkeep failed", exc_info=True)
                rest = self.interval_s * 5
            try:
                await asyncio.wait_for(self._stopped.wait(), timeout=rest)
            except TimeoutError:
                pass

    async def take_lease(self) -> bool:
        """Take or renew the upkeep lease; True when this process may run a round (always
        without a lease to take)."""
        if self._lease is None:
            return True
        ttl = max(30.0, self.interval_s * 10)
        self._held = bool(await self._lease(self.lease_name, self.holder, ttl))
        return self._held

    async def _round(self, reason: str, need: dict[str, Any]) -> float:
        """Run one round; returns how long the task rests after it: as long as the round took
        when it ran in this process (so it takes at most about half of the machine while
        writes keep coming), ``interval_s`` when it ran in the upkeep process (nice 19 already
        leaves the agent the cores it needs)."""
        self.running = True
        start = time.perf_counter()
        elsewhere_ran = False
        try:
            ann = need["rows"] >= self.policy.ann_min_rows and not need["has_vector_index"]
            elsewhere = getattr(self.store, "upkeep_round", None)
            if elsewhere is not None and reason != "requested":
                await elsewhere(ann, need["rows"])  # in the upkeep process (UpkeepProcess)
                elsewhere_ran = getattr(self.store, "upkeep_pid", None) is not None
            else:
                await self.store.compact()
                if ann:
                    await self.store.maybe_build_ann()
        finally:
            took = time.perf_counter() - start
            self._last_round_end = time.monotonic()
            self._cleanup_due = None if reason == "cleanup" else self._last_round_end + self.retention_s + 1.0
            self.running = False
            self.rounds += 1
            self.seconds += took
            self.last_round_s = took
            self.last_reason = reason
        return self.interval_s if elsewhere_ran else took

    async def run_now(self) -> float:
        """One round right away (``optimize()``), whatever the policy says."""
        need = await self.store.needs()
        return await self._round("requested", need)

    def stats(self) -> dict[str, Any]:
        return {
            "rounds": self.rounds,
            "seconds": round(self.seconds, 3),
            "last_round_s": round(self.last_round_s, 3),
            "last_reason": self.last_reason,
            "running": self.running,
            "errors": self.errors,
            "last_error": self.last_error,
            "skipped_no_lease": self.skipped_no_lease,
            "deferred": self.deferred,
            "bulk_waits": self.bulk_waits,
            # seconds until the round that cleans the versions the last round replaced (None:
            # none due, the disk is back to the data's size once a round ran)
            "cleanup_in_s": None if self._cleanup_due is None else round(max(0.0, self._cleanup_due - time.monotonic()), 1),
            "leased": self._lease is not None,
        }


class UpkeepProcess:
    """The child process rounds run in (upkeep_worker.py): started on the first round, at
    ``nice`` with LanceDB's pools capped, kept for the next rounds, ended by ``close``.

    A round cancelled midway (a close that could not wait) ends the process: a Lance commit
    is atomic, so what it left is at most files for a later cleanup."""

    def __init__(self, *, nice: int = NICE, cpu_threads: int = CPU_THREADS, io_threads: int = IO_THREADS) -> None:
        self.nice = nice
        self.cpu_threads = cpu_threads
        self.io_threads = io_threads
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()
        self.starts = 0

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.returncode is None else None

    async def _start(self) -> asyncio.subprocess.Process:
        env = child_env(self.cpu_threads, self.io_threads)
        env["AGENTMEM_UPKEEP_NICE"] = str(self.nice)
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).with_name("upkeep_worker.py")), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env)
        self.starts += 1
        return self._proc

    async def _read(self, proc: asyncio.subprocess.Process) -> dict[str, Any]:
        assert proc.stdout is not None
        line = await proc.stdout.readline()
        if not line:
            raise RuntimeError("the upkeep process ended")
        msg = json.loads(line)
        if "error" in msg:
            raise RuntimeError(f"upkeep process: {msg['error']}")
        return dict(msg)

    async def call(self, request: dict[str, Any], started: Callable[[int], None]) -> dict[str, Any]:
        """Send one request; ``started(version)`` once the process has opened the table."""
        async with self._lock:
            proc = self._proc
            if proc is None or proc.returncode is not None:
                proc = await self._start()
            assert proc.stdin is not None
            try:
                proc.stdin.write((json.dumps(request) + "\n").encode())
                await proc.stdin.drain()
                started(int((await self._read(proc))["started"]))
                return await self._read(proc)
            except BaseException as exc:
                if isinstance(exc, RuntimeError) and str(exc).startswith("upkeep process:"):
                    raise  # the round failed; the process is fine
                self._kill()
                raise

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            try:
                proc.kill()
            except ProcessLookupError:
                pass

    async def close(self, wait_s: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            await asyncio.wait_for(proc.wait(), timeout=wait_s)
        except (TimeoutError, asyncio.CancelledError):
            self._proc = proc
            self._kill()
            await proc.wait()
        except Exception:
            log.debug("closing the upkeep process failed", exc_info=True)
