"""Plain result objects returned by the public API (records, results, reports, timings)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MemoryRecord",
    "AddResult",
    "SearchHit",
    "HistoryEvent",
    "CoreBlock",
    "VerifyReport",
    "RepairReport",
    "CallTiming",
    "ResultList",
    "STAGES",
]

#: The stages every orchestrator call is timed in ("other" is the rest of the wall time).
STAGES = ("embed", "vectors", "records", "history", "other")

T = TypeVar("T")


class ResultList(list[T], Generic[T]):
    """A list of results that also turns into a DataFrame."""

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        rows = [item.to_dict() for item in self]  # type: ignore[attr-defined]
        return pd.DataFrame(rows)


class _AsDict:
    """``to_dict()`` for the result dataclasses (their fields, recursively)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class MemoryRecord(_AsDict):
    """One stored memory, as the records store holds it."""

    id: str
    content: str
    user_id: str | None
    agent_id: str | None
    run_id: str | None
    memory_type: str
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    hash: str


@dataclass(frozen=True, slots=True)
class AddResult(_AsDict):
    """What ``add`` did: a new memory (``ADD``) or the existing one with the same text (``NOOP``)."""

    id: str
    event: Literal["ADD", "NOOP"]
    memory: str


@dataclass(frozen=True, slots=True)
class SearchHit(_AsDict):
    """One search result; ``score`` is higher for better matches in every mode."""

    id: str
    content: str
    score: float
    user_id: str | None
    agent_id: str | None
    run_id: str | None
    memory_type: str
    metadata: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryEvent(_AsDict):
    """One change to a memory, the columns Mem0's history has."""

    id: str
    memory_id: str
    event: Literal["ADD", "UPDATE", "DELETE"]
    old_content: str | None
    new_content: str | None
    old_metadata: dict[str, Any] | None
    new_metadata: dict[str, Any] | None
    created_at: datetime
    actor: str | None = None
    is_deleted: bool = False
    #: for a change ``add(infer=True)`` made (actor ``llm:<call>``): the model and the messages
    source: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class CoreBlock(_AsDict):
    """A core memory block (persona or human) of one user/agent pair."""

    label: Literal["persona", "human"]
    user_id: str | None
    agent_id: str | None
    value: str
    limit: int
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Whether the records store and the vector store hold the same ids.

    ``missing_vectors`` (a record without its vector), ``orphan_vectors`` (a vector without
    its record) and ``stale_vectors`` (a vector of other text than its record, or stored
    twice) list ids in id order, at most ``LISTED`` of each: a store that lost a million
    vectors does not make a million-entry report. ``missing``, ``orphans`` and ``stale``
    are the exact counts (when not given, the lengths of the lists).
    """

    #: most ids listed per kind of difference; the counts are exact beyond it
    LISTED: ClassVar[int] = 10_000

    records: int
    vectors: int
    missing_vectors: list[str] = field(default_factory=list)
    orphan_vectors: list[str] = field(default_factory=list)
    stale_vectors: list[str] = field(default_factory=list)
    missing: int = -1
    orphans: int = -1
    stale: int = -1

    def __post_init__(self) -> None:
        for count, ids in (("missing", "missing_vectors"), ("orphans", "orphan_vectors"), ("stale", "stale_vectors")):
            if getattr(self, count) < 0:
                object.__setattr__(self, count, len(getattr(self, ids)))

    @property
    def ok(self) -> bool:
        return not (self.missing or self.orphans or self.stale)

    @property
    def truncated(self) -> bool:
        """Whether some differing ids are counted but not listed."""
        return (self.missing > len(self.missing_vectors) or self.orphans > len(self.orphan_vectors)
                or self.stale > len(self.stale_vectors))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        out["truncated"] = self.truncated
        return out


@dataclass(frozen=True, slots=True)
class RepairReport:
    """What ``repair`` did to make the vector store match the records store."""

    reembedded: int
    removed_orphans: int
    after: VerifyReport

    def to_dict(self) -> dict[str, Any]:
        return {"reembedded": self.reembedded, "removed_orphans": self.removed_orphans, "after": self.after.to_dict()}


@dataclass(slots=True)
class CallTiming:
    """How long one public call took, and in which stage (seconds).

    Stages that ran concurrently (vectors and records under ``concurrent_writes``)
    each keep their own time, so their sum may exceed ``wall``; ``other`` is the wall
    time not covered by any stage.
    """

    op: str
    items: int
    wall: float
    stages: dict[str, float]
    #: add(infer=True): tokens in and out of its LLM calls, where the server reported them
    llm_tokens: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"op": self.op, "items": self.items, "wall": self.wall, **self.stages}
        if self.llm_tokens is not None:
            out["llm_tokens_in"], out["llm_tokens_out"] = self.llm_tokens
        return out
