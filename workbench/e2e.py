"""Drive the running workbench in headless Chromium (the browser test and the README screenshots).

No Streamlit import: this starts ``streamlit run workbench/app.py`` as a subprocess on
a free loopback port and opens it with Playwright, which drives Debian's chromium
(``/usr/bin/chromium``, installed by ``scripts/install_browser.sh``); Playwright's own
browser download is not used.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
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
    "scale": "Scale",
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
def chromium() -> Iterator[Any]:
    """Headless Chromium (Playwright drives the system binary); always closed afterwards.

    Every ``new_session(browser)`` is a fresh browser context, with its own cookies and
    storage, so the workbench sees it as another visitor (another Streamlit session)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def new_session(browser: Any, *, width: int = 1400, height: int = 1000) -> Any:
    """A page in a new browser context of ``browser`` (closed with the browser)."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    return page


@contextmanager
def browser(*, width: int = 1400, height: int = 1000) -> Iterator[Any]:
    """One Playwright page in headless Chromium, in a fresh context."""
    with chromium() as b:
        yield new_session(b, width=width, height=height)


def settle(page: Any, timeout_ms: int = 300_000) -> None:
    """Wait until the script run has finished: no running icon in the status widget and no
    element of the previous run left (Streamlit marks those ``data-stale`` until the run ends)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => { const w = document.querySelector('[data-testid=\"stStatusWidget\"]');"
        " const running = w && (w.innerText.includes('Running')"
        " || w.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]'));"
        " return !running && !document.querySelector('[data-stale=\"true\"]'); }",
        timeout=timeout_ms,
    )


def open_page(page: Any, url: str, path: str) -> None:
    """Load a page by its address: a reload, so the browser starts a new Streamlit session."""
    page.goto(f"{url}/{path}")
    page.get_by_role("heading", name=PAGES[path], exact=True).wait_for()
    settle(page)


def nav(page: Any, title: str) -> None:
    """Go to a page by its link in the sidebar, as a user does: the same Streamlit session."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).wait_for()
    settle(page)


def fill(page: Any, label: str, text: str) -> None:
    """Type into a text input and hand it to the app (Enter), then wait for the rerun."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    settle(page)


def choose(page: Any, label: str, option: str) -> None:
    """Pick the option containing ``option`` in the select box labelled ``label``."""
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option").filter(has_text=option).first.click()
    settle(page)


def exceptions(page: Any) -> int:
    return page.locator("[data-testid='stException']").count()


def main_text(page: Any) -> str:
    return page.inner_text("[data-testid='stMain']")


def ingest_text(page: Any, url: str, text: str, *, user: str = "default") -> None:
    open_page(page, url, "")
    page.get_by_label("Memories, one per line", exact=True).fill(text)
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
    box = page.get_by_label("How many memories", exact=True)
    box.fill(str(n))
    box.press("Tab")
    settle(page)
    page.get_by_role("button", name="Ingest", exact=True).click()
    page.get_by_text("Summary", exact=True).wait_for(timeout=300_000)
    settle(page)


def run_benchmark(page: Any, url: str, *, size: int) -> None:
    """Open Benchmarks and run the phase benchmark (every phase, the page's defaults) at ``size`` memories."""
    open_page(page, url, "benchmarks")
    benchmark_here(page, size=size)


def benchmark_here(page: Any, *, size: int) -> None:
    """On the Benchmarks page already open: run it at ``size`` memories and wait for the summary."""
    box = page.get_by_label("Size (memories)", exact=True)
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


def metric(page: Any, label: str) -> str:
    """The value shown by the ``st.metric`` whose label contains ``label``."""
    box = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def download_csv(page: Any, button: str) -> list[dict[str, str]]:
    """Click the download button named ``button`` and read the CSV it serves, row by row.

    Streamlit draws tables on a canvas, so a table's figures are read from its CSV download."""
    import csv
    import io

    with page.expect_download() as info:
        page.get_by_role("button", name=button).first.click()
    path = info.value.path()
    return list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))


def run_evaluation(page: Any, url: str, path: str | Path) -> None:
    """Score the search modes on a LoCoMo-format file on the Retrieval page."""
    open_page(page, url, "retrieval")
    page.get_by_text("Path on this machine", exact=True).click()
    settle(page)
    box = page.get_by_label("Path to a LoCoMo-format JSON file", exact=True)
    box.fill(str(path))
    box.press("Tab")
    settle(page)
    page.get_by_role("button", name="Run evaluation", exact=True).click()
    page.get_by_text("Download retrieval_summary.csv").wait_for(timeout=600_000)
    settle(page, timeout_ms=600_000)


def open_scale(page: Any, url: str) -> None:
    """The Scale page with its default run drawn (the newest saved one)."""
    open_page(page, url, "scale")
    page.locator("[data-testid='stPlotlyChart']").first.wait_for()
    wait_for_charts(page)
