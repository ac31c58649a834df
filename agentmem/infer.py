"""``add(messages, infer=True)``: facts extracted from a conversation and kept current by an LLM.

One call per ``add``: the model gets the new messages and the scope's most related
memories (as the records store holds them) under temporary integer ids (1, 2, ...), and
answers one JSON object (``SCHEMA``, narrowed per call by ``response_schema`` to the
decisions ``llm_events`` allows and the ids they can name, sent as ``response_format``,
validated either way)::

    {"facts": [{"text": "Lives in Berlin", "event": "UPDATE", "id": 2}, ...]}

Each fact is ``ADD`` (a new memory; its id is ignored), ``UPDATE`` (memory ``id`` now
reads ``text``), ``DELETE`` (memory ``id`` is no longer true) or ``NOOP`` (already known
as memory ``id``). An id that was not shown is refused as ``unknown_id``, a decision
``llm_events`` does not allow as ``schema``. Checks the model cannot be trusted with are
made here: an UPDATE to the same text, an ADD of a text the scope holds and a DELETE of a
memory whose text another fact of the call repeats are NOOPs; a second decision on one
memory is a NOOP.

All decisions of a call are applied together: the vectors of the new and changed memories
(embedded in one batch), then the records, their history events and the call's source in
one libSQL transaction, then the deleted vectors; a failure undoes what went before, so
nothing is half-applied. The transaction itself checks that each memory an UPDATE or
DELETE names still has the text the model was shown (a guard row that its CHECK
constraint refuses, so it works the same on a local file and on sqld): another Memory or
process on the same store may have changed it meanwhile. Such a conflict, or another
writer storing a text this call adds (the unique hash index), undoes the call's vectors
and runs the whole call again (related memories read again, the model asked again), up
to ``CONFLICT_RERUNS`` times; then ConflictError. Each history event's ``actor`` is
``llm:<call id>`` and ``Memory.history`` gives it a ``source``: the model and the
messages. Bad output (malformed or truncated JSON, an empty answer, an unknown id, a
refusal) and transport failures (timeout, 5xx) are retried ``llm_max_retries`` times;
then LLMError names the cause, or, with ``llm_fallback="store"``, the messages are
stored as they are. With ``llm_events`` allowing no ADD and no memory to show, there is
nothing to decide: no request is made.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from . import validation as v
from .errors import ConflictError, LLMError, LLMOutputError, RecordStoreError
from .llm import EVENTS, LLMClient, LLMReply, is_retryable
from .models import HistoryEvent, MemoryRecord, SearchHit
from .storage.base import NewMemory
from .storage.filters import format_ts
from .storage.history import HistoryRow
from .storage.rows import MEMORY_COLUMNS
from .storage.sql import in_list, multi_insert

if TYPE_CHECKING:
    from .orchestrator import Orchestrator

__all__ = ["CONFLICT_RERUNS", "SCHEMA", "Decision", "InferResult", "Inferrer", "annotate", "parse_reply", "prompt",
           "response_schema", "run_inferred"]

#: How many times a call whose decisions met another writer's changes is run again.
CONFLICT_RERUNS = 2

#: The answer's shape (every decision kind, any id; see ``response_schema``). Short keys
#: and a bound on facts and text keep a grammar-constrained answer short: on a CPU server
#: every token of it costs.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "facts": {
            "type": "array",
            "maxItems": 5,
            "items": {
                "type": "object",
                "properties": {
                    "text": {"type": "string", "maxLength": 120},
                    "event": {"enum": list(EVENTS)},
                    "id": {"type": "integer"},
                },
                "required": ["text", "event", "id"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["facts"],
    "additionalProperties": False,
}

_CHOICES = {
    "ADD": "ADD: a new fact (id 0).",
    "UPDATE": "UPDATE: the fact changes known memory number id (text is its new version).",
    "DELETE": "DELETE: the fact says known memory number id is no longer true.",
    "NOOP": "NOOP: known memory number id already says it.",
}


def system_prompt(events: Sequence[str] = EVENTS) -> str:
    """The instructions, listing only the decisions ``events`` allows."""
    first = "ADD" if "ADD" in events else next(e for e in EVENTS if e in events)
    example = json.dumps({"facts": [{"text": "Lives in Paris", "event": first, "id": 0 if first == "ADD" else 1}]},
                         separators=(",", ":"))
    choices = "\n".join(_CHOICES[e] for e in EVENTS if e in events)
    return ("You keep a memory of short facts about a user. Read the new messages and write each fact worth "
            "remembering as one short sentence. Known memories are numbered. For each fact choose:\n"
            f"{choices}\nAnswer JSON only, like {example}. Nothing to remember: {{\"facts\":[]}}.")


SYSTEM = system_prompt()


def ids_allowed(events: Sequence[str], known: int) -> list[int]:
    """The temporary ids an answer may name: 0 (a new fact) where ADD is allowed, then 1..known."""
    return ([0] if "ADD" in events else []) + list(range(1, known + 1))


def response_schema(events: Sequence[str] = EVENTS, known: int = 0) -> dict[str, Any]:
    """SCHEMA narrowed to one call: only the decisions ``events`` allows and the ids that
    may be named, so a server that honours the schema cannot invent an id."""
    item = json.loads(json.dumps(SCHEMA["properties"]["facts"]["items"]))
    item["properties"]["event"] = {"enum": list(events)}
    item["properties"]["id"] = {"type": "integer", "enum": ids_allowed(events, known)}
    facts = {**SCHEMA["properties"]["facts"], "items": item}
    return {**SCHEMA, "properties": {"facts": facts}}

_REFUSAL = re.compile(r"^\s*(i'?m sorry|i am sorry|sorry,|i can(no|')t|i am unable|i'm unable|as an ai)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Decision:
    """One fact the model returned, validated (``ref``: the temporary id, 0 for ADD)."""

    event: Literal["ADD", "UPDATE", "DELETE", "NOOP"]
    text: str
    ref: int


@dataclass(frozen=True, slots=True)
class InferResult:
    """What one decision did: the memory it touched (``id``; None for a NOOP that matched
    nothing), the memory's text after it (``memory``) and before it (``previous``), and,
    for a NOOP, why (``reason``)."""

    id: str | None
    event: Literal["ADD", "UPDATE", "DELETE", "NOOP"]
    memory: str
    previous: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def prompt(said: Sequence[tuple[str, str, str | None]], related: Sequence[MemoryRecord | SearchHit],
           events: Sequence[str] = EVENTS) -> list[dict[str, str]]:
    """The request's messages: the instructions, then the known memories and the new messages."""
    known = "\n".join(f"{i}. {m.content}" for i, m in enumerate(related, 1)) or "(none)"
    new = "\n".join(text if name else f"{role}: {text}" for role, text, name in said)  # a name is in the text
    return [{"role": "system", "content": SYSTEM if tuple(events) == EVENTS else system_prompt(events)},
            {"role": "user", "content": f"Known memories:\n{known}\n\nNew messages:\n{new}"}]


