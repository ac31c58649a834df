"""What every benchmark and evaluation run needs around its measurements: a throwaway
folder for its stores, a way to run the async store from synchronous code, and one
reading of the arguments they share (counts, a comma-separated choice of phases or modes)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
import tempfile
from collections.abc import Coroutine, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from ..errors import InvalidInputError

__all__ = ["parse_choices", "positive_int", "run_sync", "workspace"]

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion, also from inside a running loop (Jupyter)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="agentmem-bench") as pool:
        return pool.submit(asyncio.run, coro).result()


@contextmanager
def workspace(work_dir: str | Path | None) -> Iterator[Path]:
    """A folder for the throwaway stores: a temp dir (removed after) or a fresh subfolder of work_dir."""
    if work_dir is None:
        path = Path(tempfile.mkdtemp(prefix="agentmem-bench-"))
    else:
        root = Path(work_dir).expanduser()
        root.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix="bench-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def positive_int(field: str, value: Any) -> int:
    """``value`` when it is an int of at least 1 (a bool is not), else InvalidInputError on ``field``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInputError(field, f"must be a positive integer, got {value!r}")
    return value


def parse_choices(value: str | Iterable[str], choices: Sequence[str], *, field: str, noun: str) -> list[str]:
    """``"a,b"`` (lower-cased) or a list -> the names in the given order, each once; a name
    not in ``choices``, or none at all, raises InvalidInputError on ``field``."""
    names = [v.strip().lower() for v in value.split(",")] if isinstance(value, str) else [str(v) for v in value]
    names = [n for n in names if n]
    if not names:
        raise InvalidInputError(field, f"name at least one {noun}")
    for n in names:
        if n not in choices:
            raise InvalidInputError(field, f"unknown {noun} {n!r}; choose from {', '.join(choices)}")
    return list(dict.fromkeys(names))
