"""Outputs that never destroy what the user has.

Every file or folder a command writes is written beside its target under a temporary name and renamed into place
when complete, so the target is at every moment either what it was before or the whole new output — never a
half-written file, never a folder mixing two runs. Before any work, `check_output` refuses what would destroy the
user's data:

- E040 the output is one of the inputs (or a folder that holds one);
- E041 the output's folder does not exist or cannot be written;
- E042 the output folder exists and is not empty (``--force`` replaces it, still atomically);
- E002 / E008 the output exists and is the wrong kind (a folder where a file is written, or the reverse).

A write the operating system refuses all the same (a full disk, a file system that is read-only even for root)
is E043, and the target is left as it was.

A kill leaves at most a temporary sibling (``.NAME.PID.tmp``); the next run over the same target removes the
ones whose process is gone.
"""

from __future__ import annotations

import contextlib
import errno
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


# what writing a file fails with when the disk, the quota or the file system refuses it
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})


@contextlib.contextmanager
def _writing(target: Path, option: str, *, any_error: bool = True) -> Iterator[None]:
    """The operating system's refusal to write `target` as E043 (with `any_error` false, only the errors of
    a write: a full disk, a quota, a read-only file system)."""
    try:
        yield
    except OSError as exc:
        if not any_error and exc.errno not in _WRITE_ERRNOS:
            raise
        raise InputError("E043", where=f"{option} {target}", reason=exc.strerror or str(exc)) from None


@contextlib.contextmanager
def atomic_file(target: Path, *, inputs: Iterable[Path] = (), option: str = "--out") -> Iterator[BinaryIO]:
    """A binary file to write `target`'s new content into; it replaces `target` when the block completes and
    is removed when the block fails. A write the operating system refuses is E043."""
    target = Path(target)
    check_output(target, inputs=inputs, option=option)
    remove_stale(target)
    tmp = _temp(target, "tmp")
    try:
        with _writing(target, option):
            fh = open(tmp, "wb")  # noqa: SIM115 - closed below
        with fh:
            with _writing(target, option, any_error=False):
                yield fh
            with _writing(target, option):
                fh.flush()
                os.fsync(fh.fileno())
        with _writing(target, option):
            os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def check_output_files(
    folder: Path, names: Iterable[str], *, inputs: Iterable[Path] = (), option: str = "--out"
) -> None:
    """Refuse, before any work, a folder to write the files `names` into with `atomic_file` (the folder is
    created when missing and its other files are left alone): E008 it is a file; E041 it, or its parent when
    it is missing, cannot be written; E040 / E002 for a file as `check_output` says."""
    folder = Path(folder)
    inputs = list(inputs)
    if folder.exists() and not folder.is_dir():
        raise InputError("E008", where=f"{option} {folder}")
    if not folder.exists():
        check_output(folder, inputs=inputs, option=option)
        return
    for name in names:
        check_output(folder / name, inputs=inputs, option=option)


def make_folder(folder: Path, *, option: str = "--out") -> Path:
    """`folder`, created when missing (its parent must exist: E041 otherwise)."""
    folder = Path(folder)
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        raise InputError("E041", where=f"{option} {folder}", folder=str(folder.resolve().parent)) from None
    return folder


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
