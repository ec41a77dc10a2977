"""Reading what people give the CLI: text files in any common Chinese encoding, JSONL, small YAML files (a column
mapping); chat exports are `fanzha.records.turns`.

This is the one place that decides how bytes become text (`detect`), in this order: a byte-order mark (UTF-8,
UTF-16, UTF-32) is believed; zero bytes falling on one side of the code units are UTF-16 (any text with ASCII
in it: JSON, a chat log), zero bytes otherwise binary data (E003); then UTF-8; then UTF-8 with a few bad
bytes, when most lines that are not plain ASCII are valid UTF-8 (rather than reading all of it as GB18030
mojibake); then GB18030, or UTF-16 without a mark when it reads as common characters where GB18030 reads as rare
ones (Chinese without any ASCII); then charset detection (E004 when nothing fits). `decode_bytes` decodes a
whole text; `iter_jsonl` decides from the head of the file and decodes it a line at a time, so a bad line is
reported with its number and the others are read.

Every problem is reported as an `InputError` that names the file (and line) and what was wrong.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, Self, TypeVar

import orjson

from fanzha.errors import InputError

MAX_FILE_BYTES = 64 * 1024 * 1024
SNIFF_BYTES = 64 * 1024  # how much of a JSONL file decides its encoding

# Marks, longest first: UTF-32 LE's begins with UTF-16 LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE = {"utf-16-le": 2, "utf-16-be": 2, "utf-32-le": 4, "utf-32-be": 4}
_ZERO_BYTES = 8192  # a zero byte here: UTF-16 or binary data
_PLAUSIBLE_CHARS = 2000  # how many decoded characters judge a decoding


@dataclass(frozen=True, slots=True)
class Encoding:
    """How a text is encoded: a Python codec and the length of the byte-order mark before the text."""

    codec: str
    bom: int = 0

    @property
    def width(self) -> int:
        """Bytes per code unit: 1, or 2 / 4 for UTF-16 / UTF-32 (whose line breaks are that wide)."""
        return _WIDE.get(self.codec, 1)


def _decodes(data: bytes, codec: str, final: bool) -> str | None:
    """`data` decoded strictly (an incomplete character at the end allowed unless `final`), or None."""
    try:
        return codecs.getincrementaldecoder(codec)().decode(data, final=final)
    except UnicodeDecodeError:
        return None


def _utf16_by_zeros(sample: bytes) -> str | None:
    """UTF-16 LE / BE when the zero bytes of `sample` fall on one side of its code units (the ASCII characters
    of a UTF-16 text), else None."""
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    if odd >= 4 * even:
        return "utf-16-le"
    if even >= 4 * odd:
        return "utf-16-be"
    return None


def _printable(text: str) -> float:
    """The share of the first characters of `text` that are printable or white space (control characters
    abound when binary data is read as UTF-16)."""
    head = text[:_PLAUSIBLE_CHARS]
    return sum(ch.isprintable() or ch in "\t\r\n" for ch in head) / len(head) if head else 0.0


def _common(text: str) -> float:
    """The share of the first characters of `text` that are printable ASCII or in GB2312 (the common Chinese
    characters and punctuation): high for the right decoding, low for the rare characters a wrong one gives."""
    head = text[:_PLAUSIBLE_CHARS]
    good = 0
    for ch in head:
        if ch < "\x80":
            good += ch.isprintable() or ch in "\t\r\n"
            continue
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        good += 1
    return good / len(head) if head else 0.0


def _mostly_utf8(data: bytes, final: bool) -> bool:
    """Whether most lines of `data` that are not plain ASCII are valid UTF-8 (a UTF-8 text with a few bad
    bytes; in a GB18030 text almost none is)."""
    rows = data.splitlines()
    if not final and len(rows) > 1:
        rows.pop()  # it may be cut
    wide = [row for row in rows if not row.isascii()]
    return 2 * sum(_decodes(row, "utf-8", True) is not None for row in wide) >= len(wide)


def _detect(data: bytes, where: str, final: bool) -> tuple[Encoding, str | None]:
    """`detect`, and the text when it decoded all of `data` to decide."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Encoding(codec, len(bom)), None
    if b"\x00" in data[:_ZERO_BYTES]:
        wide = _utf16_by_zeros(data[:SNIFF_BYTES])
        text = None if wide is None else _decodes(data, wide, False)  # a cut last character is no binary
        if wide is None or text is None or _printable(text) < 0.95:
            raise InputError("E003", where=where)
        return Encoding(wide), text if final and len(data) % 2 == 0 else None
    text = _decodes(data, "utf-8", final)
    if text is not None:
        return Encoding("utf-8"), text
    if _mostly_utf8(data, final):
        return Encoding("utf-8"), None
    best: tuple[float, str, str] | None = None
    for codec in ("gb18030", "utf-16-le", "utf-16-be"):  # GB18030 first: it wins unless clearly worse
        text = _decodes(data, codec, final)
        if text is None:
            continue
        score = _common(text)
        if codec != "gb18030" and score < 0.9:  # UTF-16 without a zero byte: common characters only
            continue
        if best is None or score > best[0] + 0.1:
            best = (score, codec, text)
    if best is not None:
        return Encoding(best[1]), best[2]
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is None:
        raise InputError("E004", where=where)
    return Encoding(codecs.lookup(guess.encoding).name), None


