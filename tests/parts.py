"""The storage parts a Memory opens, caught as they are made.

A test that checks one part (the vector store, its upkeep, the records store's pending
vectors) gets the very object the Memory uses, without reaching into the Memory:
:func:`catch_stores` wraps the parts' ``open`` classmethods for the test's duration (a
test module turns it into a fixture over ``monkeypatch``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentmem import MemoryConfig
from agentmem.storage.lance import VectorStore
from agentmem.storage.libsql import RecordStore


@dataclass
class Opened:
    """Every store opened while the test runs, in order of opening."""

    vectors: list[VectorStore] = field(default_factory=list)
    records: list[RecordStore] = field(default_factory=list)


def _catching(cls: type, into: list[Any]) -> classmethod:
    real = cls.open.__func__  # type: ignore[attr-defined]

    async def open_(klass: type, *args: Any, **kwargs: Any) -> Any:
        store = await real(klass, *args, **kwargs)
        into.append(store)
        return store

    return classmethod(open_)


def catch_stores(monkeypatch: Any) -> Opened:
    """From now until the test ends, every store opened is added to the result."""
    found = Opened()
    monkeypatch.setattr(VectorStore, "open", _catching(VectorStore, found.vectors))
    monkeypatch.setattr(RecordStore, "open", _catching(RecordStore, found.records))
    return found


async def pending_rows(config: MemoryConfig, limit: int = 10) -> list[Any]:
    """The records store's pending vectors (write-behind), read through a store of its own."""
    store = await RecordStore.open(config.resolved_records_url, pool_size=1, auth_token=config.records_auth_token,
                                   busy_timeout_ms=config.busy_timeout_ms)
    try:
        return await store.pending_vectors(limit)
    finally:
        await store.close()
