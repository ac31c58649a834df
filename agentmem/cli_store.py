"""The store commands of ``agentmem``: look into a store and change it from the shell.

``add``      store one memory (``-`` reads the text from standard input);
``search``   the memories closest to a query, best first;
``list``     the newest memories of a user (or of the whole store);
``export``   every memory to a ``.jsonl`` or ``.parquet`` file;
``import``   the memories of such a file (those already present are skipped);
``stats``    what the store holds.

Each opens the store under ``--data-dir`` (default :func:`agentmem.config.default_data_dir`,
the folder the workbench opens first) through the public :class:`~agentmem.Memory`, with
the MemoryConfig the workbench builds for a local data directory. Every argument is
checked before the store is opened, since opening a Memory creates its files: a refused
command leaves the folder as it was. The reading commands (search, list, export, stats)
refuse a folder that holds no store instead of creating an empty one; the writing ones
(add, import) create the store, and remove it again when they fail before it held anything.

Errors are one line on stderr, ``agentmem: error: argument NAME: why``, exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from . import validation
from .config import DATA_DIR_ENV, DEFAULT_DATA_DIR, SEARCH_MODES, default_data_dir
from .errors import InvalidInputError

if TYPE_CHECKING:
    from .memory import Memory

__all__ = ["COMMANDS", "EXIT_USAGE", "add_parsers", "fail", "run"]

EXIT_USAGE = 2
#: The store commands and their one-line help, in the order ``agentmem --help`` lists them.
COMMANDS = {
    "add": "store one memory for a user",
    "search": "find a user's memories closest to a query",
    "list": "show the newest memories of a user or of all",
    "export": "write every memory to a .jsonl or .parquet file",
    "import": "load the memories of an exported file",
    "stats": "what a store holds: memories, users, model",
}
#: The records file a local store always has (MemoryConfig's default records_url): a
#: folder without it holds no store.
RECORDS_FILE = "records.db"
#: What opening a Memory creates in a data directory (libSQL adds -wal/-shm beside the file).
_STORE_ENTRIES = ("vectors",)
_FILE_SUFFIXES = (".jsonl", ".ndjson", ".parquet", ".pq")
#: get_all and search limits of the API (validation.MAX_PAGE_ROWS, MAX_SEARCH_HITS).
_LIST_DEFAULT, _SEARCH_DEFAULT = 20, 10
#: The API's argument names, as the command line spells them.
_ARG_NAMES = {"content": "TEXT", "query": "QUERY", "user_id": "--user", "agent_id": "--agent", "run_id": "--run",
              "metadata": "--metadata", "memory_type": "--type", "limit": "--limit", "mode": "--mode", "path": "PATH"}

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """Report a usage error as one line on stderr and exit 2."""
    sys.stderr.write(f"agentmem: error: {' '.join(str(message).split())}\n")
    raise SystemExit(EXIT_USAGE)


def _bounded_int(maximum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {maximum:,}, got {text!r}") from None
        if not 1 <= value <= maximum:
            raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {maximum:,}, got {text!r}")
        return value

    parse.__name__ = "number"
    return parse


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON ({exc.msg} at character {exc.pos}); "
                                         """write an object such as '{"topic": "tea"}'""") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"expected a JSON object such as '{{\"topic\": \"tea\"}}', "
                                         f"got {type(value).__name__ if value is not None else 'null'}")
    return value


def add_parsers(sub: Any) -> None:
    """Add the store commands to ``sub`` (the ``add_subparsers`` of ``agentmem``)."""

    def store_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", metavar="DIR",
                       help=f"the store's folder (default ${DATA_DIR_ENV}, else {DEFAULT_DATA_DIR}: "
                            "the workbench's default)")

    def scope_args(p: argparse.ArgumentParser, *, user_required: bool) -> None:
        if user_required:
            p.add_argument("--user", required=True, metavar="U", help="the user the memory belongs to (required)")
            p.add_argument("--agent", metavar="A", help="the agent the memory belongs to (default: none)")
            p.add_argument("--run", metavar="R", help="the run (a session) the memory belongs to (default: none)")
        else:
            p.add_argument("--user", metavar="U", help="only this user's memories (default: every user)")
            p.add_argument("--agent", metavar="A", help="only this agent's memories (default: every agent)")
            p.add_argument("--run", metavar="R", help="only this run's (session's) memories (default: every run)")

    def json_arg(p: argparse.ArgumentParser, what: str, default: str = "a table") -> None:
        p.add_argument("--json", action="store_true", help=f"print {what} as one JSON document (default: {default})")

    add = sub.add_parser("add", help=COMMANDS["add"], description="Store one memory. The same text in the same "
                         "scope is stored once: adding it again says so and adds nothing.")
    add.add_argument("text", metavar="TEXT", help="the memory's text; - reads it from standard input")
    scope_args(add, user_required=True)
    add.add_argument("--metadata", type=_json_object, metavar="JSON",
                     help="a JSON object kept with the memory, e.g. '{\"topic\": \"tea\"}' (default none)")
    add.add_argument("--type", default="semantic", metavar="TYPE", help="the memory type (default semantic)")
    store_args(add)
    json_arg(add, "the result", "one line")

    se = sub.add_parser("search", help=COMMANDS["search"], description="The memories closest to QUERY, best first.")
    se.add_argument("query", metavar="QUERY", help="what to look for, in plain words")
    scope_args(se, user_required=False)
    se.add_argument("--mode", choices=SEARCH_MODES, default="hybrid",
                    help="hybrid: meaning and words together; vector: meaning only; fts: the words only "
                         "(full-text search) (default hybrid)")
    se.add_argument("--limit", type=_bounded_int(validation.MAX_SEARCH_HITS), default=_SEARCH_DEFAULT, metavar="N",
                    help=f"most memories shown, 1 to {validation.MAX_SEARCH_HITS:,} (default {_SEARCH_DEFAULT})")
    store_args(se)
    json_arg(se, "the hits")

    ls = sub.add_parser("list", help=COMMANDS["list"], description="The newest memories first.")
    scope_args(ls, user_required=False)
    ls.add_argument("--limit", type=_bounded_int(validation.MAX_PAGE_ROWS), default=_LIST_DEFAULT, metavar="N",
                    help=f"most memories shown, 1 to {validation.MAX_PAGE_ROWS:,} (default {_LIST_DEFAULT})")
    store_args(ls)
    json_arg(ls, "the memories")

    ex = sub.add_parser("export", help=COMMANDS["export"], description="Write every memory of the store, with its "
                        "vectors, to PATH; the file appears complete or not at all.")
    ex.add_argument("path", metavar="PATH", help="a .jsonl or .parquet file in an existing folder (replaced if it exists)")
    ex.add_argument("--no-vectors", action="store_true",
                    help="leave the vectors out: a smaller file, embedded again on import (default: kept)")
    store_args(ex)

    im = sub.add_parser("import", help=COMMANDS["import"], description="Load a file written by export; ids and "
                        "times are kept, memories already in the store are skipped. One bad row rejects the "
                        "file before anything is written.")
    im.add_argument("path", metavar="PATH", help="a .jsonl or .parquet file written by agentmem export")
    im.add_argument("--reembed", action="store_true",
                    help="embed every text again instead of using the file's vectors (default: the file's, "
                         "when they fit the model)")
    store_args(im)

    stt = sub.add_parser("stats", help=COMMANDS["stats"], description="What the store holds.")
    store_args(stt)
    json_arg(stt, "every figure", "a summary")


# --- checks, before anything is opened ---------------------------------------------------------


def _checked(check: Callable[..., T], value: Any, name: str, *extra: Any) -> T:
    """``check(value, ...)`` of agentmem.validation, its error worded for the command line."""
    try:
        return check(value, name, *extra)
    except InvalidInputError as exc:
        fail(f"argument {name}: {exc.reason}")


def _scope(args: argparse.Namespace) -> dict[str, str | None]:
    scope = {}
    for key, flag, value in (("user_id", "--user", args.user), ("agent_id", "--agent", args.agent),
                             ("run_id", "--run", args.run)):
        if value is not None and not value.strip():  # the API's wording speaks of None
            fail(f"argument {flag}: must not be empty")
        scope[key] = _checked(validation.scope_id, value, flag)
    return scope


def _data_dir(args: argparse.Namespace, *, existing_store: bool) -> Path:
    """The data directory, checked: a folder (or a place one can be made) and, for the
    reading commands, one that holds a store."""
    given = args.data_dir
    text = default_data_dir() if given is None else given
    source = f" (from ${DATA_DIR_ENV})" if given is None and os.environ.get(DATA_DIR_ENV, "").strip() else ""
    if not text.strip():
        fail("argument --data-dir: must not be empty")
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        fail(f"argument --data-dir: {text}{source} is a file, not a folder")
    if existing_store:
        if not path.exists():
            fail(f"argument --data-dir: {text}{source} does not exist; "
                 f"store a memory first: agentmem add TEXT --user U --data-dir {text}")
        if not (path / RECORDS_FILE).is_file():
            fail(f"argument --data-dir: {text}{source} holds no store (no {RECORDS_FILE}); "
                 f"store a memory first: agentmem add TEXT --user U --data-dir {text}")
        return path
    parent = next((p for p in (path, *path.parents) if p.exists()), None)
    if parent is not None and (not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK)):
        fail(f"argument --data-dir: {text}{source} cannot be created or written: {parent} is not a writable folder")
    return path


def _file_arg(text: str) -> Path:
    path = Path(text).expanduser()
    if path.suffix.lower() not in _FILE_SUFFIXES:
        fail(f"argument PATH: must end in .jsonl or .parquet, got {path.name!r}")
    return path


@contextmanager
def _open(path: Path, *, writes: bool) -> Iterator[Memory]:
    """The Memory of ``path``. For a writing command on a folder with no store yet, what the
    open created is removed again if the command fails (a refused import leaves no empty
    store behind); the library's own undo covers a store that existed."""
    from .config import MemoryConfig
    from .memory import Memory

    fresh = writes and not (path / RECORDS_FILE).is_file()
    made = next((p for p in reversed((path, *path.parents)) if not p.exists()), None)  # the top folder created
    before = set(os.listdir(path)) if path.is_dir() else set()
    try:
        try:
            mem = Memory(MemoryConfig(data_dir=str(path)))
        except OSError as exc:  # a folder the checks could not foresee (/proc, a full disk)
            fail(f"argument --data-dir: cannot create or write {path}: {exc.strerror or exc}")
        with mem:
            yield mem
    except BaseException:
        if fresh:
            _remove_created(path, made, before)
        raise


