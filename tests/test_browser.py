"""End to end in a real browser: `streamlit run workbench/app.py` driven by headless Chromium.

Needs Debian's chromium at /usr/bin/chromium (``scripts/install_browser.sh``) and the
playwright package, which drives that binary. Skips cleanly when either is missing.
Screenshots go to a temp folder, or to ``$AGENTMEM_SCREENSHOTS`` when set.

``test_a_newcomers_first_hour`` walks the path a new user takes, on a server of its own:
ingest in one browser session, a second session that must not see that session's result,
an edit saved on Memories that keeps the page on the same memory, the Scale page opening
the newest saved run by itself, and the smallest benchmark read phase by phase.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workbench"))
import e2e

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not e2e.CHROMIUM.exists(), reason=f"no {e2e.CHROMIUM} (run scripts/install_browser.sh)"),
]
pytest.importorskip("playwright.sync_api")

LINES = ("Alice drinks green tea every morning", "Alice is allergic to peanuts", "Bob moved to Lisbon in May")
ID = re.compile(r"Id ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("browser")
    with e2e.serve(data_dir=work / "store", results=work / "results" / "bench_runs.jsonl",
                   log=work / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = os.environ.get("AGENTMEM_SCREENSHOTS")
    path = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="agentmem-shots-"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the file (Playwright's sync API runs one at a time)."""
    with e2e.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def page(chromium, server):
    return e2e.new_session(chromium)


def test_every_page_opens(page, server, shots):
    for path, title in e2e.PAGES.items():
        e2e.open_page(page, server, path)
        assert e2e.exceptions(page) == 0, e2e.main_text(page)[:2000]
        assert title in e2e.main_text(page)
        page.screenshot(path=str(shots / f"empty-{path or 'ingest'}.png"))


def test_ingest_then_search_then_history(page, server, shots):
    e2e.ingest_text(page, server, "\n".join(LINES), user="alice")
    assert e2e.exceptions(page) == 0
    main = e2e.main_text(page)
    assert "Added" in main and "Rejected" in main
    assert e2e.metric(page, "In the store now") == "3"
    page.screenshot(path=str(shots / "ingest.png"))

    e2e.open_page(page, server, "search")
    page.get_by_label("Query", exact=True).fill("what does alice drink?")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_text("results for 'what does alice drink?'").wait_for()
    e2e.settle(page)
    assert e2e.exceptions(page) == 0
    main = e2e.main_text(page)
    assert "Full record" in main
    assert "Alice drinks green tea every morning" in main  # the top hit, opened
    page.screenshot(path=str(shots / "search.png"))

    e2e.open_page(page, server, "memories")
    page.get_by_text("3 memories match").wait_for()
    e2e.wait_for_charts(page)
    assert e2e.exceptions(page) == 0
    assert "Bob moved to Lisbon in May" in e2e.main_text(page)  # the newest memory is open
    assert page.locator(".js-plotly-plot").filter(has_text="History timeline").count() == 1
    page.screenshot(path=str(shots / "memories.png"))


def test_bad_input_shows_a_message_not_a_traceback(page, server):
    e2e.open_page(page, server, "search")
    page.get_by_label("Query", exact=True).fill("")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_text("type something to search for").wait_for()
    assert e2e.exceptions(page) == 0


def test_tiny_benchmark_draws_its_charts(page, server, shots):
    e2e.run_benchmark(page, server, size=20)
    e2e.wait_for_charts(page)
    assert e2e.exceptions(page) == 0
    main = e2e.main_text(page)
    assert "Benchmark finished" in main
    for title in ("Throughput per phase", "Where the time goes", "Latency per batch"):
        assert page.locator(".js-plotly-plot").filter(has_text=title).count() >= 1, title
    assert page.locator(".js-plotly-plot").filter(has_text="embed-only ceiling").count() == 1
    page.screenshot(path=str(shots / "benchmarks.png"))


# --------------------------------------------------------------------------- the newcomer's walk


@pytest.fixture
def fresh_server(tmp_path):
    """A server of the walk's own: an empty store and an empty results file."""
    with e2e.serve(data_dir=tmp_path / "store", results=tmp_path / "results" / "bench_runs.jsonl",
                   log=tmp_path / "streamlit.log") as url:
        yield url


