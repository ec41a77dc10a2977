"""Loaders for the evaluation corpora in ``../shared/data`` (see each folder's SOURCE.txt).

Every loader reads one corpus folder and yields `Record`s in the same shape as a line of the labelled JSONL
that ``fanzha eval --jsonl`` reads: ``id``, ``text`` or ``turns`` (a list of ``{speaker, text}``), ``label``
(scam / safe), optionally ``category`` (alternatives separated by ``|``), ``kind`` and ``topic``, and
``source`` (the corpus) and ``where`` (``file:line``). Files are decoded with `fanzha.records.files.decode_bytes`
(UTF-8 or GB18030). Rows that cannot be used are reported to ``on_error`` as `InputError`s with their
``file:line`` and skipped (without ``on_error`` they are logged as warnings); a missing folder raises E305,
a missing file E302.

The corpora are never copied into the repository: the data folder is ``../shared/data`` relative to the
repository root, or ``$FANZHA_DATA``.

Splits: every record belongs to ``dev`` or ``test`` by a stable hash of its content (`split_key`, `split_of`),
half and half, so that a text repeated within a corpus or across corpora falls on one side. The knowledge base
is tuned on ``dev`` errors only; figures are reported on ``test`` and ``all``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NotRequired, Required, TypedDict

import orjson

from fanzha.errors import InputError
from fanzha.records.files import csv_field_limit, decode_bytes, read_bytes

Split = Literal["dev", "test", "all"]
SPLITS: tuple[Split, ...] = ("dev", "test", "all")


class TurnDict(TypedDict):
    speaker: str | None
    text: str


class Record(TypedDict, total=False):
    """One labelled example, as yielded by the loaders and read from labelled JSONL."""

    id: Required[str]
    label: Required[str]
    source: Required[str]
    text: str
    turns: list[TurnDict]
    category: NotRequired[str]
    kind: NotRequired[str]
    topic: NotRequired[str]
    where: NotRequired[str]


OnError = Callable[[InputError], None]
Loader = Callable[[Path, OnError | None], Iterator[Record]]

#: csv's default field limit (128 KiB) is below the longest news articles' size in the worst case
FIELD_LIMIT = 16 * 1024 * 1024


# -- locating the data ------------------------------------------------------------------------------------


def repo_root() -> Path:
    """The repository root (this file is ``src/fanzha/evaluate/corpora.py``)."""
    return Path(__file__).resolve().parents[3]


def default_data_dir() -> Path:
    """``$FANZHA_DATA``, else ``../shared/data`` relative to the repository root."""
    env = os.environ.get("FANZHA_DATA")
    if env:
        return Path(env)
    return repo_root().parent / "shared" / "data"


# -- splits ------------------------------------------------------------------------------------------------


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def split_key(record: Mapping[str, Any]) -> str:
    """What decides a record's half: its text with runs of white space collapsed (a dialogue: its turns'
    texts), so that exact duplicates — TF8 repeats 999 of TF5's class-3 texts, TF5's normal SMS repeat —
    cannot straddle the split and a fix made on a dev text cannot lift its twin in test. The id when there
    is no text."""
    text = record.get("text")
    if isinstance(text, str) and text.strip():
        return "text:" + " ".join(text.split())
    turns = record.get("turns")
    if isinstance(turns, list) and turns:
        return "turns:" + "\n".join(" ".join(str(t.get("text", "")).split()) for t in turns)
    return str(record["id"])


def split_of(key: str) -> Literal["dev", "test"]:
    """``dev`` or ``test``, half and half, by the SHA-256 of `key` (a record's `split_key`; stable across
    runs and machines, unlike ``hash()``)."""
    return "dev" if _digest(key)[0] < 128 else "test"


def in_split(key: str, split: Split) -> bool:
    return split == "all" or split_of(key) == split


def sample_key(record_id: str) -> int:
    """The order in which ``--limit`` takes records: a hash independent of the split's."""
    return int.from_bytes(_digest("sample:" + record_id)[:8], "big")


# -- helpers -----------------------------------------------------------------------------------------------


log = logging.getLogger(__name__)


def _report(on_error: OnError | None, error: InputError) -> None:
    """Hand a bad row to `on_error`, or log it as a warning when there is none."""
    if on_error is None:
        log.warning("%s", error.render())
    else:
        on_error(error)


