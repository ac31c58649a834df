"""Shared fixtures: real model, real LanceDB directories and real libSQL files in tmp dirs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from agentmem import AsyncMemory, Memory, MemoryConfig  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
LOCOMO_DEV = SHARED_DATA / "locomo_dev.json"


@pytest.fixture
def config(tmp_path: Path) -> MemoryConfig:
    return MemoryConfig(data_dir=tmp_path / "store")


@pytest.fixture
def mem(config: MemoryConfig):
    """A sync Memory with the real model over fresh stores."""
    with Memory(config) as m:
        yield m


@pytest.fixture
async def amem(config: MemoryConfig):
    async with AsyncMemory(config) as m:
        yield m


@pytest.fixture
def standin_mem(tmp_path: Path):
    """Storage-logic tests only: the deterministic stand-in embedder, never a default."""
    from standin import HashEmbedder

    with Memory(MemoryConfig(data_dir=tmp_path / "standin"), embedder=HashEmbedder()) as m:
        yield m


@pytest.fixture
def locomo_path() -> Path:
    if not LOCOMO_DEV.exists():
        pytest.skip("../shared/data/locomo_dev.json is not present")
    return LOCOMO_DEV