def _json_text(text: str) -> str:
    t = text.strip()
    if t.startswith("```"):  # a fenced answer from a server without a response_format
        t = t.strip("`")
        t = t[4:] if t.lower().startswith("json") else t
    start = t.find("{")
    return t[start:] if start > 0 else t


def parse_reply(reply: LLMReply, known: int, events: Sequence[str] = EVENTS) -> list[Decision]:
    """Validate one answer against the schema, the ``known`` temporary ids (1..known) and
    the decisions ``events`` allows (``llm_events``); raises LLMOutputError naming what
    was wrong."""
    if reply.refusal:
        raise LLMOutputError("refusal", f"the model refused: {reply.refusal[:200]}")
    if reply.finish_reason == "content_filter":
        raise LLMOutputError("refusal", "the answer was withheld by the server's content filter")
    text = (reply.content or "").strip()
    if not text:
        raise LLMOutputError("empty", "the answer was empty")
    try:
        data = json.loads(_json_text(text))
    except json.JSONDecodeError as exc:
        if reply.finish_reason == "length":
            raise LLMOutputError("truncated", f"the answer ended at llm_max_tokens before its JSON did: {text[:120]!r}") from None
        if _REFUSAL.match(text):
            raise LLMOutputError("refusal", f"the model refused: {text[:200]!r}") from None
        raise LLMOutputError("malformed", f"the answer is not JSON ({exc.msg} at {exc.pos}): {text[:120]!r}") from None
    facts = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(facts, list):
        raise LLMOutputError("schema", f"the answer has no list 'facts': {text[:120]!r}")
    out: list[Decision] = []
    for i, f in enumerate(facts):
        if not isinstance(f, dict):
            raise LLMOutputError("schema", f"facts[{i}] is not an object")
        event = f.get("event")
        event = event.upper() if isinstance(event, str) else event
        if event not in EVENTS:
            raise LLMOutputError("schema", f"facts[{i}].event is {event!r}, not one of {', '.join(EVENTS)}")
        if event not in events:
            raise LLMOutputError("schema", f"facts[{i}].event is {event}, which llm_events does not allow "
                                 f"(allowed: {', '.join(events)})")
        ref = f.get("id", 0)
        if isinstance(ref, str) and ref.strip().isdigit():
            ref = int(ref)
        if isinstance(ref, bool) or not isinstance(ref, int):
            raise LLMOutputError("schema", f"facts[{i}].id is {ref!r}, not an integer")
        body = f.get("text")
        body = body.strip() if isinstance(body, str) else ""
        if event in ("ADD", "UPDATE") and not body:
            raise LLMOutputError("schema", f"facts[{i}] ({event}) has no text")
        if event == "ADD":
            ref = 0
        elif ref == 0:
            # 0 is the prompt's "no memory": an UPDATE of nothing is a new fact, a DELETE or
            # NOOP of nothing does nothing; any other id that was not shown is refused
            if event == "UPDATE":
                if "ADD" not in events:
                    raise LLMOutputError("unknown_id", f"facts[{i}] (UPDATE) names memory 0, and llm_events "
                                         f"allows no new fact (allowed: {', '.join(events)})")
                event = "ADD"
            elif not body:
                continue
        elif not 1 <= ref <= known:
            raise LLMOutputError("unknown_id", f"facts[{i}] ({event}) names memory {ref}, which was not shown "
                                 f"(known: {'1..' + str(known) if known else 'none'})")
        out.append(Decision(event=event, text=body, ref=ref))
    return out


