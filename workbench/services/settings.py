"""Where a workbench store lives, and the secrets that never pass through the workbench.

The sidebar's fields (data directory, records URL, vectors URI, storage options) become
a :class:`StoreSettings`, which holds no secret: the records token and the object-store
keys are read from the environment when the Memory opens. A storage option whose key
looks like a secret is refused, naming the key and never its value, and is dropped from
the text kept in session state (``without_secret_options``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentmem.config import (
    DEFAULT_DATA_DIR,
    default_data_dir,
    is_secret_option,
    is_uri,
    masked_options,
    redact_url,
)
from agentmem.errors import InvalidInputError

from .parsing import parse_metadata

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_RESULTS_PATH",
    "RECORDS_TOKEN_ENV",
    "REMOTE_ENV",
    "REPO_ROOT",
    "SAMPLE_MEMORIES",
    "StoreSettings",
    "credential_notes",
    "default_data_dir",
    "default_ingest_path",
    "default_remote_fields",
    "default_results_path",
    "parse_storage_options",
    "records_auth_token",
    "resolve_data_dir",
    "shared_locomo_path",
    "store_settings",
    "without_secret_options",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RESULTS_PATH = "data/results/bench_runs.jsonl"
# DEFAULT_DATA_DIR and default_data_dir() come from agentmem.config: the command line's store
# commands open the same folder by default.


def default_results_path() -> str:
    """``$AGENTMEM_RESULTS`` or ``data/results/bench_runs.jsonl``."""
    return os.environ.get("AGENTMEM_RESULTS") or DEFAULT_RESULTS_PATH


def shared_locomo_path() -> Path | None:
    """The LoCoMo dev split if it is on this machine: ``$AGENTMEM_LOCOMO``, ``data/locomo_dev.json``
    (written by the README's LoCoMo commands) or ``../shared/data``."""
    candidates = [os.environ.get("AGENTMEM_LOCOMO"), REPO_ROOT / "data" / "locomo_dev.json",
                  REPO_ROOT.parent / "shared" / "data" / "locomo_dev.json"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


#: A small file every clone has (200 generated memories of 8 users, JSONL).
SAMPLE_MEMORIES = REPO_ROOT / "data" / "sample_memories.jsonl"


def default_ingest_path() -> Path | None:
    """The file the Ingest page offers first: the LoCoMo dev split when it is on this machine,
    else the repository's sample memories (None if neither is there)."""
    return shared_locomo_path() or (SAMPLE_MEMORIES if SAMPLE_MEMORIES.is_file() else None)


def resolve_data_dir(text: str) -> Path:
    """A usable data directory from the sidebar's text, or InvalidInputError saying why not."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError("data_dir", "enter a folder for the data (e.g. data/agentmem)")
    path = Path(text.strip()).expanduser()
    if path.exists() and not path.is_dir():
        raise InvalidInputError("data_dir", f"{path} is a file, not a folder")
    parent = next((p for p in (path, *path.parents) if p.exists()), None)
    if parent is not None and not os.access(parent, os.W_OK):
        raise InvalidInputError("data_dir", f"{parent} is not writable")
    return path.resolve()


#: The remote libSQL server's token: read from here, never typed into the workbench.
RECORDS_TOKEN_ENV = "AGENTMEM_RECORDS_AUTH_TOKEN"
#: Environment variables LanceDB reads for each object store's credentials (shown as set / not set).
_CREDENTIAL_ENV = {
    "s3": ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
    "gs": ("GOOGLE_SERVICE_ACCOUNT", "GOOGLE_SERVICE_ACCOUNT_KEY", "GOOGLE_APPLICATION_CREDENTIALS"),
    "az": ("AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT_KEY"),
}


def records_auth_token() -> str | None:
    """``$AGENTMEM_RECORDS_AUTH_TOKEN``, the token for a remote libSQL server (None when unset)."""
    return os.environ.get(RECORDS_TOKEN_ENV) or None


def _no_secret(key: str) -> None:
    if is_secret_option(key):
        raise InvalidInputError(
            "storage_options",
            f"{key!r} looks like a secret; secrets come from the environment only "
            "(for S3: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), never from this box",
        )


def parse_storage_options(text: str) -> dict[str, str]:
    """The non-secret LanceDB storage options from ``key=value`` lines (or a JSON object).

    Values stay strings (``allow_http=true``); a key that looks like a secret
    (``config.is_secret_option``) is refused, naming the key and never its value.
    """
    if text is None or not text.strip():
        return {}
    stripped = text.strip()
    pairs: list[tuple[str, Any]] = []
    if stripped.startswith("{"):
        pairs = list(parse_metadata(stripped, field="storage_options").items())
    else:
        for number, line in enumerate(stripped.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = (part.strip() for part in line.partition("="))
            if not sep or not key:  # the line itself is never echoed: it may be a pasted secret
                raise InvalidInputError("storage_options", f"line {number}: expected key=value (e.g. region=us-east-1)")
            pairs.append((key, value))
    out: dict[str, str] = {}
    for key, value in pairs:
        _no_secret(key)
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        elif not isinstance(value, str):
            raise InvalidInputError(f"storage_options.{key}", f"must be a string, got {type(value).__name__}")
        out[key] = value
    return out


def without_secret_options(text: str) -> str:
    """The options text less every line whose key looks like a secret (a JSON object with one: nothing)."""
    if not text or not text.strip():
        return ""
    if text.strip().startswith("{"):
        try:
            return "" if any(is_secret_option(str(k)) for k in json.loads(text)) else text
        except (ValueError, TypeError):
            return ""
    return "\n".join(line for line in text.splitlines()
                     if not is_secret_option(line.partition("=")[0].strip()) and not (line.strip() and "=" not in line))


@dataclass(frozen=True)
class StoreSettings:
    """Where a workbench store lives: the data directory and, optionally, remote stores.

    It holds no secret (the records token and the object-store keys come from the
    environment when the Memory opens), so it can key the cache, sit in session state
    and be shown. Empty remote fields mean the local files under ``data_dir``.
    """

    data_dir: str
    records_url: str | None = None
    vectors_uri: str | None = None
    storage_options: tuple[tuple[str, str], ...] = ()

    @property
    def remote(self) -> bool:
        return self.records_url is not None or self.vectors_uri is not None

    @property
    def key(self) -> str:
        """A text naming this configuration (the data directory alone when nothing is remote), for job keys."""
        if not self.remote and not self.storage_options:
            return self.data_dir
        return json.dumps([self.data_dir, self.records_url, self.vectors_uri, self.storage_options])

    def config(self, **overrides: Any) -> Any:  # agentmem.MemoryConfig, imported lazily
        """The MemoryConfig to open, with the records token from the environment."""
        from agentmem import MemoryConfig

        remote = self.records_url is not None and is_uri(self.records_url)
        return MemoryConfig(
            data_dir=self.data_dir,
            records_url=self.records_url,
            records_auth_token=records_auth_token() if remote else None,
            vectors_uri=self.vectors_uri,
            storage_options=dict(self.storage_options) or None,
            **overrides,
        )

    def where(self) -> dict[str, str]:
        """Where the records and the vectors live, fit to show (credentials in URLs masked)."""
        cfg = self.config()
        out = {"records": redact_url(cfg.resolved_records_url), "vectors": redact_url(cfg.resolved_vectors_uri)}
        options = masked_options(dict(self.storage_options))
        if options:
            out["options"] = ", ".join(f"{k}={v}" for k, v in options.items())
        return out


def store_settings(data_dir: str | Path, *, records_url: str = "", vectors_uri: str = "",
                   storage_options: str = "") -> StoreSettings:
    """The settings from the sidebar's fields, checked (InvalidInputError naming the setting).

    A records URL must not carry credentials: the token comes from ``$AGENTMEM_RECORDS_AUTH_TOKEN``.
    """
    records = (records_url or "").strip() or None
    vectors = (vectors_uri or "").strip() or None
    options = parse_storage_options(storage_options)
    if records is not None and is_uri(records):
        rest = records.partition("://")[2]
        host, query = rest.split("/", 1)[0].split("?", 1)[0], rest.partition("?")[2]
        keys = [part.split("=", 1)[0] for part in query.split("&") if part]
        if "@" in host or any(is_secret_option(k) for k in keys):
            raise InvalidInputError(
                "records_url", f"carries credentials; give the token in ${RECORDS_TOKEN_ENV} instead "
                f"and write the URL without them ({redact_url(records)})")
    if options and vectors is None:
        raise InvalidInputError("storage_options", "are for an object store: set the vectors URI (e.g. s3://bucket/prefix) too")
    settings = StoreSettings(str(data_dir), records, vectors, tuple(sorted(options.items())))
    settings.config()  # MemoryConfig checks the URL schemes, the URI and the option values
    return settings


def credential_notes(settings: StoreSettings) -> list[str]:
    """Which secrets the environment holds for these settings, by variable name only (never a value)."""
    notes = []
    if settings.records_url is not None and is_uri(settings.records_url):
        notes.append(f"${RECORDS_TOKEN_ENV} " + ("set" if records_auth_token() else "not set (no token sent)"))
    if settings.vectors_uri is not None and is_uri(settings.vectors_uri):
        scheme = settings.vectors_uri.split("://", 1)[0].lower()
        for name in _CREDENTIAL_ENV.get({"s3+ddb": "s3", "abfs": "az"}.get(scheme, scheme), ()):
            notes.append(f"${name} " + ("set" if os.environ.get(name) else "not set"))
    return notes


#: Environment variables that fill the sidebar's remote fields of a new session (like
#: ``$AGENTMEM_DATA_DIR`` for the data directory), so a page reload keeps the remote stores.
REMOTE_ENV = {
    "records_url": "AGENTMEM_RECORDS_URL",
    "vectors_uri": "AGENTMEM_VECTORS_URI",
    "storage_options": "AGENTMEM_STORAGE_OPTIONS",  # key=value pairs, one per line or comma-separated
}


def default_remote_fields() -> dict[str, str]:
    """The remote fields from ``$AGENTMEM_RECORDS_URL``, ``$AGENTMEM_VECTORS_URI`` and
    ``$AGENTMEM_STORAGE_OPTIONS`` (empty where unset)."""
    fields = {key: os.environ.get(name, "").strip() for key, name in REMOTE_ENV.items()}
    fields["storage_options"] = "\n".join(p.strip() for p in re.split(r"[,\n]", fields["storage_options"]) if p.strip())
    return fields
