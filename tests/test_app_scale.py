"""Workbench Scale page under AppTest: the saved runs listed and the newest opened, a run under load said
so, files loaded and refused, the Mem0 reason in words, a tiny run from the page kept in the data directory."""

from __future__ import annotations

import importlib.util
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apptest_support import (
    open_page,
    shown,
    store_dir,  # noqa: F401 - the fixture, found among this module's names
    table,
)
from streamlit.testing.v1 import AppTest

PAGE = "pages/scale.py"
TIMEOUT = 300
PEER_INSTALLED = all(importlib.util.find_spec(m) is not None for m in ("mem0", "pgserver", "psycopg", "psycopg_pool"))


def chart_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def chart(at: AppTest, title_start: str) -> dict:
    return next(s for s in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
                if s["layout"]["title"]["text"].startswith(title_start))


def _step(size: int, hybrid: float, agents32: float) -> dict:
    search = {m: {"n": 5, "p50_ms": hybrid, "p95_ms": hybrid * 2} for m in ("vector", "fts", "hybrid")}
    fresh = {m: {"probes": 1, "found": 1, "p50_ms": 1.0, "max_ms": 1.0} for m in ("vector", "fts", "hybrid")}
    loops = [{"agents": a, "ops_per_s": agents32 / (2 if a == 8 else 1), "turn_p95_ms": 40.0} for a in (8, 32)]
    return {"size": size, "stored": size, "ingest_per_s": 50_000, "search_after_ingest": search,
            "search_settled": [search], "add": [{"n": 5, "p50_ms": 3.0, "p95_ms": 6.0, "seq_per_s": 250.0}],
            "freshness": fresh, "agent_loop": loops, "disk_bytes_per_memory": 2500, "peak_rss_mb": 900.0}


def make_run(when: datetime, load: float, sizes=(1000, 10_000), *, mem0: bool = True) -> dict:
    peer_step = {"stored": sizes[0], "fill_per_s": 9000, "add": {"p50_ms": 9.0, "p95_ms": 12.0, "seq_per_s": 90.0},
                 "search": {"p50_ms": 30.0, "p95_ms": 60.0},
                 "agent_loop": [{"agents": 32, "ops_per_s": 40.0, "turn_p95_ms": 900.0}], "disk_bytes_per_memory": 4000}
    return {"kind": "scale",
            "machine": {"cpu_model": "test cpu", "cpus_usable": 2, "load_avg": [load, 1.0, 1.0],
                        "timestamp": when.isoformat(timespec="seconds"), "git_commit": "0123456789abcdef"},
            "settings": {"sizes": list(sizes), "users": 500, "queries_per_mode": 5},
            "steps": [_step(n, 5.0 + i, 100.0 - i) for i, n in enumerate(sizes)],
            "mem0": {"steps": [peer_step]} if mem0 else {"skipped": "not asked for (--no-mem0)"}, "notes": []}


def write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path.resolve()


def data_dir() -> Path:
    """The store_dir fixture's folder: the page's data directory."""
    return Path(os.environ["AGENTMEM_DATA_DIR"])


@pytest.fixture
def saved_run(tmp_path):
    return write(tmp_path / "scale_run.json", make_run(datetime(2026, 1, 1, tzinfo=UTC), 1.0))


@pytest.mark.usefixtures("store_dir")
def test_lists_the_saved_runs_newest_first_and_opens_the_newest():
    results = data_dir() / "results"
    # later than every committed run in benchmarks/, however fresh, so these two sort first
    now = datetime.now(UTC) + timedelta(hours=2)
    new = write(results / "scale_new.json", make_run(now, 0.5, sizes=(2000, 20_000)))
    busy = write(results / "scale_busy.json", make_run(now - timedelta(hours=1), 12.0, mem0=False))
    write(results / "scale_broken.json", {"kind": "scale", "steps": []})
    at = open_page(PAGE, timeout=TIMEOUT)
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    pick = at.selectbox(key="scale_pick")
    assert pick.value == str(new)  # the newest is open by default
    labels = pick.options
    assert labels[0].endswith("scale_new.json") and "load 0.5 ·" in labels[0] and "commit 0123456" in labels[0]
    assert labels[1].endswith("scale_busy.json") and "load 12.0, under load" in labels[1]
    assert any(label.endswith("scale_10k_100k.json") for label in labels[2:])  # the committed runs, older
    dates = [label[:16] for label in labels]
    assert dates == sorted(dates, reverse=True)
    assert any("scale_broken.json: no finished step" in shown(w) for w in at.warning)
    assert list(table(at, "system", "size")["size"]) == [2000, 20_000, 2000]
    assert not any("under load" in shown(w) for w in at.warning)
    # the run made under load says so, and why that matters
    pick.set_value(str(busy)).run()
    assert any("This run started under load (load average 12.0" in shown(w) for w in at.warning)
    assert list(table(at, "system", "size")["size"]) == [1000, 10_000]
    assert any(shown(c) == "Mem0 not measured: not asked for when the run was made (bench-scale --no-mem0)"
               for c in at.caption)