def _rel(root: Path, path: Path) -> str:
    """``corpus/file`` for messages and ``where``."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _read(path: Path) -> str:
    if not path.exists():
        raise InputError("E302", where=str(path.parent), files=path.name)
    return decode_bytes(read_bytes(path), where=str(path)).replace("\ufeff", "")


def _files(root: Path, pattern: str) -> list[Path]:
    if not root.is_dir():
        raise InputError("E305", where=str(root))
    files = sorted(root.glob(pattern))
    if not files:
        raise InputError("E302", where=str(root), files=pattern)
    return files


def _csv_rows(
    path: Path,
    root: Path,
    header: tuple[str, ...] | None,
    on_error: OnError | None,
    *,
    delimiter: str = ",",
) -> Iterator[tuple[str, list[str]]]:
    """(``file:line``, row) for every data row with at least as many fields as the header; others are
    reported (E303). The header, when given, must match the file's first row."""
    rel = _rel(root, path)
    reader = csv.reader(io.StringIO(_read(path), newline=""), delimiter=delimiter)
    rows: list[
        tuple[int, list[str]]
    ] = []  # (first line, row): parsed whole, so the limit is not held by a generator
    last = 0
    error: csv.Error | None = None
    with csv_field_limit(FIELD_LIMIT):
        try:
            for row in reader:
                rows.append((last + 1, row))
                last = reader.line_num
        except csv.Error as exc:
            error = exc
    width = len(header) if header else 0
    first = True
    for start, row in rows:
        if first and header is not None:
            first = False
            if tuple(c.strip() for c in row[:width]) != header:
                raise InputError("E306", where=f"{rel}:{start}", header=row, expected=list(header))
            continue
        if not row:  # a blank line; a row of empty fields is reported by the loader
            continue
        if len(row) < width:
            _report(on_error, InputError("E303", where=f"{rel}:{start}", expected=width, got=len(row)))
            continue
        yield f"{rel}:{start}", row
    if error is not None:
        _report(on_error, InputError("E307", where=f"{rel}:{last + 1}", reason=str(error)))


def _empty(where: str) -> InputError:
    return InputError("E304", where=where)


# -- TeleAntiFraud-28k --------------------------------------------------------------------------------------


def load_teleantifraud(root: Path, on_error: OnError | None = None) -> Iterator[Record]:
    """TeleAntiFraud-28k: ``fraud_dialogues-*.jsonl`` → scam (kind attempt), ``normal_dialogues-*.jsonl`` →
    safe. Turns interleave ``left`` (the caller, speaker ``caller``, who speaks first) and ``right`` (the
    callee, speaker ``我``); full_dialogues.tar.gz has the same order. ``topic`` is ``fraud_type`` (the
    scam type, or the scene of a normal call). Ids are ``teleantifraud:<file stem>:<tts_id>`` since
    tts_ids repeat across files."""
    name = root.name
    for path in _files(root, "*_dialogues-*.jsonl"):
        scam = path.name.startswith("fraud_")
        rel = _rel(root, path)
        text = _read(path)
        for n, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            where = f"{rel}:{n}"
            try:
                obj = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                _report(on_error, InputError("E020", where=where, reason=str(exc)))
                continue
            left, right = (obj.get("left"), obj.get("right")) if isinstance(obj, dict) else (None, None)
            if not isinstance(left, list) or not isinstance(right, list) or "tts_id" not in obj:
                _report(
                    on_error, InputError("E308", where=where, fields="{tts_id, left: [...], right: [...]}")
                )
                continue
            turns: list[TurnDict] = []
            for a, b in itertools.zip_longest(left, right):
                if isinstance(a, str) and a.strip():
                    turns.append({"speaker": "caller", "text": a})
                if isinstance(b, str) and b.strip():
                    turns.append({"speaker": "我", "text": b})
            if not turns:
                _report(on_error, _empty(where))
                continue
            rec: Record = {
                "id": f"{name}:{path.stem}:{obj['tts_id']}",
                "turns": turns,
                "label": "scam" if scam else "safe",
                "source": name,
                "where": where,
            }
            if scam:
                rec["kind"] = "attempt"
            if isinstance(obj.get("fraud_type"), str):
                rec["topic"] = obj["fraud_type"]
            yield rec


# -- Telecom_Fraud_Texts_5 and _8 ---------------------------------------------------------------------------

TF5_CLASSES: dict[str, tuple[str, str | None]] = {
    # file label → (gold label, gold category)
    "00": ("safe", None),
    "01": ("scam", "impersonate_authority"),
    "02": ("scam", "fake_loan|fake_credit"),
    "03": ("scam", "ecommerce_cs"),
    "04": ("scam", "impersonate_acquaintance"),
}
TF8_CLASSES: dict[str, str] = {
    "1": "impersonate_authority",
    "2": "fake_loan|fake_credit",
    "3": "ecommerce_cs",
    "4": "impersonate_acquaintance",
    "5": "task_rebate",
    "6": "romance",
    "7": "game_trade",
}
_TF5_FILE = re.compile(r"^label(\d\d)-last(\.utf8)?\.csv$")
_TF8_FILE = re.compile(r"^label(\d+)-new\d*\.csv$")


