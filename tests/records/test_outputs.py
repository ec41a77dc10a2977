"""Outputs are whole or absent: written beside the target and renamed into place; never an input, never a
non-empty folder without --force; a kill leaves the old target as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from fanzha.errors import InputError
from fanzha.records.outputs import atomic_dir, atomic_file, check_output, remove_stale


def test_a_file_appears_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with atomic_file(target) as fh:
        fh.write(b"new\n")
        assert target.read_text() == "old\n"  # not yet
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


@pytest.mark.reliability(
    entry="every output (records.outputs)",
    bad_input="the command fails half-way through writing",
    behaviour="the old output is left as it was; no partial file",
)
def test_a_failure_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_file(target) as fh:
        fh.write(b"half")
        raise RuntimeError("boom")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


@pytest.mark.reliability(
    entry="every output (records.outputs)",
    bad_input="the output is one of the inputs (same path, or a link to it)",
    behaviour="E040 before any work; the input unchanged",
)
@pytest.mark.parametrize("same", ["path", "link"])
def test_an_output_that_is_an_input_is_refused(tmp_path: Path, same: str) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("keep\n")
    target = src
    if same == "link":
        target = tmp_path / "alias.jsonl"
        target.symlink_to(src)
    with pytest.raises(InputError) as err, atomic_file(target, inputs=[src]):
        pass
    assert err.value.code == "E040"
    assert src.read_text() == "keep\n"


@pytest.mark.reliability(
    entry="every output (records.outputs)",
    bad_input="the output's folder is missing or read-only",
    behaviour="E041 before any work",
)
def test_missing_or_unwritable_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        check_output(tmp_path / "nope" / "out.jsonl")
    assert err.value.code == "E041"
    if os.geteuid() != 0:  # root writes anywhere
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        with pytest.raises(InputError) as err:
            check_output(ro / "out.jsonl")
        assert err.value.code == "E041"


@pytest.mark.reliability(
    entry="every output (records.outputs)",
    bad_input="the output folder is not empty; it holds an input; it is a file",
    behaviour="E042 unless --force (then replaced whole, never a mix of two runs); E040; E008 / E002",
)
def test_folders(tmp_path: Path) -> None:
    target = tmp_path / "trace"
    target.mkdir()
    (target / "freeze_list.csv").write_text("old run\n")
    with pytest.raises(InputError) as err, atomic_dir(target):
        pass
    assert err.value.code == "E042"
    with atomic_dir(target, force=True) as tmp:
        (tmp / "flows.csv").write_text("new run\n")
        assert (target / "freeze_list.csv").exists()  # the old run stays whole until the new one is
    assert sorted(p.name for p in target.iterdir()) == ["flows.csv"]  # never a mix of two runs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trace"]
    world = tmp_path / "world"
    world.mkdir()
    (world / "events.parquet").write_text("x")
    with pytest.raises(InputError) as err:
        check_output(world, inputs=[world / "events.parquet"], folder=True, force=True)
    assert err.value.code == "E040"
    with pytest.raises(InputError) as err:
        check_output(world / "events.parquet", folder=True)
    assert err.value.code == "E008"
    with pytest.raises(InputError) as err:
        check_output(world)
    assert err.value.code == "E002"


_KILLED = """
import os, signal, sys
from pathlib import Path
from fanzha.records.outputs import atomic_dir, atomic_file
target = Path(sys.argv[1])
if sys.argv[2] == "file":
    with atomic_file(target) as fh:
        fh.write(b"half of the new")
        os.kill(os.getpid(), signal.SIGKILL)
else:
    with atomic_dir(target, force=True) as tmp:
        (tmp / "a.csv").write_text("new")
        os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.reliability(
    entry="every output (records.outputs)",
    bad_input="kill -9 while the output is being written",
    behaviour="the old output is left as it was; the next run removes the temporary sibling",
)
@pytest.mark.parametrize("kind", ["file", "dir"])
def test_a_kill_leaves_the_old_output_and_the_next_run_cleans_up(tmp_path: Path, kind: str) -> None:
    target = tmp_path / ("out.jsonl" if kind == "file" else "out")
    if kind == "file":
        target.write_text("old\n")
    else:
        target.mkdir()
        (target / "a.csv").write_text("old")
    done = subprocess.run([sys.executable, "-c", _KILLED, str(target), kind], check=False)
    assert done.returncode == -signal.SIGKILL
    if kind == "file":
        assert target.read_text() == "old\n"
    else:
        assert (target / "a.csv").read_text() == "old"
    assert len(list(tmp_path.iterdir())) == 2  # the target and one stale temporary sibling
    assert remove_stale(target) == 1
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.reliability(
    entry="every output (records.outputs)",
    bad_input="the system refuses the write all the same (a full disk, a read-only file system)",
    behaviour="E043 naming the output and the system's reason; the old output left as it was, no temporary file",
)
def test_a_refused_write_is_e043(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import fanzha.records.outputs as outputs

    target = tmp_path / "out.jsonl"
    target.write_text("old\n")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", full)
    with pytest.raises(InputError) as err, atomic_file(target) as fh:
        fh.write(b"new\n")
    assert err.value.code == "E043" and "No space left" in err.value.render("en")
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_files_written_into_a_folder(tmp_path: Path) -> None:
    from fanzha.records.outputs import check_output_files, make_folder

    src = tmp_path / "in.jsonl"
    src.write_text("x\n")
    check_output_files(tmp_path / "new", ["a.json"], inputs=[src])  # created when written
    for folder, code in ((tmp_path / "no" / "new", "E041"), (src, "E008")):
        with pytest.raises(InputError) as err:
            check_output_files(folder, ["a.json"])
        assert err.value.code == code
    with pytest.raises(InputError) as err:
        check_output_files(tmp_path, ["in.jsonl"], inputs=[src])
    assert err.value.code == "E040"
    with pytest.raises(InputError) as err:
        make_folder(tmp_path / "no" / "new")
    assert err.value.code == "E041"
    assert make_folder(tmp_path / "new").is_dir()
