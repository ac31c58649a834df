"""agentmem: a memory system for AI agents.

FastEmbed embeddings, LanceDB vectors, libSQL records with a history log, and core
persona/human blocks, behind a Mem0-like API::

    from agentmem import Memory, MemoryConfig
    with Memory(MemoryConfig(data_dir="data/store")) as mem:
        mem.add("Alice likes green tea", user_id="alice")
        mem.search("what does alice drink?", user_id="alice")
"""

from .config import DEFAULT_MODEL, MemoryConfig
from .errors import (
    AgentMemError,
    ClosedError,
    ConflictError,
    ConsistencyError,
    DatasetError,
    EmbeddingError,
    InvalidInputError,
    LLMError,
    LLMOutputError,
    LLMUnavailableError,
    NotFoundError,
    RecordStoreError,
    StorageError,
    VectorStoreError,
)
from .core import AsyncCoreBlocks
from .infer import InferResult
from .memory import AsyncMemory, CoreBlocks, Memory
from .models import (
    AddResult,
    CallTiming,
    CoreBlock,
    HistoryEvent,
    MemoryRecord,
    RepairReport,
    ResultList,
    SearchHit,
    VerifyReport,
)

__version__ = "0.1.0"

__all__ = [
    "AddResult",
    "AgentMemError",
    "AsyncCoreBlocks",
    "AsyncMemory",
    "CallTiming",
    "ClosedError",
    "ConflictError",
    "ConsistencyError",
    "CoreBlock",
    "CoreBlocks",
    "DEFAULT_MODEL",
    "DatasetError",
    "EmbeddingError",
    "HistoryEvent",
    "InferResult",
    "InvalidInputError",
    "LLMError",
    "LLMOutputError",
    "LLMUnavailableError",
    "Memory",
    "MemoryConfig",
    "MemoryRecord",
    "NotFoundError",
    "RecordStoreError",
    "RepairReport",
    "ResultList",
    "SearchHit",
    "StorageError",
    "VectorStoreError",
    "VerifyReport",
    "__version__",
]
