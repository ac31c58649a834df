"""The embedder: real model, real model folders in a temporary cache."""

from __future__ import annotations

import asyncio
import multiprocessing
import random
from pathlib import Path

import numpy as np
import pytest

from agentmem import EmbeddingError, InvalidInputError, MemoryConfig
from agentmem.model_files import MANIFEST, ensure_model_folder
from agentmem.embed import Embedder, get_embedder, loaded_models, plan_batches

TEXTS = [
    "Alice likes green tea in the morning.",
    "ok",
    "I went to the LGBTQ support group yesterday and it was so powerful.",
    "The quarterly report shows revenue grew 12% while costs fell, mostly thanks to cheaper cloud storage "
    "and a renegotiated contract with the logistics provider in Rotterdam.",
    "Hey Mel! Good to see you! How have you been?",
    "What did Caroline research after the adoption agency meeting?",
    "Painting helps me relax after a long week of work.",
    "Sure.",
    "Melanie ran a charity race for mental health last Saturday, and her kids cheered at the finish line.",
    "",
    "Ünïcödé text, emoji 🎉 and 中文 characters.",
    "The cat sat on the mat.",
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="module")
def config(cache_dir: Path) -> MemoryConfig:
    return MemoryConfig(model_cache_dir=cache_dir)


@pytest.fixture
def emb(config: MemoryConfig) -> Embedder:
    return get_embedder(config)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


# --------------------------------------------------------------------------- vectors