def detect(data: bytes, *, where: str, final: bool = True) -> Encoding:
    """The encoding of a text that is (`final`) or begins with (not `final`) `data`: E003 for binary data,
    E004 when no decoding fits. See the module docstring for the order of the tries."""
    return _detect(data, where, final)[0]


def stream_encoding(head: bytes, *, where: str) -> str:
    """The codec to read a stream of lines in, from its first bytes (`head`, e.g. 64 KiB; see `detect`, E003
    for binary data): ``utf-8-sig`` (a UTF-8 mark), ``utf-16`` / ``utf-32`` (a mark: Python's codec reads it),
    a wide codec without a mark (``utf-16-le`` …), or an ASCII-compatible one (``utf-8``, ``gb18030`` …)."""
    enc = detect(head, where=where, final=False)
    if enc.bom:
        return {1: "utf-8-sig", 2: "utf-16", 4: "utf-32"}[enc.width]
    return enc.codec


def is_wide(codec: str | None) -> bool:
    """Whether a stream in `codec` has wide code units (UTF-16 / UTF-32): its lines cannot be split bytewise."""
    return codec is not None and codec.replace("_", "-").startswith(("utf-16", "utf-32"))


def decode_bytes(data: bytes, *, where: str) -> str:
    """Decode a whole text (see `detect`). A bad byte of a text with a byte-order mark, of a text that is mostly
    UTF-8, or a UTF-16 text's cut last character, becomes U+FFFD."""
    enc, text = _detect(data, where, True)
    if text is not None:
        return text
    if enc.bom or enc.codec == "utf-8" or enc.width > 1:  # a mark, UTF-8 with a few bad bytes, cut UTF-16
        return data[enc.bom :].decode(enc.codec, errors="replace")
    try:
        return data.decode(enc.codec)
    except UnicodeDecodeError:  # charset detection's guess does not decode all of it
        raise InputError("E004", where=where) from None


@contextlib.contextmanager
def _reading(where: str) -> Iterator[None]:
    """The operating system's refusals to read `where` as E001 / E002 / E006 / E007."""
    try:
        yield
    except FileNotFoundError:
        raise InputError("E001", where=where) from None
    except IsADirectoryError:
        raise InputError("E002", where=where) from None
    except PermissionError:
        raise InputError("E006", where=where) from None
    except OSError as exc:
        raise InputError("E007", where=where, reason=exc.strerror or str(exc)) from None


