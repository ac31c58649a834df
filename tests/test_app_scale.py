"""Workbench Scale page under AppTest: load a saved bench-scale run, refuse bad files, run a tiny one."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from apptest_support import open_page, shown, store_dir, table  # noqa: F401 - store_dir is a fixture

PAGE = "pages/scale.py"
TIMEOUT = 300


def chart_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def _run(size: int, hybrid: float, agents32: float) -> dict:
    search = {m: {"n": 5, "p50_ms": hybrid, "p95_ms": hybrid * 2} for m in ("vector", "fts", "hybrid")}
    fresh = {m: {"probes": 1, "found": 1, "p50_ms": 1.0, "max_ms": 1.0} for m in ("vector", "fts", "hybrid")}
    loops = [{"agents": a, "ops_per_s": agents32 / (2 if a == 8 else 1), "turn_p95_ms": 40.0} for a in (8, 32)]
    return {"size": size, "stored": size, "ingest_per_s": 50_000, "search_after_ingest": search,
            "search_settled": [search], "add": [{"n": 5, "p50_ms": 3.0, "p95_ms": 6.0, "seq_per_s": 250.0}],
            "freshness": fresh, "agent_loop": loops, "disk_bytes_per_memory": 2500, "peak_rss_mb": 900.0}


@pytest.fixture
def saved_run(tmp_path):
    peer_step = {"stored": 1000, "fill_per_s": 9000, "add": {"p50_ms": 9.0, "p95_ms": 12.0, "seq_per_s": 90.0},
                 "search": {"p50_ms": 30.0, "p95_ms": 60.0}, "agent_loop": [{"agents": 32, "ops_per_s": 40.0,
                                                                            "turn_p95_ms": 900.0}],
                 "disk_bytes_per_memory": 4000}
    data = {"kind": "scale", "machine": {"cpu_model": "test cpu", "cpus_usable": 2, "load_avg": [1.0, 1.0, 1.0]},
            "settings": {"users": 500, "queries_per_mode": 5}, "steps": [_run(1000, 5.0, 100.0), _run(10_000, 6.0, 90.0)],
            "mem0": {"steps": [peer_step]}, "notes": []}
    path = tmp_path / "scale_run.json"
    path.write_text(json.dumps(data))
    return path


def test_loads_a_saved_run_and_draws_both_systems(store_dir, saved_run):
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
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t["name"] for t in spec["data"]]
    assert "agentmem: hybrid p50" in names and "mem0-pgvector: hybrid p50" in names
    assert any(b.label == "Download scale.csv" for b in at.get("download_button"))


def test_bad_files_are_messages(store_dir, tmp_path):
    at = open_page(PAGE, timeout=TIMEOUT)
    at.text_input(key="scale_path").set_value(str(tmp_path / "missing.json"))
    at.button(key="scale_load").click().run()
    assert not at.exception and any("no file at" in shown(e) for e in at.error)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"kind": "eval"}))
    at.text_input(key="scale_path").set_value(str(other))
    at.button(key="scale_load").click().run()
    assert any("not a bench-scale run" in shown(e) for e in at.error)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    at.text_input(key="scale_path").set_value(str(broken))
    at.button(key="scale_load").click().run()
    assert any("is not JSON" in shown(e) for e in at.error)
    at.text_input(key="scale_sizes").set_value("5k,1k")
    at.button(key="scale_run").click().run()
    assert any("sizes: sizes must increase" in shown(e) for e in at.error)


@pytest.mark.slow  # a bench-scale run from the page
def test_tiny_run_from_the_page(store_dir):
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
