"""What the user typed or uploaded, read into rows to store (no store is touched here).

Rows are checked with the package's own validation (``agentmem.validation``), so a row
the workbench lets through is one the store takes, and a refused row is named with the
store's own words before anything is written.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentmem import validation
from agentmem.errors import DatasetError, InvalidInputError

__all__ = [
    "MAX_UPLOAD_BYTES",
    "UPLOAD_KINDS",
    "IngestItem",
    "items_from_dataset",
    "items_from_text",
    "parse_chat",
    "parse_filters",
    "parse_metadata",
    "preview",
    "save_upload",
    "upload_columns",
    "validate_items",
]

#: Uploads above this are refused before they are parsed; ``.streamlit/config.toml`` sets the
#: same limit for Streamlit's uploader.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOAD_KINDS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "locomo"}


def parse_metadata(text: str, *, field: str = "metadata") -> dict[str, Any]:
    """A JSON object from a text box; empty means ``{}``."""
    if text is None or not str(text).strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(field, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(value, dict):
        raise InvalidInputError(field, f"must be a JSON object like {{\"topic\": \"food\"}}, got {type(value).__name__}")
    return value


def parse_filters(text: str) -> dict[str, Any]:
    """Metadata filters from ``key=value`` lines or a JSON object; values are JSON when they parse."""
    if text is None or not text.strip():
        return {}
    stripped = text.strip()
    if stripped.startswith("{"):
        return parse_metadata(stripped, field="filters")
    out: dict[str, Any] = {}
    for number, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line:
            raise InvalidInputError("filters", f"line {number}: expected key=value, got {line.strip()!r}")
        key, raw = (part.strip() for part in line.split("=", 1))
        if not key:
            raise InvalidInputError("filters", f"line {number}: the key is empty")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out[key] = value
    return out


@dataclass(frozen=True, slots=True)
class IngestItem:
    """One row to store; ``row`` is its 1-based position in what the user gave."""

    row: int
    text: Any
    user_id: str | None
    metadata: Any = field(default_factory=dict)


def items_from_text(text: str, *, user_id: str | None, metadata: dict[str, Any] | None = None) -> list[IngestItem]:
    """One memory per non-empty line of pasted text."""
    if text is None or not text.strip():
        raise InvalidInputError("memories", "paste at least one line of text, one memory per line (the grey e.g. text is only an example)")
    meta = dict(metadata or {})
    return [
        IngestItem(row=i, text=line, user_id=user_id, metadata=dict(meta))
        for i, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def parse_chat(text: str | bytes | None, *, field: str = "chat") -> list[Any]:
    """Chat messages from JSON (a list of messages) or JSONL (one message per line).

    Only the JSON is read here: ``Memory.add`` checks the messages themselves and names
    the one it refuses (``messages[2].role``).
    """
    if isinstance(text, bytes):
        if len(text) > MAX_UPLOAD_BYTES:
            raise InvalidInputError(field, f"is {len(text) / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInputError(field, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if text is None or not text.strip():
        raise InvalidInputError(field, "paste or upload a chat: a JSON list of messages, or one JSON message per line")
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None  # JSONL, read line by line below
    else:
        if isinstance(whole, list):
            return whole
        if isinstance(whole, dict):
            return [whole]  # JSONL of one line, or one pretty-printed message
        raise InvalidInputError(field, f"must be a list of messages, got JSON {type(whole).__name__}")
    out: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InvalidInputError(field, f"line {number}: not valid JSON ({exc.msg})") from None
    return out


def save_upload(name: str, data: bytes, folder: str | Path) -> tuple[Path, str]:
    """Write an upload to ``folder`` (size and type checked first); returns (path, dataset kind)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInputError(
            "upload", f"{name} is {len(data) / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB"
        )
    if not data.strip():
        raise InvalidInputError("upload", f"{name} is empty")
    suffix = Path(name).suffix.lower()
    kind = UPLOAD_KINDS.get(suffix)
    if kind is None:
        raise InvalidInputError("upload", f"{name}: use a .csv, .jsonl or LoCoMo .json file")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"upload-{uuid.uuid4().hex[:8]}{suffix}"
    path.write_bytes(data)
    return path, kind


_HEAD_BYTES = 1 << 20  # what upload_columns reads of a file


def upload_columns(path: str | Path, kind: str, *, sample_rows: int = 200) -> list[str]:
    """Column names of a CSV header or the keys of the first JSONL objects (for the pickers).

    Only the file's head is read (a file on disk may be large, and the pickers run on every
    page rerun); a line cut at the end of that head is left out.
    """
    path = Path(path)
    with path.open("rb") as handle:
        raw = handle.read(_HEAD_BYTES + 1)
    if len(raw) > _HEAD_BYTES:
        raw = raw[:_HEAD_BYTES].rsplit(b"\n", 1)[0]
    try:
        head = raw.decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if kind == "csv":
        try:
            header = next(csv.reader(io.StringIO(head)), [])
        except csv.Error as exc:
            raise DatasetError(f"{path.name}: bad CSV header: {exc}") from None
        columns = [c for c in header if c]
        if not columns:
            raise DatasetError(f"{path.name}: the first line has no column names")
        return columns
    if kind == "jsonl":
        keys: dict[str, None] = {}
        for number, line in enumerate(head.splitlines()[:sample_rows], start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path.name}: line {number}: bad JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise DatasetError(f"{path.name}: line {number}: expected a JSON object")
            keys.update(dict.fromkeys(str(k) for k in row))
        if not keys:
            raise DatasetError(f"{path.name}: no JSON objects found")
        return list(keys)
    return []


def items_from_dataset(dataset: Any, *, user_id: str | None = None) -> list[IngestItem]:
    """Rows of an ``agentmem.bench.Dataset``; ``user_id`` overrides the items' own users."""
    return [
        IngestItem(row=i, text=item.text, user_id=user_id or item.user_id, metadata=dict(item.metadata))
        for i, item in enumerate(dataset.items, start=1)
    ]


def validate_items(items: Sequence[IngestItem]) -> tuple[list[IngestItem], list[dict[str, Any]]]:
    """Split rows into those the store will take and rejected ones with a reason each.

    ``add_batch`` refuses a whole batch for one bad row; checking each row first with the
    store's own checks lets the good rows through and tells the user exactly which rows
    were left out and why.
    """
    good: list[IngestItem] = []
    rejected: list[dict[str, Any]] = []
    for item in items:
        try:
            validation.content(item.text, "text")
            validation.encoded_metadata(item.metadata, "metadata")
        except InvalidInputError as exc:
            rejected.append({"row": item.row, "reason": str(exc), "text": preview(item.text)})
        else:
            good.append(item)
    return good, rejected


def preview(value: Any, width: int = 80) -> str:
    """A row's text cut to ``width`` characters for the rejected-rows table."""
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= width else text[: width - 1] + "…"