@pytest.mark.usefixtures("store_dir")
def test_loads_a_saved_run_and_draws_both_systems(saved_run):
    at = open_page(PAGE, timeout=TIMEOUT)
    assert at.title[0].value == "Scale" and not at.error
    at.text_input(key="scale_path").set_value(str(saved_run))
    at.button(key="scale_load").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    titles = chart_titles(at)
    assert any(t.startswith("Latency against store size") for t in titles)
    assert any(t.startswith("Throughput against store size") for t in titles)
    frame = table(at, "system", "size", "hybrid_p50_ms")
    assert list(frame["system"]) == ["agentmem", "agentmem", "mem0-pgvector"]
    assert list(frame["size"]) == [1000, 10_000, 1000]
    spec = chart(at, "Latency against store size")
    names = [t["name"] for t in spec["data"]]
    assert "agentmem: hybrid p50" in names and "Mem0 on pgvector: hybrid p50" in names
    # readable log axes: powers of ten only, plain labels
    assert spec["layout"]["xaxis"]["tickvals"] == [1000.0, 10_000.0]
    assert spec["layout"]["xaxis"]["ticktext"] == ["1,000", "10,000"]
    assert any(b.label == "Download scale.csv" for b in at.get("download_button"))


@pytest.mark.usefixtures("store_dir")
def test_a_run_of_one_size_is_drawn_as_bars(tmp_path):
    one = write(tmp_path / "one.json", make_run(datetime(2026, 1, 1, tzinfo=UTC), 0.3, sizes=(1000,)))
    at = open_page(PAGE, timeout=TIMEOUT)
    at.text_input(key="scale_path").set_value(str(one))
    at.button(key="scale_load").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    spec = chart(at, "Latency at 1,000 memories")
    assert {t["type"] for t in spec["data"]} == {"bar"} and all(t.get("text") for t in spec["data"])


@pytest.mark.usefixtures("store_dir")
def test_bad_files_are_messages(tmp_path):
    at = open_page(PAGE, timeout=TIMEOUT)
    at.text_input(key="scale_path").set_value(str(tmp_path / "missing.json"))
    at.button(key="scale_load").click().run()
    assert not at.exception and any("no file at" in shown(e) for e in at.error)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"kind": "eval"}))
    at.text_input(key="scale_path").set_value(str(other))
    at.button(key="scale_load").click().run()
    assert any("not a bench-scale run" in shown(e) for e in at.error)
    half = tmp_path / "half.json"
    half.write_text(json.dumps({"kind": "scale", "steps": [{"stored": 10}]}))
    at.text_input(key="scale_path").set_value(str(half))
    at.button(key="scale_load").click().run()
    assert any("half.json: step 1 has no search_settled" in shown(e) for e in at.error)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    at.text_input(key="scale_path").set_value(str(broken))
    at.button(key="scale_load").click().run()
    assert any("is not JSON" in shown(e) for e in at.error)
    assert not at.exception
    at.text_input(key="scale_sizes").set_value("5k,1k")
    at.button(key="scale_run").click().run()
    assert any("sizes: sizes must increase" in shown(e) for e in at.error)


@pytest.mark.usefixtures("store_dir")
def test_reasons_and_warnings_in_words():
    at = open_page(PAGE, timeout=TIMEOUT)
    captions = [shown(c) for c in at.caption]
    if not PEER_INSTALLED:
        assert "Mem0 not measured: the scale extra is not installed (pip install 'agentmem[scale]')" in captions
        assert at.checkbox(key="scale_mem0").disabled
    assert not any("rough p95" in shown(w) for w in at.warning)
    at.number_input(key="scale_queries").set_value(5).run()
    assert any("5 searches per mode can only give a rough p95" in shown(w) for w in at.warning)


@pytest.mark.slow  # a bench-scale run from the page
@pytest.mark.usefixtures("store_dir")
def test_tiny_run_from_the_page():
    at = open_page(PAGE, timeout=TIMEOUT)
    at.text_input(key="scale_sizes").set_value("60,150")
    at.number_input(key="scale_users").set_value(3)
    at.number_input(key="scale_queries").set_value(2)
    at.button(key="scale_run").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    frame = table(at, "system", "size", "hybrid_p50_ms")
    assert list(frame["system"]) == ["agentmem", "agentmem"] and list(frame["size"]) == [60, 150]
    assert (frame["add_per_s"] > 0).all()
    assert any(t.startswith("Latency against store size") for t in chart_titles(at))
    # the finished bar names the whole run
    bars = [p.proto.text for p in at.get("progress")]
    assert any(text.startswith("Scale run finished: 2 sizes done (60, 150): 20 steps") for text in bars), bars
    # kept in the data directory's results folder, listed first from then on
    (saved,) = (data_dir() / "results").glob("scale_*.json")
    assert json.loads(saved.read_text())["mem0"]["skipped"] in {
        "the scale extra is not installed (pip install 'agentmem[scale]')", "not asked for (the Mem0 box was off)"}
    again = open_page(PAGE, timeout=TIMEOUT)
    assert again.selectbox(key="scale_pick").value == str(saved.resolve())
