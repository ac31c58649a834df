"""The infer workload: LoCoMo turns added as conversations with ``add(messages, infer=True)``
against one OpenAI-compatible server, beside Mem0's ``add(messages, infer=True)`` on the same
server and the same messages, in the same run.

Each add is ``turns_per_add`` consecutive turns of one conversation (its first speaker as
``user``, the other as ``assistant``, each with its name); a conversation's adds run in
order, conversations at the same time (``concurrency``). Per system: memories/s (memories
stored at the end over the wall time), adds/s, LLM calls and tokens per add (read from the
server's ``GET /stats`` before and after, so both are counted the same way; else from
agentmem's own timings), p50/p95 seconds per add, failed adds, and the memories each
conversation became.

The eval (``agentmem eval --infer``) reuses it: each question's evidence turn counts as
recalled when one of the top-k memories found for the question was written (ADD or
UPDATE) by an add holding that turn.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..config import MemoryConfig
from .stats import percentile

__all__ = ["Conversation", "InferWorkload", "agentmem_run", "evidence_recall", "locomo_conversations", "run_mem0", "run_workload", "server_stats", "table"]


@dataclass
class Conversation:
    user_id: str
    adds: list[tuple[list[dict[str, str]], list[str]]]  # (messages, the turns' dia_ids)
    questions: list[dict[str, Any]] = field(default_factory=list)


def locomo_conversations(path: str | Path, *, conversations: int = 1, adds: int = 8,
                         turns_per_add: int = 2) -> list[Conversation]:
    """The first ``adds`` windows of ``turns_per_add`` turns of the first ``conversations``."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    out: list[Conversation] = []
    for sample in data[:conversations]:
        conv = sample["conversation"]
        a = conv.get("speaker_a")
        turns = [t for k in sorted((k for k in conv if k.startswith("session_") and not k.endswith("date_time")),
                                   key=lambda k: int(k.split("_")[1]))
                 for t in conv[k] if isinstance(t, dict) and t.get("text")]
        windows = []
        for start in range(0, len(turns), turns_per_add):
            chunk = turns[start:start + turns_per_add]
            msgs = [{"role": "user" if t["speaker"] == a else "assistant", "content": t["text"], "name": t["speaker"]}
                    for t in chunk]
            windows.append((msgs, [t["dia_id"] for t in chunk]))
            if len(windows) == adds:
                break
        seen = {d for _, ids in windows for d in ids}
        qs = [q for q in sample.get("qa", []) if q.get("evidence") and set(q["evidence"]) <= seen and "answer" in q]
        out.append(Conversation(user_id=str(sample.get("sample_id", len(out))), adds=windows, questions=qs))
    return out


def server_stats(base_url: str) -> dict[str, float] | None:
    """The server's totals (GET /stats of tools/llm-server), or None where it has none."""
    import httpx

    root = base_url.rstrip("/").removesuffix("/v1")
    try:
        r = httpx.get(f"{root}/stats", timeout=5)
        return r.json() if r.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None


def _diff(after: dict[str, float] | None, before: dict[str, float] | None) -> dict[str, float] | None:
    if after is None or before is None:
        return None
    return {k: after[k] - before.get(k, 0) for k in after}


def _row(system: str, walls: list[float], failed: int, memories: int, wall: float, adds: int,
         server: dict[str, float] | None, own_tokens: tuple[int, int] | None, per_conv: dict[str, int]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "system": system, "adds": adds, "failed_adds": failed, "memories": memories, "wall_s": round(wall, 2),
        "memories_per_s": round(memories / wall, 4) if wall else None,
        "adds_per_s": round(adds / wall, 4) if wall else None,
        "p50_s": round(percentile(walls, 50), 2) if walls else None,
        "p95_s": round(percentile(walls, 95), 2) if walls else None,
        "memories_per_conversation": per_conv,
    }
    if server is not None:
        row["llm_calls_per_add"] = round(server["requests"] / adds, 2)
        row["tokens_in_per_add"] = round(server["prompt_tokens"] / adds, 1)
        row["tokens_out_per_add"] = round(server["completion_tokens"] / adds, 1)
    elif own_tokens is not None:
        row["tokens_in_per_add"] = round(own_tokens[0] / adds, 1)
        row["tokens_out_per_add"] = round(own_tokens[1] / adds, 1)
    return row


