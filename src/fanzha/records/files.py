"""Reading what people give the CLI: text files in any common Chinese encoding, JSONL, small YAML files (a column
mapping); chat exports are `fanzha.records.turns`.

Every problem is reported as an `InputError` that names the file (and line) and what was wrong.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from fanzha.errors import InputError

MAX_FILE_BYTES = 64 * 1024 * 1024


def decode_bytes(data: bytes, *, where: str) -> str:
    """Decode text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030, then charset detection.

    Binary data (NUL bytes outside UTF-16, or no decoding that yields mostly printable text) is refused.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise InputError("E003", where=where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("E004", where=where)
    return str(best)


def read_bytes(path: str | Path, *, limit: int | None = None) -> bytes:
    """The bytes of a file: E001 when it is missing, E002 a folder, E006 unreadable for want of permission,
    E007 unreadable for another reason, E005 larger than `limit` bytes."""
    p = Path(path)
    where = str(p)
    try:
        if limit is not None and (size := p.stat().st_size) > limit:
            raise InputError("E005", where=where, size=size // (1024 * 1024), limit=limit // (1024 * 1024))
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError("E001", where=where) from None
    except IsADirectoryError:
        raise InputError("E002", where=where) from None
    except PermissionError:
        raise InputError("E006", where=where) from None
    except OSError as exc:
        raise InputError("E007", where=where, reason=exc.strerror or str(exc)) from None


def read_text_file(path: str | Path) -> str:
    """A text file decoded (see `decode_bytes`), refused above `MAX_FILE_BYTES`."""
    return decode_bytes(read_bytes(path, limit=MAX_FILE_BYTES), where=str(path))


class YamlError(Exception):
    """A YAML file that does not parse: where (``path:line``, or the path) and the parser's own words."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


def load_yaml(path: str | Path) -> Any:
    """The document of a YAML file read as `read_text_file` reads it (E001–E007 when it cannot be); `YamlError`
    when it does not parse, for the caller to raise with the code of what the file is."""
    import yaml

    p = Path(path)
    try:
        return yaml.safe_load(read_text_file(p))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f"{p}:{line + 1}" if line is not None else str(p)
        raise YamlError(where, getattr(exc, "problem", None) or str(exc)) from None


@dataclass(frozen=True, slots=True)
class JsonlRecord:
    line: int
    data: dict[str, Any] | None
    error: InputError | None = None


def iter_jsonl(path: str | Path, *, required: tuple[str, ...] = ()) -> Iterator[JsonlRecord]:
    """Yield each line of a JSONL file as an object; bad lines are yielded with an error and do not stop
    the others. Blank lines are skipped. Invalid UTF-8 is reported per line."""
    where = str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in finally; a generator owns the handle
    except FileNotFoundError:
        raise InputError("E001", where=where) from None
    except IsADirectoryError:
        raise InputError("E002", where=where) from None
    try:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            loc = f"{where}:{n}"
            try:
                obj = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                yield JsonlRecord(n, None, InputError("E020", where=loc, reason=str(exc)))
                continue
            if not isinstance(obj, dict):
                yield JsonlRecord(n, None, InputError("E023", where=loc, type=type(obj).__name__))
                continue
            missing = [k for k in required if k not in obj]
            if missing:
                yield JsonlRecord(n, obj, InputError("E024", where=loc, fields=missing))
                continue
            yield JsonlRecord(n, obj)
    finally:
        fh.close()
