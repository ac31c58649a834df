"""Take the README's screenshots from the running workbench: ``python workbench/screenshots.py``.

Starts the app on a free loopback port over a throwaway store (``data/tmp/screenshots``,
git-ignored, removed afterwards), fills it through the pages themselves (a synthetic set
on Ingest, a search, an edit on Memories so its history has an UPDATE, a phase benchmark,
an evaluation of the chats set in ``tests/data``, the newest saved scale run, a verify on
Storage), and writes one PNG per page to ``docs/screenshots/``. The server is stopped
however the run ends. Needs Chromium (``scripts/install_browser.sh``) and playwright (the test extra).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import e2e

WIDTH = 1280
#: Streamlit scrolls inside its main area, so the viewport is grown to the page's height
#: before a shot; this caps it, so a long page gives its top rather than a very tall image.
MAX_HEIGHT = 2200


def shoot(page: Any, path: Path, *, max_height: int = MAX_HEIGHT) -> None:
    """The page's main area, as tall as its content up to ``max_height``."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return Math.max(m.scrollHeight, document.body.scrollHeight); }"
    )
    page.set_viewport_size({"width": WIDTH, "height": max(600, min(int(height) + 40, max_height))})
    # from the title down, with no hover toolbar: the top of the page is what a reader looks for
    page.evaluate("() => { document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0); window.scrollTo(0, 0); }")
    page.mouse.move(1, 1)
    page.wait_for_timeout(800)
    e2e.wait_for_charts(page)
    relative_paths(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": WIDTH, "height": 1000})
    if e2e.exceptions(page):
        raise RuntimeError(f"{path.name}: the page shows a traceback")
    print(f"wrote {path}")


def relative_paths(page: Any) -> None:
    """Show paths under the repository relative to it, as they read in any clone (the app
    prints some resolved, which would put this checkout's location into the images)."""
    page.evaluate(
        """root => {
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walk.nextNode(); n; n = walk.nextNode()) {
                if (n.nodeValue.includes(root)) n.nodeValue = n.nodeValue.split(root).join("");
            }
            for (const el of document.querySelectorAll("input, textarea")) {
                if (el.value.includes(root)) el.value = el.value.split(root).join("");
            }
        }""",
        str(e2e.ROOT) + "/",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Take one screenshot per workbench page.")
    parser.add_argument("--out", default=str(e2e.ROOT / "docs" / "screenshots"),
                        help="folder the PNGs go to (default docs/screenshots)")
    parser.add_argument("--memories", type=int, default=300, help="synthetic memories to ingest (default 300)")
    parser.add_argument("--bench-size", type=int, default=500,
                        help="memories per benchmark phase (default 500, the smallest that is not only noise)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # inside the repository's git-ignored data/tmp/, named relative to it: the sidebar and the
    # Storage page then show a path every clone has, not this machine's temp folder
    scratch = e2e.ROOT / "data" / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    work = scratch / "screenshots"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    store = work.relative_to(e2e.ROOT) / "store"
    try:
        with e2e.serve(data_dir=store, results=store / "results" / "bench_runs.jsonl",
                       log=work / "streamlit.log") as url, e2e.browser(width=WIDTH) as page:
            e2e.ingest_synthetic(page, url, args.memories)
            shoot(page, out / "ingest.png")

            e2e.open_page(page, url, "search")
            page.get_by_label("Query", exact=True).fill("who is allergic to peanuts?")
            page.get_by_role("button", name="Search", exact=True).click()
            page.get_by_text("results for 'who is allergic to peanuts?'").wait_for()
            e2e.settle(page)
            shoot(page, out / "search.png")

            # an edit, so the open memory's history shows ADD then UPDATE with old and new text
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

            e2e.run_evaluation(page, url, "tests/data/chats_dev.json")
            shoot(page, out / "retrieval.png")

            e2e.open_scale(page, url)
            shoot(page, out / "scale.png")

            e2e.open_page(page, url, "storage")
            page.get_by_role("button", name="Verify").click()
            page.get_by_text("the records and vectors agree").wait_for()
            e2e.settle(page)
            shoot(page, out / "storage.png")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
