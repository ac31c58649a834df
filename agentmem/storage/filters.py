"""The one filter builder: user filters are parsed once, then rendered for each engine.

Users pass a scope (``user_id``, ``agent_id``, ``run_id``) and a ``filters`` dict::

    {"memory_type": "semantic", "topic": "food", "created_at": {"gte": "2024-01-01"},
     "speaker": {"in": ["Caroline", "Melanie"]}}

Keys ``user_id``, ``agent_id``, ``run_id`` and ``memory_type`` are columns; ``created_at``
takes ``gt``/``gte``/``lt``/``lte`` bounds; every other key is a metadata key compared by
equality (a scalar) or membership (``{"in": [...]}``). Values are never pasted into an
expression: LanceDB gets escaped string literals of validated columns, libSQL gets bound
parameters. Metadata equality in LanceDB goes through the ``meta_kv`` column, a list of
``key=<json value>`` strings written with every row (see :func:`meta_kv`).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import InvalidInputError

__all__ = [
    "SCOPE_COLUMNS",
    "Condition",
    "in_filters",
    "lance_literal",
    "meta_kv",
    "parse_filters",
    "to_lance",
    "to_sql",
    "to_utc",
]

SCOPE_COLUMNS = ("user_id", "agent_id", "run_id")
COLUMNS = (*SCOPE_COLUMNS, "memory_type")
RANGE_OPS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
MAX_IN_VALUES = 1_000

Scalar = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Condition:
    """One parsed condition. ``kind`` is ``column``, ``meta`` or ``time``."""

    kind: str
    key: str
    op: str  # "eq", "in", "is_null", or a RANGE_OPS key
    values: tuple[Any, ...]


def to_utc(value: Any, field: str) -> datetime:
    """A datetime (naive means UTC) or an ISO-8601 string, as an aware UTC datetime."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInputError(field, f"{value!r} is not an ISO-8601 date/time") from None
    if not isinstance(value, datetime):
        raise InvalidInputError(field, f"expected a datetime or ISO-8601 string, got {type(value).__name__}")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _scalar(value: Any, field: str) -> Scalar:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInputError(field, "must be a finite number")
        return int(value) if value.is_integer() else value
    raise InvalidInputError(field, f"must be a string, number, boolean or None, got {type(value).__name__}")


