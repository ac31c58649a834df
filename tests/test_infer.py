"""add(messages, infer=True): against a deliberately broken endpoint (every kind of bad output,
retried, then a typed error or llm_fallback="store", nothing half-applied) and against a real
llama.cpp server (SmolLM2-135M-Instruct, tests/llm_server.py): extraction and each decision
kind, with verify() and the history checked after each."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from llm_server import MODEL_NAME, llm_server

from agentmem import (
    AsyncMemory,
    InferResult,
    InvalidInputError,
    LLMError,
    LLMOutputError,
    LLMUnavailableError,
    Memory,
)
from agentmem.config import MemoryConfig
from agentmem.infer import SCHEMA

USER = "u1"
CHAT = [{"role": "user", "content": "I moved from Paris to Berlin last month."},
        {"role": "assistant", "content": "How do you like Berlin?"}]


# --- a deliberately broken endpoint -----------------------------------------------------------


class Script:
    """What the broken endpoint answers, one entry per request (the last one repeats)."""

    def __init__(self, *answers: dict[str, Any]) -> None:
        self.answers = list(answers)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []

    def next(self) -> dict[str, Any]:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def reply(content: str | None, *, finish: str = "stop", refusal: str | None = None, status: int = 200,
          delay: float = 0.0, body: str | None = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"role": "assistant", "content": content}
    if refusal is not None:
        msg["refusal"] = refusal
    data = {"id": "x", "object": "chat.completion", "model": "broken-model",
            "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7}}
    return {"status": status, "delay": delay, "body": body if body is not None else json.dumps(data)}


def facts(*items: tuple[str, str, int]) -> str:
    return json.dumps({"facts": [{"text": t, "event": e, "id": i} for t, e, i in items]})


@pytest.fixture
def broken() -> Iterator[tuple[str, Script]]:
    script = Script(reply(facts()))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            n = int(self.headers.get("content-length", 0))
            script.requests.append(json.loads(self.rfile.read(n)))
            script.headers.append(dict(self.headers))
            answer = script.next()
            if answer["delay"]:
                time.sleep(answer["delay"])
            body = answer["body"].replace("$AUTH", self.headers.get("authorization", ""))
            data = body.encode()
            try:
                self.send_response(answer["status"])
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", script
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def bmem(tmp_path: Path, broken: tuple[str, Script]) -> Iterator[tuple[Memory, Script]]:
    url, script = broken
    cfg = MemoryConfig(data_dir=tmp_path / "store", llm_base_url=url, llm_model="broken-model",
                       llm_timeout_s=1.0, llm_max_retries=2)
    with Memory(cfg) as m:
        yield m, script


def snapshot(m: Memory) -> tuple[list[tuple[str, str]], int]:
    rows = sorted((r.id, r.content) for r in m.get_all(user_id=USER, limit=1000))
    return rows, m.stats()["history_events"]


def assert_untouched(m: Memory, before: tuple[list[tuple[str, str]], int]) -> None:
    assert snapshot(m) == before
    assert m.verify().ok


@pytest.mark.parametrize(("answer", "cause", "kind"), [
    (reply('{"facts": [{"text": "Lives in Berlin", "event": "ADD", "id": 0}'), "malformed", LLMOutputError),
    (reply('{"facts": [{"text": "Lives in Ber', finish="length"), "truncated", LLMOutputError),
    (reply(""), "empty", LLMOutputError),
    (reply(None), "empty", LLMOutputError),
    (reply('{"memories": []}'), "schema", LLMOutputError),
    (reply(facts(("Lives in Berlin", "ADD", 0), ("Lives in Berlin", "UPDATE", 7))), "unknown_id", LLMOutputError),
    (reply(None, status=503, body='{"error": {"message": "overloaded"}}'), "server_error", LLMUnavailableError),
    (reply(facts(), delay=3.0), "timeout", LLMUnavailableError),
    (reply("I'm sorry, but I can't help with that."), "refusal", LLMOutputError),
    (reply(None, refusal="I can't help with that."), "refusal", LLMOutputError),
])
def test_bad_output_is_retried_then_a_typed_error_and_nothing_is_applied(bmem, answer, cause, kind) -> None:
    m, script = bmem
    m.add("Lives in Paris", user_id=USER)
    before = snapshot(m)
    script.answers = [answer]
    with pytest.raises(kind) as err:
        m.add(CHAT, user_id=USER, infer=True)
    assert err.value.cause == cause
    assert cause in str(err.value)
    retried = cause != "refusal"  # a refusal is answered the same again
    assert len(script.requests) == (3 if retried else 1)
    assert err.value.attempts == len(script.requests)
    assert_untouched(m, before)


def test_an_answer_with_one_invented_id_applies_none_of_its_decisions(bmem) -> None:
    m, script = bmem
    kept = m.add("Lives in Paris", user_id=USER)
    before = snapshot(m)
    script.answers = [reply(facts(("Works as a nurse", "ADD", 0), ("Lives in Berlin", "UPDATE", 1),
                                  ("", "DELETE", 2)))]
    with pytest.raises(LLMOutputError, match="unknown_id"):
        m.add(CHAT, user_id=USER, infer=True)
    assert_untouched(m, before)
    assert [e.event for e in m.history(kept.id)] == ["ADD"]


def test_a_failed_request_then_a_good_answer_is_applied_once(bmem) -> None:
    m, script = bmem
    script.answers = [reply(None, status=500, body="{}"), reply("not json"),
                      reply(facts(("Lives in Berlin", "ADD", 0)))]
    out = m.add(CHAT, user_id=USER, infer=True)
    assert [(r.event, r.memory) for r in out] == [("ADD", "Lives in Berlin")]
    assert len(script.requests) == 3
    assert script.requests[1]["temperature"] > 0  # a retry samples instead of repeating the greedy answer
    assert [r.content for r in m.get_all(user_id=USER)] == ["Lives in Berlin"]
    assert m.verify().ok


def test_fallback_store_keeps_the_messages_as_they_are(tmp_path: Path, broken) -> None:
    url, script = broken
    script.answers = [reply("{not json")]
    cfg = MemoryConfig(data_dir=tmp_path / "store", llm_base_url=url, llm_max_retries=1, llm_fallback="store")
    with Memory(cfg) as m:
        out = m.add(CHAT, user_id=USER, infer=True)
        assert [r.event for r in out] == ["ADD", "ADD"]
        assert all(isinstance(r, InferResult) and "malformed" in (r.reason or "") for r in out)
        assert sorted(r.content for r in m.get_all(user_id=USER)) == sorted(x["content"] for x in CHAT)
        assert m.verify().ok
        assert len(script.requests) == 2


def test_decisions_are_checked_before_they_are_applied(bmem) -> None:
    m, script = bmem
    paris = m.add("Lives in Paris", user_id=USER)
    nurse = m.add("Works as a nurse", user_id=USER)
    chat = [{"role": "user", "content": "I moved from Paris to Berlin, and I still work as a nurse."}]
    related = [h.content for h in m.search(chat[0]["content"], user_id=USER, limit=10)]
    p, n = related.index("Lives in Paris") + 1, related.index("Works as a nurse") + 1
    # a DELETE of a memory a fact of the same call repeats (the identical-memory DELETE), two
    # decisions on one memory, an ADD of a stored text, an UPDATE to the same text
    script.answers = [reply(facts(("Works as a nurse", "NOOP", n), ("", "DELETE", n),
                                  ("Lives in Berlin", "UPDATE", p), ("Lives in Rome", "UPDATE", p),
                                  ("Lives in Paris", "ADD", 0), ("Works as a nurse", "UPDATE", n)))]
    out = m.add(chat, user_id=USER, infer=True)
    assert [(r.event, r.id) for r in out] == [("NOOP", nurse.id), ("NOOP", nurse.id), ("UPDATE", paris.id),
                                              ("NOOP", paris.id), ("NOOP", paris.id), ("NOOP", nurse.id)]
    assert out[2].previous == "Lives in Paris" and out[2].memory == "Lives in Berlin"
    assert sorted(r.content for r in m.get_all(user_id=USER)) == ["Lives in Berlin", "Works as a nurse"]
    assert m.verify().ok


def test_the_key_comes_from_the_environment_and_is_never_shown(bmem, monkeypatch) -> None:
    m, script = bmem
    key = "sk-test-0123456789abcdef"
    monkeypatch.setenv("AGENTMEM_LLM_API_KEY", key)
    script.answers = [reply(None, status=401, body='{"error": "bad key $AUTH"}')]
    with pytest.raises(LLMUnavailableError) as err:
        m.add(CHAT, user_id=USER, infer=True)
    assert script.headers[0]["authorization"] == f"Bearer {key}"
    assert err.value.cause == "http_error" and len(script.requests) == 1
    assert key not in str(err.value) and key not in repr(m.config) and key not in repr(m._async._inferrer.client)


def test_infer_settings_and_arguments_are_checked() -> None:
    for field, value in (("llm_base_url", "ftp://x"), ("llm_timeout_s", 0), ("llm_concurrency", 0),
                         ("llm_max_retries", -1), ("llm_fallback", "drop"), ("llm_model", "")):
        with pytest.raises(InvalidInputError) as err:
            MemoryConfig(**{field: value})
        assert err.value.field == field


def test_infer_without_an_endpoint_or_with_a_string_is_refused(mem) -> None:
    with pytest.raises(InvalidInputError) as err:
        mem.add(CHAT, infer=True)
    assert err.value.field == "llm_base_url"
    with pytest.raises(InvalidInputError) as err:
        mem.add("Lives in Paris", infer=True)
    assert err.value.field == "messages"
    assert mem.count() == 0


# --- the real local server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    with llm_server(parallel=2) as url:
        yield url


def real_config(tmp_path: Path, url: str, **kw: Any) -> MemoryConfig:
    # a 135M model on two shared cores: generous time, few tokens
    return MemoryConfig(data_dir=tmp_path / "store", llm_base_url=url, llm_model=MODEL_NAME,
                        llm_timeout_s=300.0, llm_max_tokens=160, **kw)


def narrowed(event: str, ref: int) -> dict[str, Any]:
    """SCHEMA with the event (and the id) fixed: the server's grammar then makes the model
    write that decision, so each kind's path runs on a real answer (a 135M model does not
    choose among them reliably)."""
    item = json.loads(json.dumps(SCHEMA["properties"]["facts"]["items"]))
    item["properties"]["event"] = {"enum": [event]}
    item["properties"]["id"] = {"enum": [ref]}
    if event in ("DELETE", "NOOP"):
        item["properties"]["text"] = {"enum": [""]}
    return {**SCHEMA, "properties": {"facts": {"type": "array", "minItems": 1, "maxItems": 1, "items": item}}}


@pytest.mark.slow
def test_real_server_extracts_facts_and_records_their_source(tmp_path: Path, llm_url: str) -> None:
    with Memory(real_config(tmp_path, llm_url)) as m:
        msgs = [{"role": "user", "content": "My name is Ana. I work as a nurse in Lisbon and I have a cat."}]
        out = m.add(msgs, user_id=USER, infer=True)
        added = [r for r in out if r.event == "ADD"]
        assert added, out
        stored = {r.id: r.content for r in m.get_all(user_id=USER)}
        assert stored == {r.id: r.memory for r in added}
        assert m.verify().ok
        for r in added:
            (event,) = m.history(r.id)
            assert event.event == "ADD" and event.actor.startswith("llm:")
            assert event.source["messages"] == msgs and event.source["model"]
        (t,) = [t for t in m.timings() if t.op == "add_infer"]
        assert t.stages["llm"] > 0 and t.llm_tokens is not None and t.llm_tokens[1] > 0


@pytest.mark.slow
@pytest.mark.parametrize("event", ["UPDATE", "DELETE", "NOOP"])
def test_real_server_each_decision_kind(tmp_path: Path, llm_url: str, event: str) -> None:
    with Memory(real_config(tmp_path, llm_url, llm_related=1)) as m:
        old = m.add("Lives in Paris", user_id=USER)
        _inferrer(m).schema = narrowed(event, 1)
        before = m.get(old.id)
        (r,) = m.add([{"role": "user", "content": "My new city is Berlin."}], user_id=USER, infer=True)
        assert r.event == event and r.id == old.id
        after = m.get(old.id)
        events = m.history(old.id)
        if event == "UPDATE":
            assert after is not None and after.content == r.memory != before.content
            assert r.previous == "Lives in Paris"
        elif event == "DELETE":
            assert after is None and events[-1].is_deleted
        else:
            assert after == before
        if event != "NOOP":
            last = events[-1]
            assert last.event == event and last.actor.startswith("llm:")
            assert last.source["messages"][0]["content"] == "My new city is Berlin."
        assert m.verify().ok


def _inferrer(m: Memory) -> Any:
    from agentmem.infer import Inferrer

    orch = m._run(m._async._ready())
    if m._async._inferrer is None:
        m._async._inferrer = Inferrer(orch)
    return m._async._inferrer


@pytest.mark.slow
def test_real_server_serves_concurrent_conversations(tmp_path: Path, llm_url: str) -> None:
    async def go() -> list[Any]:
        async with AsyncMemory(real_config(tmp_path, llm_url, llm_concurrency=2)) as m:
            chats = [[{"role": "user", "content": f"My favourite colour is {c}."}] for c in ("green", "blue")]
            outs = await asyncio.gather(*(m.add(c, user_id=f"u{i}", infer=True) for i, c in enumerate(chats)))
            assert (await m.verify()).ok
            return list(outs)

    outs = asyncio.run(go())
    assert all(isinstance(r, InferResult) for out in outs for r in out)


def test_llmerror_is_an_agentmem_error() -> None:
    from agentmem import AgentMemError

    assert issubclass(LLMError, AgentMemError)
    assert issubclass(LLMOutputError, LLMError) and issubclass(LLMUnavailableError, LLMError)


@pytest.mark.parametrize("fails", ["records", "vectors"])
def test_a_store_failing_midway_leaves_nothing_half_applied(bmem, fails: str) -> None:
    m, script = bmem
    paris = m.add("Lives in Paris", user_id=USER)
    nurse = m.add("Works as a nurse", user_id=USER)
    chat = [{"role": "user", "content": "I moved from Paris to Berlin, and I still work as a nurse."}]
    related = [h.content for h in m.search(chat[0]["content"], user_id=USER, limit=10)]
    p, n = related.index("Lives in Paris") + 1, related.index("Works as a nurse") + 1
    script.answers = [reply(facts(("Has a cat", "ADD", 0), ("Lives in Berlin", "UPDATE", p), ("", "DELETE", n)))]
    before = snapshot(m)
    orch = m._run(m._async._ready())
    # the failure an engine would raise after the earlier steps of the call have run
    if fails == "records":
        store, name = orch.records.pool, "write"
    else:
        store, name = orch.vectors, "delete_ids"
    real = getattr(store, name)
    calls = []

    async def broken(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == 1:  # the step fails once; the undo that follows goes through
            raise OSError(f"{fails} store unavailable")
        return await real(*args, **kwargs)

    setattr(store, name, broken)
    try:
        with pytest.raises(OSError, match="unavailable"):
            m.add(chat, user_id=USER, infer=True)
    finally:
        setattr(store, name, real)
    assert_untouched(m, before)
    assert [e.event for e in m.history(paris.id)] == ["ADD"]
    assert [e.event for e in m.history(nurse.id)] == ["ADD"]
    hits = m.search("Lives in Paris", user_id=USER, mode="vector", limit=3)
    assert hits[0].content == "Lives in Paris"  # its vector is the old text's again


def test_locomo_windows_keep_turn_order_speakers_and_the_questions_they_answer(locomo_path: Path) -> None:
    from agentmem.bench.infer_bench import locomo_conversations

    (conv,) = locomo_conversations(locomo_path, conversations=1, adds=3, turns_per_add=2)
    assert len(conv.adds) == 3
    ids = [d for _, dias in conv.adds for d in dias]
    assert ids == sorted(ids, key=lambda d: (int(d[1:].split(":")[0]), int(d.split(":")[1])))
    assert {m["role"] for msgs, _ in conv.adds for m in msgs} <= {"user", "assistant"}
    assert all(set(q["evidence"]) <= set(ids) for q in conv.questions)


@pytest.mark.slow
def test_the_infer_workload_runs_on_the_real_server(tmp_path: Path, llm_url: str, locomo_path: Path) -> None:
    from agentmem.bench.infer_bench import agentmem_run, evidence_recall, locomo_conversations

    convs = locomo_conversations(locomo_path, conversations=1, adds=1)

    async def go() -> tuple[dict[str, Any], dict[str, Any]]:
        row, info, mem = await agentmem_run(convs, base_url=llm_url, model=MODEL_NAME, data_dir=tmp_path / "s",
                                            concurrency=1, max_tokens=160)
        try:
            return row, await evidence_recall(mem, convs, info["written"], k=5)
        finally:
            await mem.close()

    row, recall = asyncio.run(go())
    assert row["adds"] == 1 and row["failed_adds"] == 0 and row["verify_ok"], row
    assert row["llm_calls_per_add"] >= 1 and row["tokens_in_per_add"] > 0  # read from the server's /stats
    assert recall["questions"] == len(convs[0].questions)


def test_calls_without_infer_keep_their_timings(mem) -> None:
    mem.add("Lives in Paris", user_id=USER)
    mem.add(CHAT, user_id=USER)
    for t in mem.timings():
        assert "llm" not in t.stages and t.llm_tokens is None
        assert not any(k.startswith("llm") for k in t.to_dict())