def newest_scale_run() -> dict:
    """The saved bench-scale run with the latest timestamp: the one the Scale page opens first."""
    runs = []
    for path in (e2e.ROOT / "benchmarks").glob("scale*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("kind") == "scale":
            runs.append(data)
    return max(runs, key=lambda d: d["machine"]["timestamp"])


def open_memory_id(page) -> str:
    found = ID.search(e2e.main_text(page))
    assert found, "no memory is open: " + e2e.main_text(page)[:1500]
    return found.group(1)


def save_edit(page, text: str) -> None:
    box = page.get_by_label("Content", exact=True)
    box.fill(text)
    box.press("Control+Enter")  # a text area hands its value to the app on Ctrl+Enter or on blur
    e2e.settle(page)
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Saved ").first.wait_for()
    e2e.settle(page)


def test_a_newcomers_first_hour(chromium, fresh_server, shots):
    url = fresh_server
    browser = chromium  # each session of the walk is a new context of the file's browser
    # -- one session ingests three lines; its summary stays with it from page to page
    first = e2e.new_session(browser)
    e2e.ingest_text(first, url, "\n".join(LINES), user="alice")
    assert e2e.exceptions(first) == 0
    assert e2e.metric(first, "Added") == "3"
    assert e2e.metric(first, "In the store now") == "3"
    speed = e2e.metric(first, "Memories/s")
    assert re.search(r"\d", speed), speed
    first.screenshot(path=str(shots / "walk-ingest.png"))
    e2e.nav(first, "Search")
    e2e.nav(first, "Ingest")
    assert e2e.metric(first, "Added") == "3", "the session's own summary is gone after a page change"

    # -- a second session (a new browser context) opens Ingest: nothing of the first one's
    second = e2e.new_session(browser)
    e2e.open_page(second, url, "")
    main = e2e.main_text(second)
    assert "Summary" not in main, main[:2000]
    assert "Ingest finished" not in main, main[:2000]
    assert speed not in main, main[:2000]
    ingest = second.get_by_role("button", name="Ingest", exact=True)
    assert ingest.is_enabled()
    # its own bad click (nothing pasted) is one red line, with no summary above or below it
    ingest.click()
    errors = second.locator("[data-testid='stAlertContentError']")
    errors.first.wait_for()
    e2e.settle(second)
    assert errors.count() == 1, e2e.main_text(second)[:2000]
    assert "Summary" not in e2e.main_text(second)
    assert e2e.exceptions(second) == 0

    # -- Memories: open one memory, edit it, save: the page stays on it with the new text
    e2e.nav(second, "Memories")
    second.get_by_text("3 memories match").wait_for()
    e2e.fill(second, "Text contains", "green tea")
    second.get_by_text("1 memory contains").wait_for()
    e2e.choose(second, "Open a memory of this page", "green tea")
    chosen = open_memory_id(second)
    assert second.get_by_label("Content", exact=True).input_value() == LINES[0]

    edited = "Alice drinks green tea with honey every morning"
    save_edit(second, edited)
    assert e2e.exceptions(second) == 0
    assert open_memory_id(second) == chosen, "Save changes opened another memory"
    assert second.get_by_label("Content", exact=True).input_value() == edited
    assert edited in e2e.main_text(second)
    picked = second.get_by_label("Open a memory of this page", exact=True).input_value()
    assert "honey" in picked, picked  # the picker names the saved text, not the old one
    e2e.wait_for_charts(second)
    timeline = second.locator(".js-plotly-plot").filter(has_text="History timeline")
    assert timeline.filter(has_text="UPDATE").count() == 1

    # the next save, right after, stays on the same memory too
    again = "Alice drinks green tea with honey and lemon every morning"
    save_edit(second, again)
    assert open_memory_id(second) == chosen, "the second save opened another memory"
    assert second.get_by_label("Content", exact=True).input_value() == again
    second.screenshot(path=str(shots / "walk-memories.png"))

    # -- Scale: the newest saved run is open without a click
    newest = newest_scale_run()
    e2e.nav(second, "Scale")
    second.locator("[data-testid='stPlotlyChart']").first.wait_for()
    e2e.wait_for_charts(second)
    assert e2e.exceptions(second) == 0
    main = e2e.main_text(second)
    opened = second.get_by_label("Open a run", exact=True).input_value()
    assert newest["machine"]["git_commit"][:7] in opened, opened
    assert newest["machine"]["timestamp"][:10] in opened, opened
    assert "is not a bench-scale run" not in main
    # a run of several sizes draws lines against size; a run of one size, bars at that size
    latency = re.compile(r"Latency (against store size|at [\d,]+ memories)")
    assert second.locator(".js-plotly-plot").filter(has_text=latency).count() == 1
    second.screenshot(path=str(shots / "walk-scale.png"))

    # -- Benchmarks: the smallest size, every phase, one figure per phase
    e2e.nav(second, "Benchmarks")
    smallest = int(second.get_by_label("Size (memories)", exact=True).get_attribute("min"))
    e2e.benchmark_here(second, size=smallest)
    assert e2e.exceptions(second) == 0
    main = e2e.main_text(second)
    assert "noise" in main, main[:3000]  # a size this small is said to give only noise
    rows = e2e.download_csv(second, "Download bench_summary")
    per_phase = {row["phase"]: float(row["ops_per_s"]) for row in rows}
    from agentmem.bench import PHASES

    for phase in (*PHASES, "embed-only", "storage-only"):
        assert per_phase.get(phase, 0) > 0, (phase, per_phase)
    second.screenshot(path=str(shots / "walk-benchmarks.png"))