def _prefer_original(paths: Iterable[Path], pattern: re.Pattern[str]) -> dict[str, Path]:
    """Class → file, reading the original of a file that also has a ``.utf8`` twin (the same content)."""
    out: dict[str, Path] = {}
    for p in paths:
        m = pattern.match(p.name)
        if m is None:
            continue
        if m.group(1) not in out or not p.name.endswith(".utf8.csv"):
            out[m.group(1)] = p
    return dict(sorted(out.items()))


def _text_rows(
    root: Path, files: dict[str, Path], on_error: OnError | None
) -> Iterator[tuple[str, str, str, str]]:
    """(class, id, where, text) of every non-empty row of the ``content,label`` files."""
    for cls, path in files.items():
        stem = path.name.split("-")[0]
        for i, (where, row) in enumerate(_csv_rows(path, root, ("content", "label"), on_error), start=1):
            text = row[0]
            if not text.strip():
                _report(on_error, _empty(where))
                continue
            yield cls, f"{root.name}:{stem}:{i}", where, text


def load_tf5(root: Path, on_error: OnError | None = None) -> Iterator[Record]:
    """Telecom_Fraud_Texts_5: label00 → safe (real SMS); 01 impersonate_authority; 02 fake_loan|fake_credit;
    03 ecommerce_cs; 04 impersonate_acquaintance (read from the GB18030 original; its ``.utf8`` twin is the
    same). Scam texts have kind attempt. Ids are ``telecom_fraud_texts_5:labelNN:<row>``."""
    files = _prefer_original(_files(root, "label*.csv"), _TF5_FILE)
    unknown = [c for c in files if c not in TF5_CLASSES]
    for c in unknown:
        _report(on_error, InputError("E319", where=str(files.pop(c)), label=f"label{c}"))
    for cls, rid, where, text in _text_rows(root, files, on_error):
        label, category = TF5_CLASSES[cls]
        rec: Record = {"id": rid, "text": text, "label": label, "source": root.name, "where": where}
        if category is not None:
            rec["category"] = category
            rec["kind"] = "attempt"
        yield rec


def load_tf8(root: Path, on_error: OnError | None = None) -> Iterator[Record]:
    """Telecom_Fraud_Texts_8 (scams only): 1 impersonate_authority, 2 fake_loan|fake_credit, 3 ecommerce_cs,
    4 impersonate_acquaintance, 5 task_rebate, 6 romance, 7 game_trade; kind attempt. Its class 3 includes
    999 texts of TF5 label03."""
    files = _prefer_original(_files(root, "label*.csv"), _TF8_FILE)
    for c in [c for c in files if c not in TF8_CLASSES]:
        _report(on_error, InputError("E319", where=str(files.pop(c)), label=f"label{c}"))
    for cls, rid, where, text in _text_rows(root, files, on_error):
        yield {
            "id": rid,
            "text": text,
            "label": "scam",
            "category": TF8_CLASSES[cls],
            "kind": "attempt",
            "source": root.name,
            "where": where,
        }


# -- fraud news reports -------------------------------------------------------------------------------------

_NEWS_FILE = re.compile(r"^(?P<topic>.+)\((?P<count>\d+)\)(?P<utf8>\.utf8)?\.csv$")
NEWS_HEADER = ("标题", "标题链接", "首页缩略封面图", "首页缩略文段", "发布者", "文章正文内容", "图片链接")


def load_news(root: Path, on_error: OnError | None = None) -> Iterator[Record]:
    """Fraud news reports: every article is safe, kind notice (texts about scams, not attempts); ``topic``
    from the file name (``冒充客服诈骗``); text = 标题 + newline + 文章正文内容. A topic with a ``.utf8`` twin
    is read once, from the original."""
    by_topic: dict[str, Path] = {}
    for p in _files(root, "*.csv"):
        m = _NEWS_FILE.match(p.name)
        if m is None:
            continue
        topic = m.group("topic").strip()
        if topic not in by_topic or m.group("utf8") is None:
            by_topic[topic] = p
    for topic, path in sorted(by_topic.items()):
        for i, (where, row) in enumerate(_csv_rows(path, root, NEWS_HEADER, on_error), start=1):
            title, body = row[0].strip(), row[5].strip()
            text = "\n".join(x for x in (title, body) if x)
            if not text:
                _report(on_error, _empty(where))
                continue
            yield {
                "id": f"{root.name}:{topic}:{i}",
                "text": text,
                "label": "safe",
                "kind": "notice",
                "topic": topic,
                "source": root.name,
                "where": where,
            }