def test_shape_dtype_and_unit_norm(emb: Embedder) -> None:
    vectors = emb.embed_sync(TEXTS)
    assert vectors.shape == (len(TEXTS), 384) == (len(TEXTS), emb.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert emb.model_name == "agentmem/all-MiniLM-L6-v2-int8"
    assert emb.max_tokens == 256


async def test_async_embed_matches_sync(emb: Embedder, config: MemoryConfig) -> None:
    got = await emb.embed(TEXTS)
    want = get_embedder(config).embed_sync(TEXTS)
    assert got.shape == want.shape
    assert cosines(got, want).min() >= 0.9999


async def test_empty_input_gives_zero_rows(emb: Embedder) -> None:
    assert emb.embed_sync([]).shape == (0, 384)
    assert (await emb.embed([])).shape == (0, 384)
    assert emb.stats()["model_calls"] == 0


def test_vectors_do_not_depend_on_batching(config: MemoryConfig) -> None:
    texts = TEXTS * 3 + [f"turn {i}: " + "we talked about hiking " * (i % 7) for i in range(20)]
    aware = get_embedder(config.replace(embed_cache=False, embed_batch_size=16)).embed_sync(texts)
    inorder = get_embedder(config.replace(embed_cache=False, length_aware=False, embed_batch_size=64)).embed_sync(texts)
    one_by_one = get_embedder(config.replace(embed_cache=False, embed_batch_size=1)).embed_sync(texts)
    tight = get_embedder(config.replace(embed_cache=False, embed_token_budget=40)).embed_sync(texts)
    for other in (inorder, one_by_one, tight):
        assert cosines(aware, other).min() >= 0.999


def test_matches_fastembeds_own_embed(emb: Embedder) -> None:
    """Our session path (own padding, float32 pooling) gives fastembed's vectors."""
    ours = emb.embed_sync(TEXTS)
    theirs = np.asarray(list(emb.text_embedding.embed(TEXTS, batch_size=64)))
    assert cosines(ours, theirs).min() >= 0.999


def test_paraphrase_is_closer_than_unrelated(emb: Embedder) -> None:
    a, paraphrase, unrelated = emb.embed_sync(
        ["Alice drinks green tea every morning.", "Every morning Alice has a cup of green tea.", "The train to Berlin was delayed by an hour."]
    )
    assert float(a @ paraphrase) > float(a @ unrelated) + 0.3


def test_optimized_and_plain_model_agree(config: MemoryConfig) -> None:
    optimized = get_embedder(config.replace(optimize_model=True, embed_cache=False))
    plain = get_embedder(config.replace(optimize_model=False, embed_cache=False))
    assert optimized.optimized and not plain.optimized
    assert optimized.text_embedding is not plain.text_embedding
    assert cosines(optimized.embed_sync(TEXTS), plain.embed_sync(TEXTS)).min() >= 0.999


async def test_queries_use_the_int8_graph_one_per_call_and_stored_texts_the_float_one(config: MemoryConfig) -> None:
    """The int8 graph rounds activations: a query's vector is close to the float graph's,
    not equal; it does not depend on other queries embedded at once; stored texts keep the
    float graph's vectors; ``int8_queries=False`` or ``optimize_model=False`` turns it off."""
    emb = get_embedder(config.replace(embed_cache=False))
    assert emb.int8_queries and emb.stats()["int8_queries"]
    stored = emb.embed_sync(TEXTS)
    alone = np.vstack([(await emb.embed_query([t]))[0] for t in TEXTS])
    together, seconds = await emb.embed_query(TEXTS)
    assert seconds > 0
    assert "_q8" in str(emb.query_model().folder) and "_q8" not in str(emb._model.folder)
    c = cosines(alone, stored)
    assert c.min() >= 0.95 and c.mean() >= 0.98 and c.min() < 0.99999
    assert cosines(together, alone).min() >= 0.99999
    flt = get_embedder(config.replace(int8_queries=False, embed_cache=False))
    assert not flt.int8_queries and cosines((await flt.embed_query(TEXTS))[0], stored).min() >= 0.999
    plain = get_embedder(config.replace(optimize_model=False, embed_cache=False))
    assert not plain.int8_queries and plain.query_model() is plain._model
    # a query's cached vector is not a stored text's
    cached = get_embedder(config)
    cached.embed_sync(TEXTS[:1])
    assert cosines((await cached.embed_query(TEXTS[:1]))[0], alone[:1]).min() >= 0.99999


def test_over_long_text_is_truncated_not_rejected(emb: Embedder) -> None:
    head = " ".join(f"word{i}" for i in range(400))
    longer = head + " and then a completely different ending about volcanoes and submarines" * 20
    assert emb.token_counts([head, longer]) == [256, 256]
    a, b = emb.embed_sync([head, longer])
    assert float(a @ b) >= 0.9999  # only the first 256 tokens count


def test_token_counts(emb: Embedder) -> None:
    assert emb.token_counts(["hello world", "", "Hello, World!"]) == [4, 2, 6]


# --------------------------------------------------------------------------- cache


def test_cache_hits_return_identical_vectors_and_are_counted(config: MemoryConfig) -> None:
    emb = get_embedder(config)
    first = emb.embed_sync(TEXTS[:4])
    calls = emb.stats()["model_calls"]
    second = emb.embed_sync(TEXTS[:4])
    assert np.array_equal(first, second)
    stats = emb.stats()
    assert stats["cache_hits"] == 4
    assert stats["model_calls"] == calls
    assert stats["embedded"] == 4
    second[0, :] = 0.0  # the caller's array is its own
    assert np.array_equal(emb.embed_sync(TEXTS[:1]), first[:1])
    emb.clear_cache()
    emb.embed_sync(TEXTS[:1])
    assert emb.stats()["embedded"] == 5


def test_duplicates_in_one_call_are_embedded_once(config: MemoryConfig) -> None:
    emb = get_embedder(config.replace(embed_cache=False))
    texts = ["same text", "other text", "same text", "same text"]
    vectors = emb.embed_sync(texts)
    stats = emb.stats()
    assert stats["embedded"] == 2 and stats["duplicates"] == 2 and stats["texts"] == 4
    assert np.array_equal(vectors[0], vectors[2]) and np.array_equal(vectors[0], vectors[3])
    assert not np.array_equal(vectors[0], vectors[1])


def test_cache_off_and_lru_bound(config: MemoryConfig) -> None:
    off = get_embedder(config.replace(embed_cache=False))
    off.embed_sync(["a b c"])
    off.embed_sync(["a b c"])
    assert off.stats()["cache_hits"] == 0 and off.stats()["embedded"] == 2

    small = get_embedder(config.replace(embed_cache_size=2))
    small.embed_sync(["one", "two"])
    small.embed_sync(["one"])  # "one" is now the most recent
    small.embed_sync(["three"])  # evicts "two"
    small.embed_sync(["one", "two"])
    stats = small.stats()
    assert stats["cache_entries"] == 2
    assert stats["cache_hits"] == 2  # "one" twice; "two" was embedded again
    assert stats["embedded"] == 4


def test_caches_and_stats_are_per_embedder_model_is_shared(config: MemoryConfig) -> None:
    a = get_embedder(config)
    loaded = loaded_models()
    b = Embedder(config)
    assert loaded_models() == loaded
    assert a.text_embedding is b.text_embedding
    a.embed_sync(["shared model, separate caches"])
    b.embed_sync(["shared model, separate caches"])
    assert a.stats()["cache_hits"] == 0 and b.stats()["cache_hits"] == 0
    assert b.stats()["embedded"] == 1


# --------------------------------------------------------------------------- stats and concurrency


def test_stats_show_padding(config: MemoryConfig) -> None:
    texts = ["short"] * 8 + [" ".join(["long"] * 120)] * 2 + ["short again"] * 6
    aware = get_embedder(config.replace(embed_cache=False, embed_batch_size=16, embed_token_budget=128))
    inorder = get_embedder(config.replace(embed_cache=False, embed_batch_size=16, length_aware=False))
    aware.embed_sync(texts)
    inorder.embed_sync(texts)
    sa, si = aware.stats(), inorder.stats()
    for key in ("texts", "cache_hits", "model_calls", "model_seconds", "tokens", "padded_tokens", "model", "dim", "max_tokens"):
        assert key in sa
    assert sa["tokens"] == si["tokens"] == sum(aware.token_counts(list(dict.fromkeys(texts))))
    assert si["padded_tokens"] == 3 * 122  # one batch of the 3 unique texts, padded to the longest
    assert sa["padded_tokens"] == 2 * 4 + 122  # the two short ones together, the long one alone
    assert (sa["model_calls"], si["model_calls"]) == (2, 1)
    assert sa["model_seconds"] > 0
    queries = get_embedder(config.replace(embed_cache=False, embed_batch_size=16))
    asyncio.run(queries.embed_query(texts))  # the int8 graph: one text per call, no padding
    assert queries.stats()["model_calls"] == 3 and queries.stats()["padded_tokens"] == queries.stats()["tokens"]


async def test_concurrent_callers_get_their_own_vectors(config: MemoryConfig) -> None:
    emb = get_embedder(config.replace(embed_cache=False))
    groups = [TEXTS[i::3] for i in range(3)]
    results = await asyncio.gather(*(emb.embed(g) for g in groups))
    for group, got in zip(groups, results):
        assert cosines(got, emb.embed_sync(group)).min() >= 0.9999


async def test_concurrent_small_calls_share_model_calls(config: MemoryConfig) -> None:
    """16 agents embedding one text each at once: fewer model calls than callers, each
    caller its own vector, and the per-caller stats still add up to every text's tokens."""
    emb = get_embedder(config.replace(embed_cache=False))
    texts = [t for t in TEXTS if t] + [f"agent {i} asks about the weekend trip" for i in range(5)]
    alone = emb.embed_sync(texts)
    emb.reset_stats()
    got = await asyncio.gather(*(emb.embed([t]) for t in texts))
    assert cosines(np.vstack(got), alone).min() >= 0.9999
    stats = emb.stats()
    assert stats["embedded"] == len(texts)
    assert stats["model_calls"] < len(texts)
    assert stats["tokens"] == sum(emb.token_counts(texts))


# --------------------------------------------------------------------------- bad input


def test_bad_input_is_a_typed_error(emb: Embedder) -> None:
    with pytest.raises(InvalidInputError) as err:
        emb.embed_sync("a single string")  # type: ignore[arg-type]
    assert err.value.field == "texts"
    with pytest.raises(InvalidInputError) as err:
        emb.embed_sync(["fine", 3])  # type: ignore[list-item]
    assert err.value.field == "texts[1]"
    with pytest.raises(InvalidInputError):
        emb.token_counts(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError) as err:
        Embedder({"model": "x"})  # type: ignore[arg-type]
    assert err.value.field == "config"


def test_unknown_model_is_an_embedding_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingError, match="nobody/no-such-model"):
        get_embedder(MemoryConfig(model="nobody/no-such-model", model_cache_dir=tmp_path))


