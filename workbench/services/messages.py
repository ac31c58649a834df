"""Text a page shows: user data escaped for markdown, errors as one readable line with secrets masked."""

from __future__ import annotations

import os
import re

from agentmem.config import redact_secrets
from agentmem.errors import AgentMemError

from .settings import records_auth_token

__all__ = ["escape_markdown", "friendly_error"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_markdown(text: object) -> str:
    """Text shown through st.markdown/st.error as typed: no bold, links, HTML or math from user data."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def friendly_error(exc: BaseException) -> str:
    """One readable line for the page: the package's own words, or the type and message.

    Secrets the environment holds (the records token, the object-store keys) are masked
    even if a library underneath put them into its message.
    """
    return redact_secrets(_error_text(exc), None, records_auth_token(), os.environ.get("AWS_ACCESS_KEY_ID"))


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, (AgentMemError, ValueError)):
        return str(exc) or type(exc).__name__
    if isinstance(exc, FileNotFoundError):
        return f"File not found: {exc.filename or exc}"
    if isinstance(exc, PermissionError):
        return f"Permission denied: {exc.filename or exc}"
    return f"Unexpected error ({type(exc).__name__}): {exc}"
