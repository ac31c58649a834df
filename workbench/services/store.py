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
            if self._memory is not None:
                try:
                    self._memory.close()
                finally:
                    self._memory = None
