"""Errors raised by agentmem.

Every error the package raises on purpose derives from :class:`AgentMemError`.
Errors of the engines underneath (LanceDB, libSQL, onnxruntime) are translated at
the storage boundary, so callers never need to import those libraries to catch them.

    AgentMemError
    ├── InvalidInputError  (also a ValueError)  bad argument; ``.field`` names it
    ├── NotFoundError      (also a LookupError) no memory with that id
    ├── ClosedError                             the Memory was closed
    ├── EmbeddingError                          the model could not be loaded or run
    ├── DatasetError       (also a ValueError)  a benchmark/eval file is missing or malformed
    ├── LLMError                                add(infer=True): the LLM failed; ``.cause`` names why
    │   ├── LLMUnavailableError                 timeout, refused connection, 5xx, rejected request
    │   └── LLMOutputError                      malformed/truncated JSON, empty, unknown id, refusal
    └── StorageError                            an engine failed
        ├── RecordStoreError                    libSQL
        ├── VectorStoreError                    LanceDB
        ├── ConsistencyError                    the two stores disagree after a failed undo
        └── ConflictError                       add(infer=True): another writer kept changing its memories
"""

from __future__ import annotations

__all__ = [
    "AgentMemError",
    "ClosedError",
    "ConflictError",
    "ConsistencyError",
    "DatasetError",
    "EmbeddingError",
    "InvalidInputError",
    "LLMError",
    "LLMOutputError",
    "LLMUnavailableError",
    "NotFoundError",
    "RecordStoreError",
    "StorageError",
    "VectorStoreError",
]


class AgentMemError(Exception):
    """Root of every error agentmem raises."""


class InvalidInputError(AgentMemError, ValueError):
    """An argument was rejected before anything was written.

    ``field`` names the argument (``"content"``, ``"metadata[3]"``, ``"filters.topic"``).
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.reason = message
        super().__init__(f"{field}: {message}")


class NotFoundError(AgentMemError, LookupError):
    """No memory has the given id."""

    def __init__(self, memory_id: str) -> None:
        self.memory_id = memory_id
        super().__init__(f"no memory with id {memory_id!r}")

    def __str__(self) -> str:  # LookupError would repr() the args
        return self.args[0]


class ClosedError(AgentMemError):
    """The Memory (or one of its stores) was closed and refuses work."""


class EmbeddingError(AgentMemError):
    """The embedding model could not be loaded or failed to run."""


class DatasetError(AgentMemError, ValueError):
    """A dataset file is missing, unreadable or not in the expected format."""


class LLMError(AgentMemError):
    """``add(messages, infer=True)`` got no usable answer from the LLM endpoint.

    ``cause`` names why: ``"timeout"``, ``"connection"``, ``"server_error"`` (5xx),
    ``"http_error"`` (another status), ``"empty"``, ``"malformed"``, ``"truncated"``,
    ``"schema"`` (JSON of the wrong shape), ``"unknown_id"`` (a memory id the model
    invented), ``"refusal"``. ``attempts`` is how many requests were made. Nothing of the
    call was stored. The message never holds the API key.
    """

    def __init__(self, cause: str, message: str, *, attempts: int = 1) -> None:
        self.cause = cause
        self.attempts = attempts
        super().__init__(f"llm {cause}: {message}" + (f" (after {attempts} attempts)" if attempts > 1 else ""))


class LLMUnavailableError(LLMError):
    """The endpoint did not answer in time, refused the connection or returned an error status."""


class LLMOutputError(LLMError):
    """The endpoint answered, but not with decisions that could be applied."""


class StorageError(AgentMemError):
    """A storage engine failed; the message carries the engine's own words.

    ``setting`` names the MemoryConfig setting to look at when the store could not be
    reached or opened (``"records_url"``, ``"vectors_uri"``, ``"storage_options"``), else None.
    """

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        self.setting = setting
        super().__init__(f"{setting}: {message}" if setting else message)


class RecordStoreError(StorageError):
    """The libSQL records store failed."""


class VectorStoreError(StorageError):
    """The LanceDB vector store failed."""


class ConsistencyError(StorageError):
    """A write failed in one store and could not be undone in the other.

    ``Memory.verify()`` reports the difference and ``Memory.repair()`` mends it.
    """


class ConflictError(StorageError):
    """``add(messages, infer=True)`` decided on memories another writer changed first.

    Each try read the related memories again and asked the model again; another writer (a
    second Memory or process on the same store) changed or deleted a memory the model was
    shown, or stored a text this call was adding, before each try could commit. Nothing
    of the call was stored. ``attempts`` is how many tries were made; ``memory_ids`` the
    memories the last one found changed (where its transaction found the change: every
    memory it would have updated or deleted; empty for a text another writer stored).
    """

    def __init__(self, message: str, *, memory_ids: tuple[str, ...] = (), attempts: int = 1) -> None:
        self.memory_ids = memory_ids
        self.attempts = attempts
        super().__init__(message)