async def _agentmem(convs: Sequence[Conversation], cfg: MemoryConfig, concurrency: int) -> tuple[dict[str, Any], Any]:
    from ..memory import AsyncMemory

    walls: list[float] = []
    failed = 0
    errors: list[str] = []
    written: dict[str, set[str]] = {}  # memory id -> dia_ids of the adds that wrote it
    sem = asyncio.Semaphore(concurrency)
    mem = await AsyncMemory.open(cfg)

    async def one(conv: Conversation) -> None:
        nonlocal failed
        async with sem:
            for msgs, ids in conv.adds:
                t = time.perf_counter()
                try:
                    out = await mem.add(msgs, user_id=conv.user_id, infer=True)
                except Exception as exc:  # noqa: BLE001 - a failed add is counted and named, the run goes on
                    failed += 1
                    errors.append(f"{type(exc).__name__}: {exc}"[:300])
                    continue
                finally:
                    walls.append(time.perf_counter() - t)
                for r in out:
                    if r.id is not None and r.event in ("ADD", "UPDATE"):
                        written.setdefault(r.id, set()).update(ids)

    start = time.perf_counter()
    await asyncio.gather(*(one(c) for c in convs))
    wall = time.perf_counter() - start
    per_conv = {c.user_id: await mem.count(user_id=c.user_id) for c in convs}
    tin = sum(t.llm_tokens[0] for t in mem.timings() if t.llm_tokens)
    tout = sum(t.llm_tokens[1] for t in mem.timings() if t.llm_tokens)
    llm = [t.stages.get("llm", 0.0) for t in mem.timings() if t.op == "add_infer"]
    info = {"walls": walls, "failed": failed, "errors": errors, "wall": wall, "per_conv": per_conv, "tokens": (tin, tout),
            "written": written, "verify_ok": (await mem.verify()).ok, "llm": llm}
    return info, mem


async def agentmem_run(convs: Sequence[Conversation], *, base_url: str, model: str, data_dir: str | Path,
                       concurrency: int = 2, max_tokens: int = 256, timeout_s: float = 300.0) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """agentmem's row, what each memory came from, and the still open AsyncMemory (the caller closes it)."""
    cfg = MemoryConfig(data_dir=data_dir, llm_base_url=base_url, llm_model=model, llm_concurrency=concurrency,
                       llm_max_tokens=max_tokens, llm_timeout_s=timeout_s)
    before = await asyncio.to_thread(server_stats, base_url)
    info, mem = await _agentmem(convs, cfg, concurrency)
    after = await asyncio.to_thread(server_stats, base_url)
    adds = sum(len(c.adds) for c in convs)
    row = _row("agentmem", info["walls"], info["failed"], sum(info["per_conv"].values()), info["wall"], adds,
               _diff(after, before), info["tokens"], info["per_conv"])
    row["verify_ok"] = info["verify_ok"]
    # where an add's time goes: the LLM request (its own timer, retries included) against the
    # whole add (related-memory search, embedding the facts, the transaction)
    if info["llm"] and info["walls"]:
        row["llm_p50_s"] = round(percentile(info["llm"], 50), 2)
        row["llm_share_of_add"] = round(sum(info["llm"]) / sum(info["walls"]), 3)
    row["errors"] = info["errors"]
    return row, info, mem


def _mem0_config(path: Path, base_url: str, model: str, max_tokens: int) -> dict[str, Any]:
    from ..model_files import DIM
    from .mem0_peer import PEER_MODEL

    return {
        "embedder": {"provider": "fastembed", "config": {"model": PEER_MODEL, "embedding_dims": DIM}},
        "vector_store": {"provider": "qdrant", "config": {"collection_name": "infer", "path": str(path / "qdrant"),
                                                          "embedding_model_dims": DIM, "on_disk": True}},
        "llm": {"provider": "openai", "config": {"api_key": os.environ.get("AGENTMEM_LLM_API_KEY") or "local",
                                                 "model": model, "openai_base_url": base_url,
                                                 "max_tokens": max_tokens, "temperature": 0.0}},
        "history_db_path": str(path / "history.db"),
    }