# --------------------------------------------------------------------------- plan_batches


@pytest.mark.parametrize("seed", range(20))
def test_plan_batches_properties(seed: int) -> None:
    rng = random.Random(seed)
    lengths = [rng.choice([2, 5, 9, 30, 31, 64, 100, 256]) for _ in range(rng.randint(0, 120))]
    max_batch = rng.choice([1, 3, 8, 16, 64])
    budget = rng.choice([50, 256, 512, 2048])
    plan = plan_batches(lengths, max_batch=max_batch, token_budget=budget, length_aware=True)
    flat = [i for batch in plan for i in batch]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths)
    for batch in plan:
        assert 1 <= len(batch) <= max_batch
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= budget
    for left, right in zip(plan, plan[1:]):  # a cut only where the next text would not fit
        longest = lengths[right[0]]
        assert len(left) == max_batch or (len(left) + 1) * longest > budget

    inorder = plan_batches(lengths, max_batch=max_batch, token_budget=budget, length_aware=False)
    assert [i for batch in inorder for i in batch] == list(range(len(lengths)))
    assert all(len(batch) == max_batch for batch in inorder[:-1])


def test_plan_batches_examples_and_bad_arguments() -> None:
    assert plan_batches([], max_batch=4, token_budget=10) == []
    assert plan_batches([5, 1, 3, 1], max_batch=2, token_budget=100) == [[1, 3], [2, 0]]
    assert plan_batches([5, 1, 3, 1], max_batch=8, token_budget=9) == [[1, 3, 2], [0]]
    assert plan_batches([5, 1, 3, 1], max_batch=8, token_budget=8) == [[1, 3], [2], [0]]
    assert plan_batches([300], max_batch=8, token_budget=10) == [[0]]
    assert plan_batches([5, 1, 3], max_batch=2, token_budget=1, length_aware=False) == [[0, 1], [2]]
    for kwargs, field in (
        ({"max_batch": 0, "token_budget": 10}, "max_batch"),
        ({"max_batch": 2, "token_budget": -1}, "token_budget"),
        ({"max_batch": True, "token_budget": 10}, "max_batch"),
    ):
        with pytest.raises(InvalidInputError) as err:
            plan_batches([1, 2], **kwargs)  # type: ignore[arg-type]
        assert err.value.field == field
    with pytest.raises(InvalidInputError):
        plan_batches([1, -2], max_batch=2, token_budget=10)


