"""The floors hold: no upward import (import-linter's contract), the picture of them is current, and each
command loads only the floors it needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_LOADED = """
import contextlib, io, sys
from fanzha.cli.main import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
print(" ".join(sorted(m for m in sys.modules if m == "fanzha" or m.startswith("fanzha."))))
"""


def _loaded(*args: str, cwd: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _LOADED, *args], capture_output=True, text=True, cwd=cwd, check=True
    )
    return set(done.stdout.split())


def test_the_layers_contract_holds() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_the_picture_of_the_floors_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "floors.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_check_loads_only_what_detection_needs(tmp_path: Path) -> None:
    mods = _loaded("check", "您好，我是淘宝客服，给您三倍赔偿", cwd=tmp_path)
    floors = {m.split(".")[1] for m in mods if "." in m}
    assert floors <= {
        "cli",
        "detect",
        "text",
        "kb",
        "records",
        "errors",
        "messages",
        "registry",
        "classify",
    }, floors
    assert {m for m in mods if m.startswith("fanzha.classify.")} <= {
        "fanzha.classify.runtime",
        "fanzha.classify.model",
        "fanzha.classify.features",
    }
    assert "fanzha.kb.lint" not in mods and "fanzha.kb.sequences" not in mods


def test_warn_loads_no_sim_module(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"event_id": "e1", "person_id": "p1", "time": "2024-03-01T10:00:00+08:00", "kind": "sms", '
        '"direction": "in", "text": "您好，我是淘宝客服，您的快递丢失了，给您双倍赔偿，请加QQ 2846135790"}\n',
        encoding="utf-8",
    )
    mods = _loaded(
        "warn", "--events", str(events), "--out", str(tmp_path / "a.jsonl"), "--quiet", cwd=tmp_path
    )
    assert "fanzha.warn.engine" in mods
    assert not {m for m in mods if m.startswith("fanzha.sim")}, sorted(
        m for m in mods if m.startswith("fanzha.sim")
    )
    assert not {m for m in mods if m.startswith(("fanzha.trace", "fanzha.evaluate", "fanzha.classify."))}