def run_mem0(convs: Sequence[Conversation], *, base_url: str, model: str, path: str | Path,
             concurrency: int = 2, max_tokens: int = 256) -> dict[str, Any]:
    """Mem0's row: ``Memory.add(messages, user_id=..., infer=True)``, one thread per conversation
    (at most ``concurrency``), through its openai provider with ``openai_base_url``."""
    os.environ.setdefault("MEM0_TELEMETRY", "False")
    from .mem0_peer import _env, _quiet, model_cache

    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    cache = model_cache(MemoryConfig(data_dir=root / "unused"), root / "fastembed-cache")
    with _env(FASTEMBED_CACHE_PATH=str(cache), HF_HUB_OFFLINE="1"), _quiet():
        from mem0 import Memory as Mem0Memory

        mem = Mem0Memory.from_config(_mem0_config(root, base_url, model, max_tokens))
        walls: list[float] = []
        failed = 0
        errors: list[str] = []

        def one(conv: Conversation) -> None:
            nonlocal failed
            for msgs, _ in conv.adds:
                t = time.perf_counter()
                try:
                    mem.add([{"role": m["role"], "content": f"{m['name']}: {m['content']}"} for m in msgs],
                            user_id=conv.user_id, infer=True)
                except Exception as exc:  # noqa: BLE001 - counted and named like agentmem's
                    failed += 1
                    errors.append(f"{type(exc).__name__}: {exc}"[:300])
                walls.append(time.perf_counter() - t)

        before = server_stats(base_url)
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, convs))
        wall = time.perf_counter() - start
        after = server_stats(base_url)
        per_conv = {c.user_id: len(_results(mem.get_all(filters={"user_id": c.user_id}, limit=10_000))) for c in convs}
    adds = sum(len(c.adds) for c in convs)
    from importlib import metadata

    row = _row("mem0", walls, failed, sum(per_conv.values()), wall, adds, _diff(after, before), None, per_conv)
    row["version"] = metadata.version("mem0ai")
    row["errors"] = errors
    return row


def _results(out: Any) -> list[Any]:
    return out.get("results", []) if isinstance(out, dict) else list(out)


async def evidence_recall(mem: Any, convs: Sequence[Conversation], written: dict[str, set[str]], k: int = 5) -> dict[str, Any]:
    """Share of questions whose evidence turns were written into one of the top-k memories found for them."""
    hit = total = 0
    for conv in convs:
        for q in conv.questions:
            total += 1
            found = await mem.search(q["question"], user_id=conv.user_id, limit=k)
            turns = set().union(*(written.get(h.id, set()) for h in found)) if found else set()
            hit += bool(turns & set(q["evidence"]))
    return {"questions": total, "recall_at_k": round(hit / total, 4) if total else None, "k": k}


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="agentmem-infer-"))


#: the model name the local server answers to (tools/llm-server serves one GGUF whatever is asked)
LOCAL_MODEL = "SmolLM2-135M-Instruct.Q4_1"


@dataclass(frozen=True)
class InferWorkload:
    """What the infer workload runs: ``adds`` windows of ``turns_per_add`` turns of the first
    ``conversations`` of a LoCoMo file, against ``base_url`` (None: the local llama.cpp server
    started for the run, ``concurrency`` sequences), beside Mem0 when ``mem0``."""

    locomo: str
    base_url: str | None = None
    model: str = LOCAL_MODEL
    conversations: int = 2
    adds: int = 4
    turns_per_add: int = 2
    concurrency: int = 1
    max_tokens: int = 256
    mem0: bool = True
    mem0_path: str | None = None
    eval: bool = False
    k: int = 5
    #: before it starts, wait (at most ``settle_max_s``) for the 1-minute load average to fall
    #: under ``settle_below`` (None: no wait): after the phases, the average still holds their
    #: load for a minute or two, and a figure is taken on an idle machine
    settle_below: float | None = 1.0
    settle_max_s: float = 180.0

    def settings(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items()
               if k not in ("locomo", "base_url", "mem0_path", "settle_below", "settle_max_s")}
        out["locomo"] = Path(self.locomo).name
        out["endpoint"] = _endpoint(self.base_url)
        return out


def settle_load(below: float | None, max_s: float) -> float:
    """Wait until the 1-minute load average is under ``below`` or ``max_s`` passed; the seconds waited."""
    start = time.monotonic()
    while below is not None and os.getloadavg()[0] >= below and time.monotonic() - start < max_s:
        time.sleep(5)
    return time.monotonic() - start


def _endpoint(base_url: str | None) -> str:
    """Where the calls went, without credentials, path or query: a URL may carry a token."""
    if base_url is None:
        return "local"
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def _local_server_facts(parallel: int, threads: int) -> dict[str, Any]:
    from .llm_local import MODEL_FILE, SERVER_DIR

    version = None
    try:
        lock = json.loads((SERVER_DIR / "package-lock.json").read_text(encoding="utf-8"))
        version = lock["packages"]["node_modules/node-llama-cpp"]["version"]
    except (OSError, KeyError, ValueError):
        pass
    return {"engine": f"llama.cpp through node-llama-cpp {version}" if version else "llama.cpp through node-llama-cpp",
            "model_file": MODEL_FILE, "parallel": parallel, "threads": threads, "device": "CPU"}