def read_bytes(path: str | Path, *, limit: int | None = None) -> bytes:
    """The bytes of a file: E001 when it is missing, E002 a folder, E006 unreadable for want of permission,
    E007 unreadable for another reason, E005 larger than `limit` bytes."""
    p = Path(path)
    where = str(p)
    with _reading(where):
        if limit is not None and (size := p.stat().st_size) > limit:
            raise InputError("E005", where=where, size=size // (1024 * 1024), limit=limit // (1024 * 1024))
        return p.read_bytes()


#: csv's own default field limit: what `read_csv_rows` allows a field of a small CSV file
CSV_FIELD_LIMIT = 128 * 1024


@contextlib.contextmanager
def csv_field_limit(limit: int) -> Iterator[None]:
    """The csv module's field limit (a process-wide setting) set to `limit` while the block parses, then put
    back: what one reader allows does not depend on which other module was imported or ran first."""
    before = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def read_csv_rows(path: str | Path) -> list[tuple[int, list[str]]]:
    """The rows of a small CSV file (a header, then seeds or links), each with the line it starts on, the file
    read as `decode_bytes` reads it (E001–E007 when it cannot be). Any line break ends a row (\\n, \\r\\n, a
    lone \\r), a quoted field may hold line breaks, a byte-order mark is dropped; a row the csv module cannot
    parse (a field beyond its 128 KiB) is E007 at its line."""
    where = str(path)
    text = decode_bytes(read_bytes(path), where=where).removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        with csv_field_limit(CSV_FIELD_LIMIT):
            for row in reader:
                rows.append((start, row))
                start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError("E007", where=f"{where}:{start}", reason=str(exc)) from None
    return rows


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
        reason = getattr(exc, "problem", None) or str(exc)
        raise YamlError(where, " ".join(reason.split())) from None  # one line, as every error is


@dataclass(frozen=True, slots=True)
class JsonlRecord:
    line: int
    data: dict[str, Any] | None
    error: InputError | None = None


def _open(path: str | Path) -> tuple[IO[bytes], Encoding]:
    """A JSONL file opened after its byte-order mark, and its encoding (decided from its head)."""
    where = str(path)
    with _reading(where):
        fh = open(path, "rb")  # noqa: SIM115 - the caller closes it
    try:
        with _reading(where):
            head = fh.read(SNIFF_BYTES)
        enc = detect(head, where=where, final=len(head) < SNIFF_BYTES)
        fh.seek(enc.bom)
    except BaseException:
        fh.close()
        raise
    return fh, enc


def _raw_lines(fh: IO[bytes], enc: Encoding) -> Iterator[bytes]:
    """The lines of a file as bytes, each with its line break. A line break of UTF-16 / UTF-32 is as wide as
    its code units and starts on one of their boundaries."""
    if enc.width == 1:  # every other codec keeps ASCII bytes for ASCII: b"\n" is a line break
        yield from fh
        return
    width = enc.width
    newline = "\n".encode(enc.codec)
    buf = b""
    while chunk := fh.read(width << 18):
        buf += chunk
        start = 0
        while True:
            i = buf.find(newline, start)
            while i >= 0 and (i - start) % width:
                i = buf.find(newline, i + 1)
            if i < 0:
                break
            yield buf[start : i + width]
            start = i + width
        buf = buf[start:]
    if buf:
        yield buf


def count_lines(path: str | Path) -> int:
    """How many lines a JSONL file has (blank ones included), for a progress bar's total."""
    fh, enc = _open(path)
    with fh:
        return sum(1 for _ in _raw_lines(fh, enc))


def iter_jsonl(path: str | Path, *, required: tuple[str, ...] = ()) -> Iterator[JsonlRecord]:
    """Yield each line of a JSONL file as an object; bad lines are yielded with an error and do not stop
    the others. Blank lines are skipped. The file's encoding is decided from its head (`detect`: E003 / E004
    for the whole file); a line that does not decode in it is E020."""
    where = str(path)
    fh, enc = _open(path)
    utf8 = enc.codec == "utf-8"
    try:
        for n, raw in enumerate(_raw_lines(fh, enc), start=1):
            loc = f"{where}:{n}"
            line: bytes | str = raw
            if not utf8:  # UTF-8 is decoded (and checked) by orjson itself
                try:
                    line = raw.decode(enc.codec)
                except UnicodeDecodeError as exc:
                    yield JsonlRecord(n, None, InputError("E020", where=loc, reason=str(exc)))
                    continue
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
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


# -- column mappings of exports (trace's ColumnMap, cases' ReportMap) --------------------------------------------


class ColumnMapping(Protocol):
    """What a column mapping of an export offers: built from nothing or from a YAML file, `FIELD=COLUMN`
    overrides, a time zone for times written without an offset, and a check that names where it came from."""

    timezone: str

    def with_overrides(self, pairs: Sequence[str]) -> Self: ...

    def validate(self, *, where: str) -> None: ...


M = TypeVar("M", bound=ColumnMapping)
S = TypeVar("S")


def mapping_from_options(
    identity: Callable[[], M],
    load: Callable[[S], M],
    mapping: S | None,
    maps: Sequence[str] = (),
    tz: str | None = None,
) -> M:
    """The mapping the options say: `mapping` read by `load` (a YAML file's path on the command line, its text or
    parsed content in a request) or the identity, then the `--map FIELD=COLUMN` overrides, then `--tz`; each step
    checked, naming the option that broke it."""
    cmap = load(mapping) if mapping is not None else identity()
    if maps:
        cmap = cmap.with_overrides(list(maps))
    if tz is not None:
        cmap.timezone = tz
        cmap.validate(where="--tz")
    return cmap
