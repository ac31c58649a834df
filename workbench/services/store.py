"""The one Memory of a store configuration, shared by every page and session."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .settings import StoreSettings

if TYPE_CHECKING:
    from agentmem import Memory

__all__ = ["Store"]

class Store:
    """The one Memory of a configuration, opened lazily, reopened only when its settings change.

    The workbench caches one Store per :class:`StoreSettings` (data directory and remote
    stores; ``st.cache_resource``), so every page and every session share the same
    Memory. Settings that live in ``MemoryConfig`` (pool size, a phase preset) are
    applied by :meth:`configure`, which closes the old Memory and opens the new one on
    the same stores; nothing stored is lost.
    """

    def __init__(self, settings: StoreSettings | str | Path) -> None:
        if not isinstance(settings, StoreSettings):
            settings = StoreSettings(str(settings))
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        self.overrides: dict[str, Any] = {}
        self._memory: Memory | None = None
        self._lock = threading.RLock()
        self._searched: set[tuple[str | None, str | None, str | None]] = set()

    @property
    def memory(self) -> Memory:
        with self._lock:
            if self._memory is None:
                from agentmem import Memory

                self._memory = Memory(self.settings.config(**self.overrides))
            return self._memory

    @property
    def is_open(self) -> bool:
        return self._memory is not None

    def warm_search(self, user_id: str | None, text: str) -> None:
        """One search of ``user_id``'s memories, so the next search finds the query model and that
        user's memories loaded (and :meth:`search_note` no longer says they load)."""
        self.memory.search(text, user_id=user_id, limit=1)
        with self._lock:
            self._searched.add((user_id, None, None))

    def search_note(self, user_id: str | None, agent_id: str | None = None, run_id: str | None = None) -> str | None:
        """What a search of this scope loads first, in words (None: nothing, it was searched before).

        The first search of an open store loads the query model; the first search of a
        scope loads that scope's memories into memory (a few seconds for thousands),
        which a page says instead of spinning without a word. Marks the scope searched.
        """
        scope = (user_id, agent_id, run_id)
        with self._lock:
            first_of_store = not self._searched
            if scope in self._searched:
                return None
            self._searched.add(scope)
        who, whose = (f"user {user_id}", "that user's") if user_id else ("all users", "their")
        if first_of_store:
            return f"the first search loads the search model and the memories of {who}"
        return f"the first search of {who} loads {whose} memories"

    def configure(self, **overrides: Any) -> bool:
        """Use these MemoryConfig fields from now on; True when the Memory was reopened."""
        self.settings.config(**overrides)  # validate before closing anything
        with self._lock:
            if overrides == self.overrides:
                return False
            self.close()
            self.overrides = dict(overrides)
            return True

    def close(self) -> None:
        with self._lock:
            self._searched.clear()  # a new Memory loads every scope again
            if self._memory is not None:
                try:
                    self._memory.close()
                finally:
                    self._memory = None
