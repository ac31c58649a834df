"""add(messages, infer=True): against a deliberately broken endpoint (every kind of bad output,
retried, then a typed error or llm_fallback="store", nothing half-applied; llm_events; another
writer on the same store changing what the model was shown) and against a real llama.cpp server
(SmolLM2-135M-Instruct, tests/llm_server.py): extraction and each decision kind, with verify()
and the history checked after each."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from llm_server import MODEL_NAME, llm_server

from agentmem import (
    AsyncMemory,
    ConflictError,
    InferResult,
    InvalidInputError,
    LLMError,
    LLMOutputError,
    LLMUnavailableError,
    Memory,
)
from agentmem.config import MemoryConfig

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
        #: run with the request's number (1, 2, ...) before it is answered: another writer's turn
        self.on_request: Callable[[int], None] | None = None

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
            if script.on_request is not None:
                script.on_request(len(script.requests))
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


def broken_config(tmp_path: Path, url: str, **kw: Any) -> MemoryConfig:
    return MemoryConfig(data_dir=tmp_path / "store", llm_base_url=url, llm_model="broken-model",
                        **{"llm_timeout_s": 1.0, "llm_max_retries": 2, **kw})


@pytest.fixture
def bmem(tmp_path: Path, broken: tuple[str, Script]) -> Iterator[tuple[Memory, Script]]:
    url, script = broken
    with Memory(broken_config(tmp_path, url)) as m:
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


def test_the_timestamp_dates_the_facts_as_it_dates_messages(bmem) -> None:
    m, script = bmem
    script.answers = [reply(facts(("Lives in Berlin", "ADD", 0)))]
    (r,) = m.add(CHAT, user_id=USER, infer=True, timestamp="2023-05-08T13:56:00+00:00")
    stored = m.get(r.id)
    assert stored is not None and stored.created_at.isoformat().startswith("2023-05-08T13:56")
    assert m.get_all(user_id=USER, filters={"created_at": {"lt": "2024-01-01"}})[0].id == r.id
    (event,) = m.history(r.id)
    assert event.created_at.isoformat().startswith("2023-05-08T13:56")


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


def paris_and_nurse(m: Memory) -> tuple[Any, Any, list[dict[str, str]], int, int]:
    """Two stored memories, a chat that bears on both, and the temporary ids the model is shown them under."""
    paris = m.add("Lives in Paris", user_id=USER)
    nurse = m.add("Works as a nurse", user_id=USER)
    chat = [{"role": "user", "content": "I moved from Paris to Berlin, and I still work as a nurse."}]
    related = [h.content for h in m.search(chat[0]["content"], user_id=USER, limit=10)]
    return paris, nurse, chat, related.index("Lives in Paris") + 1, related.index("Works as a nurse") + 1


def test_decisions_are_checked_before_they_are_applied(bmem) -> None:
    m, script = bmem
    paris, nurse, chat, p, n = paris_and_nurse(m)
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


@pytest.mark.parametrize("value", [(), ("ADD", "ADD"), ("add",), ("ADD", "MERGE"), "ADD", None, ("ADD", 1)])
def test_a_bad_llm_events_is_refused_naming_it(value: Any) -> None:
    with pytest.raises(InvalidInputError) as err:
        MemoryConfig(llm_events=value)
    assert err.value.field == "llm_events" and "llm_events" in str(err.value)


def test_llm_events_takes_a_list_and_keeps_a_tuple() -> None:
    assert MemoryConfig().llm_events == ("ADD", "UPDATE", "DELETE", "NOOP")
    cfg = MemoryConfig(llm_events=["ADD", "NOOP"])
    assert cfg.llm_events == ("ADD", "NOOP")
    hash(cfg)


def _sent_schema(request: dict[str, Any]) -> dict[str, Any]:
    return request["response_format"]["json_schema"]["schema"]["properties"]["facts"]["items"]["properties"]


def test_the_schema_sent_allows_only_llm_events_and_the_ids_shown(tmp_path: Path, broken) -> None:
    url, script = broken
    with Memory(broken_config(tmp_path, url, llm_events=("ADD", "NOOP"))) as m:
        m.add_batch(["Lives in Paris", "Works as a nurse"], user_id=USER)
        script.answers = [reply(facts(("Lives in Berlin", "ADD", 0)))]
        (r,) = m.add(CHAT, user_id=USER, infer=True)
        assert r.event == "ADD" and r.memory == "Lives in Berlin"
        sent = _sent_schema(script.requests[0])
        assert sent["event"] == {"enum": ["ADD", "NOOP"]}
        assert sent["id"]["enum"] == [0, 1, 2]
        system = script.requests[0]["messages"][0]["content"]
        assert "ADD:" in system and "NOOP:" in system and "UPDATE:" not in system and "DELETE:" not in system
    with Memory(broken_config(tmp_path / "2", url, llm_events=("UPDATE", "DELETE"))) as m:
        m.add("Lives in Paris", user_id=USER)
        script.answers = [reply(facts())]
        m.add(CHAT, user_id=USER, infer=True)
        sent = _sent_schema(script.requests[1])
        assert sent["event"] == {"enum": ["UPDATE", "DELETE"]} and sent["id"]["enum"] == [1]  # no 0: no new fact


def test_the_default_schema_names_every_kind_and_no_unshown_id(bmem) -> None:
    m, script = bmem
    m.add("Lives in Paris", user_id=USER)
    m.add(CHAT, user_id=USER, infer=True)
    sent = _sent_schema(script.requests[0])
    assert sent["event"] == {"enum": ["ADD", "UPDATE", "DELETE", "NOOP"]} and sent["id"]["enum"] == [0, 1]


def test_no_request_when_llm_events_leaves_nothing_to_decide(tmp_path: Path, broken) -> None:
    url, script = broken
    with Memory(broken_config(tmp_path, url, llm_events=("UPDATE", "DELETE", "NOOP"))) as m:
        assert list(m.add(CHAT, user_id=USER, infer=True)) == []  # no memory to decide on, no ADD allowed
        assert script.requests == [] and m.count() == 0


@pytest.mark.parametrize(("events", "answer"), [
    (("ADD", "NOOP"), facts(("", "DELETE", 1))),
    (("ADD", "NOOP"), facts(("Lives in Berlin", "UPDATE", 1))),
    (("ADD", "UPDATE", "NOOP"), facts(("Lives in Berlin", "ADD", 0), ("", "DELETE", 1))),
    (("UPDATE", "DELETE", "NOOP"), facts(("Lives in Berlin", "ADD", 0))),
])
def test_a_decision_outside_llm_events_is_refused_as_schema(tmp_path: Path, broken, events, answer) -> None:
    url, script = broken  # a server that ignores the schema
    with Memory(broken_config(tmp_path, url, llm_events=events)) as m:
        kept = m.add("Lives in Paris", user_id=USER)
        before = snapshot(m)
        script.answers = [reply(answer)]
        with pytest.raises(LLMOutputError) as err:
            m.add(CHAT, user_id=USER, infer=True)
        assert err.value.cause == "schema" and "llm_events" in str(err.value)
        assert len(script.requests) == 3  # retried like any bad output
        assert_untouched(m, before)
        assert [e.event for e in m.history(kept.id)] == ["ADD"]


def test_an_update_of_no_memory_is_refused_when_llm_events_has_no_add(tmp_path: Path, broken) -> None:
    url, script = broken
    with Memory(broken_config(tmp_path, url, llm_events=("UPDATE", "NOOP"))) as m:
        m.add("Lives in Paris", user_id=USER)
        before = snapshot(m)
        script.answers = [reply(facts(("Lives in Berlin", "UPDATE", 0)))]  # elsewhere: a new fact
        with pytest.raises(LLMOutputError) as err:
            m.add(CHAT, user_id=USER, infer=True)
        assert err.value.cause == "unknown_id" and "llm_events" in str(err.value)
        assert_untouched(m, before)


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
    # llm_events=(event,) with one memory shown: the schema the server constrains the answer
    # to allows only that decision on memory 1, so each kind's path runs on a real answer (a
    # 135M model does not choose among them reliably)
    with Memory(real_config(tmp_path, llm_url, llm_related=1, llm_events=(event,))) as m:
        old = m.add("Lives in Paris", user_id=USER)
        before = m.get(old.id)
        said = KIND_MESSAGES[event]
        (r,) = m.add([{"role": "user", "content": said}], user_id=USER, infer=True)
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
            assert last.source["messages"][0]["content"] == said
        assert m.verify().ok


@pytest.mark.slow
def test_real_server_add_only_keeps_every_memory(tmp_path: Path, llm_url: str) -> None:
    with Memory(real_config(tmp_path, llm_url, llm_events=("ADD", "NOOP"))) as m:
        old = m.add("Lives in Paris", user_id=USER)
        out = m.add([{"role": "user", "content": "My new city is Berlin."}], user_id=USER, infer=True)
        assert out and {r.event for r in out} <= {"ADD", "NOOP"}, out
        assert m.get(old.id).content == "Lives in Paris"
        assert [e.event for e in m.history(old.id)] == ["ADD"]
        assert m.verify().ok


#: A message that states what each decision kind stands for. (Told "My new city is Berlin."
#: under DELETE alone, the model deletes memory 1 and then names it four more times, which
#: are NOOPs; "no longer" is the change a DELETE stands for.)
KIND_MESSAGES = {
    "UPDATE": "My new city is Berlin.",
    "DELETE": "I no longer live in Paris.",
    "NOOP": "I live in Paris.",
}


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
    paris, nurse, chat, p, n = paris_and_nurse(m)
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
    from agentmem.bench.infer_bench import (
        agentmem_run,
        evidence_recall,
        locomo_conversations,
    )

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


# --- another writer on the same store ------------------------------------------------------------
# Two Memory objects on one data_dir stand for two processes: each has its own apply lock, so
# only the records store can tell one that the other changed what its model was shown.


@pytest.fixture
def writers(tmp_path: Path, broken) -> Iterator[tuple[Memory, Memory, Script]]:
    url, script = broken
    cfg = broken_config(tmp_path, url, llm_max_retries=0, llm_timeout_s=10.0)
    with Memory(cfg) as a, Memory(cfg) as b:
        yield a, b, script


def other_update(b: Memory, memory_id: str, text: str) -> None:
    """The other writer's update, its vector written too (write-behind would append it later)."""
    b.update(memory_id, content=text)
    b.flush()


