"""Display tables from what the store returns (records, hits, history, counts, files on disk),
and the text filter that picks which memories a table shows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "HISTORY_COLUMNS",
    "RECORD_COLUMNS",
    "compact_json",
    "containing",
    "count_frames",
    "directory_listing",
    "history_frame",
    "hits_frame",
    "infer_frame",
    "record_label",
    "records_frame",
    "same_metadata",
    "short_id",
]

#: Plain-word headers for ``records_frame``'s columns (the Memories table and its CSV).
RECORD_COLUMNS = {
    "content": "Content",
    "user_id": "User",
    "agent_id": "Agent",
    "run_id": "Run",
    "memory_type": "Type",
    "metadata": "Metadata",
    "created_at": "Created",
    "updated_at": "Updated",
    "id": "Id",
}
#: Plain-word headers for ``history_frame``'s columns.
HISTORY_COLUMNS = {
    "created_at": "When",
    "event": "Event",
    "old_content": "Old content",
    "new_content": "New content",
    "old_metadata": "Old metadata",
    "new_metadata": "New metadata",
    "actor": "Changed by",
    "source": "From (LLM call)",
}


def compact_json(value: Any) -> str:
    """Metadata as one line of sorted JSON for a table cell or an edit box; empty for none."""
    if value in (None, {}):
        return ""
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def short_id(memory_id: str) -> str:
    """The last 8 characters of an id: ids are time-ordered UUIDs, so a batch shares its first
    characters and only the random tail tells its memories apart."""
    return str(memory_id)[-8:]


def record_label(record: Any, *, width: int = 80) -> str:
    """One line naming a memory in a picker: its text (cut to ``width``), user and short id."""
    text = " ".join(str(record.content).split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    return f"{text}  ·  {record.user_id or '-'}  ·  …{short_id(record.id)}"


def same_metadata(text: str | None, stored: Any) -> bool:
    """Whether an edit box's metadata text says the same as the stored metadata (spacing and key
    order aside); text that is not JSON differs."""
    stored = stored or {}
    if text is None or not str(text).strip():
        return stored == {}
    try:
        return json.loads(text) == stored
    except ValueError:
        return False


def containing(records: Iterable[Any], text: str, *, limit: int) -> tuple[list[Any], bool]:
    """The records whose content contains ``text`` (any case), in the walk's order, at most
    ``limit`` of them; and whether more matched (the walk stops at the first one past it).

    ``records`` is a walk such as ``Memory.iter_all(...)``, read page by page from the store,
    so the filter covers every memory of the scope, not just the rows on screen."""
    needle = text.casefold()
    found: list[Any] = []
    walk: Iterator[Any] = iter(records)
    try:
        for record in walk:
            if needle in str(record.content).casefold():
                if len(found) == limit:
                    return found, True
                found.append(record)
    finally:
        close = getattr(walk, "close", None)
        if close is not None:
            close()  # ends the store's cursor walk now, not at garbage collection
    return found, False


def records_frame(records: Iterable[Any]) -> pd.DataFrame:
    """MemoryRecords as a display table (metadata as compact JSON)."""
    columns = ["content", "user_id", "agent_id", "run_id", "memory_type", "metadata", "created_at", "updated_at", "id"]
    rows = [{c: getattr(r, c, None) for c in columns} for r in records]
    frame = pd.DataFrame(rows, columns=columns)
    frame["metadata"] = frame["metadata"].map(compact_json)
    return frame


def hits_frame(hits: Iterable[Any]) -> pd.DataFrame:
    """SearchHits as a display table, best first, with a rank column."""
    columns = ["score", "content", "user_id", "agent_id", "run_id", "memory_type", "metadata", "created_at", "id"]
    rows = [{c: getattr(h, c, None) for c in columns} for h in hits]
    frame = pd.DataFrame(rows, columns=columns)
    frame["metadata"] = frame["metadata"].map(compact_json)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def history_frame(events: Iterable[Any]) -> pd.DataFrame:
    """HistoryEvents (oldest first) as a table for the timeline."""
    columns = ["created_at", "event", "old_content", "new_content", "old_metadata", "new_metadata", "actor", "source"]
    rows = [{c: getattr(e, c, None) for c in columns} for e in events]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("old_metadata", "new_metadata"):
        frame[col] = frame[col].map(compact_json)
    frame["source"] = frame["source"].map(inferred_source)
    return frame


def inferred_source(source: dict[str, Any] | None) -> str | None:
    """An add(infer=True) event's source as one line: the model, then the messages it read."""
    if not source:
        return None
    said = " | ".join(f"{m.get('name') or m.get('role')}: {m.get('content')}" for m in source.get("messages", []))
    return f"{source.get('model')} · {said}"


#: The infer workload's columns (BenchResult.infer rows) and their headers.
INFER_COLUMNS = {
    "system": "System", "adds": "Adds", "failed_adds": "Failed", "memories": "Memories", "wall_s": "Wall s",
    "memories_per_s": "Memories/s", "p50_s": "p50 s/add", "p95_s": "p95 s/add",
    "llm_calls_per_add": "LLM calls/add", "tokens_in_per_add": "Tokens in/add", "tokens_out_per_add": "Tokens out/add",
}


def infer_frame(infer: dict[str, Any] | None) -> pd.DataFrame:
    """A phase run's infer workload (``BenchResult.infer``), one row per system; empty without one."""
    rows = [{k: r.get(k) for k in INFER_COLUMNS} | {"system": r["system"] if r["system"] == "agentmem"
                                                    else f"Mem0 {r.get('version', '')}".strip()}
            for r in (infer or {}).get("rows", [])]
    return pd.DataFrame(rows, columns=list(INFER_COLUMNS)).rename(columns=INFER_COLUMNS)


def count_frames(stats: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Memories per user and per type from ``Memory.stats()`` (one GROUP BY each, not a scan)."""
    out = {}
    for key, label in (("users", "user_id"), ("memory_types", "memory_type")):
        counts = stats.get(key) or {}
        rows = sorted(((k or None, int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], str(kv[0])))
        out[label] = pd.DataFrame(rows, columns=[label, "count"])
    return out


def directory_listing(path: str | Path) -> pd.DataFrame:
    """Top-level entries of the data directory with their size on disk."""
    path = Path(path)
    rows = []
    if path.is_dir():
        for entry in sorted(path.iterdir()):
            if entry.is_dir():
                files = [p for p in entry.rglob("*") if p.is_file()]
                size = sum(p.stat().st_size for p in files)
                rows.append({"name": entry.name + "/", "files": len(files), "bytes": size})
            else:
                rows.append({"name": entry.name, "files": 1, "bytes": entry.stat().st_size})
    frame = pd.DataFrame(rows, columns=["name", "files", "bytes"])
    frame["size"] = frame["bytes"].map(_human_bytes)
    return frame


def _human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"