# -- fintech customer-service questions ---------------------------------------------------------------------


def load_fintech(root: Path, on_error: OnError | None = None) -> Iterator[Record]:
    """ATEC, ATEC_CCKS and BQ questions: each distinct sentence of s1 / s2 in any file, once, safe. Ids are
    ``fintech_cs_queries:<sha1 of the sentence>`` (a sentence is its own identity here)."""
    seen: set[str] = set()
    sources: list[tuple[Path, tuple[str, ...] | None, str, tuple[int, int]]] = []
    for path in _files(root, "**/*.csv"):
        if path.parent.name == "ATEC":  # idx \t s1 \t s2 \t label, no header
            sources.append((path, None, "\t", (1, 2)))
        elif path.parent.name == "ATEC_CCKS":
            sources.append((path, ("text_1", "text_2", "label"), "\t", (0, 1)))
        elif path.parent.name == "BQ_corpus":
            sources.append((path, ("sentence1", "sentence2", "label"), ",", (0, 1)))
    if not sources:
        raise InputError("E302", where=str(root), files=["ATEC/*.csv", "ATEC_CCKS/*.csv", "BQ_corpus/*.csv"])
    for path, header, delimiter, (a, b) in sources:
        need = max(a, b) + 1
        for where, row in _csv_rows(path, root, header, on_error, delimiter=delimiter):
            if len(row) < need:
                _report(on_error, InputError("E303", where=where, expected=need, got=len(row)))
                continue
            for col in (a, b):
                sentence = row[col].strip()
                if not sentence or sentence in seen:
                    continue
                seen.add(sentence)
                yield {
                    "id": f"{root.name}:{hashlib.sha1(sentence.encode('utf-8')).hexdigest()[:16]}",
                    "text": sentence,
                    "label": "safe",
                    "source": root.name,
                    "where": where,
                }


# -- Taobao E-commerce Dialogue Corpus sample ---------------------------------------------------------------

TAOBAO_FILES = ("test", "train", "valid")


def load_taobao(root: Path, on_error: OnError | None = None) -> Iterator[Record]:
    """ECD sample: label-1 lines of test / train / valid are benign dialogues. The utterances become turns
    whose speakers alternate so that the last one (the true response) is the agent's (``客服``) and the one
    before it the customer's (``客户``). Words stay space-separated (the normaliser removes spaces between
    Chinese characters). Identical dialogues are kept once (``valid`` is a copy of ``train``)."""
    files = [root / f for f in TAOBAO_FILES if (root / f).is_file()]
    if not files:
        raise InputError("E302", where=str(root), files=TAOBAO_FILES)
    seen: set[str] = set()
    for path in files:
        rel = _rel(root, path)
        for n, line in enumerate(_read(path).splitlines(), start=1):
            if not line.strip():
                continue
            fields = line.split("\t")
            where = f"{rel}:{n}"
            if fields[0] not in ("0", "1") or len(fields) < 3:
                _report(
                    on_error,
                    InputError("E308", where=where, fields="label \\t utterance \\t ... \\t response"),
                )
                continue
            if fields[0] != "1":
                continue
            utterances = [u.strip() for u in fields[1:]]
            key = "\t".join(utterances)
            if key in seen:
                continue
            seen.add(key)
            last = len(utterances) - 1
            turns: list[TurnDict] = [
                {"speaker": "客服" if (last - i) % 2 == 0 else "客户", "text": u}
                for i, u in enumerate(utterances)
                if u
            ]
            yield {
                "id": f"{root.name}:{path.name}:{n}",
                "turns": turns,
                "label": "safe",
                "source": root.name,
                "where": where,
            }


# -- IMFraud benign customer-service dialogues --------------------------------------------------------------

IMFRAUD_HEADER = ("case_id", "turn_number", "speaker", "content")
_USER_SPEAKERS = {"客户": "客户", "customer": "客户", "客服": "客服", "customer service": "客服"}


