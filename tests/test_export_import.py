"""export / import_: JSONL and Parquet, vectors kept or re-embedded."""

from __future__ import annotations

import json

import pytest

from agentmem import InvalidInputError, Memory, MemoryConfig


@pytest.fixture
def source(mem):
    mem.add_batch(["Alice likes green tea", "Alice runs marathons"], user_id="alice", metadata=[{"t": 1}, {"t": 2}])
    mem.add("Bob's dog is named Rex", user_id="bob", agent_id="pet-bot", memory_type="episodic")
    return mem


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
@pytest.mark.parametrize("reembed", [False, True])
def test_round_trip(source, tmp_path, suffix, reembed):
    path = tmp_path / f"dump{suffix}"
    assert source.export(path) == 3
    before = {r.id: r for r in source.get_all(limit=10)}
    with Memory(MemoryConfig(data_dir=tmp_path / "other")) as other:
        assert other.import_(path, reembed=reembed) == 3
        after = {r.id: r for r in other.get_all(limit=10)}
        assert set(after) == set(before)
        for i, r in after.items():
            assert (r.content, r.user_id, r.agent_id, r.memory_type, r.metadata) == (
                before[i].content, before[i].user_id, before[i].agent_id, before[i].memory_type, before[i].metadata)
            assert r.created_at == before[i].created_at
        assert other.search("what does alice drink", user_id="alice", mode="vector")[0].content == "Alice likes green tea"
        assert other.verify().ok
        assert other.import_(path) == 0  # everything already there


def test_export_writes_vectors(source, tmp_path):
    path = tmp_path / "d.jsonl"
    source.export(path)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == 3 and all(len(r["vector"]) == 384 for r in rows)
    source.export(tmp_path / "nv.jsonl", include_vectors=False)
    assert "vector" not in json.loads((tmp_path / "nv.jsonl").read_text().splitlines()[0])


def test_import_rejects_bad_files_and_writes_nothing(mem, tmp_path):
    with pytest.raises(InvalidInputError, match="path"):
        mem.export(tmp_path / "dump.csv")
    with pytest.raises(InvalidInputError, match="path"):
        mem.import_(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"content": "fine"}\nnot json\n')
    with pytest.raises(InvalidInputError, match="line 2"):
        mem.import_(bad)
    bad.write_text('{"content": "fine"}\n{"content": "   "}\n')
    with pytest.raises(InvalidInputError, match=r"rows\[1\].content"):
        mem.import_(bad)
    garbage = tmp_path / "g.parquet"
    garbage.write_bytes(b"not parquet at all")
    with pytest.raises(InvalidInputError, match="Parquet"):
        mem.import_(garbage)
    assert mem.count() == 0


def test_import_without_ids_or_vectors(mem, tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text("\n".join(json.dumps({"content": t, "user_id": "z"}) for t in ["alpha fact", "beta fact"]))
    assert mem.import_(path) == 2
    assert sorted(r.content for r in mem.get_all(user_id="z")) == ["alpha fact", "beta fact"]
    assert mem.verify().ok
