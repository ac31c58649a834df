"""Workbench sidebar "Remote stores" under AppTest: records on sqld, vectors on SeaweedFS's S3
gateway (the real servers of tests/conftest.py), bad settings as one named error, secrets
from the environment and never on a page."""

from __future__ import annotations

import re
import sys
import uuid

import pytest

from agentmem import Memory, MemoryConfig
from agentmem.stack import free_port
from apptest_support import metrics, open_page, shown, store_dir, table  # noqa: F401 - store_dir is a fixture
from servers import server_tables

PAGES = ["pages/ingest.py", "pages/search.py", "pages/memories.py", "pages/storage.py",
         "pages/benchmarks.py", "pages/retrieval.py", "pages/scale.py"]


@pytest.fixture
def stack_env(remote_stack, monkeypatch):
    """The stack's S3 keys in the environment, where LanceDB reads them (as `source stack.env` does)."""
    for name, value in remote_stack.env().items():
        monkeypatch.setenv(name, value)
    return remote_stack


def connect(at, *, records: str = "", vectors: str = "", options: str = ""):  # noqa: ANN001, ANN201
    at.sidebar.text_input(key="_records_url_input").set_value(records)
    at.sidebar.text_input(key="_vectors_uri_input").set_value(vectors)
    at.sidebar.text_area(key="_storage_options_input").set_value(options)
    at.sidebar.button(key="remote_connect").click().run()
    assert not at.exception, [shown(e) for e in at.exception]
    return at


def options_text(stack) -> str:  # noqa: ANN001
    return "\n".join(f"{k}={v}" for k, v in stack.storage_options(with_keys=False).items())


def sidebar_text(at) -> str:  # noqa: ANN001
    return "\n".join(shown(c).replace("`", "") for c in at.sidebar.caption)


@pytest.mark.slow  # real servers
def test_sidebar_connects_ingest_and_search_use_the_servers(store_dir, stack_env, sqld_url, tmp_path):
    vectors = stack_env.vectors_uri(f"app-{uuid.uuid4().hex[:8]}")
    at = connect(open_page(), records=sqld_url, vectors=vectors, options=options_text(stack_env))
    assert not at.error, [shown(e) for e in at.error]
    where = sidebar_text(at)
    assert sqld_url in where and vectors in where and "$AWS_SECRET_ACCESS_KEY set" in where
    settings = at.session_state["_store_settings"]
    assert settings.records_url == sqld_url and settings.vectors_uri == vectors

    at.text_area(key="ingest_text").set_value("Remote Rita keeps bees\nRemote Rita sells honey at the market")
    at.text_input(key="ingest_user").set_value("rita")
    at.button(key="ingest_go").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    assert metrics(at)["Added"] == "2"

    at.switch_page("pages/search.py").run()  # the settings follow the session to the next page
    assert sqld_url in sidebar_text(at)
    at.text_input(key="search_query").set_value("who keeps bees?")
    at.text_input(key="search_user").set_value("rita")
    at.button[0].click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    assert table(at, "score")["content"].iloc[0] == "Remote Rita keeps bees"

    # another Memory on the same servers sees them; nothing went to the local data directory
    elsewhere = MemoryConfig(data_dir=tmp_path / "elsewhere", records_url=sqld_url, vectors_uri=vectors,
                             storage_options=stack_env.storage_options(with_keys=False))
    with Memory(elsewhere) as mem:
        assert mem.count(user_id="rita") == 2 and mem.verify().ok
        assert mem.search("honey", user_id="rita", mode="fts")[0].content == "Remote Rita sells honey at the market"
    assert not (store_dir / "records.db").exists() and not (store_dir / "vectors").exists()

    # back to local files: the remote store's Memory is closed, the local one serves the page
    held = sys.modules["state"].store_for(settings)
    assert held.is_open
    at.sidebar.button(key="remote_local").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    assert not held.is_open
    assert f"Store: {store_dir.resolve()}" in sidebar_text(at)
    assert not at.dataframe  # the remote store's hits are not left on the page