@dataclass
class _Plan:
    adds: list[tuple[int, NewMemory]]  # (result slot, memory)
    updates: list[tuple[int, MemoryRecord, NewMemory]]
    deletes: list[tuple[int, MemoryRecord]]
    results: list[InferResult | None]


class Inferrer:
    """The extraction and decision engine of one Memory."""

    def __init__(self, orch: Orchestrator) -> None:
        self.orch = orch
        self.config = orch.config
        self.client = LLMClient(orch.config)
        self.events: tuple[str, ...] = tuple(orch.config.llm_events)
        # one call's decisions at a time: each reads what the last one wrote, and a call whose
        # model was shown a memory the last one changed is run again (ConflictError)
        self._apply_lock = asyncio.Lock()
        self._tables_ready = False

    def can_decide(self, known: int) -> bool:
        """Whether an answer could make any decision with ``known`` memories shown."""
        return bool(ids_allowed(self.events, known))

    async def close(self) -> None:
        await self.client.close()

    async def ask(self, messages: list[dict[str, str]], known: int) -> tuple[list[Decision], list[LLMReply]]:
        """One extraction, retried on bad output or a failed request; LLMError after the last try."""
        replies: list[LLMReply] = []
        schema = response_schema(self.events, known)
        tries = self.config.llm_max_retries + 1
        for attempt in range(1, tries + 1):
            try:
                # a retry samples (temperature > 0): the same greedy answer would fail the same way
                reply = await self.client.chat(messages, schema, name="facts", temperature=0.0 if attempt == 1 else 0.7)
                replies.append(reply)
                return parse_reply(reply, known, self.events), replies
            except LLMError as exc:
                exc.attempts = attempt
                if attempt == tries or not is_retryable(exc):
                    if attempt > 1:
                        exc.args = (f"{exc.args[0]} (after {attempt} attempts)",)
                    raise
                await asyncio.sleep(min(2.0, 0.25 * 2 ** (attempt - 1)))
        raise AssertionError("unreachable")

    async def related(self, said: Sequence[tuple[str, str, str | None]], scope: Mapping[str, str | None]) -> list[MemoryRecord]:
        """The scope's memories most related to the messages, best first, as the records
        store holds them now (the vector side may lag another writer's change)."""
        n = self.config.llm_related
        if n == 0:
            return []
        from .storage.filters import parse_filters

        query = " ".join(text for _, text, _ in said)[-2000:]
        conds = parse_filters(None, **scope)
        hits = await self.orch.search(v.query(query), conds, limit=n, mode=self.config.search_mode, threshold=None)
        found = {m.id: m for m in await self.orch.get_many([h.id for h in hits])} if hits else {}
        return [found[h.id] for h in hits if h.id in found]

    async def apply(
        self,
        decisions: Sequence[Decision],
        related: Sequence[MemoryRecord | SearchHit],
        scope: Mapping[str, str | None],
        *,
        memory_type: str,
        metadata: tuple[dict[str, Any], str],
        source: dict[str, Any],
        clock: Any,
        said_at: datetime | None = None,
    ) -> list[InferResult]:
        """Apply one call's decisions together (module docstring); returns one result per decision.

        ConflictError (nothing applied) when a memory an UPDATE or DELETE names no longer
        has the text in ``related`` (what the model was shown), or another writer stored a
        text this call adds before its transaction committed."""
        from .orchestrator import new_memories, now, uuid7

        orch = self.orch
        if not self.config.persist_records:
            raise RecordStoreError("infer=True keeps its decisions' history in the records store, "
                                   "which this Memory does not write", setting="persist_records")
        call_id = uuid7()
        actor = f"llm:{call_id}"
        # Embedded before the lock: the model thread joins what concurrent calls ask for at
        # the same moment into one run, so the facts of many conversations embed together.
        wanted = list(dict.fromkeys(d.text for d in decisions if d.event in ("ADD", "UPDATE") and d.text))
        vectors = dict(zip(wanted, await orch.embed(wanted, clock))) if wanted else {}
        async with self._apply_lock:
            await orch.embed_behind.flush()
            with clock.stage("records"):
                shown = await orch.get_many([h.id for h in related])
            by_id = {m.id: m for m in shown}
            refs = {i: by_id.get(h.id) for i, h in enumerate(related, 1)}
            stale = sorted({related[d.ref - 1].id for d in decisions
                            if d.event in ("UPDATE", "DELETE") and 1 <= d.ref <= len(related)
                            and (refs[d.ref] is None or refs[d.ref].hash != _shown_hash(related[d.ref - 1]))})
            if stale:
                raise ConflictError(f"infer: memories {', '.join(stale)} changed after the model was shown them",
                                    memory_ids=tuple(stale))
            # the texts the call keeps or writes: a DELETE's own text only names what it removes
            texts = {d.text for d in decisions if d.text and d.event != "DELETE"}
            results: list[InferResult | None] = [None] * len(decisions)
            touched: set[str] = set()
            adds: list[tuple[int, str]] = []
            updates: list[tuple[int, MemoryRecord, str]] = []
            deletes: list[tuple[int, MemoryRecord]] = []
            for k, d in enumerate(decisions):
                target = refs.get(d.ref) if d.ref else None
                if d.event == "ADD":
                    adds.append((k, d.text))
                    continue
                if d.ref == 0:
                    results[k] = InferResult(None, "NOOP", d.text, reason="names no memory")
                elif target is None:
                    results[k] = InferResult(None, "NOOP", d.text, reason="the memory is gone")
                elif target.id in touched:
                    results[k] = InferResult(target.id, "NOOP", target.content, reason="another decision of this call changed it")
                elif d.event == "NOOP":
                    results[k] = InferResult(target.id, "NOOP", target.content)
                elif d.event == "UPDATE" and d.text == target.content:
                    results[k] = InferResult(target.id, "NOOP", target.content, reason="the same text")
                elif d.event == "DELETE" and target.content in texts:
                    results[k] = InferResult(target.id, "NOOP", target.content, reason="a fact of this call repeats it")
                else:
                    touched.add(target.id)
                    if d.event == "UPDATE":
                        updates.append((k, target, d.text))
                    else:
                        deletes.append((k, target))
            when = said_at or now()
            new_items = new_memories([t for _, t in adds], **scope, memory_type=memory_type,
                                     metadata=[metadata] * len(adds), contexts=[None] * len(adds), created_at=when) if adds else []
            plan = _Plan(adds=[], updates=[], deletes=deletes, results=results)
            # an ADD of a text the scope holds (or this call adds twice) is a NOOP
            with clock.stage("records"):
                held = await orch.records.existing_hashes([m.hash for m in new_items]) if new_items else {}
            seen: dict[str, str] = {}
            for (k, _), m in zip(adds, new_items):
                if m.hash in held:
                    results[k] = InferResult(held[m.hash][0], "NOOP", m.content, reason="already stored")
                elif m.hash in seen:
                    results[k] = InferResult(seen[m.hash], "NOOP", m.content, reason="a fact of this call repeats it")
                else:
                    seen[m.hash] = m.id
                    plan.adds.append((k, m))
            for k, old, text in updates:
                new = NewMemory(id=old.id, content=text, hash=v.content_hash(text, old.user_id, old.agent_id, old.run_id),
                                user_id=old.user_id, agent_id=old.agent_id, run_id=old.run_id,
                                memory_type=old.memory_type, metadata=old.metadata, created_at=when)
                if new.hash in held or new.hash in seen:
                    results[k] = InferResult(old.id, "NOOP", old.content, reason="another memory has this text")
                    continue
                plan.updates.append((k, old, new))
            await self._write(plan, actor, source, clock, vectors)
            for k, m in plan.adds:
                results[k] = InferResult(m.id, "ADD", m.content)
            for k, old, new in plan.updates:
                results[k] = InferResult(old.id, "UPDATE", new.content, previous=old.content)
            for k, old in plan.deletes:
                results[k] = InferResult(old.id, "DELETE", old.content, previous=old.content)
            return [r for r in results if r is not None]

    async def _write(self, plan: _Plan, actor: str, source: dict[str, Any], clock: Any,
                     vectors: dict[str, Any]) -> None:
        orch = self.orch
        written = [m for _, m in plan.adds] + [replace(new, created_at=old.created_at) for _, old, new in plan.updates]
        if not written and not plan.deletes:
            return
        missing = [m.content for m in written if m.content not in vectors]
        if missing:
            vectors = {**vectors, **dict(zip(missing, await orch.embed(missing, clock)))}
        vecs = np.stack([vectors[m.content] for m in written]) if written else None
        if written:
            with clock.stage("vectors"):
                await orch.vectors.upsert(written, vecs)
        try:
            with clock.stage("records"):
                await orch.records.pool.write([("records", self._statements(plan, actor, source))])
            self._tables_ready = True
        except RecordStoreError as exc:
            conflict = _conflict(exc, plan)
            if conflict is None:
                await self._undo_vectors(plan, exc)
                raise
            # another writer committed first: the vectors go back to what the records hold now
            await self._undo_vectors(plan, exc, current=True)
            raise conflict from exc
        except BaseException as exc:
            await self._undo_vectors(plan, exc)
            raise
        if plan.deletes:
            try:
                with clock.stage("vectors"):
                    await orch.vectors.delete_ids([old.id for _, old in plan.deletes])
            except BaseException as exc:
                try:
                    await orch.records.pool.write([("records", self._undo_statements(plan, actor))])
                except Exception as undo_exc:  # noqa: BLE001 - reported with the failure it undid
                    from .errors import ConsistencyError

                    raise ConsistencyError(f"infer failed ({exc}) and so did its undo ({undo_exc})") from exc
                await self._undo_vectors(plan, exc)
                raise

    async def _undo_vectors(self, plan: _Plan, exc: BaseException, *, current: bool = False) -> None:
        """Put the vectors this call wrote back: the updated ones to the text they had, or,
        with ``current``, to the text the records store holds now (another writer's)."""
        orch = self.orch
        try:
            if plan.adds:
                await orch.vectors.delete_ids([m.id for _, m in plan.adds])
            if plan.updates:
                olds = [old for _, old, _ in plan.updates]
                if current:
                    now_held = await orch.get_many([o.id for o in olds])
                    gone = sorted({o.id for o in olds} - {m.id for m in now_held})
                    if gone:
                        await orch.vectors.delete_ids(gone)
                    olds = now_held
                if olds:
                    vecs = await orch.embed([o.content for o in olds])
                    await orch.vectors.upsert([NewMemory.from_record(o) for o in olds], vecs)
        except Exception as undo_exc:  # noqa: BLE001 - reported with the failure it undid
            from .errors import ConsistencyError

            raise ConsistencyError(f"infer failed ({exc}) and so did its undo ({undo_exc})") from exc

    def _statements(self, plan: _Plan, actor: str, source: dict[str, Any]) -> list[Any]:
        history = self.config.write_history
        stmts: list[Any] = []
        if not self._tables_ready:
            stmts += [(_GUARD_TABLE, [])] + ([(_TABLE, [])] if history else [])
        targets = {old.id: old.hash for _, old, _ in plan.updates} | {old.id: old.hash for _, old in plan.deletes}
        if targets:
            # first, before anything changes: a memory whose hash is no longer the one shown
            # inserts a guard row, which the CHECK refuses, so the whole transaction fails
            stmts.append((_GUARD, [json.dumps(targets)]))
        if plan.adds:
            rows = [_memory_row(m) for _, m in plan.adds]
            stmts += multi_insert("memories", MEMORY_COLUMNS, rows)
            if history:
                ids = [m.id for _, m in plan.adds]
                add_events = ("INSERT INTO history (memory_id, event, new_memory, new_metadata, actor_id, created_at, "
                              "is_deleted) SELECT id, 'ADD', content, metadata, ?, created_at, 0 FROM memories "
                              f"WHERE id IN {in_list(ids)}")
                stmts.append((add_events, [actor, *ids]))
        rows_h: list[tuple[Any, ...]] = []
        for _, old, new in plan.updates:
            stmts.append((
                "UPDATE memories SET content = ?, hash = ?, metadata = ?, updated_at = ? WHERE id = ?",
                [new.content, new.hash, json.dumps(new.metadata, ensure_ascii=False), format_ts(new.created_at), old.id],
            ))
            rows_h.append(_with_actor(HistoryRow.update(old, new), actor))
        if plan.deletes:
            ids = [old.id for _, old in plan.deletes]
            stmts.append((f"DELETE FROM memories WHERE id IN {in_list(ids)}", ids))
            when = plan.updates[0][2].created_at if plan.updates else (plan.adds[0][1].created_at if plan.adds else None)
            from .orchestrator import now

            when = when or now()
            rows_h += [_with_actor(HistoryRow.delete(old, when), actor) for _, old in plan.deletes]
        if history:
            stmts += multi_insert("history", HistoryRow.WRITE_COLUMNS, rows_h) if rows_h else []
            stmts.append(("INSERT INTO inferences (id, model, messages, created_at) VALUES (?, ?, ?, ?)",
                          [actor, source["model"], json.dumps(source["messages"], ensure_ascii=False),
                           format_ts(source["when"])]))
        return stmts

    def _undo_statements(self, plan: _Plan, actor: str) -> list[Any]:
        from .storage.sql import multi_insert as mi

        stmts: list[Any] = []
        ids = [m.id for _, m in plan.adds]
        if ids:
            stmts.append((f"DELETE FROM memories WHERE id IN {in_list(ids)}", ids))
        olds = [old for _, old, _ in plan.updates] + [old for _, old in plan.deletes]
        if olds:
            rows = [(m.id, m.content, m.hash, m.user_id, m.agent_id, m.run_id, m.memory_type,
                     json.dumps(m.metadata, ensure_ascii=False), format_ts(m.created_at), format_ts(m.updated_at))
                    for m in olds]
            stmts += mi("memories", MEMORY_COLUMNS, rows, verb="INSERT OR REPLACE")
        stmts.append(("DELETE FROM history WHERE actor_id = ?", [actor]))
        stmts.append(("DELETE FROM inferences WHERE id = ?", [actor]))
        return stmts


