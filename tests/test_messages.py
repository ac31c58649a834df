"""add(messages): one memory per chat message, its context (the turns before it, when) for free."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from agentmem import AddResult, InvalidInputError, Memory, MemoryConfig, ResultList

CHAT = [
    {"role": "user", "content": "Did you go to the pottery class?", "name": "Caroline"},
    {"role": "assistant", "content": "Yes, last Tuesday!", "name": "Melanie"},
    {"role": "user", "content": "What did you make there?"},
]


def fts(mem, query, **scope):
    return [h.content for h in mem.search(query, mode="fts", **scope)]


def contexts(mem) -> dict[str, str | None]:
    """content -> its context exactly, read back through export (whatever search ranking adds)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "all.jsonl"
        mem.export(path, include_vectors=False)
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    out = {}
    for row in rows:
        text = row.get("index_text")
        assert text is None or text.endswith("\n" + row["content"])
        out[row["content"]] = None if text is None else text[: -len(row["content"]) - 1]
    return out


def test_one_memory_per_message_in_order_with_role_and_name(mem):
    rs = mem.add(CHAT, user_id="u", metadata={"source": "chat", "role": "ignored"})
    assert isinstance(rs, ResultList) and all(isinstance(r, AddResult) for r in rs)
    expected = ["Caroline: Did you go to the pottery class?", "Melanie: Yes, last Tuesday!", "What did you make there?"]
    assert [r.memory for r in rs] == expected and [r.event for r in rs] == ["ADD"] * 3
    records = [mem.get(r.id) for r in rs]
    assert [r.content for r in records] == expected
    # role and name come from the message, over the caller's keys of the same name
    assert [r.metadata for r in records] == [
        {"source": "chat", "role": "user", "name": "Caroline"},
        {"source": "chat", "role": "assistant", "name": "Melanie"},
        {"source": "chat", "role": "user"},
    ]
    assert all(r.user_id == "u" and r.memory_type == "semantic" for r in records)
    # input order is time order: get_all (newest first) returns them reversed
    assert [r.content for r in mem.get_all(user_id="u")] == expected[::-1]
    assert mem.count(user_id="u") == 3 and mem.verify().ok
    assert [e.event for e in mem.history(rs[0].id)] == ["ADD"]


def test_the_plain_string_form_is_unchanged(mem):
    r = mem.add("Alice likes green tea", user_id="alice")
    assert isinstance(r, AddResult) and r.event == "ADD"
    assert mem.get(r.id).metadata == {}


def test_a_message_said_twice_is_one_memory(mem):
    rs = mem.add([{"role": "user", "content": "ok"}, {"role": "assistant", "content": "sure"},
                  {"role": "user", "content": "OK"}], user_id="u")
    assert [r.event for r in rs] == ["ADD", "ADD", "NOOP"] and rs[0].id == rs[2].id
    assert mem.count() == 2


def test_a_turn_is_found_by_the_words_said_before_it(mem):
    mem.add(CHAT, user_id="u")
    # "pottery" is said only in the first message: its reply is found by it too
    assert set(fts(mem, "pottery", user_id="u")) == {
        "Caroline: Did you go to the pottery class?", "Melanie: Yes, last Tuesday!", "What did you make there?"}
    # each message's context is the (at most two) turns before it, as stored; the content is the message alone
    assert contexts(mem) == {
        "Caroline: Did you go to the pottery class?": None,
        "Melanie: Yes, last Tuesday!": "Caroline: Did you go to the pottery class?",
        "What did you make there?": "Caroline: Did you go to the pottery class?\nMelanie: Yes, last Tuesday!",
    }


def test_the_number_of_context_turns_is_a_setting(tmp_path):
    with Memory(MemoryConfig(data_dir=tmp_path / "one", message_context_turns=1)) as mem:
        mem.add(CHAT, user_id="u")
        assert contexts(mem)["What did you make there?"] == "Melanie: Yes, last Tuesday!"
    with Memory(MemoryConfig(data_dir=tmp_path / "none", message_context_turns=0)) as mem:
        mem.add(CHAT, user_id="u", timestamp="2023-05-08T13:56")
        assert set(contexts(mem).values()) == {"Monday 8 May 2023, 1:56 pm"}  # the time line only


@pytest.mark.parametrize("turns", [-1, 11, True, 2.0, "2", None])
def test_message_context_turns_is_checked(tmp_path, turns):
    with pytest.raises(InvalidInputError) as info:
        MemoryConfig(data_dir=tmp_path, message_context_turns=turns)
    assert info.value.field == "message_context_turns"