def _remove_created(path: Path, made: Path | None, before: set[str]) -> None:
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)
        return
    try:
        entries = set(os.listdir(path))
    except OSError:
        return
    for name in entries - before:
        if name.startswith(RECORDS_FILE) or name in _STORE_ENTRIES:
            target = path / name
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)


# --- output ------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default))


def _one_line(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(1, width - 1)] + "…"


def _table(header: list[str], rows: list[list[str]], *, right: int = 1) -> str:
    """Columns padded to their widest cell, the first ``right`` aligned right (numbers); the
    last (the text) on one line, cut to the terminal's width when there is one."""
    # piped into another program (no terminal, no $COLUMNS), the text stays whole
    piped = not os.environ.get("COLUMNS") and not sys.stdout.isatty()
    columns = 10**9 if piped else shutil.get_terminal_size((100, 24)).columns
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header[:-1])]
    room = max(20, columns - sum(widths) - 2 * len(widths) - 1)
    lines = []
    for cells in [header, *rows]:
        head = "  ".join(c.rjust(w) if i < right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
        lines.append(f"{head}  {_one_line(cells[-1], room)}".rstrip())
    return "\n".join(lines)


def _scope_words(scope: dict[str, str | None]) -> str:
    parts = [f"{word} {scope[key]}" for key, word in (("user_id", "user"), ("agent_id", "agent"), ("run_id", "run"))
             if scope[key] is not None]
    return ", ".join(parts) if parts else "every user"


def _when(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M")


# --- the commands ------------------------------------------------------------------------------


def _add(args: argparse.Namespace) -> int:
    text = sys.stdin.read().rstrip("\r\n") if args.text == "-" else args.text
    text = _checked(validation.content, text, "TEXT")
    scope = _scope(args)
    metadata = _checked(validation.metadata, args.metadata, "--metadata") if args.metadata is not None else None
    memory_type = _checked(validation.memory_type, args.type, "--type")
    path = _data_dir(args, existing_store=False)
    with _open(path, writes=True) as mem:
        result = mem.add(text, **scope, metadata=metadata, memory_type=memory_type)
    if args.json:
        _print_json({**result.to_dict(), "added": result.event == "ADD"})
    elif result.event == "ADD":
        print(f"added {result.id} ({_scope_words(scope)})")
    else:
        print(f"already stored as {result.id}: the same text is in this scope ({_scope_words(scope)}), nothing added")
    return 0


def _search(args: argparse.Namespace) -> int:
    query = _checked(validation.query, args.query, "QUERY")
    scope = _scope(args)
    path = _data_dir(args, existing_store=True)
    with _open(path, writes=False) as mem:
        hits = mem.search(query, **scope, limit=args.limit, mode=args.mode)
        total = mem.count(**scope) if not hits else None
    if args.json:
        _print_json({"query": query, "mode": args.mode, **scope, "hits": [h.to_dict() for h in hits]})
        return 0
    if not hits:
        print(f"no memories stored for {_scope_words(scope)}" if total == 0 else
              f"nothing matches {query!r} ({args.mode} search, {_scope_words(scope)}, {total} memories)")
        return 0
    show_user = scope["user_id"] is None
    header = ["#", "score", "id", *(["user"] if show_user else []), "text"]
    rows = [[str(i), f"{h.score:.4f}", h.id, *([h.user_id or "-"] if show_user else []), h.content]
            for i, h in enumerate(hits, start=1)]
    print(f"{len(hits)} {'memory' if len(hits) == 1 else 'memories'} for {query!r} "
          f"({args.mode} search, {_scope_words(scope)}; higher score is closer)")
    print(_table(header, rows, right=2))
    return 0


def _list(args: argparse.Namespace) -> int:
    scope = _scope(args)
    path = _data_dir(args, existing_store=True)
    with _open(path, writes=False) as mem:
        records = mem.get_all(**scope, limit=args.limit)
        total = mem.count(**scope)
    if args.json:
        _print_json({**scope, "total": total, "memories": [r.to_dict() for r in records]})
        return 0
    if not records:
        print(f"no memories stored for {_scope_words(scope)}")
        return 0
    show_user = scope["user_id"] is None
    header = ["#", "stored (UTC)", "id", *(["user"] if show_user else []), "text"]
    rows = [[str(i), _when(r.created_at), r.id, *([r.user_id or "-"] if show_user else []), r.content]
            for i, r in enumerate(records, start=1)]
    print(_table(header, rows))
    more = "" if total <= len(records) else (f"; --limit {total} shows them all" if total <= validation.MAX_PAGE_ROWS
                                             else "; agentmem export writes them all to a file")
    shown = f"{len(records)} of {total}" if total > len(records) else f"{total}"
    print(f"{shown} {'memory' if total == 1 else 'memories'} for {_scope_words(scope)}, newest first{more}")
    return 0


def _export(args: argparse.Namespace) -> int:
    if Path(args.path).expanduser().is_dir():
        fail(f"argument PATH: {args.path} is a folder; give a file name ending in .jsonl or .parquet")
    target = _file_arg(args.path)
    folder = target.parent
    if not folder.is_dir():
        fail(f"argument PATH: the folder {str(folder)!r} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        fail(f"argument PATH: the folder {str(folder)!r} is not writable")
    path = _data_dir(args, existing_store=True)
    with _open(path, writes=False) as mem:
        n = mem.export(target, include_vectors=not args.no_vectors)
    print(f"exported {n} {'memory' if n == 1 else 'memories'} to {args.path}"
          + (" (without vectors)" if args.no_vectors else ""))
    return 0


def _import(args: argparse.Namespace) -> int:
    source = _file_arg(args.path)
    if not source.exists():
        fail(f"argument PATH: no such file: {args.path}")
    if not source.is_file():
        fail(f"argument PATH: {args.path} is not a file")
    if not os.access(source, os.R_OK):
        fail(f"argument PATH: {args.path} is not readable")
    path = _data_dir(args, existing_store=False)
    with _open(path, writes=True) as mem:
        try:
            n = mem.import_(source, reembed=args.reembed)
        except InvalidInputError as exc:  # a bad row: the library names it (rows[3].content)
            fail(f"argument PATH: {args.path}: {exc.reason if exc.field == 'path' else exc}")
        except UnicodeDecodeError:
            fail(f"argument PATH: {args.path} is not UTF-8 text")
        total = mem.count()
    print(f"imported {n} new {'memory' if n == 1 else 'memories'} from {args.path}; the store now holds {total} "
          "(memories already in it were skipped)")
    return 0


def _stats(args: argparse.Namespace) -> int:
    path = _data_dir(args, existing_store=True)
    with _open(path, writes=False) as mem:
        stats = mem.stats()
    if args.json:
        _print_json(stats)
        return 0
    users: dict[str, int] = stats.get("users") or {}
    top = sorted(users.items(), key=lambda kv: (-kv[1], str(kv[0])))[:5]
    user_text = f"{len(users)}" + (": " + ", ".join(f"{u or '(none)'} {n}" for u, n in top) if top else "")
    if len(users) > len(top):
        user_text += f", {len(users) - len(top)} more"
    types = stats.get("memory_types") or {}
    embedder = stats.get("embedder") or {}
    upkeep = stats.get("upkeep") or {}
    waiting = [f"{upkeep[key]} {one if upkeep[key] == 1 else many} {rest}" for key, one, many, rest in (
        ("unembedded", "memory", "memories", "not embedded yet"),
        ("queued_rows", "memory", "memories", "not in the vector table yet"),
        ("unindexed_rows", "memory", "memories", "not in the search indexes yet (searches still find them)"),
    ) if upkeep.get(key)] + (["an upkeep round running"] if upkeep.get("running") else [])
    rows = [
        ("data directory", stats.get("data_dir", str(path))),
        ("memories", f"{stats['memories']} (with a vector: {stats['vectors']})"),
        ("history events", f"{stats['history_events']} (every add, change and delete)"),
        ("users", user_text),
        ("memory types", ", ".join(f"{t} {n}" for t, n in types.items()) or "none"),
        ("records", stats.get("records_url", "")),
        ("vectors", stats.get("vectors_path", "")),
        ("embedding model", f"{embedder.get('model', '?')} ({embedder.get('dim', '?')} numbers a vector)"),
        ("background work", "none left" if upkeep.get("settled") or not waiting else "; ".join(waiting)),
        ("records format", f"version {stats.get('schema_version')} of the records table layout"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key.ljust(width)}  {value}")
    return 0


_RUN = {"add": _add, "search": _search, "list": _list, "export": _export, "import": _import, "stats": _stats}


def run(args: argparse.Namespace) -> int:
    """Run the store command ``args.command``; usage errors exit 2 through :func:`fail`."""
    try:
        return _RUN[args.command](args)
    except InvalidInputError as exc:  # a check the command line did not make itself
        name = _ARG_NAMES.get(exc.field.split("[", 1)[0].split(".", 1)[0])
        fail(f"argument {name}: {exc.reason}" if name else str(exc))
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        fail(f"{args.command}:{where}: {exc.strerror or exc}")
