"""End to end in a real browser: `streamlit run workbench/app.py` driven by headless Chromium.

Needs Debian's chromium at /usr/bin/chromium (``scripts/install_browser.sh``) and the
playwright package, which drives that binary. Skips cleanly when either is missing.
Screenshots go to a temp folder, or to ``$AGENTMEM_SCREENSHOTS`` when set.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workbench"))
import e2e  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not e2e.CHROMIUM.exists(), reason=f"no {e2e.CHROMIUM} (run scripts/install_browser.sh)"),
]
pytest.importorskip("playwright.sync_api")


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
def page(server):
    with e2e.browser() as tab:
        yield tab


def test_every_page_opens(page, server, shots):
    for path, title in e2e.PAGES.items():
        e2e.open_page(page, server, path)
        assert e2e.exceptions(page) == 0, e2e.main_text(page)[:2000]
        assert title in e2e.main_text(page)
        page.screenshot(path=str(shots / f"empty-{path or 'ingest'}.png"))


def test_ingest_then_search_then_history(page, server, shots):
    e2e.ingest_text(
        page, server,
        "Alice drinks green tea every morning\nAlice is allergic to peanuts\nBob moved to Lisbon in May",
        user="alice",
    )
    assert e2e.exceptions(page) == 0
    main = e2e.main_text(page)
    assert "Added" in main and "Rejected" in main
    metric = page.locator("[data-testid='stMetric']").filter(has_text="In the store now")
    assert metric.locator("[data-testid='stMetricValue']").inner_text().strip() == "3"
    page.screenshot(path=str(shots / "ingest.png"))

    e2e.open_page(page, server, "search")
    page.get_by_label("Query").fill("what does alice drink?")
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
    page.get_by_label("Query").fill("")
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
