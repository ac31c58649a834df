"""What every benchmark and evaluation run needs around its measurements: a throwaway
folder for its stores and a way to run the async store from synchronous code."""

from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
import tempfile
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["run_sync", "workspace"]

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
