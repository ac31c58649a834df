"""The store from the shell: ``agentmem add|search|list|export|import|stats`` on a real store
with the real model, and every bad input refused in one line, exit 2, with nothing created
or changed.

The commands run through ``main(argv)`` in this process, so the model loads once for the
module; a few run as a user would, ``python -m agentmem`` in a subprocess.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentmem.cli import main

ROOT = Path(__file__).resolve().parent.parent
TEA = "Alice drinks green tea every morning"
ALICE = [TEA, "Alice works as a nurse in Lyon", "Alice has a cat called Miso"]
BOB = ["Bob plays the cello in an orchestra"]


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """``agentmem ARGS`` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = exc.code
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def ok(*args: str, stdin: str | None = None) -> str:
    code, out, err = run(*args, stdin=stdin)
    assert code == 0, err
    return out


def listing(root: Path) -> list[tuple[str, int, int]]:
    """Every path under ``root`` with its size and modification time ([] when absent)."""
    if not root.exists():
        return []
    return sorted((str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*"))


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> dict:
    """A data directory filled through ``agentmem add``: its path and the ids by text."""
    data = tmp_path_factory.mktemp("cli-store") / "data"
    ids = {}
    for user, texts in (("alice", ALICE), ("bob", BOB)):
        for text in texts:
            out = ok("add", text, "--user", user, "--data-dir", str(data), "--json")
            result = json.loads(out)
            assert result["event"] == "ADD" and result["added"] is True
            ids[text] = result["id"]
    return {"dir": data, "ids": ids}


def test_add_prints_the_id_and_says_when_the_text_was_already_stored(store):
    data = str(store["dir"])
    again = ok("add", TEA, "--user", "alice", "--data-dir", data)
    assert again.strip() == (f"already stored as {store['ids'][TEA]}: the same text is in this scope "
                             "(user alice), nothing added")
    assert "NOOP" not in again
    before = json.loads(ok("list", "--data-dir", data, "--json"))["total"]
    assert before == len(ALICE) + len(BOB)  # nothing was added twice


def test_add_takes_metadata_a_scope_and_the_text_from_standard_input(tmp_path):
    data = str(tmp_path / "d")
    out = ok("add", "-", "--user", "carol", "--agent", "helper", "--run", "s1", "--metadata", '{"topic": "food"}',
             "--data-dir", data, stdin="Carol is allergic to peanuts\n")
    assert out.startswith("added ") and "(user carol, agent helper, run s1)" in out
    memory = json.loads(ok("list", "--user", "carol", "--data-dir", data, "--json"))["memories"][0]
    assert memory["content"] == "Carol is allergic to peanuts"  # the newline of the input is not kept
    assert memory["metadata"] == {"topic": "food"}
    assert (memory["agent_id"], memory["run_id"]) == ("helper", "s1")


def test_search_finds_the_memory_first_in_a_table(store):
    out = ok("search", "what does alice drink", "--user", "alice", "--data-dir", str(store["dir"]))
    head, columns, first, *rest = out.splitlines()
    assert head.startswith("3 memories for 'what does alice drink' (hybrid search, user alice")
    assert columns.split() == ["#", "score", "id", "text"]
    assert first.split()[0] == "1" and store["ids"][TEA] in first and first.endswith(TEA)
    assert len(rest) <= 2 and "Bob" not in out


def test_search_cuts_long_texts_to_the_terminal(tmp_path, monkeypatch):
    data = str(tmp_path / "d")
    ok("add", "a long memory about tea " * 40, "--user", "u", "--data-dir", data)
    monkeypatch.setenv("COLUMNS", "80")
    out = ok("search", "tea", "--user", "u", "--data-dir", data)
    row = out.splitlines()[2]
    assert len(row) <= 80 and row.endswith("…")


@pytest.mark.parametrize("mode", ["vector", "fts", "hybrid"])
def test_search_json_is_one_document_with_the_hits_best_first(store, mode):
    out = ok("search", "green tea", "--user", "alice", "--mode", mode, "--limit", "2", "--json",
             "--data-dir", str(store["dir"]))
    doc = json.loads(out)
    assert doc["query"] == "green tea" and doc["mode"] == mode and doc["user_id"] == "alice"
    assert len(doc["hits"]) <= 2 and doc["hits"][0]["id"] == store["ids"][TEA]
    assert doc["hits"][0]["content"] == TEA
    scores = [h["score"] for h in doc["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_search_without_a_user_searches_every_user_and_shows_whose(store):
    out = ok("search", "music orchestra cello", "--data-dir", str(store["dir"]))
    assert out.splitlines()[1].split() == ["#", "score", "id", "user", "text"]
    assert "bob" in out.splitlines()[2] and BOB[0] in out.splitlines()[2]


def test_search_says_when_nothing_is_stored_for_the_user(store):
    out = ok("search", "tea", "--user", "nobody", "--data-dir", str(store["dir"]))
    assert out.strip() == "no memories stored for user nobody"


def test_list_shows_the_newest_first_and_the_total(store):
    out = ok("list", "--user", "alice", "--limit", "2", "--data-dir", str(store["dir"]))
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["#", "stored", "(UTC)", "id", "text"]
    assert lines[1].endswith(ALICE[-1]) and lines[2].endswith(ALICE[-2])
    assert lines[-1] == "2 of 3 memories for user alice, newest first; --limit 3 shows them all"
    doc = json.loads(ok("list", "--data-dir", str(store["dir"]), "--json"))
    assert doc["total"] == 4 and [m["content"] for m in doc["memories"]] == BOB + ALICE[::-1]


def test_export_then_import_into_another_data_dir(store, tmp_path):
    for name in ("all.jsonl", "all.parquet"):
        path = tmp_path / name
        out = ok("export", str(path), "--data-dir", str(store["dir"]))
        assert out.strip() == f"exported 4 memories to {path}"
        other = tmp_path / f"copy-{path.suffix[1:]}"
        out = ok("import", str(path), "--data-dir", str(other))
        assert out.strip() == (f"imported 4 new memories from {path}; the store now holds 4 "
                               "(memories already in it were skipped)")
        again = ok("import", str(path), "--data-dir", str(other))
        assert again.startswith("imported 0 new memories") and "holds 4" in again
        stats = json.loads(ok("stats", "--json", "--data-dir", str(other)))
        assert stats["memories"] == 4 and stats["vectors"] == 4 and stats["users"] == {"alice": 3, "bob": 1}
        hit = json.loads(ok("search", "green tea", "--user", "alice", "--json", "--data-dir", str(other)))["hits"][0]
        assert hit["id"] == store["ids"][TEA]  # ids are kept
    out = ok("export", str(tmp_path / "lean.jsonl"), "--no-vectors", "--data-dir", str(store["dir"]))
    assert "(without vectors)" in out
    assert "vector" not in json.loads((tmp_path / "lean.jsonl").read_text().splitlines()[0])


def test_stats_summarises_the_store(store):
    out = ok("stats", "--data-dir", str(store["dir"]))
    rows = dict(line.split("  ", 1) for line in out.splitlines())
    rows = {k.strip(): v.strip() for k, v in rows.items()}
    assert rows["memories"] == "4 (with a vector: 4)"
    assert rows["users"] == "2: alice 3, bob 1"
    assert rows["embedding model"].endswith("(384 numbers a vector)")
    assert Path(rows["data directory"]) == store["dir"].resolve()
    doc = json.loads(ok("stats", "--json", "--data-dir", str(store["dir"])))
    assert doc["memories"] == 4 and doc["history_events"] >= 4


def test_the_default_data_dir_is_the_workbench_one(tmp_path, monkeypatch):
    from workbench.services import default_data_dir

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AGENTMEM_DATA_DIR", raising=False)
    assert default_data_dir() == "data/agentmem"
    ok("add", "stored where the workbench looks", "--user", "u")
    assert (tmp_path / "data" / "agentmem" / "records.db").is_file()
    monkeypatch.setenv("AGENTMEM_DATA_DIR", str(tmp_path / "elsewhere"))
    assert default_data_dir() == str(tmp_path / "elsewhere")
    code, _, err = run("list")
    assert code == 2 and "(from $AGENTMEM_DATA_DIR)" in err and not (tmp_path / "elsewhere").exists()


# --- bad input: one line, exit 2, nothing created or changed -------------------------------------

HUGE = "x" * 1_000_001
#: Long values, put in at run time (a test id holding them would be as long).
LONG = {"{huge}": HUGE, "{longquery}": "q" * 10_001, "{longuser}": "u" * 600}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("add", "", "--user", "u"), "argument TEXT: must not be empty"),
        (("add", "   ", "--user", "u"), "argument TEXT: must not be empty"),
        (("add", "{huge}", "--user", "u"), "argument TEXT: is 1,000,001 characters; the limit is 1,000,000"),
        (("add", "tea"), "the following arguments are required: --user"),
        (("add", "tea", "--user", ""), "argument --user: must not be empty"),
        (("add", "tea", "--user", "{longuser}"), "argument --user: must be at most 512 characters"),
        (("add", "tea", "--user", "u", "--metadata", "[1]"), "argument --metadata: expected a JSON object"),
        (("add", "tea", "--user", "u", "--metadata", "{oops"), "argument --metadata: not valid JSON"),
        (("add", "tea", "--user", "u", "--metadata", '{"x": NaN}'), "argument --metadata: must be JSON-serializable"),
        (("search", "", "--user", "u"), "argument QUERY: must not be empty"),
        (("search", "{longquery}", "--user", "u"), "argument QUERY: must be at most 10,000 characters"),
        (("search", "tea", "--limit", "abc"), "argument --limit: expected a whole number from 1 to 1,000, got 'abc'"),
        (("search", "tea", "--limit", "0"), "argument --limit: expected a whole number"),
        (("search", "tea", "--limit", "1001"), "argument --limit: expected a whole number from 1 to 1,000"),
        (("search", "tea", "--mode", "magic"), "argument --mode: invalid choice: 'magic'"),
        (("search",), "the following arguments are required: QUERY"),
        (("list", "--limit", "2.5"), "argument --limit: expected a whole number from 1 to 10,000"),
        (("list", "--user", " "), "argument --user: must not be empty"),
        (("import", "{tmp}/missing.jsonl"), "argument PATH: no such file"),
        (("import", "{tmp}/notes.txt"), "argument PATH: must end in .jsonl or .parquet"),
        (("export", "{tmp}/no/such/folder/out.jsonl"), "argument PATH: the folder"),
        (("export", "{tmp}/out.csv"), "argument PATH: must end in .jsonl or .parquet"),
        (("export", "{tmp}"), "is a folder"),
        (("stats", "--json", "extra"), "unrecognized arguments: extra"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(store, tmp_path, args, needle):
    """Refused before the store is opened: not a file under the data directory changes."""
    (tmp_path / "notes.txt").write_text("hello\n")
    args = tuple(LONG.get(a, a).replace("{tmp}", str(tmp_path)) for a in args)
    needle = needle.replace("{tmp}", str(tmp_path))
    outside = sorted(p.name for p in tmp_path.iterdir())
    for data in (store["dir"], tmp_path / "fresh"):  # an existing store, and a folder not yet made
        before = listing(data)
        code, out, err = run(*args, "--data-dir", str(data))
        assert code == 2, err
        assert out == ""
        lines = err.splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("agentmem: error: ") and needle in lines[0], lines[0]
        assert listing(data) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == outside  # nothing made beside it either


@pytest.mark.parametrize("command", [("search", "tea"), ("list",), ("stats",), ("export", "out.jsonl")])
def test_reading_commands_create_no_store(tmp_path, command):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a store\n")
    missing = tmp_path / "missing"
    for data, why in ((empty, "holds no store (no records.db)"), (missing, "does not exist")):
        args = [a if a != "out.jsonl" else str(tmp_path / a) for a in command]
        code, out, err = run(*args, "--data-dir", str(data))
        assert code == 2 and out == ""
        expected = (f"agentmem: error: argument --data-dir: {data} {why}; store a memory first: "
                    f"agentmem add TEXT --user U --data-dir {data}")
        assert err.splitlines() == [expected]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]
    assert [p.name for p in empty.iterdir()] == ["notes.txt"]


def test_a_data_dir_that_is_a_file_is_refused(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for args in (("add", "tea", "--user", "u"), ("stats",), ("import", str(tmp_path / "x.jsonl"))):
        (tmp_path / "x.jsonl").write_text("")
        code, _, err = run(*args, "--data-dir", str(afile))
        assert code == 2 and err == f"agentmem: error: argument --data-dir: {afile} is a file, not a folder\n"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (json.dumps({"content": "fine", "user_id": "u"}) + "\n{oops\n", "line 2 is not valid JSON"),
        (json.dumps({"content": "", "user_id": "u"}) + "\n", "rows[0].content: must not be empty"),
        (b"\xff\xfe\x00garbage\n", "is not UTF-8 text"),
    ],
    ids=["bad-json", "empty-content", "not-utf8"],
)
def test_a_bad_import_file_is_refused_and_the_store_keeps_its_memories(store, tmp_path, content, needle):
    """The file is read by the library, after the store is opened: what it holds is unchanged."""
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = json.loads(ok("list", "--json", "--data-dir", str(store["dir"])))
    code, out, err = run("import", str(bad), "--data-dir", str(store["dir"]))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"agentmem: error: argument PATH: {bad}") and needle in lines[0]
    assert json.loads(ok("list", "--json", "--data-dir", str(store["dir"]))) == before


def test_a_failed_import_into_a_new_folder_leaves_no_store_behind(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"content": "fine", "user_id": "u"}) + "\n" + json.dumps({"content": 3}) + "\n")
    for data in (tmp_path / "new" / "deeper", tmp_path / "kept"):
        if data.name == "kept":
            data.mkdir()
            (data / "readme.txt").write_text("mine\n")
        code, out, err = run("import", str(bad), "--data-dir", str(data))
        assert code == 2 and out == "" and len(err.splitlines()) == 1
        assert "rows[1].content: must be a string" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", "kept"]
    assert [p.name for p in (tmp_path / "kept").iterdir()] == ["readme.txt"]


