"""`fanzha sim --out` writes a world whole or not at all: the cases found on main, reproduced, with the behaviour
that replaced them, and a kill -9 in the middle of a generation."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clirun import run

SMALL = ["--people", "300", "--days", "6", "--seed", "3"]


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.reliability(
    entry="fanzha sim",
    bad_input="--out a folder that is not empty (another world, or anything else)",
    behaviour="E042 before any work, exit 2, the folder unchanged; with --force replaced whole: the new world "
    "and nothing else (was: E423, and --force wrote the world over the folder, leaving its other files)",
)
def test_a_folder_that_is_not_empty_is_refused_and_force_replaces_it_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fanzha.sim.validate import check_world

    out = tmp_path / "world"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(["sim", *SMALL, "--out", str(out), "--quiet"], capsys)
    assert code == 2 and f"--out {out}: E042" in err
    assert _digests(out) == {"notes.txt": hashlib.sha256(b"mine").hexdigest()}
    code, _, err = run(["sim", *SMALL, "--out", str(out), "--quiet", "--force"], capsys)
    assert code == 0, err
    assert "notes.txt" not in _digests(out) and (out / "manifest.json").is_file()
    assert check_world(out) == []
    assert [p.name for p in tmp_path.iterdir()] == ["world"]


def test_progress_is_silent_off_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["sim", *SMALL, "--out", str(tmp_path / "w")], capsys)
    assert code == 0 and err == "" and out.startswith("已生成 ")


def test_progress_reports_the_days() -> None:
    from fanzha.sim.config import SimConfig
    from fanzha.sim.generate import simulate

    seen: list[tuple[str, int, int | None]] = []
    simulate(SimConfig(people=300, days=4, seed=3), progress=lambda *a: seen.append(a))
    assert seen == [("days", d, 4) for d in (1, 2, 3, 4)]


# a generation in a process of its own that pauses after its second day, to be killed there
_SLOW_DAYS = """
import sys, time
from fanzha.sim import generate
real = generate._Generator._day
def slow(self, day):
    real(self, day)
    if day == 1:
        (self.out / "day-2").touch()
        time.sleep(60)
generate._Generator._day = slow
from fanzha.cli.main import main
main(sys.argv[1:])
"""


@pytest.mark.reliability(
    entry="fanzha sim",
    bad_input="kill -9 in the middle of a generation",
    behaviour="--out is absent, or the previous world whole (never a partial world for warn or trace to "
    "read); the rerun removes the temporary folder and writes the world whole",
)
@pytest.mark.parametrize("before", ["absent", "previous"])
def test_a_kill_leaves_no_partial_world_and_a_rerun_completes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: str
) -> None:
    out = tmp_path / "world"
    if before == "previous":
        code, _, err = run(["sim", *SMALL, "--seed", "4", "--out", str(out), "--quiet"], capsys)
        assert code == 0, err
    old = _digests(out) if out.exists() else None
    argv = ["sim", *SMALL, "--out", str(out), "--quiet", "--force"]
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_DAYS, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".world.*.tmp/day-2")):  # two days written, the rest to come
        assert proc.poll() is None, "the generation ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    if old is None:
        assert not out.exists()
    else:
        assert _digests(out) == old
    assert len(list(tmp_path.glob(".world.*.tmp"))) == 1  # what the kill left
    code, _, err = run(argv, capsys)
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == ["world"]
    fresh = tmp_path / "fresh"
    code, _, err = run(["sim", *SMALL, "--out", str(fresh), "--quiet"], capsys)
    assert code == 0 and _digests(out) == _digests(fresh)  # the same world as one never interrupted
