"""Drive the running workbench in headless Chromium (the browser test and the README screenshots).

No Streamlit import: this starts ``streamlit run workbench/app.py`` as a subprocess on
a free loopback port and opens it with Playwright, which drives Debian's chromium
(``/usr/bin/chromium``, installed by ``scripts/install_browser.sh``); Playwright's own
browser download is not used.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "workbench" / "app.py"
CHROMIUM = Path(os.environ.get("AGENTMEM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)
#: url path -> the page's title
PAGES = {
    "": "Ingest",
    "search": "Search",
    "memories": "Memories",
    "benchmarks": "Benchmarks",
    "retrieval": "Retrieval",
    "storage": "Storage",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer {url}/_stcore/health within {timeout:.0f} s")


@contextmanager
def serve(*, data_dir: str | Path, results: str | Path, log: str | Path | None = None) -> Iterator[str]:
    """Run the workbench on a free loopback port; yields its URL and always stops the server."""
    port = free_port()
    env = dict(os.environ, AGENTMEM_DATA_DIR=str(data_dir), AGENTMEM_RESULTS=str(results), PYTHONUNBUFFERED="1")
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if out is not subprocess.DEVNULL:
            out.close()


@contextmanager
def browser(*, width: int = 1400, height: int = 1000) -> Iterator[Any]:
    """A Playwright page in headless Chromium with a fresh profile (removed afterwards)."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="agentmem-chromium-")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=list(CHROMIUM_ARGS),
                viewport={"width": width, "height": height},
            )
            try:
                page = context.pages[0] if context.pages else context.new_page()
                page.set_default_timeout(60_000)
                yield page
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def settle(page: Any, timeout_ms: int = 300_000) -> None:
    """Wait until the script run has finished (the status widget says 'Running' meanwhile)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => { const w = document.querySelector('[data-testid=\"stStatusWidget\"]');"
        " return !w || !w.innerText.includes('Running'); }",
        timeout=timeout_ms,
    )


def open_page(page: Any, url: str, path: str) -> None:
    page.goto(f"{url}/{path}")
    page.get_by_role("heading", name=PAGES[path], exact=True).wait_for()
    settle(page)


def exceptions(page: Any) -> int:
    return page.locator("[data-testid='stException']").count()


def main_text(page: Any) -> str:
    return page.inner_text("[data-testid='stMain']")


def ingest_text(page: Any, url: str, text: str, *, user: str = "default") -> None:
    open_page(page, url, "")
    page.get_by_label("Memories, one per line").fill(text)
    page.get_by_label("User", exact=True).fill(user)
    page.get_by_label("User", exact=True).press("Tab")
    settle(page)
    page.get_by_role("button", name="Ingest", exact=True).click()
    page.get_by_text("Summary", exact=True).wait_for(timeout=300_000)
    settle(page)


def ingest_synthetic(page: Any, url: str, n: int) -> None:
    open_page(page, url, "")
    page.get_by_text("Synthetic set", exact=True).click()
    settle(page)
    box = page.get_by_label("How many memories")
    box.fill(str(n))
    box.press("Tab")
    settle(page)
    page.get_by_role("button", name="Ingest", exact=True).click()
    page.get_by_text("Summary", exact=True).wait_for(timeout=300_000)
    settle(page)


def run_benchmark(page: Any, url: str, *, size: int) -> None:
    """Run the phase benchmark (every phase, the page's defaults) at ``size`` memories."""
    open_page(page, url, "benchmarks")
    box = page.get_by_label("Size (memories)")
    box.fill(str(size))
    box.press("Tab")
    settle(page)
    page.get_by_role("button", name="Run benchmark", exact=True).click()
    page.get_by_text("Summary (medians over repetitions").wait_for(timeout=600_000)
    settle(page, timeout_ms=600_000)


def wait_for_charts(page: Any) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
        ".every(c => c.querySelector('.main-svg'))",
        timeout=60_000,
    )
    page.wait_for_timeout(500)