async def run_inferred(
    inferrer: Inferrer,
    said: Sequence[tuple[str, str, str | None]],
    scope: Mapping[str, str | None],
    memory_type: str,
    metadata: tuple[dict[str, Any], str],
    store: Callable[[str], Awaitable[list[InferResult]]],
    said_at: datetime | None = None,
) -> list[InferResult]:
    """One ``add(messages, infer=True)``: related memories, one extraction, its decisions
    applied; all of it again when another writer changed what the model was shown.
    ``said_at`` (the add's ``timestamp``) dates the facts, as it dates messages stored
    without infer; None: now."""
    from .orchestrator import now

    orch = inferrer.orch
    tries = CONFLICT_RERUNS + 1
    for attempt in range(1, tries + 1):
        related = await inferrer.related(said, scope)
        if not inferrer.can_decide(len(related)):
            return []  # llm_events allows no new fact and nothing was shown to decide on
        request = prompt(said, related, inferrer.events)
        with orch.clock("add_infer", len(said)) as clock:
            replies: list[LLMReply] = []
            try:
                with clock.stage("llm"):
                    decisions, replies = await inferrer.ask(request, len(related))
            except LLMError as exc:
                if inferrer.config.llm_fallback != "store":
                    raise
                failed = exc
            else:
                failed = None
            finally:
                tin = [r.prompt_tokens for r in replies if r.prompt_tokens is not None]
                tout = [r.completion_tokens for r in replies if r.completion_tokens is not None]
                if tin or tout:
                    clock.llm_tokens = (sum(tin), sum(tout))
            if failed is None:
                source = {"model": replies[-1].model, "messages": stored_messages(said), "when": now()}
                try:
                    return await inferrer.apply(decisions, related, scope, memory_type=memory_type,
                                                metadata=metadata, source=source, clock=clock, said_at=said_at)
                except ConflictError as exc:
                    if attempt == tries:
                        exc.attempts = attempt
                        exc.args = (f"{exc.args[0]}; the call was tried {attempt} times and another writer "
                                    f"changed its memories each time"),
                        raise
                    continue
        return await store(failed.cause)
    raise AssertionError("unreachable")


