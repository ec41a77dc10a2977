"""docs/reliability.md: every bad input the tests try on an entry point, and what fanzha does with it.

    python scripts/reliability.py            # write docs/reliability.md
    python scripts/reliability.py --check    # exit 1 when it is not what the tests say

The rows come from the tests themselves: a test that tries a bad input carries
``@pytest.mark.reliability(entry="fanzha check --jsonl", bad_input="…", behaviour="…")`` (one marker per
row; several markers for a parametrised test are several rows). This script collects the test suite
(``pytest --collect-only``, nothing runs) and renders one table per entry point, each row naming the test that
asserts it. tests/test_reliability_doc.py runs ``--check``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"

_PLUGIN = """
import json, os
import pytest

ROWS = []

def pytest_collection_modifyitems(session, config, items):
    for item in items:
        for mark in item.iter_markers("reliability"):
            row = dict(mark.kwargs)
            row["test"] = item.nodeid.split("[")[0]
            if row not in ROWS:
                ROWS.append(row)

def pytest_collection_finish(session):
    with open(os.environ["FANZHA_RELIABILITY_OUT"], "w", encoding="utf-8") as fh:
        json.dump(ROWS, fh, ensure_ascii=False)
"""

HEADER = """# Reliability: bad input at every entry point

What fanzha does with the bad inputs its tests try, per entry point. Every row is asserted by the test it
names; the table is made from the tests (`python scripts/reliability.py`, checked by
`tests/test_reliability_doc.py`), so it cannot say more than the tests do.

The rules every entry point follows:
- a bad input is a coded error (one catalogue: [errors.md](errors.md)) that says what was wrong and where
  (file and row), never a traceback; rows already accepted are never lost;
- an output is written beside its target and renamed into place when complete: after a failure or a kill it is
  absent or complete, and the files a command was given are never truncated, overwritten or deleted;
- exit status: 0 all good; 1 some records were rejected (each reported); 2 a usage or input error; 3 an
  internal error (a bug: please report it).
"""


def collect() -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        plugin = Path(tmp) / "fanzha_reliability_rows.py"
        plugin.write_text(_PLUGIN, encoding="utf-8")
        out = Path(tmp) / "rows.json"
        env = {**os.environ, "FANZHA_RELIABILITY_OUT": str(out), "PYTHONPATH": tmp}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "--collect-only",
                "-q",
                "-p",
                "fanzha_reliability_rows",
                "-p",
                "no:cacheprovider",
                "tests",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not out.is_file():
            raise SystemExit(f"collecting the tests failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        rows: list[dict[str, str]] = json.loads(out.read_text(encoding="utf-8"))
    return rows


def render(rows: list[dict[str, str]]) -> str:
    by_entry: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_entry[row["entry"]].append(row)
    parts = [HEADER]
    for entry in sorted(by_entry):
        parts.append(f"\n## `{entry}`\n\n| bad input | what fanzha does | test |\n|---|---|---|")
        for row in sorted(by_entry[entry], key=lambda r: (r["bad_input"], r["test"])):
            cells = [row["bad_input"], row["behaviour"], f"`{row['test']}`"]
            parts.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    text = render(collect())
    if args.check:
        current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
        if current != text:
            print("docs/reliability.md is out of date: run python scripts/reliability.py", file=sys.stderr)
            return 1
        return 0
    tmp = DOC.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(DOC)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
