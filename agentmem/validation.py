"""Argument checks for the public API: each raises InvalidInputError naming the field."""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from .config import SEARCH_MODES
from .errors import InvalidInputError
from .storage.filters import to_utc

MAX_CONTENT_CHARS = 1_000_000
MAX_METADATA_BYTES = 65_536
MAX_ID_CHARS = 512
#: memories per get_all page
MAX_PAGE_ROWS = 10_000
#: hits per search
MAX_SEARCH_HITS = 1_000
#: memories per page of an iter_all walk
MAX_WALK_PAGE_ROWS = 100_000
#: add_batch calls in flight in add_many
MAX_CONCURRENCY = 256
MAX_QUERY_CHARS = 10_000
MAX_BATCH = 1_000_000
MAX_CONTEXT_CHARS = 10_000
#: Chat roles ``add(messages)`` takes (OpenAI's, lower case).
ROLES = ("user", "assistant", "system", "tool")
MESSAGE_KEYS = ("role", "content", "name")


def content(value: Any, field: str = "content") -> str:
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string, got {type(value).__name__}")
    if not value.strip():
        raise InvalidInputError(field, "must not be empty or whitespace only")
    if len(value) > MAX_CONTENT_CHARS:
        raise InvalidInputError(field, f"is {len(value):,} characters; the limit is {MAX_CONTENT_CHARS:,}")
    if "\x00" in value:
        raise InvalidInputError(field, "must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInputError(field, "is not valid Unicode text (lone surrogate)") from None
    return value


def context(value: Any, field: str = "context") -> str | None:
    """A memory's context (the text around it, for search only): None, or a string of at
    most MAX_CONTEXT_CHARS characters; blank means None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string or None, got {type(value).__name__}")
    if not value.strip():
        return None
    if len(value) > MAX_CONTEXT_CHARS:
        raise InvalidInputError(field, f"is {len(value):,} characters; the limit is {MAX_CONTEXT_CHARS:,}")
    return content(value, field)


def contexts(value: Any, n: int, field: str = "contexts") -> list[str | None]:
    """None (no context for any item) or a list with one context (or None) per item."""
    if value is None:
        return [None] * n
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidInputError(field, f"must be None or a list with one string (or None) per text, got {type(value).__name__}")
    if len(value) != n:
        raise InvalidInputError(field, f"has {len(value)} entries but the batch has {n} texts")
    return [context(c, f"{field}[{i}]") for i, c in enumerate(value)]


def _short_text(value: Any, field: str, max_chars: int, *, empty: str = "must not be empty", kind: str = "a string") -> str:
    """A non-blank string of at most ``max_chars`` characters with no NUL."""
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be {kind}, got {type(value).__name__}")
    if not value.strip():
        raise InvalidInputError(field, empty)
    if len(value) > max_chars or "\x00" in value:
        raise InvalidInputError(field, f"must be at most {max_chars:,} characters with no NUL")
    return value


def scope_id(value: Any, field: str) -> str | None:
    if value is None:
        return None
    return _short_text(value, field, MAX_ID_CHARS, empty="must not be empty; pass None for no scope", kind="a string or None")


def scope_ids(value: Any, n: int, field: str) -> str | None | list[str | None]:
    """A batch's scope id: one for every text (a string or None), or a list (or tuple) with
    one per text, None entries allowed. Each distinct id is checked once; a bad one is
    named by its first index (``user_id[3]``)."""
    if not isinstance(value, (list, tuple)):
        if value is None or isinstance(value, str):
            return scope_id(value, field)
        raise InvalidInputError(field, f"must be a string, None or a list with one per text, got {type(value).__name__}")
    if len(value) != n:
        raise InvalidInputError(field, f"has {len(value)} entries but the batch has {n} texts")
    try:
        distinct = set(value)
    except TypeError:  # an unhashable entry: the per-item check names it
        distinct = None
    if distinct is not None:
        for x in distinct:
            if x is not None and not (type(x) is str and x.strip() and len(x) <= MAX_ID_CHARS and "\x00" not in x):
                break
        else:
            return list(value)
    for i, x in enumerate(value):
        scope_id(x, f"{field}[{i}]")
    return list(value)


def memory_type(value: Any, field: str = "memory_type") -> str:
    return _short_text(value, field, 64)


# One encoder for every call (json.dumps with options builds a new one each time), and
# its C core called directly where there is one: a bulk add encodes one dict per memory,
# and the per-call setup was most of that. Without the circular-reference markers a
# self-containing dict ends in RecursionError, refused below like any other bad value.
_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
try:
    _C_JSON = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, _JSON.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, False
    )
except (AttributeError, TypeError):  # pragma: no cover - a Python without the C encoder
    _C_JSON = None


def _json_text(value: dict[str, Any]) -> str:
    return "".join(_C_JSON(value, 0)) if _C_JSON is not None else _JSON.encode(value)


def encoded_metadata(value: Any, field: str = "metadata") -> tuple[dict[str, Any], str]:
    """Check metadata and return it with its JSON, serialized once (what both stores write).

    The dict itself is not copied: only its JSON and its top-level scalars (taken at once)
    are written, so a caller changing it later changes nothing stored.
    """
    if value is None:
        return {}, "{}"
    if not isinstance(value, Mapping):
        raise InvalidInputError(field, f"must be a dict or None, got {type(value).__name__}")
    if not all(type(key) is str for key in value):
        for key in value:
            if not isinstance(key, str):
                raise InvalidInputError(field, f"keys must be strings, got {key!r}")
    try:
        text = _json_text(value if isinstance(value, dict) else dict(value))
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidInputError(field, f"must be JSON-serializable: {exc}") from None
    if len(text) > MAX_METADATA_BYTES // 4 and len(text.encode()) > MAX_METADATA_BYTES:
        raise InvalidInputError(field, f"is larger than {MAX_METADATA_BYTES:,} bytes as JSON")
    return (value if isinstance(value, dict) else dict(value)), text


def metadata(value: Any, field: str = "metadata") -> dict[str, Any]:
    """Checked metadata as a JSON-clean deep copy (for values kept and returned later)."""
    return json.loads(encoded_metadata(value, field)[1])


def metadata_list(
    value: Any, n: int, field: str = "metadata", items: str = "texts"
) -> list[tuple[dict[str, Any], str]]:
    """None, one dict for every item, or a list with one dict (or None) per item; each with its JSON."""
    if value is None or isinstance(value, Mapping):
        one = encoded_metadata(value, field)
        return [one] * n  # checked and serialized once, shared
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise InvalidInputError(field, f"has {len(value)} entries but the batch has {n} {items}")
        seen: dict[int, tuple[dict[str, Any], str]] = {}  # a dict given for many items is encoded once
        out = []
        for i, md in enumerate(value):
            one = seen.get(id(md))
            if one is None:
                one = seen[id(md)] = encoded_metadata(md, f"{field}[{i}]")
            out.append(one)
        return out
    raise InvalidInputError(field, f"must be None, a dict or a list of dicts, got {type(value).__name__}")


def texts(value: Any, field: str = "texts") -> list[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidInputError(field, f"must be a list of strings, got {type(value).__name__}")
    if len(value) > MAX_BATCH:
        raise InvalidInputError(field, f"at most {MAX_BATCH:,} texts per call")
    out = list(value)
    # content()'s checks over the whole batch in one pass; the per-item pass below names
    # the first bad text (a lone surrogate anywhere fails the one encode)
    if all(type(t) is str and t and not t.isspace() and len(t) <= MAX_CONTENT_CHARS and "\x00" not in t
           for t in out):
        try:
            "".join(out).encode("utf-8")
            return out
        except UnicodeEncodeError:
            pass
    return [content(v, f"content[{i}]") for i, v in enumerate(out)]


def is_messages(value: Any) -> bool:
    """Whether ``add``'s first argument is meant as messages: a list or tuple that is empty
    or holds a dict, or a lone dict (refused by :func:`messages`). A list of strings is
    not (it is refused as ``content``: add_batch takes those)."""
    if isinstance(value, Mapping):
        return True
    return isinstance(value, (list, tuple)) and (not value or any(isinstance(m, Mapping) for m in value))


def messages(value: Any, field: str = "messages") -> list[tuple[str, str, str | None]]:
    """Chat messages ``{"role", "content", "name"?}`` as (role, stored content, name), in order.

    The stored content is ``"{name}: {content}"`` when a name is given (None or absent:
    no name), else the content. One bad message rejects the list, naming it
    (``messages[2].role``); keys other than role, content and name are refused.
    """
    if not isinstance(value, (list, tuple)):
        hint = " (one message goes in a list too)" if isinstance(value, Mapping) else ""
        raise InvalidInputError(field, f"must be a list of message dicts, got {type(value).__name__}{hint}")
    if not value:
        raise InvalidInputError(field, "must hold at least one message")
    if len(value) > MAX_BATCH:
        raise InvalidInputError(field, f"at most {MAX_BATCH:,} messages per call")
    out: list[tuple[str, str, str | None]] = []
    for i, m in enumerate(value):
        f = f"{field}[{i}]"
        if not isinstance(m, Mapping):
            raise InvalidInputError(f, f"must be a dict with role and content, got {type(m).__name__}")
        for key in m:
            if key not in MESSAGE_KEYS:
                raise InvalidInputError(f"{f}.{key}" if isinstance(key, str) else f,
                                        f"{key!r} is not a message key; a message has role, content and optionally name")
        if "role" not in m:
            raise InvalidInputError(f"{f}.role", f"is missing; use one of {', '.join(ROLES)}")
        role = m["role"]
        if not isinstance(role, str) or role not in ROLES:
            raise InvalidInputError(f"{f}.role", f"must be one of {', '.join(ROLES)}, got {role!r}")
        if "content" not in m:
            raise InvalidInputError(f"{f}.content", "is missing")
        text = content(m["content"], f"{f}.content")
        name = m.get("name")
        if name is not None:
            name = _short_text(name, f"{f}.name", MAX_ID_CHARS, kind="a string or None")
            text = content(f"{name}: {text}", f"{f}.content")  # the prefix may pass the length limit
        out.append((role, text, name))
    return out


def timestamp(value: Any, field: str = "timestamp") -> tuple[datetime, datetime] | None:
    """When something was said: None, or (aware UTC, the time as given) from a datetime
    (naive means UTC) or an ISO-8601 string."""
    if value is None:
        return None
    utc = to_utc(value, field)
    given = datetime.fromisoformat(value) if isinstance(value, str) else value
    return utc, given


def vectors(value: Any, n: int, dim: int, field: str = "vectors") -> np.ndarray | None:
    if value is None:
        return None
    try:
        arr = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError):
        raise InvalidInputError(field, "must be an array of numbers") from None
    if arr.shape != (n, dim):
        raise InvalidInputError(field, f"must have shape ({n}, {dim}), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise InvalidInputError(field, "must be finite")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    if (norms == 0).any():
        raise InvalidInputError(field, "must not contain zero vectors")
    return arr / norms


def memory_id(value: Any, field: str = "memory_id") -> str:
    return _short_text(value, field, MAX_ID_CHARS)


def limit(value: Any, field: str = "limit", maximum: int = MAX_PAGE_ROWS) -> int:
    """A positive integer of at most ``maximum`` (a count or size the caller asks for)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(field, f"must be an integer, got {type(value).__name__}")
    if not 1 <= value <= maximum:
        raise InvalidInputError(field, f"must be between 1 and {maximum:,}, got {value}")
    return value


def offset(value: Any, field: str = "offset") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInputError(field, f"must be a non-negative integer, got {value!r}")
    return value


def query(value: Any, field: str = "query") -> str:
    return _short_text(value, field, MAX_QUERY_CHARS)


def mode(value: Any, field: str = "mode") -> str:
    if value not in SEARCH_MODES:
        raise InvalidInputError(field, f"must be one of {', '.join(SEARCH_MODES)}, got {value!r}")
    return value


def threshold(value: Any, field: str = "threshold") -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInputError(field, f"must be None or a finite number, got {value!r}")
    return float(value)


def normalize_text(text: str) -> str:
    """What dedupe compares: Unicode NFKC, case-folded, whitespace collapsed."""
    if not text.isascii():  # NFKC changes nothing in ASCII, and costs a copy
        text = unicodedata.normalize("NFKC", text)
    # A printable text holds no whitespace but the plain space (every other whitespace
    # character is a control or separator): with no run of spaces and none at either end it
    # is already collapsed, and splitting it into words was most of a bulk add's hashing.
    if not (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "):
        text = " ".join(text.split())
    return text.casefold()


def scope_key(user_id: str | None, agent_id: str | None, run_id: str | None) -> str:
    """The scope part of a content hash (JSON keeps the three ids unambiguous)."""
    return json.dumps([user_id, agent_id, run_id], ensure_ascii=False) + "\x1f"


def content_hash(text: str, user_id: str | None, agent_id: str | None, run_id: str | None, *, scope: str | None = None) -> str:
    """Identity of a memory for dedupe: the normalized text within its exact scope."""
    return content_hashes([text], scope if scope is not None else scope_key(user_id, agent_id, run_id))[0]


def content_hashes(texts: Sequence[str], scopes: str | Sequence[str]) -> list[str]:
    """``content_hash`` of many texts in one loop: ``scopes`` is one ``scope_key`` for
    every text or a list with one per text."""
    sha, norm = hashlib.sha256, normalize_text
    if isinstance(scopes, str):
        return [sha((scopes + norm(t)).encode()).hexdigest() for t in texts]
    return [sha((p + norm(t)).encode()).hexdigest() for p, t in zip(scopes, texts)]
