"""A small client of OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp, Ollama,
OpenRouter...), for ``add(messages, infer=True)``.

The endpoint comes from :class:`~agentmem.MemoryConfig` (``llm_base_url``, ``llm_model``,
``llm_timeout_s``, ``llm_concurrency``, ``llm_max_retries``); the key only from the
environment variable ``AGENTMEM_LLM_API_KEY``, read at each request, so it is in no
config, repr, log or error. At most ``llm_concurrency`` requests are in flight per
Memory: a server with continuous batching serves them together.

A JSON schema goes with each request as ``response_format`` (the server constrains its
answer to it where it can); a server that rejects that gets ``{"type": "json_object"}``,
then no format. The answer is validated by the caller either way.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from typing import Any

from .errors import InvalidInputError, LLMError, LLMOutputError, LLMUnavailableError

__all__ = ["API_KEY_ENV", "EVENTS", "FALLBACKS", "LLMClient", "LLMReply", "check_settings"]

#: The environment variable holding the endpoint's API key (none needed for a local server).
API_KEY_ENV = "AGENTMEM_LLM_API_KEY"
FALLBACKS = ("error", "store")
#: The decisions an answer can make (``llm_events`` picks among them).
EVENTS = ("ADD", "UPDATE", "DELETE", "NOOP")
#: response_format levels, tried in this order until the server takes one.
_FORMATS = ("json_schema", "json_object", "none")


def check_settings(config: Any) -> None:
    """Refuse bad llm_* settings of a MemoryConfig, naming the setting."""
    url = config.llm_base_url
    if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
        raise InvalidInputError("llm_base_url", "must be None or an http(s):// URL such as http://127.0.0.1:8080/v1")
    if not isinstance(config.llm_model, str) or not config.llm_model.strip():
        raise InvalidInputError("llm_model", "must be a non-empty model name")
    t = config.llm_timeout_s
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not t > 0:
        raise InvalidInputError("llm_timeout_s", f"must be a positive number of seconds, got {t!r}")
    for name, low in (("llm_concurrency", 1), ("llm_max_retries", 0), ("llm_max_tokens", 16), ("llm_related", 0)):
        x = getattr(config, name)
        if isinstance(x, bool) or not isinstance(x, int) or x < low:
            raise InvalidInputError(name, f"must be an integer of at least {low}, got {x!r}")
    if config.llm_fallback not in FALLBACKS:
        raise InvalidInputError("llm_fallback", f"must be one of {', '.join(FALLBACKS)}, got {config.llm_fallback!r}")
    events = config.llm_events
    if isinstance(events, str) or not isinstance(events, (tuple, list)):
        raise InvalidInputError("llm_events", f"must be a tuple of decision kinds from {', '.join(EVENTS)}, got {events!r}")
    if not events:
        raise InvalidInputError("llm_events", f"must name at least one of {', '.join(EVENTS)}")
    for e in events:
        if not isinstance(e, str) or e not in EVENTS:
            raise InvalidInputError("llm_events", f"{e!r} is not one of {', '.join(EVENTS)}")
    if len(set(events)) != len(events):
        raise InvalidInputError("llm_events", f"names a decision kind twice: {events!r}")
    # kept as a tuple: the config stays hashable and no caller's list can change it later
    object.__setattr__(config, "llm_events", tuple(events))


@dataclass(frozen=True, slots=True)
class LLMReply:
    """One answer: its text, why it ended, and what the server reported it cost."""

    content: str | None
    finish_reason: str | None
    refusal: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    seconds: float
    model: str


def _redact(text: str) -> str:
    key = os.environ.get(API_KEY_ENV)
    if key:
        text = text.replace(key, "***")
    return text[:300]


class LLMClient:
    """Chat completions against one endpoint, bounded in flight, with the key from the environment."""

    def __init__(self, config: Any) -> None:
        if config.llm_base_url is None:
            raise InvalidInputError("llm_base_url", "is not set: infer=True needs an OpenAI-compatible endpoint")
        self.base_url = config.llm_base_url.rstrip("/")
        self.model = config.llm_model
        self.timeout = float(config.llm_timeout_s)
        self.max_tokens = config.llm_max_tokens
        self._limit = config.llm_concurrency
        self._sem: asyncio.Semaphore | None = None
        self._client: Any = None
        self._format = 0  # index into _FORMATS: what this server takes

    def __repr__(self) -> str:
        return f"LLMClient(base_url={self.base_url!r}, model={self.model!r})"

    def _http(self) -> Any:
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout),
                limits=httpx.Limits(max_connections=self._limit, max_keepalive_connections=self._limit),
            )
            self._sem = asyncio.Semaphore(self._limit)
        return self._client

    async def chat(self, messages: list[dict[str, str]], schema: dict[str, Any], name: str = "answer", *,
                   temperature: float = 0.0) -> LLMReply:
        """One request; transport failures raise LLMUnavailableError (the caller retries)."""
        import httpx

        client = self._http()
        assert self._sem is not None
        headers = {"content-type": "application/json"}
        key = os.environ.get(API_KEY_ENV)
        if key:
            headers["authorization"] = f"Bearer {key}"
        async with self._sem:
            while True:
                body: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": temperature,
                                        "max_tokens": self.max_tokens}
                fmt = _FORMATS[self._format]
                if fmt == "json_schema":
                    body["response_format"] = {"type": "json_schema",
                                               "json_schema": {"name": name, "schema": schema, "strict": False}}
                elif fmt == "json_object":
                    body["response_format"] = {"type": "json_object"}
                start = time.perf_counter()
                try:
                    resp = await client.post(f"{self.base_url}/chat/completions", json=body, headers=headers)
                except httpx.TimeoutException:
                    raise LLMUnavailableError("timeout", f"no answer within llm_timeout_s={self.timeout:g}") from None
                except httpx.HTTPError as exc:
                    raise LLMUnavailableError("connection", _redact(f"{type(exc).__name__}: {exc}")) from None
                seconds = time.perf_counter() - start
                if resp.status_code in (400, 422) and self._format < len(_FORMATS) - 1 and _about_format(resp.text):
                    self._format += 1  # this server does not take that response_format: the next one
                    continue
                break
        if resp.status_code >= 500:
            raise LLMUnavailableError("server_error", _redact(f"status {resp.status_code}: {resp.text}"))
        if resp.status_code != 200:
            raise LLMUnavailableError("http_error", _redact(f"status {resp.status_code}: {resp.text}"))
        try:
            data = resp.json()
            choice = data["choices"][0]
            msg = choice.get("message") or {}
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise LLMOutputError("malformed", _redact(f"not a chat completion: {resp.text}")) from None
        usage = data.get("usage") or {}
        return LLMReply(
            content=msg.get("content") if isinstance(msg.get("content"), str) else None,
            finish_reason=choice.get("finish_reason"),
            refusal=msg.get("refusal") if isinstance(msg.get("refusal"), str) else None,
            prompt_tokens=_int(usage.get("prompt_tokens")),
            completion_tokens=_int(usage.get("completion_tokens")),
            seconds=seconds,
            model=str(data.get("model") or self.model),
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _about_format(text: str) -> bool:
    t = text.lower()
    return "response_format" in t or "json_schema" in t or "schema" in t


def _int(x: Any) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def is_retryable(exc: LLMError) -> bool:
    """A refusal or a rejected request is answered the same again; the rest may pass next time."""
    return exc.cause not in ("refusal", "http_error")
