"""Shared fixtures: real model, real LanceDB directories and real libSQL files in tmp dirs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from agentmem import AsyncMemory, Memory, MemoryConfig

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


# --- real servers on loopback (agentmem/stack.py): sqld for records, SeaweedFS S3 for vectors ---

# Every test that needs one of these is a slow test: `python -m pytest -m "not slow"` starts no server.
SERVER_FIXTURES = frozenset({"remote_stack", "sqld_url", "remote_config"})


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for a server fixture, directly or through another fixture, is marked
    `slow` whether or not its file says so; a new server test cannot land in the fast set."""
    for item in items:
        if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def _slow_tests_only(request: pytest.FixtureRequest) -> None:
    """A server fixture reached at run time (``request.getfixturevalue``) escapes the marking
    above; such a test must carry the `slow` marker itself."""
    if request.node.get_closest_marker("slow") is None:
        pytest.fail(f"{request.node.nodeid} starts a server: mark it @pytest.mark.slow", pytrace=False)


@pytest.fixture(scope="session")
def remote_stack(tmp_path_factory):
    """sqld + SeaweedFS started once per session on free 127.0.0.1 ports, always stopped;
    a clean skip where the binaries from the test extra cannot run."""
    import os

    from agentmem.stack import StackError, start

    # the AWS client never asks the cloud metadata address (not 127.0.0.1) for credentials
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    try:
        stack = start(tmp_path_factory.mktemp("stack"))
    except StackError as exc:
        pytest.skip(f"sqld/SeaweedFS cannot run here: {exc}")
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def sqld_url(tmp_path: Path, request: pytest.FixtureRequest):
    """A fresh sqld (empty database) for one test: its URL; stopped afterwards."""
    from agentmem.stack import StackError, start_sqld, stop_server

    _slow_tests_only(request)
    try:
        pid, port = start_sqld(tmp_path / "sqld")
    except StackError as exc:
        pytest.skip(f"sqld cannot run here: {exc}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(pid)


@pytest.fixture
def remote_config(remote_stack, sqld_url, tmp_path: Path, request) -> MemoryConfig:
    """Records on a fresh sqld, vectors under a fresh prefix of the session's bucket."""
    import uuid

    prefix = f"t-{request.node.name[:40]}-{uuid.uuid4().hex[:8]}".replace("[", "-").replace("]", "")
    return MemoryConfig(data_dir=tmp_path / "local", records_url=sqld_url,
                        vectors_uri=remote_stack.vectors_uri(prefix), storage_options=remote_stack.storage_options())
