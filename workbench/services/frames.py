"""Display tables from what the store returns (records, hits, history, counts, files on disk)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["compact_json", "count_frames", "directory_listing", "history_frame", "hits_frame", "records_frame"]

def compact_json(value: Any) -> str:
    """Metadata as one line of sorted JSON for a table cell or an edit box; empty for none."""
    if value in (None, {}):
        return ""
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


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
    columns = ["created_at", "event", "old_content", "new_content", "old_metadata", "new_metadata", "actor"]
    rows = [{c: getattr(e, c, None) for c in columns} for e in events]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("old_metadata", "new_metadata"):
        frame[col] = frame[col].map(compact_json)
    return frame


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