def test_a_data_dir_that_cannot_be_created_is_one_line():
    if not Path("/proc/self").exists():
        pytest.skip("no /proc here")
    code, out, err = run("add", "tea", "--user", "u", "--data-dir", "/proc/forbidden/store")
    assert code == 2 and out == ""
    assert err.startswith("agentmem: error: argument --data-dir: cannot create or write /proc/forbidden/store: ")
    assert len(err.splitlines()) == 1 and not Path("/proc/forbidden").exists()


def test_huge_text_on_standard_input_is_refused(store):
    before = listing(store["dir"])
    code, out, err = run("add", "-", "--user", "u", "--data-dir", str(store["dir"]), stdin=HUGE)
    assert code == 2 and out == ""
    assert err == "agentmem: error: argument TEXT: is 1,000,001 characters; the limit is 1,000,000\n"
    assert listing(store["dir"]) == before


# --- as a user runs it ---------------------------------------------------------------------------


def agentmem(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agentmem", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def test_the_commands_in_a_subprocess(tmp_path):
    data = str(tmp_path / "d")
    add = agentmem("add", "Dana keeps bees on the roof", "--user", "dana", "--data-dir", data, cwd=tmp_path)
    assert add.returncode == 0, add.stderr
    memory_id = add.stdout.split()[1]
    found = agentmem("search", "who keeps bees", "--user", "dana", "--data-dir", data, cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert memory_id in found.stdout.splitlines()[2]
    bad = agentmem("add", "x", "--user", "dana", "--metadata", "[1]", "--data-dir", data, cwd=tmp_path)
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.splitlines()) == 1
    assert "Traceback" not in bad.stderr