def test_a_later_call_of_the_same_run_continues_its_context(mem):
    mem.add(CHAT, user_id="u", run_id="s1")
    mem.add([{"role": "assistant", "content": "A blue bowl", "name": "Melanie"}], user_id="u", run_id="s1")
    mem.add([{"role": "assistant", "content": "A green vase", "name": "Melanie"}], user_id="u", run_id="s2")
    # the first call's last two turns are the context of the next call's first message
    assert "Melanie: A blue bowl" in fts(mem, "make", user_id="u", run_id="s1")
    assert "Melanie: A blue bowl" in fts(mem, "Tuesday", user_id="u", run_id="s1")
    # another run starts afresh
    assert contexts(mem)["Melanie: A blue bowl"] == "Melanie: Yes, last Tuesday!\nWhat did you make there?"
    assert contexts(mem)["Melanie: A green vase"] is None


def test_only_message_memories_of_the_exact_scope_are_context(mem):
    mem.add("a plain note about zeppelins", user_id="u", run_id="s1")
    mem.add([{"role": "user", "content": "talk of gliders"}], user_id="u", agent_id="other", run_id="s1")
    mem.add([{"role": "user", "content": "Hello again"}], user_id="u", run_id="s1")
    assert contexts(mem)["Hello again"] is None


def test_without_a_run_id_no_stored_turn_is_context(mem):
    mem.add(CHAT, user_id="u")
    mem.add([{"role": "user", "content": "Something else entirely"}], user_id="u")
    assert contexts(mem)["Something else entirely"] is None


def test_timestamp_is_created_at_and_the_context_first_line(mem):
    said = datetime(2023, 5, 8, 13, 56)  # naive: UTC
    rs = mem.add(CHAT, user_id="u", timestamp=said)
    mem.add([{"role": "user", "content": "Much later"}], user_id="u", timestamp="2024-01-02T09:05:00+02:00")
    utc = said.replace(tzinfo=timezone.utc)
    assert [mem.get(r.id).created_at for r in rs] == [utc + timedelta(microseconds=i) for i in range(3)]
    # created_at filters select by when it was said: in the records store...
    may = {"created_at": {"gte": "2023-05-01", "lt": "2023-06-01"}}
    assert [r.content for r in mem.get_all(user_id="u", filters=may)][::-1] == [r.memory for r in rs]
    assert mem.count(user_id="u", filters={"created_at": {"gte": "2024-01-01"}}) == 1
    # ...and in the vector store (a created_at filter is answered by LanceDB)
    hits = mem.search("pottery class", user_id="u", filters=may, mode="vector")
    assert {h.content for h in hits} == {r.memory for r in rs}
    assert min(h.created_at for h in hits) == utc
    later = mem.search("later", user_id="u", filters={"created_at": {"gt": "2023-12-31"}}, mode="vector")
    assert [h.content for h in later] == ["Much later"]
    assert later[0].created_at == datetime(2024, 1, 2, 7, 5, tzinfo=timezone.utc)
    # the time line, in the time zone given, comes first and is searched by full text
    got = contexts(mem)
    assert [got[r.memory].split("\n")[0] for r in rs] == ["Monday 8 May 2023, 1:56 pm"] * 3
    assert got["Much later"] == "Tuesday 2 January 2024, 9:05 am"  # no run_id: no stored turns
    assert set(fts(mem, "Monday May 2023", user_id="u")) >= {r.memory for r in rs}
    assert "Much later" in fts(mem, "January", user_id="u")


def test_the_plain_string_form_takes_a_timestamp_too(mem):
    r = mem.add("We moved to Lisbon", user_id="u", timestamp="2022-07-01T18:30:00", context="Moving day")
    assert mem.get(r.id).created_at == datetime(2022, 7, 1, 18, 30, tzinfo=timezone.utc)
    assert contexts(mem)["We moved to Lisbon"] == "Friday 1 July 2022, 6:30 pm\nMoving day"
    assert fts(mem, "Friday July", user_id="u") == ["We moved to Lisbon"]


def test_a_long_context_keeps_the_time_line_and_the_latest_turns(mem):
    long = "word " * 3_000  # 15,000 characters: past the context limit alone
    rs = mem.add([{"role": "user", "content": "alpha " + long}, {"role": "user", "content": "beta " + long},
                  {"role": "assistant", "content": "The reply"}], user_id="u", timestamp="2023-05-08T10:00:00")
    assert [r.event for r in rs] == ["ADD", "ADD", "ADD"]
    ctx = contexts(mem)["The reply"]
    line = "Monday 8 May 2023, 10:00 am"
    # the latest turn alone passes the limit: its end is kept, and the older one gives way
    assert ctx == line + "\n" + ("beta " + long)[-(10_000 - len(line) - 1):]
    assert "The reply" in fts(mem, "Monday", user_id="u")