def _column_value(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string, got {type(value).__name__}")
    return value


def parse_filters(
    filters: Mapping[str, Any] | None,
    *,
    user_id: str | None = None,
    agent_id: str | None = None,
    run_id: str | None = None,
) -> list[Condition]:
    """Validate a scope and a ``filters`` dict into conditions; raise InvalidInputError naming the field."""
    conds: list[Condition] = []
    for name, value in (("user_id", user_id), ("agent_id", agent_id), ("run_id", run_id)):
        if value is not None:
            conds.append(Condition("column", name, "eq", (_column_value(value, name),)))
    if filters is None:
        return conds
    if not isinstance(filters, Mapping):
        raise InvalidInputError("filters", f"must be a dict, got {type(filters).__name__}")
    for key, spec in filters.items():
        field = f"filters.{key}"
        if not isinstance(key, str) or not key:
            raise InvalidInputError("filters", f"keys must be non-empty strings, got {key!r}")
        if key in SCOPE_COLUMNS and any(c.key == key for c in conds):
            raise InvalidInputError(field, "given both as an argument and in filters")
        if key == "created_at":
            if not isinstance(spec, Mapping) or not spec:
                raise InvalidInputError(field, "must be a dict of bounds like {'gte': '2024-01-01'}")
            for op, bound in spec.items():
                if op not in RANGE_OPS:
                    raise InvalidInputError(f"{field}.{op}", f"unknown operator; use one of {', '.join(RANGE_OPS)}")
                conds.append(Condition("time", key, op, (to_utc(bound, f"{field}.{op}"),)))
            continue
        kind = "column" if key in COLUMNS else "meta"
        convert = _column_value if kind == "column" else _scalar
        if isinstance(spec, Mapping):
            if set(spec) != {"in"}:
                bad = sorted(set(spec) - {"in"}) or ["(empty)"]
                raise InvalidInputError(f"{field}.{bad[0]}", "unknown operator; metadata and scope filters take a value or {'in': [...]}")
            values = spec["in"]
            if not isinstance(values, (list, tuple)) or not values:
                raise InvalidInputError(f"{field}.in", "must be a non-empty list")
            if len(values) > MAX_IN_VALUES:
                raise InvalidInputError(f"{field}.in", f"at most {MAX_IN_VALUES} values")
            conds.append(Condition(kind, key, "in", tuple(convert(v, f"{field}.in") for v in values)))
        elif spec is None and kind == "column":
            conds.append(Condition(kind, key, "is_null", ()))
        else:
            conds.append(Condition(kind, key, "eq", (convert(spec, field),)))
    return conds


def meta_kv(metadata: Mapping[str, Any]) -> list[str]:
    """The ``key=<json>`` strings that make metadata equality filterable in LanceDB."""
    out = []
    for key, value in metadata.items():
        if value is None or isinstance(value, (str, bool, int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                continue
            out.append(_kv(key, _scalar(value, key)))
    return out


def _json_scalar(value: Scalar) -> str:
    """``json.dumps(value, ensure_ascii=False)`` for a scalar, without its overhead where
    the text needs no escaping (the storage-only path writes four of these per memory)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        if '"' not in value and "\\" not in value and value.isprintable():
            return f'"{value}"'
    elif isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _kv(key: str, value: Scalar) -> str:
    return f"{key}={_json_scalar(value)}"


def lance_literal(value: str) -> str:
    """A SQL string literal for a LanceDB filter: single quotes doubled, nothing else interpreted."""
    if "\x00" in value:
        raise InvalidInputError("filters", "strings may not contain NUL characters")
    return "'" + value.replace("'", "''") + "'"


def in_filters(column: str, values: Sequence[str], size: int = 500) -> Iterator[str]:
    """``column IN ('a', 'b', ...)`` LanceDB filters covering ``values``, ``size`` values each
    (one bounded filter per query, however many values there are)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield f"{column} IN ({', '.join(lance_literal(v) for v in values[start:start + size])})"


def _lance_time(value: datetime) -> str:
    # created_at is stored in LanceDB as int64 microseconds since the epoch (UTC).
    return str(int(value.timestamp() * 1_000_000))


def to_lance(conds: list[Condition]) -> str | None:
    """Render conditions as a LanceDB (DataFusion SQL) filter, or None when there are none."""
    parts = []
    for c in conds:
        if c.kind == "column":
            if c.op == "is_null":
                parts.append(f"{c.key} IS NULL")
            elif c.op == "eq":
                parts.append(f"{c.key} = {lance_literal(c.values[0])}")
            else:
                parts.append(f"{c.key} IN ({', '.join(lance_literal(v) for v in c.values)})")
        elif c.kind == "time":
            parts.append(f"created_at {RANGE_OPS[c.op]} {_lance_time(c.values[0])}")
        else:
            items = ", ".join(lance_literal(_kv(c.key, v)) for v in c.values)
            parts.append(f"array_has_any(meta_kv, [{items}])")
    return " AND ".join(parts) if parts else None


def _sql_meta_match(key: str, value: Scalar) -> tuple[str, list[Any]]:
    # json_each yields (key, value, type) per top-level entry; match key, JSON type and value.
    if value is None:
        return "(j.key = ? AND j.type = 'null')", [key]
    if isinstance(value, bool):
        return "(j.key = ? AND j.type = ?)", [key, "true" if value else "false"]
    if isinstance(value, int):
        return "(j.key = ? AND j.type IN ('integer', 'real') AND j.value = ?)", [key, value]
    if isinstance(value, float):
        return "(j.key = ? AND j.type IN ('integer', 'real') AND j.value = ?)", [key, value]
    return "(j.key = ? AND j.type = 'text' AND j.value = ?)", [key, value]


def to_sql(conds: list[Condition], alias: str = "m") -> tuple[str, list[Any]]:
    """Render conditions as a libSQL WHERE clause with bound parameters (``"1"`` when none)."""
    parts: list[str] = []
    args: list[Any] = []
    for c in conds:
        col = f"{alias}.{c.key}"
        if c.kind == "column":
            if c.op == "is_null":
                parts.append(f"{col} IS NULL")
            elif c.op == "eq":
                parts.append(f"{col} = ?")
                args.append(c.values[0])
            else:
                parts.append(f"{col} IN ({', '.join('?' * len(c.values))})")
                args.extend(c.values)
        elif c.kind == "time":
            parts.append(f"{alias}.created_at {RANGE_OPS[c.op]} ?")
            args.append(format_ts(c.values[0]))
        else:
            ors = []
            for v in c.values:
                sql, a = _sql_meta_match(c.key, v)
                ors.append(sql)
                args.extend(a)
            parts.append(f"EXISTS (SELECT 1 FROM json_each({alias}.metadata) AS j WHERE {' OR '.join(ors)})")
    return (" AND ".join(parts) if parts else "1"), args


@functools.lru_cache(maxsize=256)  # every memory of a batch shares one timestamp
def format_ts(value: datetime) -> str:
    """Timestamps in libSQL: fixed-width ISO-8601 UTC, so text order is time order."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