_TABLE = """CREATE TABLE IF NOT EXISTS inferences (
    id TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    messages TEXT NOT NULL,
    created_at TEXT NOT NULL
)"""


#: Never holds a row: the CHECK refuses every one, so a guard INSERT that selects a row
#: (a stale target) fails its transaction, naming the constraint.
_GUARD_TABLE = """CREATE TABLE IF NOT EXISTS infer_guard (
    memory_id TEXT,
    CONSTRAINT infer_target_changed CHECK (memory_id IS NULL)
)"""

#: The bound JSON object maps each target's id to the hash the model was shown.
_GUARD = ("INSERT INTO infer_guard (memory_id) SELECT j.key FROM json_each(?) AS j "
          "WHERE (SELECT m.hash FROM memories AS m WHERE m.id = j.key) IS NOT j.value")


def _shown_hash(m: MemoryRecord | SearchHit) -> str:
    """The hash of a memory as the model was shown it."""
    if isinstance(m, MemoryRecord):
        return m.hash
    return v.content_hash(m.content, m.user_id, m.agent_id, m.run_id)


def _conflict(exc: RecordStoreError, plan: _Plan) -> ConflictError | None:
    """The ConflictError a failed transaction means, or None when it failed for another reason."""
    text = str(exc)
    if "infer_target_changed" in text:
        ids = tuple(sorted({old.id for _, old, _ in plan.updates} | {old.id for _, old in plan.deletes}))
        return ConflictError("infer: a memory this call updates or deletes was changed by another writer "
                             "before the call committed", memory_ids=ids)
    if "UNIQUE constraint failed: memories.hash" in text:
        return ConflictError("infer: another writer stored a text this call writes before the call committed")
    return None


