"""Strip outputs from the notebooks before they are committed.

    python scripts/strip_notebooks.py            # strip notebooks/*.ipynb in place
    python scripts/strip_notebooks.py --check    # exit 1 and name the files that need stripping
    python scripts/strip_notebooks.py a.ipynb    # only these files

What is removed: every code cell's outputs and execution count, cell metadata other
than ``tags`` (papermill's ``parameters`` tag stays), and the per-run notebook
metadata Jupyter adds (``widgets``, ``papermill``, ``execution``). The file is
written the way nbformat writes it (sorted keys, one-space indent, a final
newline), so stripping a clean notebook changes nothing. Standard library only,
so it also runs as a git pre-commit hook outside the venv::

    printf '#!/bin/sh\\nexec python3 scripts/strip_notebooks.py --check\\n' > .git/hooks/pre-commit
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
#: Notebook-level metadata written by a run, not by the author.
RUN_METADATA = ("widgets", "papermill", "execution", "varInspector", "toc")
#: Cell-level metadata kept: tags mark the parameters cell.
KEPT_CELL_METADATA = ("tags",)


def strip(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook without outputs, execution counts and run metadata (a new dict)."""
    out = json.loads(json.dumps(nb))
    for key in RUN_METADATA:
        out.get("metadata", {}).pop(key, None)
    for cell in out.get("cells", []):
        meta = cell.get("metadata", {})
        cell["metadata"] = {k: meta[k] for k in KEPT_CELL_METADATA if meta.get(k)}
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return out


def dumps(nb: dict[str, Any]) -> str:
    """The text nbformat would write for ``nb``."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def needs_stripping(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return dumps(strip(json.loads(text))) != text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Strip outputs from Jupyter notebooks.")
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any file needs stripping")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(NOTEBOOKS.glob("*.ipynb"))
    dirty = []
    for path in paths:
        try:
            if not needs_stripping(path):
                continue
        except (OSError, json.JSONDecodeError) as exc:
            print(f"strip_notebooks: {path}: {exc}", file=sys.stderr)
            return 2
        dirty.append(path)
        if not args.check:
            nb = json.loads(path.read_text(encoding="utf-8"))
            path.write_text(dumps(strip(nb)), encoding="utf-8")
    verb = "needs stripping" if args.check else "stripped"
    for path in dirty:
        print(f"{verb}: {path}")
    return 1 if (args.check and dirty) else 0


if __name__ == "__main__":
    raise SystemExit(main())
