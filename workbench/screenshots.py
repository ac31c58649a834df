"""Take the README's screenshots from the running workbench: ``python workbench/screenshots.py``.

Starts the app on a fresh store, ingests a synthetic set through the Ingest page,
edits one memory (so its history has an UPDATE), runs the phase benchmark at a small
size through the Benchmarks page, and writes ``benchmarks.png`` and ``memories.png``
(plus the other pages) to ``docs/screenshots/``. Needs /usr/bin/chromium and playwright.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import e2e  # noqa: E402


def shoot(page, path: Path) -> None:  # noqa: ANN001
    """The whole main area: Streamlit scrolls inside it, so size the viewport to it first."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return Math.max(m.scrollHeight, document.body.scrollHeight); }"
    )
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(800)
    e2e.wait_for_charts(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(e2e.ROOT / "docs" / "screenshots"))
    parser.add_argument("--memories", type=int, default=300, help="synthetic memories to ingest")
    parser.add_argument("--bench-size", type=int, default=200, help="memories per benchmark phase")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="agentmem-screens-"))
    with e2e.serve(data_dir=work / "store", results=work / "bench_runs.jsonl", log=work / "streamlit.log") as url:
        with e2e.browser() as page:
            e2e.ingest_synthetic(page, url, args.memories)
            shoot(page, out / "ingest.png")

            e2e.open_page(page, url, "search")
            page.get_by_label("Query").fill("who is allergic to peanuts?")
            page.get_by_role("button", name="Search", exact=True).click()
            page.get_by_text("results for 'who is allergic to peanuts?'").wait_for()
            e2e.settle(page)
            shoot(page, out / "search.png")

            # edit the newest memory so its history shows ADD then UPDATE with old and new text
            e2e.open_page(page, url, "memories")
            page.get_by_text("memories match").first.wait_for()
            box = page.get_by_label("Content", exact=True)
            page.wait_for_function("el => el.value.trim().length > 0", arg=box.element_handle())
            box.fill(box.input_value().strip() + " (confirmed in March)")
            page.get_by_role("button", name="Save changes").click()
            page.get_by_text("Saved ").first.wait_for()
            e2e.settle(page)
            shoot(page, out / "memories.png")

            e2e.run_benchmark(page, url, size=args.bench_size)
            shoot(page, out / "benchmarks.png")

            e2e.open_page(page, url, "storage")
            page.get_by_role("button", name="Verify").click()
            page.get_by_text("the records and vectors agree").wait_for()
            e2e.settle(page)
            shoot(page, out / "storage.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