def _mem0_unavailable(extra_path: str | None) -> str | None:
    if extra_path and extra_path not in sys.path:
        sys.path.append(extra_path)  # after the environment's own packages: only what is missing
    from .mem0_peer import unavailable_reason

    return unavailable_reason()


def run_workload(w: InferWorkload, work_dir: str | Path | None = None) -> dict[str, Any]:
    """Run the workload (agentmem, then Mem0 on the same server and messages) and return its
    report: the server, the settings, the load at the start and one row per system."""
    from contextlib import nullcontext

    from .llm_local import local_server

    convs = locomo_conversations(w.locomo, conversations=w.conversations, adds=w.adds, turns_per_add=w.turns_per_add)
    root = Path(work_dir) if work_dir is not None else scratch_dir()
    threads = min(2, os.cpu_count() or 1)
    waited = settle_load(w.settle_below, w.settle_max_s)
    report: dict[str, Any] = {
        "load_at_start": [round(x, 2) for x in os.getloadavg()],
        "waited_for_load_s": round(waited, 1),
        "server": _local_server_facts(w.concurrency, threads) if w.base_url is None else {"endpoint": _endpoint(w.base_url)},
        "settings": w.settings(),
        "rows": [],
        "notes": [],
    }
    ctx = nullcontext(w.base_url) if w.base_url else local_server(parallel=w.concurrency, threads=threads)
    with ctx as url:
        async def ours() -> None:
            row, info, mem = await agentmem_run(convs, base_url=url, model=w.model, data_dir=root / "agentmem",
                                                concurrency=w.concurrency, max_tokens=w.max_tokens)
            try:
                if w.eval:
                    row["eval"] = await evidence_recall(mem, convs, info["written"], k=w.k)
            finally:
                await mem.close()
            report["rows"].append(row)

        asyncio.run(ours())
        reason = _mem0_unavailable(w.mem0_path) if w.mem0 else "not asked for"
        if reason is None:
            try:
                report["rows"].append(run_mem0(convs, base_url=url, model=w.model, path=root / "mem0",
                                               concurrency=w.concurrency, max_tokens=w.max_tokens))
            except Exception as exc:  # noqa: BLE001 - the peer is optional; say why it failed
                report["notes"].append(f"mem0 row failed: {type(exc).__name__}: {exc}"[:300])
        else:
            report["notes"].append(f"mem0 row skipped: {reason}")
    return report


ROW_COLUMNS = ("system", "adds", "failed_adds", "memories", "wall_s", "memories_per_s", "adds_per_s", "p50_s", "p95_s",
               "llm_calls_per_add", "tokens_in_per_add", "tokens_out_per_add")


def table(report: dict[str, Any]) -> str:
    """The report's rows as aligned text."""
    rows = [[str(r.get(c, "")) for c in ROW_COLUMNS] for r in report["rows"]]
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(ROW_COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(ROW_COLUMNS, widths))]
    lines += ["  ".join(x.ljust(w) for x, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m agentmem.bench.infer_bench``: the infer workload (and ``--eval``: evidence recall)."""
    import argparse

    p = argparse.ArgumentParser(prog="python -m agentmem.bench.infer_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--locomo", required=True, help="a LoCoMo JSON file (locomo10.json or a part of it)")
    p.add_argument("--llm-base-url", help="an OpenAI-compatible endpoint; default: start tools/llm-server locally")
    p.add_argument("--llm-model", default=LOCAL_MODEL)
    p.add_argument("--conversations", type=int, default=1)
    p.add_argument("--adds", type=int, default=8, help="adds per conversation")
    p.add_argument("--turns-per-add", type=int, default=2)
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--max-tokens", type=int, default=256)
    p.add_argument("--mem0", action="store_true", help="also run Mem0 2.2.1 add(infer=True) on the same server")
    p.add_argument("--mem0-path", help="a folder Mem0 is installed in (pip install --target), appended to sys.path")
    p.add_argument("--eval", action="store_true", help="also measure evidence recall@k through the memories")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--out", help="write the report as JSON here")
    a = p.parse_args(argv)
    from .machine import machine_facts

    w = InferWorkload(locomo=a.locomo, base_url=a.llm_base_url, model=a.llm_model, conversations=a.conversations,
                      adds=a.adds, turns_per_add=a.turns_per_add, concurrency=a.concurrency, max_tokens=a.max_tokens,
                      mem0=a.mem0, mem0_path=a.mem0_path, eval=a.eval, k=a.k)
    report = {"machine": machine_facts(), **run_workload(w)}
    text = json.dumps(report, indent=2, default=str)
    if a.out:
        Path(a.out).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