def flow(m: Memory, memory_id: str) -> list[tuple[str, str | None, str | None]]:
    return [(e.event, e.old_content, e.new_content) for e in m.history(memory_id)]


def before_vectors_are_written(m: Memory, other_writer: Callable[[int], None]) -> Callable[[], None]:
    """Run ``other_writer(n)`` as ``m``'s n-th vector write of an inferred call starts: after
    the call has read the records under its lock, before its transaction (the window only
    the transaction's own check covers). Returns the undo."""
    orch = m._run(m._async._ready())
    real = orch.vectors.upsert
    calls = []

    async def upsert(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        other_writer(len(calls))
        return await real(*args, **kwargs)

    orch.vectors.upsert = upsert
    return lambda: setattr(orch.vectors, "upsert", real)


def test_a_memory_changed_while_the_model_answers_reruns_the_call(writers) -> None:
    a, b, script = writers
    paris = a.add("Lives in Paris", user_id=USER)
    a.flush()
    script.answers = [reply(facts(("Lives in Berlin", "UPDATE", 1)))]
    script.on_request = lambda n: other_update(b, paris.id, "Lives in Rome") if n == 1 else None
    out = a.add(CHAT, user_id=USER, infer=True)
    assert len(script.requests) == 2  # asked again, shown the other writer's text
    assert "1. Lives in Paris" in script.requests[0]["messages"][1]["content"]
    assert "1. Lives in Rome" in script.requests[1]["messages"][1]["content"]
    assert [(r.event, r.id, r.previous, r.memory) for r in out] == [("UPDATE", paris.id, "Lives in Rome", "Lives in Berlin")]
    # no event of the first try: its UPDATE was decided on "Lives in Paris"
    assert flow(a, paris.id) == [("ADD", None, "Lives in Paris"), ("UPDATE", "Lives in Paris", "Lives in Rome"),
                                 ("UPDATE", "Lives in Rome", "Lives in Berlin")]
    b.flush()
    assert a.verify().ok


@pytest.mark.parametrize("event", ["UPDATE", "DELETE"])
def test_the_transaction_refuses_a_target_changed_after_it_was_read(writers, event: str) -> None:
    stale_target_is_refused(*writers, event)


@pytest.mark.slow  # a real sqld
@pytest.mark.parametrize("event", ["UPDATE", "DELETE", "ADD"])
def test_the_transaction_refuses_another_writers_change_on_sqld(tmp_path: Path, broken, sqld_url: str, event: str) -> None:
    url, script = broken
    cfg = broken_config(tmp_path, url, llm_max_retries=0, llm_timeout_s=10.0, records_url=sqld_url)
    with Memory(cfg) as a, Memory(cfg) as b:
        if event == "ADD":
            text_stored_first_is_a_noop(a, b, script)
        else:
            stale_target_is_refused(a, b, script, event)


def stale_target_is_refused(a: Memory, b: Memory, script: Script, event: str) -> None:
    paris = a.add("Lives in Paris", user_id=USER)
    a.flush()
    script.answers = [reply(facts(("Has a cat", "ADD", 0), ("Lives in Berlin", event, 1)))]
    undo = before_vectors_are_written(a, lambda n: other_update(b, paris.id, "Lives in Rome") if n == 1 else None)
    try:
        out = a.add(CHAT, user_id=USER, infer=True)
    finally:
        undo()
    assert len(script.requests) == 2
    assert [(r.event, r.previous) for r in out] == [("ADD", None), (event, "Lives in Rome")]
    expected = [("ADD", None, "Lives in Paris"), ("UPDATE", "Lives in Paris", "Lives in Rome")]
    expected.append(("UPDATE", "Lives in Rome", "Lives in Berlin") if event == "UPDATE" else ("DELETE", "Lives in Rome", None))
    assert flow(a, paris.id) == expected
    # one ADD of "Has a cat" in the whole store: the refused try's was rolled back with the rest
    (cat,) = [r for r in a.get_all(user_id=USER) if r.content == "Has a cat"]
    assert [e.event for e in a.history(cat.id)] == ["ADD"]
    assert a.stats()["history_events"] == len(expected) + 1
    b.flush()
    assert a.verify().ok
    if event == "UPDATE":  # its vector is the text the records hold, not the refused try's undo
        assert a.search("Lives in Berlin", user_id=USER, mode="vector", limit=1)[0].id == paris.id


def test_a_text_another_writer_stored_first_is_a_noop_on_the_rerun(writers) -> None:
    text_stored_first_is_a_noop(*writers)


def text_stored_first_is_a_noop(a: Memory, b: Memory, script: Script) -> None:
    script.answers = [reply(facts(("Has a cat", "ADD", 0)))]
    theirs = []
    undo = before_vectors_are_written(a, lambda n: theirs.append(b.add("Has a cat", user_id=USER)) if n == 1 else None)
    try:
        out = a.add(CHAT, user_id=USER, infer=True)  # the first try meets the unique hash index
    finally:
        undo()
    assert len(script.requests) == 2
    assert [(r.event, r.id, r.reason) for r in out] == [("NOOP", theirs[0].id, "already stored")]
    assert [r.id for r in a.get_all(user_id=USER)] == [theirs[0].id]
    assert [(e.event, e.actor) for e in a.history(theirs[0].id)] == [("ADD", None)]
    b.flush()
    assert a.verify().ok


def test_a_call_that_keeps_meeting_changes_stops_with_a_conflict_error(writers) -> None:
    a, b, script = writers
    paris = a.add("Lives in Paris", user_id=USER)
    a.flush()
    script.answers = [reply(facts(("Lives in Berlin", "UPDATE", 1)))]
    script.on_request = lambda n: other_update(b, paris.id, f"Lives in Rome, move {n}")
    with pytest.raises(ConflictError) as err:
        a.add(CHAT, user_id=USER, infer=True)
    assert err.value.attempts == 3 == len(script.requests)
    assert err.value.memory_ids == (paris.id,) and "3 times" in str(err.value)
    assert [e.new_content for e in a.history(paris.id)] == ["Lives in Paris"] + [f"Lives in Rome, move {n}" for n in (1, 2, 3)]
    assert a.get(paris.id).content == "Lives in Rome, move 3"
    b.flush()
    assert a.verify().ok


def test_apply_refuses_decisions_on_a_stale_view(writers) -> None:
    from datetime import UTC, datetime

    from agentmem import validation as v
    from agentmem.infer import Decision, Inferrer

    a, b, _ = writers
    paris = a.add("Lives in Paris", user_id=USER)
    orch = a._run(a._async._ready())
    inferrer = Inferrer(orch)
    shown = a._run(inferrer.related([("user", "Where do I live? Paris.", None)], {"user_id": USER, "agent_id": None,
                                                                                   "run_id": None}))
    assert [m.content for m in shown] == ["Lives in Paris"]
    other_update(b, paris.id, "Lives in Rome")
    with orch.clock("add_infer", 1) as clock, pytest.raises(ConflictError) as err:
        a._run(inferrer.apply([Decision("DELETE", "", 1)], shown, {"user_id": USER, "agent_id": None, "run_id": None},
                              memory_type="semantic", metadata=v.encoded_metadata(None),
                              source={"model": "m", "messages": [], "when": datetime.now(UTC)}, clock=clock))
    a._run(inferrer.close())
    assert err.value.memory_ids == (paris.id,)
    assert a.get(paris.id).content == "Lives in Rome"
    assert [e.event for e in a.history(paris.id)] == ["ADD", "UPDATE"]
