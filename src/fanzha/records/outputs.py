"""Outputs that never destroy what the user has.

Every file or folder a command writes is written beside its target under a temporary name and renamed into place
when complete, so the target is at every moment either what it was before or the whole new output — never a
half-written file, never a folder mixing two runs. Before any work, `check_output` refuses what would destroy the
user's data:

- E040 the output is one of the inputs (or a folder that holds one);
- E041 the output's folder does not exist or cannot be written;
- E042 the output folder exists and is not empty (``--force`` replaces it, still atomically);
- E002 / E008 the output exists and is the wrong kind (a folder where a file is written, or the reverse).

A kill leaves at most a temporary sibling (``.NAME.PID.tmp``); the next run over the same target removes the
ones whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from fanzha.errors import InputError


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _inside(inner: Path, outer: Path) -> bool:
    try:
        inner.resolve().relative_to(outer.resolve())
    except ValueError:
        return False
    return True


def check_output(
    target: Path,
    *,
    inputs: Iterable[Path] = (),
    folder: bool = False,
    force: bool = False,
    option: str = "--out",
) -> None:
    """Refuse, before any work, an output that would destroy data (see the module docstring)."""
    target = Path(target)
    where = f"{option} {target}"
    for given in inputs:
        src = Path(given)
        if _same(target, src) or target.resolve() == src.resolve() or (folder and _inside(src, target)):
            raise InputError("E040", where=where, input=str(src))
    parent = target.resolve().parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError("E041", where=where, folder=str(parent))
    if folder:
        if target.exists() and not target.is_dir():
            raise InputError("E008", where=where)
        if target.is_dir() and any(target.iterdir()) and not force:
            raise InputError("E042", where=where)
    elif target.is_dir():
        raise InputError("E002", where=where)


def _temp(target: Path, suffix: str) -> Path:
    return target.parent / f".{target.name}.{os.getpid()}.{suffix}"


def remove_stale(target: Path) -> int:
    """Remove the temporary siblings of `target` left by runs that were killed; returns how many."""
    removed = 0
    for p in target.parent.glob(f".{target.name}.*.*"):
        parts = p.name.rsplit(".", 2)
        if len(parts) != 3 or parts[2] not in ("tmp", "old") or not parts[1].isdigit():
            continue
        pid = int(parts[1])
        if pid != os.getpid() and _alive(pid):
            continue
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_file(target: Path, *, inputs: Iterable[Path] = (), option: str = "--out") -> Iterator[BinaryIO]:
    """A binary file to write `target`'s new content into; it replaces `target` when the block completes and
    is removed when the block fails."""
    target = Path(target)
    check_output(target, inputs=inputs, option=option)
    remove_stale(target)
    tmp = _temp(target, "tmp")
    try:
        with open(tmp, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_dir(
    target: Path, *, inputs: Iterable[Path] = (), force: bool = False, option: str = "--out"
) -> Iterator[Path]:
    """A fresh folder to write `target`'s new content into; it replaces `target` (with `force`, an existing
    one) when the block completes, and is removed when the block fails."""
    target = Path(target)
    check_output(target, inputs=inputs, folder=True, force=force, option=option)
    remove_stale(target)
    tmp = _temp(target, "tmp")
    tmp.mkdir()
    try:
        yield tmp
        if target.exists():
            old = _temp(target, "old")
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