def _memory_row(m: NewMemory) -> tuple[Any, ...]:
    """One row of MEMORY_COLUMNS for a new memory (updated_at = created_at)."""
    ts = format_ts(m.created_at)
    return (m.id, m.content, m.hash, m.user_id, m.agent_id, m.run_id, m.memory_type, m.metadata_json, ts, ts)


def _with_actor(row: tuple[Any, ...], actor: str) -> tuple[Any, ...]:
    i = HistoryRow.WRITE_COLUMNS.index("actor_id")
    return (*row[:i], actor, *row[i + 1:])


async def annotate(orch: Orchestrator, events: list[HistoryEvent]) -> list[HistoryEvent]:
    """Give each event an inferred call wrote its ``source``: the model and the messages."""
    calls = sorted({e.actor for e in events if e.actor and e.actor.startswith("llm:")})
    if not calls:
        return events
    try:
        rows = await orch.records.pool.query(
            f"SELECT id, model, messages, created_at FROM inferences WHERE id IN {in_list(calls)}", calls)
    except RecordStoreError as exc:
        if "no such table" not in str(exc).lower():
            raise
        return events  # a store no inferred call wrote to has no such table
    found = {r[0]: {"call": r[0][4:], "model": r[1], "messages": json.loads(r[2])} for r in rows}
    return [replace(e, source=found.get(e.actor)) if e.actor in found else e for e in events]


def stored_messages(said: Sequence[tuple[str, str, str | None]]) -> list[dict[str, str]]:
    """The messages as given (a name is kept as its own key, not in the content)."""
    out = []
    for role, text, name in said:
        if name and text.startswith(f"{name}: "):
            out.append({"role": role, "content": text[len(name) + 2:], "name": name})
        else:
            out.append({"role": role, "content": text})
    return out