@pytest.mark.parametrize("case", ["malformed_vectors_uri", "unreachable_records", "secret_in_options"])
def test_bad_settings_are_one_named_error_and_write_nothing(case, store_dir, tmp_path):
    at = open_page()  # Ingest: opens no store until asked to
    unreachable = f"http://127.0.0.1:{free_port()}"
    if case == "malformed_vectors_uri":
        connect(at, vectors="s3:/bucket/agentmem")
        setting = "vectors_uri"
    elif case == "unreachable_records":
        connect(at, records=unreachable)
        setting = "records_url"
    else:
        connect(at, vectors="s3://bucket/agentmem", options="region=us-east-1\naws_secret_access_key=hunter2-typed")
        setting = "storage_options"
    errors = [shown(e) for e in at.sidebar.error]
    assert len(errors) == 1 and f"{setting}:" in errors[0], errors
    assert "Traceback" not in errors[0]
    assert not (store_dir / "records.db").exists() and not (store_dir / "vectors").exists()
    if case == "secret_in_options":  # refused, and the typed secret is not kept in the box
        assert "hunter2-typed" not in errors[0]
        assert at.sidebar.text_area(key="_storage_options_input").value == "region=us-east-1"
    # the store in use is unchanged (the local one) and pages go on working on it; the fields stay
    # as typed (to fix them) and the error stays on the next page until the next Connect
    at.switch_page("pages/memories.py").run()
    assert not at.exception and not at.main.error, [shown(e) for e in at.main.error]
    assert any("No memories here yet" in i.value for i in at.info)
    assert f"Store: {store_dir.resolve()}" in sidebar_text(at)
    assert [shown(e) for e in at.sidebar.error] == errors
    if case == "unreachable_records":
        assert at.sidebar.text_input(key="_records_url_input").value == unreachable


@pytest.mark.slow  # real servers
def test_missing_bucket_is_named_and_writes_nothing(store_dir, stack_env, sqld_url):
    at = connect(open_page(), records=sqld_url, vectors="s3://no-such-bucket/agentmem", options=options_text(stack_env))
    errors = [shown(e) for e in at.sidebar.error]
    assert len(errors) == 1 and "vectors_uri:" in errors[0], errors
    assert server_tables(sqld_url) == []  # the object store is reached before anything is written
    assert f"Store: {store_dir.resolve()}" in sidebar_text(at)


@pytest.mark.slow  # real servers
def test_environment_fills_a_new_session(store_dir, stack_env, sqld_url, monkeypatch):
    """$AGENTMEM_RECORDS_URL / _VECTORS_URI / _STORAGE_OPTIONS: a new session (a reload) starts on the remote stores."""
    vectors = stack_env.vectors_uri(f"app-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("AGENTMEM_RECORDS_URL", sqld_url)
    monkeypatch.setenv("AGENTMEM_VECTORS_URI", vectors)
    monkeypatch.setenv("AGENTMEM_STORAGE_OPTIONS", options_text(stack_env).replace("\n", ","))
    at = open_page("pages/memories.py")
    assert not at.error, [shown(e) for e in at.error]
    assert sqld_url in sidebar_text(at) and vectors in sidebar_text(at)
    assert at.sidebar.text_input(key="_records_url_input").value == sqld_url
    assert any("No memories here yet" in i.value for i in at.info)
    assert "memories" in server_tables(sqld_url) and not (store_dir / "records.db").exists()


def _all_text(node) -> str:  # noqa: ANN001
    """Everything an AppTest page rendered: each element's protobuf (labels, values, captions, errors, tables)."""
    parts = [str(getattr(node, "proto", "") or "")]
    for child in getattr(node, "children", {}).values():
        parts.append(_all_text(child))
    return "\n".join(parts)


@pytest.mark.slow  # real servers
def test_secrets_from_the_environment_never_shown(store_dir, stack_env, sqld_url, monkeypatch):
    token = "tok-" + uuid.uuid4().hex
    monkeypatch.setenv("AGENTMEM_RECORDS_AUTH_TOKEN", token)
    secrets = [token, stack_env.access_key, stack_env.secret_key]
    vectors = stack_env.vectors_uri(f"app-{uuid.uuid4().hex[:8]}")
    at = connect(open_page(), records=sqld_url, vectors=vectors, options=options_text(stack_env))
    assert not at.error, [shown(e) for e in at.error]
    assert "$AGENTMEM_RECORDS_AUTH_TOKEN set" in sidebar_text(at)
    at.text_area(key="ingest_text").set_value("Remote Rita keeps bees")
    at.button(key="ingest_go").click().run()
    assert metrics(at)["Added"] == "1"
    seen = [_all_text(at._tree)]
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [shown(e) for e in at.exception])
        seen.append(_all_text(at._tree))
    # an error from the servers too: a missing bucket, then bad options
    connect(at, records=sqld_url, vectors="s3://no-such-bucket/x", options=options_text(stack_env))
    assert at.sidebar.error
    seen.append(_all_text(at._tree))
    text = "\n".join(seen)
    plain = re.sub(r"\\+(.)", r"\1", text)  # as shown: markdown escapes (doubled in protobuf text) removed
    assert sqld_url in plain and "Remote Rita keeps bees" in plain  # the walk does see the pages
    for secret in secrets:
        assert secret not in text and secret not in plain
