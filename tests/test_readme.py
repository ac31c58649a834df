"""The README as written: its ten lines run and print what it says, its commands exist with
the flags it gives, and the files, extras and images it names are there."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from agentmem.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def shell_commands() -> list[list[str]]:
    """Every command of the README's bash blocks, continuation lines joined, comments dropped."""
    commands = []
    for block in blocks("bash"):
        for line in block.replace("\\\n", " ").splitlines():
            for part in re.split(r"\s&&\s", line):
                words = shlex.split(part, comments=True)
                if words:
                    commands.append(words)
    return commands


def agentmem_commands() -> list[list[str]]:
    found = []
    for words in shell_commands():
        if words[:3] == ["python", "-m", "agentmem"]:
            found.append(words[3:])
        elif words[0] == "agentmem":
            found.append(words[1:])
    inline = re.findall(r"`(?:python -m )?agentmem ((?:[a-z][\w-]*)(?: [^`]*)?)`", README)
    found.extend(shlex.split(c) for c in inline if not c.startswith(("COMMAND", "<")))
    return found


def test_the_ten_lines_print_what_the_readme_says(tmp_path):
    (code,) = [b for b in blocks("python") if "Memory(MemoryConfig(data_dir=" in b]
    assert len(code.strip().splitlines()) <= 12
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    run = subprocess.run([sys.executable, "-c", code], check=False, cwd=tmp_path, capture_output=True, text=True,
                         timeout=600, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    first = next(line for line in lines if "Alice" in line)
    assert "Alice likes green tea" in first, run.stdout
    score = float(first.split()[-1])
    said = re.search(r'"Alice likes green tea" first \(score ([0-9.]+)\)', README)
    assert said, "the README names the top hit's score"
    assert round(score, 2) == float(said.group(1)), (score, said.group(1))
    assert "('UPDATE', 'Alice likes green tea', 'Alice prefers oolong tea')" in run.stdout


@pytest.mark.parametrize("argv", agentmem_commands(), ids=lambda a: " ".join(a)[:60])
def test_every_agentmem_command_in_the_readme_parses(argv):
    """The subcommand exists and takes the flags the README gives (nothing is run)."""
    build_parser().parse_args(argv)


def test_the_readme_names_every_subcommand():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    shown = {argv[0] for argv in agentmem_commands() if argv}
    for name in sub.choices:
        assert name in shown or re.search(rf"\| `{re.escape(name)}[ `]", README), name


def test_the_readme_names_every_workbench_page():
    app = (ROOT / "workbench" / "app.py").read_text(encoding="utf-8")
    titles = re.findall(r'st\.Page\([^)]*title="([^"]+)"', app)
    assert len(titles) >= 7
    for title in titles:
        assert f"**{title}**" in README, title


def test_extras_scripts_and_images_exist():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    for words in shell_commands():
        for word in words:
            for extra in re.findall(r"^\.\[([\w,-]+)\]$", word):
                for name in extra.split(","):
                    assert name in extras, name
        if words[0] == "python" and len(words) > 1 and words[1].endswith(".py"):
            assert (ROOT / words[1]).is_file(), words[1]
        if words[0] == "bash" and len(words) > 1:
            assert (ROOT / words[1]).is_file(), words[1]
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README) + re.findall(r'<img src="([^"]+)"', README)
    assert images
    for image in images:
        assert (ROOT / image).is_file(), image
    for path in re.findall(r"`((?:tests|scripts|workbench|notebooks|agentmem)/[\w/.-]+\.\w+)`", README):
        assert (ROOT / path).is_file(), path