def test_metadata_may_be_one_dict_per_message(mem):
    rs = mem.add([{"role": "user", "name": "Ann", "content": "I bake bread"},
                  {"role": "user", "name": "Ann", "content": "Mostly sourdough"}],
                 user_id="u", metadata=[{"turn": "D1:1"}, {"turn": "D1:2", "role": "ignored"}])
    got = {r.content: r.metadata for r in (mem.get(x.id) for x in rs)}
    assert got["Ann: I bake bread"] == {"turn": "D1:1", "role": "user", "name": "Ann"}
    assert got["Ann: Mostly sourdough"] == {"turn": "D1:2", "role": "user", "name": "Ann"}


GOOD = {"role": "user", "content": "fine"}


@pytest.mark.parametrize("messages, kwargs, field", [
    ([], {}, "messages"),
    ({"role": "user", "content": "one"}, {}, "messages"),
    ([GOOD, GOOD, "not a dict"], {}, "messages[2]"),
    ([GOOD, GOOD, {"content": "no role"}], {}, "messages[2].role"),
    ([GOOD, GOOD, {"role": "robot", "content": "x"}], {}, "messages[2].role"),
    ([GOOD, GOOD, {"role": "User", "content": "x"}], {}, "messages[2].role"),
    ([GOOD, GOOD, {"role": None, "content": "x"}], {}, "messages[2].role"),
    ([GOOD, GOOD, {"role": "user"}], {}, "messages[2].content"),
    ([GOOD, GOOD, {"role": "user", "content": ""}], {}, "messages[2].content"),
    ([GOOD, GOOD, {"role": "user", "content": "   "}], {}, "messages[2].content"),
    ([GOOD, GOOD, {"role": "user", "content": 42}], {}, "messages[2].content"),
    ([GOOD, GOOD, {"role": "user", "content": [{"type": "text", "text": "parts"}]}], {}, "messages[2].content"),
    ([GOOD, GOOD, {"role": "user", "content": "x", "name": 7}], {}, "messages[2].name"),
    ([GOOD, GOOD, {"role": "user", "content": "x", "name": " "}], {}, "messages[2].name"),
    ([GOOD, GOOD, {"role": "user", "content": "x", "time": "noon"}], {}, "messages[2].time"),
    ([GOOD, GOOD, GOOD], {"timestamp": "last Tuesday"}, "timestamp"),
    ([GOOD, GOOD, GOOD], {"timestamp": 1683554160}, "timestamp"),
    ([GOOD, GOOD, GOOD], {"context": "given anyway"}, "context"),
    ([GOOD, GOOD, GOOD], {"metadata": "not a dict"}, "metadata"),
    ([GOOD, GOOD, GOOD], {"metadata": [{}, {}]}, "metadata"),
    ([GOOD, GOOD, GOOD], {"metadata": [{}, {}, "x"]}, "metadata[2]"),
    ([GOOD, GOOD, GOOD], {"user_id": 5}, "user_id"),
    ([GOOD, GOOD, GOOD], {"memory_type": ""}, "memory_type"),
    ("plain text", {"timestamp": "2023-13-45"}, "timestamp"),
])
def test_bad_input_names_the_field_and_writes_nothing(mem, messages, kwargs, field):
    mem.add("already here", user_id="u")
    with pytest.raises(InvalidInputError) as info:
        mem.add(messages, **{"user_id": "u", **kwargs})
    assert info.value.field == field, str(info.value)
    assert field in str(info.value)
    assert mem.count() == 1


async def test_the_async_facade(amem):
    rs = await amem.add(CHAT, user_id="u", run_id="s1", timestamp="2023-05-08T13:56:00Z")
    assert isinstance(rs, ResultList) and [r.memory for r in rs][0] == "Caroline: Did you go to the pottery class?"
    more = await amem.add([{"role": "assistant", "content": "A bowl"}], user_id="u", run_id="s1")
    assert "A bowl" in [h.content for h in await amem.search("make", user_id="u", run_id="s1", mode="fts")]
    assert (await amem.get(more[0].id)).metadata == {"role": "assistant"}
    with pytest.raises(InvalidInputError) as info:
        await amem.add([{"role": "user", "content": "x", "extra": 1}], user_id="u")
    assert info.value.field == "messages[0].extra"
    assert await amem.count() == 4