def load_imfraud(root: Path, on_error: OnError | None = None) -> Iterator[Record]:
    """IMFraud benign dialogues: rows grouped by ``case_id`` and ordered by ``turn_number``. A case id is
    reused for several dialogues in a file, so a dialogue also ends where a turn number repeats.
    Speakers 客户 / Customer are the user (``客户``), 客服 / Customer Service the agent (``客服``); rows
    without content are reported and skipped."""
    for path in _files(root, "*.csv"):
        model = path.stem.rsplit("_", 1)[-1]
        groups: list[tuple[str, str, list[tuple[int, TurnDict]]]] = []
        numbers: set[int] = set()
        for where, row in _csv_rows(path, root, IMFRAUD_HEADER, on_error):
            case, number, speaker, content = (c.strip() for c in row[:4])
            try:
                turn_no = int(number)
            except ValueError:
                _report(on_error, InputError("E309", where=where, field="turn_number", value=number))
                continue
            if not groups or case != groups[-1][0] or turn_no in numbers:
                groups.append((case, where, []))
                numbers = set()
            numbers.add(turn_no)
            if not content:
                _report(on_error, _empty(where))
                continue
            who = _USER_SPEAKERS.get(speaker.lower(), speaker or None)
            groups[-1][2].append((turn_no, {"speaker": who, "text": content}))
        for case, where, turns in groups:
            if not turns:
                continue
            line = where.rsplit(":", 1)[1]
            yield {
                "id": f"{root.name}:{model}:{case}:{line}",
                "turns": [t for _, t in sorted(turns, key=lambda x: x[0])],
                "label": "safe",
                "source": root.name,
                "where": where,
            }


# -- registry ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    """What the evaluation table says about a corpus."""

    name: str
    short: str
    title: str
    real: bool
    scams: bool
    benign: bool


CORPORA: dict[str, Loader] = {
    "teleantifraud": load_teleantifraud,
    "telecom_fraud_texts_5": load_tf5,
    "telecom_fraud_texts_8": load_tf8,
    "fraud_news_reports": load_news,
    "fintech_cs_queries": load_fintech,
    "taobao_ecd_sample": load_taobao,
    "imfraud_benign_cs": load_imfraud,
}
INFO: dict[str, CorpusInfo] = {
    i.name: i
    for i in (
        CorpusInfo("teleantifraud", "TeleAntiFraud", "TeleAntiFraud-28k calls", False, True, True),
        CorpusInfo("telecom_fraud_texts_5", "TF5", "Telecom_Fraud_Texts_5", False, True, True),
        CorpusInfo("telecom_fraud_texts_8", "TF8", "Telecom_Fraud_Texts_8 (scams only)", False, True, False),
        CorpusInfo("fraud_news_reports", "news", "fraud news reports", True, False, True),
        CorpusInfo("fintech_cs_queries", "fintech", "fintech customer-service questions", True, False, True),
        CorpusInfo("taobao_ecd_sample", "Taobao", "Taobao customer-service dialogues", True, False, True),
        CorpusInfo(
            "imfraud_benign_cs", "IMFraud", "IMFraud benign customer-service dialogues", False, False, True
        ),
    )
}
ALIASES: dict[str, str] = {
    "tele": "teleantifraud",
    "tf5": "telecom_fraud_texts_5",
    "tf8": "telecom_fraud_texts_8",
    "news": "fraud_news_reports",
    "fintech": "fintech_cs_queries",
    "taobao": "taobao_ecd_sample",
    "imfraud": "imfraud_benign_cs",
}


def resolve(name: str) -> str:
    """The registered name for `name` (or one of its short aliases); E301 lists the valid names."""
    key = name.strip().lower()
    if key in CORPORA:
        return key
    if key in ALIASES:
        return ALIASES[key]
    import difflib

    close = difflib.get_close_matches(key, [*CORPORA, *ALIASES], n=3)
    raise InputError("E301", name=name, valid=[*CORPORA, *ALIASES], close=close)


def load(
    name: str,
    split: Split = "all",
    *,
    root: Path | None = None,
    limit: int | None = None,
    on_error: OnError | None = None,
) -> list[Record]:
    """The records of corpus `name` in `split`; with `limit`, a deterministic sample of that many (the
    records with the smallest `sample_key`), in the corpus order."""
    if split not in SPLITS:
        raise InputError("E330", split=split, valid=SPLITS)
    name = resolve(name)
    folder = (root if root is not None else default_data_dir()) / name
    records = [r for r in CORPORA[name](folder, on_error) if in_split(split_key(r), split)]
    if limit is not None and len(records) > limit:
        keep = set(sorted(range(len(records)), key=lambda i: sample_key(records[i]["id"]))[:limit])
        records = [r for i, r in enumerate(records) if i in keep]
    return records