# --------------------------------------------------------------------------- model folder


def test_model_folder_is_built_once_and_reused(tmp_path: Path) -> None:
    first = ensure_model_folder(tmp_path, optimize=False)
    assert first.built and not first.optimized
    model = first.path / "model.onnx"
    before = (model.stat().st_ino, model.stat().st_mtime_ns)
    again = ensure_model_folder(tmp_path, optimize=False)
    assert not again.built and again.path == first.path
    assert (model.stat().st_ino, model.stat().st_mtime_ns) == before
    assert [p.name for p in (tmp_path / "models").iterdir()] == [first.path.name]  # no temp dirs left


def test_damaged_model_folder_is_rebuilt(tmp_path: Path) -> None:
    folder = ensure_model_folder(tmp_path, optimize=False).path
    (folder / "tokenizer_config.json").unlink()
    again = ensure_model_folder(tmp_path, optimize=False)
    assert again.built and (folder / "tokenizer_config.json").is_file() and (folder / MANIFEST).is_file()


def _build_in_child(cache: str) -> str:
    return str(ensure_model_folder(Path(cache), optimize=True, quantize=True).path)


@pytest.mark.slow  # three processes each build the model folder from scratch
def test_concurrent_builds_in_processes_agree(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        paths = pool.map(_build_in_child, [str(tmp_path)] * 3)
    assert len(set(paths)) == 1
    folder = Path(paths[0])
    assert ensure_model_folder(tmp_path, optimize=True, quantize=True).built is False
    names = sorted(p.name for p in (tmp_path / "models").iterdir())
    # plain, optimized and int8, no temp dirs
    assert len(names) == 3 and not any(n.startswith(".") for n in names)
    emb = get_embedder(MemoryConfig(model_cache_dir=tmp_path, embed_cache=False))
    assert emb.optimized and emb.query_model().quantized
    assert Path(emb.query_model().text_embedding.model._model_dir) == folder  # fastembed loaded the raced folder
    assert np.isfinite(emb.embed_sync(["after the race"])).all()


def test_optimized_graph_is_fused_when_onnx_is_installed(tmp_path: Path) -> None:
    onnx = pytest.importorskip("onnx")
    folder = ensure_model_folder(tmp_path, optimize=True)
    assert folder.optimized and folder.path.name.endswith("_fused")
    ops = {node.op_type for node in onnx.load(str(folder.path / "model.onnx"), load_external_data=False).graph.node}
    assert {"Attention", "BiasGelu"} <= ops
    assert not ops & {"Softmax", "Erf", "IsNaN"}  # the exported attention and GELU are gone


def test_default_model_name_is_case_insensitive(config: MemoryConfig) -> None:
    shouty = get_embedder(config.replace(model=" AgentMem/All-MiniLM-L6-v2-INT8"))
    assert shouty.model_name == "agentmem/all-MiniLM-L6-v2-int8"
    assert shouty.text_embedding is get_embedder(config).text_embedding


async def test_embed_leaves_the_event_loop_free(config: MemoryConfig) -> None:
    emb = get_embedder(config.replace(embed_cache=False))
    task = asyncio.ensure_future(emb.embed([f"{i} " + "a long sentence about the weather " * 6 for i in range(64)]))
    ticks = 0
    while not task.done():  # a model run on the loop would finish before the second tick
        ticks += 1
        await asyncio.sleep(0)
    assert ticks > 2
    assert (await task).shape == (64, 384)
