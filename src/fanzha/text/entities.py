"""Entities in a message: amounts, phone numbers, bank cards, QQ and WeChat ids, URLs, order and meeting numbers,
apps, shopping platforms and couriers, each with its span in the ORIGINAL text and a normalised value.

    >>> from fanzha.text.normalize import Normalizer
    >>> norm = Normalizer({"微信": ["V信"]}).normalize("退 款 3 8 0 0 元，加V信：pdd-tk520")
    >>> [(e.kind, e.text, e.value) for e in extract_entities(norm)]
    [('amount', '3 8 0 0 元', 380000), ('app', 'V信', '微信'), ('wechat_id', 'pdd-tk520', 'pdd-tk520')]

How it works, on the normalised text (lower case, simplified, half-width, evasive spellings undone, Chinese digit
runs turned into ASCII digits):

1. The normaliser deletes separators between two letters or digits, so "400-123-4567 010-12345678" arrives as one
   run of 21 digits and "zt-lipei88" as "ztlipei88". A *token view* puts back, from the offset map, a space where
   the original had whitespace between two tokens of two or more letters / digits, and the original character
   where it deleted ``-``, ``_``, ``/`` or ``~`` between two letters / digits. Spaced-out single characters
   ("3 8 0 0") stay joined.
2. One Aho-Corasick pass finds apps, platforms, couriers and the context words (QQ, 微信, 单号, 会议号 ...);
   one regex pass each finds digit runs, amounts and courier tracking numbers; URLs are found on the original
   text with only the one-to-one character table applied (the normaliser joins "t.cn/A6xYz" into "t.cna6xyz").
3. A digit run is classified by its context word (QQ → ``qq``, 会议号 → ``meeting_id``) or by its shape (mobile,
   landline, 400 / 95xxx / 106 numbers, Luhn-valid bank cards, courier formats); when the whole run is not one
   thing it is split at the spaces.
4. Overlaps are resolved deterministically: the longest span wins, then the higher priority (url, context-anchored
   ids, bank card, phone, tracking number, amount, lexicon words), then the earlier start.

Amounts: the normaliser maps the full-width ASCII block (U+FF01–FF5E) to ASCII, and the full-width yuan sign ￥
(U+FFE5) lies outside it, so ￥ stays ￥ and ¥ (U+00A5) stays ¥: both are currency signs here, as are RMB, CNY and
人民币. Chinese numerals are read by `parse_number`, an exact parser (about 2 µs a number, nothing to import),
cross-checked against cn2an in the tests; cn2an itself rejects "十万余" and costs ~0.1 s to import.

The lexicons live in ``fanzha/kb/data/entities.yaml`` (loaded once; problems are reported as ``file:line: E35x``).
Error codes: E350 unreadable or invalid YAML, E351 malformed entry, E352 unknown app role, E353 tracking pattern
that does not compile, E354 unknown context kind, E355 alias claimed twice, E356 bad service number.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick

from fanzha.errors import KnowledgeBaseError
from fanzha.kb.lexicon import APP_ROLES as APP_ROLES
from fanzha.kb.lexicon import CONTEXT_KINDS as CONTEXT_KINDS
from fanzha.kb.lexicon import LexiconData, read_lexicon
from fanzha.kb.loader import default_kb
from fanzha.kb.yamlsrc import Issue
from fanzha.records.units import round_fen
from fanzha.text.normalize import Normalized, char_table

KINDS: tuple[str, ...] = (
    "amount",
    "phone",
    "bank_card",
    "qq",
    "qq_group",
    "wechat_id",
    "url",
    "order_number",
    "meeting_id",
    "app",
    "platform",
    "courier",
    "partial_number",
    "payment_account",
    "time",
    "merchant",
)
VIRTUAL_PREFIXES = frozenset({"170", "171", "162", "165", "167"})

# Priorities for equal-length overlaps (higher wins).
_P_URL, _P_CONTEXT, _P_CARD, _P_PHONE, _P_TRACKING, _P_AMOUNT, _P_TIME, _P_TERM = (
    90,
    80,
    70,
    60,
    55,
    50,
    45,
    40,
)
_P_MERCHANT, _P_APP_CONTEXT = 35, 30


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity: `kind`, its span [start, end) in the original text, the original characters and a value.

    `value` is an int number of fen for amounts, a digit string for phones, cards, QQ numbers, meeting ids and
    partial numbers (the digits written: 尾号8831 → ``8831``), the lower-case id for WeChat ids and payment
    accounts, the upper-case number for orders, the URL (host in lower case) for URLs, the canonical name for
    apps, platforms and couriers, the name as normalised for merchants, and for times an ISO 8601 date-time
    with what is known (``2024-03-04T15:30``, ``--03-04T15`` without a year, ``--03-04`` without an hour).
    `extra` holds what else is known: ``approx`` and ``min_fen`` for amounts, ``type`` / ``virtual`` /
    ``area_code`` / ``name`` for phones, ``role`` for apps (and ``known: False`` for an app named only by the
    words around it: 下载了“退税助手”), ``courier`` for order numbers, ``domain`` for URLs, ``of`` (what the
    digits end: bank_card, phone, order_number, qq or None) and ``prefix`` (of a masked number) for partial
    numbers, ``kind`` (shop / courier_outlet) for merchants, ``year`` / ``month`` / ``day`` / ``hour`` /
    ``minute`` / ``approx`` for times.
    """

    kind: str
    start: int
    end: int
    text: str
    value: int | str
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def amount_fen(self) -> int | None:
        """The amount in fen (分) for an amount, else None."""
        return self.value if self.kind == "amount" and isinstance(self.value, int) else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; amounts also carry ``amount_fen`` and ``approx`` at the top level."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
        }
        if self.kind == "amount":
            out["amount_fen"] = self.value
            out["approx"] = bool(self.extra.get("approx", False))
        if self.extra:
            out["extra"] = dict(self.extra)
        return out


# -- lexicon --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Term:
    """What an automaton key means: an app / platform / courier / ignored phrase, or a context word."""

    kind: str  # app | platform | courier | ignore | context
    value: str  # canonical name, or the context kind
    role: str | None  # app role; "before" / "after" for a context word
    latin_start: bool  # a Latin-letter alias must not touch another letter
    latin_end: bool


@dataclass(frozen=True)
class Lexicon:
    """The compiled contents of entities.yaml."""

    automaton: Any
    tracking: tuple[tuple[str, re.Pattern[str], bool], ...]  # (courier, full-match pattern, anchored only)
    service_numbers: Mapping[str, str]
    source: str
    merchant_re: re.Pattern[str] | None = None  # names of shops and outlets (merchant_suffixes)
    outlet_suffixes: tuple[str, ...] = ()
    merchant_suffixes: frozenset[str] = frozenset()
    generic_stems: frozenset[str] = frozenset()
    merchant_hint: re.Pattern[str] | None = None  # any of the endings: the names are looked for only then


def default_path() -> Path:
    """The lexicon file shipped in the package."""
    return Path(str(resources.files("fanzha.kb") / "data" / "entities.yaml"))


@functools.cache
def default_lexicon() -> Lexicon:
    """The shipped knowledge base's lexicon, compiled once per process."""
    return compile_lexicon(default_kb().kb.lexicon)


def _norm_key(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(char_table()).lower().strip()


def _raise_first(issues: list[Issue], file: str) -> None:
    """A lexicon with problems cannot be compiled: E100 listing them, at the first one."""
    if issues:
        raise KnowledgeBaseError(issues, where=f"{file}:{issues[0].line}")


def lexicon_issues(data: LexiconData) -> tuple[dict[str, list[_Term]], list[Issue]]:
    """The automaton's keys (aliases normalised as the detector normalises text) with what each means, and
    E355 for an alias that names two things."""
    issues: list[Issue] = []
    terms: dict[str, list[_Term]] = {}
    owner: dict[str, tuple[str, str, int]] = {}

    def add_term(key: str, term: _Term, line: int) -> None:
        key = _norm_key(key)
        if not key:
            issues.append(
                Issue.of(
                    data.file, line, "E351", item=term.value, expected="aliases: [<non-empty text>, ...]"
                )
            )
            return
        if term.kind != "context":
            prev = owner.get(key)
            if prev is not None and prev[:2] != (term.kind, term.value):
                issues.append(
                    Issue.of(
                        data.file,
                        line,
                        "E355",
                        alias=key,
                        kind=term.kind,
                        value=term.value,
                        other_kind=prev[0],
                        other=prev[1],
                        line=prev[2],
                    )
                )
                return
            owner[key] = (term.kind, term.value, line)
        latin = key.isascii() and key.isalnum()
        payload = _Term(
            term.kind, term.value, term.role, latin and key[0].isalpha(), latin and key[-1].isalpha()
        )
        existing = terms.setdefault(key, [])
        if payload not in existing:
            existing.append(payload)

    for kind, group in (("app", data.apps), ("platform", data.platforms), ("courier", data.couriers)):
        for item in group:
            for alias in (item.name, *item.aliases):
                add_term(alias, _Term(kind, item.name, item.role, False, False), item.line)
    for phrase in data.ignore:
        add_term(phrase, _Term("ignore", phrase, None, False, False), data.ignore_line)
    for kind, (before, after, line) in data.context.items():
        for direction, words in (("before", before), ("after", after)):
            for word in words:
                add_term(word, _Term("context", kind, direction, False, False), line)
    return terms, issues


def compile_lexicon(data: LexiconData) -> Lexicon:
    """The automaton and tables of a checked lexicon (E355 when an alias names two things)."""
    terms, issues = lexicon_issues(data)
    _raise_first(issues, data.file)
    automaton = ahocorasick.Automaton()
    for key, payloads in terms.items():
        automaton.add_word(key, (len(key), tuple(payloads)))
    automaton.make_automaton()
    tracking = tuple((c.name, re.compile(p), anchored) for c in data.couriers for p, anchored in c.tracking)
    suffixes = data.merchant_suffixes
    return Lexicon(
        automaton,
        tracking,
        data.service_numbers,
        data.file,
        _merchant_regex(suffixes.get("strong", ()), suffixes.get("quoted", ())),
        tuple(_norm_key(w) for w in suffixes.get("outlet", ())),
        frozenset(_norm_key(w) for w in (*suffixes.get("strong", ()), *suffixes.get("quoted", ()))),
        frozenset(_norm_key(w) for w in suffixes.get("generic", ())),
        _suffix_hint(suffixes.get("strong", ()), suffixes.get("quoted", ())),
    )


def load_lexicon(path: Path) -> Lexicon:
    """Read, check and compile a lexicon file; the first problem raises (``file:line: E35x message``)."""
    data, issues = read_lexicon(path)
    _raise_first(issues, data.file)
    return compile_lexicon(data)


# -- numbers ----------------------------------------------------------------------------------------------------

_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_NUM_TOKEN_RE = re.compile(r"\d+(?:\.\d+)?|.")


def parse_number(text: str) -> Decimal:
    """The value of a number in Arabic digits, Chinese numerals or both.

    Handles "3800", "19,240", "1.8万", "两千三百", "十万", "一百零五", "一五〇〇", "2万3千", "一亿二千万" and the
    colloquial "三百五" (350) and "两万五" (25,000). Raises ValueError on anything else.
    """
    s = text.replace(",", "")
    if not s:
        raise ValueError("empty number")
    return _parse_big(s)


def _parse_big(s: str) -> Decimal:
    for unit, factor in (("亿", 100_000_000), ("万", 10_000)):
        i = s.find(unit)
        if i >= 0:
            head, tail = s[:i], s[i + 1 :]
            value = (_parse_big(head) if head else Decimal(1)) * factor
            if not tail:
                return value
            if len(tail) == 1 and (tail.isdigit() or tail in _CN_DIGIT) and tail not in "零〇0":
                digit = int(tail) if tail.isdigit() else _CN_DIGIT[tail]
                return value + Decimal(digit * factor // 10)  # 两万五 = 25,000
            return value + _parse_big(tail)
    return _parse_small(s)


def _parse_small(s: str) -> Decimal:
    section = Decimal(0)
    number: Decimal | None = None
    last_unit = 0
    single = False  # the pending number is one digit (for 三百五 = 350)
    zero = False  # a 零 was written (一百零五 = 105)
    prev_cn = False
    for tok in _NUM_TOKEN_RE.findall(s):
        if tok[0].isdigit():
            number, single, prev_cn = Decimal(tok), len(tok) == 1, False
        elif tok in _CN_DIGIT:
            digit = _CN_DIGIT[tok]
            if prev_cn and number is not None:
                number, single = number * 10 + digit, False
            else:
                number, single = Decimal(digit), True
            zero = zero or digit == 0
            prev_cn = True
        elif tok in _SMALL_UNIT:
            unit = _SMALL_UNIT[tok]
            section += (number if number is not None else Decimal(1)) * unit
            number, last_unit, prev_cn, zero = None, unit, False, False
        else:
            raise ValueError(f"not a number: {s!r}")
    if number is not None:
        if last_unit >= 100 and single and not zero:
            number = number * last_unit / 10
        section += number
    return section


def luhn_ok(digits: str) -> bool:
    """The Luhn check digit test (bank cards)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_HOTLINE_RE = re.compile(r"([48]00)\d{7}")
_BANK95_RE = re.compile(r"95\d{3,6}")
_SMS_PORT_RE = re.compile(r"106\d{5,17}")
_LANDLINE_RE = re.compile(r"0(?:10|2\d|[3-9]\d\d)\d{7,8}")


def _phone(digits: str, plus: bool, lex: Lexicon) -> tuple[str, dict[str, Any]] | None:
    """(value, extra) when `digits` is a phone number."""
    cc = None
    if len(digits) == 13 and digits.startswith("86") and _MOBILE_RE.fullmatch(digits, 2):
        digits, cc = digits[2:], "86"
    elif len(digits) == 15 and digits.startswith("0086") and _MOBILE_RE.fullmatch(digits, 4):
        digits, cc = digits[4:], "86"
    elif plus:
        return None  # another country's number: not ours to parse
    if _MOBILE_RE.fullmatch(digits):
        extra: dict[str, Any] = {"type": "mobile"}
        if digits[:3] in VIRTUAL_PREFIXES:
            extra["virtual"] = True
        if cc:
            extra["country_code"] = cc
        return digits, extra
    if (m := _HOTLINE_RE.fullmatch(digits)) is not None:
        return digits, {"type": m.group(1)}
    name = lex.service_numbers.get(digits)
    if name is not None:
        return digits, {"type": "service", "name": name}
    if _BANK95_RE.fullmatch(digits):
        return digits, {"type": "service"}
    if _SMS_PORT_RE.fullmatch(digits):
        return digits, {"type": "sms_port"}
    if _LANDLINE_RE.fullmatch(digits):
        area = digits[:3] if digits[1] in "12" else digits[:4]
        return digits, {"type": "landline", "area_code": area}
    return None


_ID_DATE_RE = re.compile(r"[1-8]\d{5}(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dx]")


def _looks_like_resident_id(digits: str) -> bool:
    """An 18-character number with a birth date at 7–14: a resident identity card number, not a bank card."""
    return len(digits) == 18 and _ID_DATE_RE.fullmatch(digits) is not None


_Class = tuple[str, int | str, dict[str, Any], int]  # kind, value, extra, priority


def _classify_number(
    digits: str, plus: bool, before: str | None, after: str | None, lex: Lexicon
) -> _Class | None:
    """What a run of digits is, given the context word before or after it."""
    n = len(digits)
    mobile = n == 11 and _MOBILE_RE.fullmatch(digits) is not None
    if before in ("qq", "qq_group") and 5 <= n <= 11 and digits[0] != "0" and not mobile and not plus:
        return before, digits, {}, _P_CONTEXT
    if (before == "meeting_id" or after == "meeting_id") and 4 <= n <= 12 and not plus:
        return "meeting_id", digits, {}, _P_CONTEXT
    phone = _phone(digits, plus, lex)
    if phone is not None:
        value, extra = phone
        if before in ("qq", "qq_group", "wechat_id"):
            extra["context"] = before
        return "phone", value, extra, _P_PHONE
    if 16 <= n <= 19 and digits[0] in "34569" and luhn_ok(digits) and not _looks_like_resident_id(digits):
        return "bank_card", digits, {}, _P_CARD
    if n >= 8:
        for courier, rx, anchored in lex.tracking:
            if not anchored and rx.fullmatch(digits):
                return "order_number", digits, {"courier": courier}, _P_TRACKING
    return None


# -- the token view -----------------------------------------------------------------------------------------------

_GAP_RE = re.compile(r"[\s\-_/~\u2010-\u2015\u2212\u3000\uff0d\uff3f\uff0f\uff5e]+")
_GAP_CHAR = {"_": "_", "/": "/", "~": "~", "\uff3f": "_", "\uff0f": "/", "\uff5e": "~"}
_ASCII_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_ORIG_ALNUM = frozenset(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    + "".join(chr(c) for c in range(0xFF10, 0xFF1A))
    + "".join(chr(c) for c in range(0xFF21, 0xFF3B))
    + "".join(chr(c) for c in range(0xFF41, 0xFF5B))
)


class _View(NamedTuple):
    text: str  # the normalised text with token boundaries put back
    inserted: list[int]  # positions (in `text`) of the characters put back
    norm: Normalized

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if self.inserted:
            start -= bisect.bisect_left(self.inserted, start)
            end -= bisect.bisect_left(self.inserted, end)
        return self.norm.to_original(start, end)


def _token_view(norm: Normalized) -> _View:
    text, starts, ends = norm.text, norm.starts, norm.ends
    if starts is None or ends is None:
        return _View(text, [], norm)
    orig = norm.original
    n = len(text)
    puts: list[tuple[int, str]] = []
    for m in _GAP_RE.finditer(orig):
        a, b = m.span()
        p = bisect.bisect_left(starts, b)
        if p <= 0 or p >= n or ends[p - 1] > a:
            continue  # at an edge, or kept / consumed by a spelling: not a deletion
        if text[p - 1] not in _ASCII_ALNUM or text[p] not in _ASCII_ALNUM:
            continue
        gap = m.group()
        if any(c.isspace() for c in gap):
            # whitespace between tokens of two or more characters; "3 8 0 0" stays joined
            if (
                a < 2
                or b + 1 >= len(orig)
                or not (
                    orig[a - 1] in _ORIG_ALNUM
                    and orig[a - 2] in _ORIG_ALNUM
                    and orig[b] in _ORIG_ALNUM
                    and orig[b + 1] in _ORIG_ALNUM
                )
            ):
                continue
            puts.append((p, " "))
        else:
            puts.append((p, _GAP_CHAR.get(gap[0], "-")))
    if not puts:
        return _View(text, [], norm)
    pieces: list[str] = []
    inserted: list[int] = []
    last = 0
    for k, (p, ch) in enumerate(puts):
        pieces.append(text[last:p])
        pieces.append(ch)
        inserted.append(p + k)
        last = p
    pieces.append(text[last:])
    return _View("".join(pieces), inserted, norm)


# -- patterns over the token view ----------------------------------------------------------------------------------

_NUM_RUN_RE = re.compile(r"\+?\d+(?:[ -]\d+)*")
_GLUE = r"[ :=]{0,2}(?:号码|号|id|账号)?[ :=]{0,2}(?:是|为)?[ :=]{0,2}"
_GLUE_RE = re.compile(_GLUE)
_WECHAT_ID_RE = re.compile(_GLUE + r"(?P<v>[a-z][-_a-z0-9]{5,19})(?![-_a-z0-9])")
_ORDER_ID_RE = re.compile(_GLUE + r"(?P<v>[a-z0-9](?:-?[a-z0-9]){7,23})(?!-?[a-z0-9])")
_TRACKING_TOKEN_RE = re.compile(r"(?=[a-z])(?<![a-z0-9])[a-z]{2,4}\d{9,13}(?:cn)?(?![a-z0-9])")

_CUR = r"(?:[￥¥]|rmb|cny|人民币)"
_UNIT = r"元(?![旦宵素首帅件器桥])|块钱|块"  # 块 before a noun (3块蛋糕, 一块去) is rejected in _amounts
# The look-ahead on the first character lets the regex engine skip most positions quickly (3.5x faster).
_AMOUNT_RE = re.compile(
    r"(?=[\d￥¥rc人零〇一二两三四五六七八九十])(?<![\d.])(?<!\d,)"
    rf"(?:(?P<cur>{_CUR}) ?)?"
    r"(?:(?:(?P<lo>\d+(?:\.\d+)?)[-~])?"
    r"(?P<num>(?>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[十百千万亿]|\d+(?:\.\d+)?)*))"
    # without a currency sign, a unit or 万 / 亿 must follow (or end the number): most digit runs fail here
    r"(?(cur)|(?:(?=[余多万亿w元块])|(?<=[万亿])))"
    r"(?P<ap1>余|多)?(?P<mult>[万亿]|w(?![a-z]))?(?P<ap2>余|多)?"
    rf"(?P<unit>{_UNIT})?(?P<ap3>左右)?"
    r"|(?P<cnum>[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*)(?P<cap1>余|多)?"
    rf"(?P<cunit>{_UNIT})(?P<cap3>左右)?)"
)
_AMOUNT_HINT_RE = re.compile(r"[元块￥¥万亿w]|rmb|cny")
_AFTER_KUAI = frozenset("钱的了给到吧啊呢就还左")
_COUNTERS = frozenset("人名张部次个件条份户起家所位辆台只篇粉册吨斤米年天岁倍")

# URLs, on the original with the one-to-one character table applied (same offsets as the original).
_URL_CHAR = r"[-a-z0-9._~:/?#@$&*+=%]"  # ASCII only: the text is lower-cased and half-width first
_TLDS = (
    "com|cn|net|org|top|xyz|vip|cc|me|co|io|info|shop|club|site|online|link|ly|app|ink|wang|ren|tech|store|live|"
    "pro|biz|asia|hk|tw|mo|la|icu|fun|work|cyou|cloud|group|tv|gov|edu|mobi|win|pw|ws|in|us|uk|jp|kr|ru|de|fr|"
    "tk|ml|ga|gq|cf|bar|beauty|buzz|life|ltd|red|run|space|website|today|world|net\\.cn|com\\.cn|org\\.cn"
)
_URL_RE = re.compile(
    rf"(?=[a-z0-9])(?:(?:https?|ftp)://{_URL_CHAR}+"
    rf"|(?<![a-z0-9@\uff20._-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS})(?![a-z0-9-])"
    rf"(?::\d{{2,5}})?(?:/{_URL_CHAR}*)?)"
)
# On the token view (lower case, half-width): is there anything that can be a URL at all?
_URL_HINT_RE = re.compile(rf"(?=[:w.])(?:://|www\.|\.(?:{_TLDS}))")
_ZERO_WIDTH_RE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


class _Cand(NamedTuple):
    start: int  # original offsets
    end: int
    priority: int
    kind: str
    value: int | str
    extra: dict[str, Any]


def extract_entities(norm: Normalized, *, lexicon: Lexicon | None = None) -> list[Entity]:
    """All entities of a normalised text, sorted by position, spans in the original text (`norm.original`)."""
    if not norm.text:
        return []
    lex = lexicon if lexicon is not None else default_lexicon()
    view = _token_view(norm)
    text = view.text
    cands: list[_Cand] = []
    before: list[tuple[int, int, str]] = []  # context words: (start, end, kind), in view offsets
    after: list[tuple[int, int, str]] = []
    for last, (length, terms) in lex.automaton.iter(text):
        start, end = last - length + 1, last + 1
        for term in terms:
            if term.latin_start and start > 0 and text[start - 1] in _ASCII_LETTERS:
                continue
            if term.latin_end and end < len(text) and text[end] in _ASCII_LETTERS:
                continue
            if term.kind == "context":
                (before if term.role == "before" else after).append((start, end, term.value))
                continue
            a, b = view.to_original(start, end)
            extra = {"role": term.role} if term.role else {}
            cands.append(_Cand(a, b, _P_TERM, term.kind, term.value, extra))
    if before:
        before.sort(key=lambda t: (t[1], t[0]))
    _numbers(view, lex, before, after, cands)
    _amounts(view, cands)
    if before:
        _anchored_ids(view, lex, before, cands)
    if _URL_HINT_RE.search(text) is not None:
        _urls(norm, cands)
    if "*" in norm.original or "＊" in norm.original:
        _masked(norm, cands)
    _times(view, cands)
    if lex.merchant_re is not None:
        _merchants(view, lex, cands)
    _apps_by_context(view, cands)
    return _resolve(norm.original, cands)


def _context_before(text: str, pos: int, before: list[tuple[int, int, str]]) -> str | None:
    for _start, end, kind in reversed(before):
        if end > pos:
            continue
        if pos - end > 8:
            break
        if _GLUE_RE.fullmatch(text, end, pos):
            return kind
    return None


def _context_after(text: str, pos: int, after: list[tuple[int, int, str]]) -> str | None:
    for start, _end, kind in after:
        if start == pos or (start == pos + 1 and text[pos] == " "):
            return kind
    return None


def _numbers(
    view: _View,
    lex: Lexicon,
    before: list[tuple[int, int, str]],
    after: list[tuple[int, int, str]],
    cands: list[_Cand],
) -> None:
    text = view.text
    size = len(text)
    for m in _NUM_RUN_RE.finditer(text):
        s, e = m.span()
        if e - s < 4:
            continue  # dates, counts, short codes: nothing has fewer than four digits
        run = m.group()
        plus = run.startswith("+")
        ctx_b = _context_before(text, s, before) if before else None
        if ctx_b is None and (
            (s > 0 and text[s - 1] in _ASCII_LETTERS) or (e < size and text[e] in _ASCII_LETTERS)
        ):
            # digits inside a word of letters and digits: a tracking number such as sf1234567890123, or an id
            _tracking_token(view, lex, s, e, cands)
            continue
        ctx_a = _context_after(text, e, after) if after else None
        found = _classify_number(run.replace(" ", "").replace("-", "").lstrip("+"), plus, ctx_b, ctx_a, lex)
        if found is not None:
            a, b = view.to_original(s, e)
            cands.append(_Cand(a, b, found[3], found[0], found[1], found[2]))
            continue
        if " " not in run:
            continue
        # not one thing as a whole: split at the spaces, longest classifiable prefix first
        bounds: list[tuple[int, int]] = []
        pos = s
        for part in run.split(" "):
            bounds.append((pos, pos + len(part)))
            pos += len(part) + 1
        i, k = 0, len(bounds)
        while i < k:
            for j in range(k, i, -1):
                if i == 0 and j == k:
                    continue
                ps, pe = bounds[i][0], bounds[j - 1][1]
                piece = text[ps:pe]
                found = _classify_number(
                    piece.replace(" ", "").replace("-", "").lstrip("+"),
                    piece.startswith("+"),
                    ctx_b if i == 0 else None,
                    ctx_a if j == k else None,
                    lex,
                )
                if found is not None:
                    a, b = view.to_original(ps, pe)
                    cands.append(_Cand(a, b, found[3], found[0], found[1], found[2]))
                    i = j
                    break
            else:
                i += 1


def _amounts(view: _View, cands: list[_Cand]) -> None:
    text = view.text
    if _AMOUNT_HINT_RE.search(text) is None:
        return
    for m in _AMOUNT_RE.finditer(text):
        g = m.group
        unit = "unit" if g("unit") is not None else "cunit"
        if g(unit) == "块" and m.end(unit) < len(text):
            after = text[m.end(unit)]
            if "\u4e00" <= after <= "\u9fff" and after not in _AFTER_KUAI:
                continue  # 块 as a counter (3块蛋糕) or 一块 as "together" (一块去)
        if g("cnum") is not None:
            num, mult, approx = g("cnum"), None, bool(g("cap1") or g("cap3"))
            lo = None
        else:
            num, mult, lo = g("num"), g("mult"), g("lo")
            approx = bool(g("ap1") or g("ap2") or g("ap3"))
            if g("cur") is None and g("unit") is None:
                # a bare number is an amount only with 万 / 亿 at its end, not followed by a counter (2万人)
                if mult is None and num[-1] not in "万亿":
                    continue
                if m.end() < len(text) and text[m.end()] in _COUNTERS:
                    continue
        try:
            value = parse_number(num)
            low = parse_number(lo) if lo else None
        except ValueError:
            continue
        factor = {None: 1, "万": 10_000, "w": 10_000, "亿": 100_000_000}[mult]
        extra: dict[str, Any] = {"approx": approx}
        if low is not None:
            if num[-1] in "万亿":  # 1-3万元: the lower bound shares the unit
                low *= 10_000 if num[-1] == "万" else 100_000_000
            extra["min_fen"] = round_fen(low * factor)
        a, b = view.to_original(*m.span())
        cands.append(_Cand(a, b, _P_AMOUNT, "amount", round_fen(value * factor), extra))


def _courier_of(number: str, lex: Lexicon, anchored: bool) -> str | None:
    for courier, rx, only_anchored in lex.tracking:
        if (anchored or not only_anchored) and rx.fullmatch(number):
            return courier
    return None


def _anchored_ids(view: _View, lex: Lexicon, before: list[tuple[int, int, str]], cands: list[_Cand]) -> None:
    text = view.text
    flat: str | None = None  # the original, lower case and half-width: ids are read there (see _flat_id)
    for start, end, kind in before:
        if kind in ("wechat_id", "payment_account"):
            if flat is None:
                flat = view.norm.original.translate(char_table())
            _flat_id(view, flat, start, end, kind, cands)
        elif kind == "partial_number":
            m = _PARTIAL_RE.match(text, end)
            if m is not None:
                a, b = view.to_original(*m.span("v"))
                of = _partial_of(text, start, m.end())
                cands.append(_Cand(a, b, _P_CONTEXT, "partial_number", m.group("v"), {"of": of}))
        elif kind == "order_number":
            m = _ORDER_ID_RE.match(text, end)
            if m is not None and any(c.isdigit() for c in m.group("v")):
                number = m.group("v").replace("-", "")
                courier = _courier_of(number, lex, anchored=True)
                a, b = view.to_original(*m.span("v"))
                extra = {"courier": courier} if courier else {}
                cands.append(_Cand(a, b, _P_CONTEXT, "order_number", number.upper(), extra))


# -- what reports write down: partial and masked numbers, payment accounts, times, merchants, named apps ---------

# after a wechat_id or payment_account context word, on the flat original (the normaliser rewrites "kf" as 客服,
# "vx" as 微信, so an id such as kf_8821 or kf8821@163.com is read where it was written)
_FLAT_GLUE = r"[ \t:=]{0,2}(?:号码|号|id|账号|账户)?[ :=]{0,2}(?:是|为)?[ :=]{0,2}"
_FLAT_IDS = {
    "wechat_id": re.compile(_FLAT_GLUE + r"(?P<v>[a-z][-_a-z0-9]{5,19})(?![-_a-z0-9])"),
    "payment_account": re.compile(
        _FLAT_GLUE + r"(?P<v>[a-z0-9][a-z0-9._-]{0,40}@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,10}"
        r"|1[3-9]\d(?:[ -]?\d){8}|[a-z][-_.a-z0-9]{4,29})(?![-_.a-z0-9@])"
    ),
}
_PARTIAL_RE = re.compile(_GLUE + r"(?P<v>\d{3,6})(?!\d)")
# a masked number: 6217 **** **** 8831, 138****6622 (on the flat original)
_MASKED_RE = re.compile(r"(?<![0-9a-z*])(?P<p>\d{3,6})?(?: ?\*){3,16} ?(?P<v>\d{3,4})(?![0-9*])")
# what the digits of a partial number end, from the words within a few characters around it (nearest wins)
_PARTIAL_OF: tuple[tuple[str, str], ...] = (
    ("银行", "bank_card"),
    ("卡", "bank_card"),
    ("账户", "bank_card"),
    ("账号", "bank_card"),
    ("手机", "phone"),
    ("电话", "phone"),
    ("号码", "phone"),
    ("来电", "phone"),
    ("打来", "phone"),
    ("座机", "phone"),
    ("订单", "order_number"),
    ("单号", "order_number"),
    ("快递", "order_number"),
    ("包裹", "order_number"),
    ("qq", "qq"),
)


def _partial_of(text: str, start: int, end: int, reach: int = 8) -> str | None:
    """The kind of number whose last digits [start, end) are, from the nearest telling word around them."""
    best: tuple[int, str] | None = None
    before = text[max(0, start - reach) : start]
    after = text[end : end + reach]
    for word, kind in _PARTIAL_OF:
        i = before.rfind(word)
        if i >= 0:
            d = len(before) - (i + len(word))
            if best is None or d < best[0]:
                best = (d, kind)
        j = after.find(word)
        if j >= 0 and (best is None or j < best[0]):
            best = (j, kind)
    return best[1] if best else None


def _flat_id(view: _View, flat: str, start: int, end: int, kind: str, cands: list[_Cand]) -> None:
    """A WeChat id or payment account written after the context word at [start, end) of the view."""
    _, pos = view.to_original(start, end)
    m = _FLAT_IDS[kind].match(flat, pos)
    if m is None:
        return
    a, b = m.span("v")
    raw = m.group("v")
    if kind == "payment_account" and raw[0].isdigit():
        value = re.sub(r"[ -]", "", raw)
    else:
        value = raw.rstrip(".-_")
        b = a + len(value)
    cands.append(_Cand(a, b, _P_CONTEXT, kind, value, {}))


def _masked(norm: Normalized, cands: list[_Cand]) -> None:
    flat = norm.original.translate(char_table())
    for m in _MASKED_RE.finditer(flat):
        prefix = m.group("p")
        extra: dict[str, Any] = {"of": None}
        if prefix:
            extra["prefix"] = prefix
            extra["of"] = "phone" if _MOBILE_RE.match(prefix + "0" * 8) and len(prefix) == 3 else "bank_card"
        else:
            extra["of"] = _partial_of(flat, m.start(), m.end())
        cands.append(_Cand(m.start(), m.end(), _P_CONTEXT, "partial_number", m.group("v"), extra))


_CN_SMALL = "零〇一二两三四五六七八九十"
_TIME_RE = re.compile(
    rf"(?=[\d{_CN_SMALL}])(?<![\d.])"
    rf"(?:(?:(?P<y>(?:19|20)\d\d)年)?(?P<mo>\d{{1,2}}|[{_CN_SMALL}]{{1,3}})月"
    rf"(?P<d>\d{{1,2}}|[{_CN_SMALL}]{{1,3}})[日号]"
    r"(?: ?(?P<per>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|晚|早)?"
    rf" ?(?P<h>\d{{1,2}}|[{_CN_SMALL}]{{1,3}})(?:[点时]|:(?=\d))(?P<mi>[0-5]?\d(?=分)|[0-5]\d|半)?分?"
    r"(?P<ap>左右|许|多)?)?"
    r"|(?P<y2>(?:19|20)\d\d)[-/.](?P<mo2>\d{1,2})[-/.](?P<d2>\d{1,2})"
    r"(?:[ t]?(?P<h2>\d{1,2}):(?P<mi2>[0-5]\d)(?::[0-5]\d)?)?)"
)
_TIME_HINT_RE = re.compile(r"[月/-]")
_PM = frozenset({"下午", "傍晚", "晚上", "夜里", "夜间", "晚"})


def _small_int(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    try:
        return int(parse_number(text))
    except ValueError:
        return None


def _times(view: _View, cands: list[_Cand]) -> None:
    text = view.text
    if "月" not in text and _TIME_HINT_RE.search(text) is None:
        return
    for m in _TIME_RE.finditer(text):
        g = m.group
        year: int | None
        month: int | None
        day: int | None
        if g("y2") is not None:
            year, month, day = int(g("y2")), int(g("mo2")), int(g("d2"))
            hour, minute = _small_int(g("h2")), _small_int(g("mi2"))
            approx = False
        else:
            year = int(g("y")) if g("y") else None
            month, day = _small_int(g("mo")), _small_int(g("d"))
            hour = _small_int(g("h"))
            minute = 30 if g("mi") == "半" else _small_int(g("mi"))
            approx = g("ap") is not None
            if hour is not None and g("per") in _PM and hour < 12:
                hour += 12
        if month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if hour is not None and hour > 24 or minute is not None and minute > 59:
            continue
        end = m.end()
        if hour is None and g("h2") is None and g("y2") is None:
            end = m.end("d") + 1  # the date alone (a period word without an hour is left out)
        value = f"{year:04d}" if year is not None else "-"
        value += f"-{month:02d}-{day:02d}"
        extra: dict[str, Any] = {"year": year, "month": month, "day": day}
        if hour is not None:
            value += f"T{hour % 24:02d}" + (f":{minute:02d}" if minute is not None else "")
            extra.update(hour=hour % 24, minute=minute)
        extra["approx"] = approx
        a, b = view.to_original(m.start(), end)
        cands.append(_Cand(a, b, _P_TIME, "time", value, extra))


# characters that do not belong to a shop's name written without quotation marks
_NAME_STOP = (
    "的在了是我你他她们从到和与跟给把被让为买卖个这那就都也还又说要去来过着其该此叫名称年月日点时分许"
)
_PUNCT = "，。,.!?！？:：;；、“”\"'‘’（）()【】\\[\\]<>《》「」『』\\s"


def _merchant_regex(strong: tuple[str, ...], quoted: tuple[str, ...]) -> re.Pattern[str] | None:
    """Names ending with a strong suffix anywhere; any suffix inside quotation marks or after 叫 / 名为."""
    strong_n = sorted({_norm_key(w) for w in strong if _norm_key(w)}, key=len, reverse=True)
    every = sorted({*strong_n, *(_norm_key(w) for w in quoted if _norm_key(w))}, key=len, reverse=True)
    if not every:
        return None
    alt_all = "|".join(map(re.escape, every))
    stem = f"[^{_NAME_STOP}{_PUNCT}]"
    parts = [
        rf"[“\"「『‘'](?P<q>[^“”\"「」『』‘’'\s，。,]{{1,12}}?(?:{alt_all}))[”\"」』’']",
        rf"(?<=叫|为)(?P<c>{stem}{{1,10}}?(?:{alt_all}))",
    ]
    if strong_n:
        parts.append(rf"(?P<n>{stem}{{2,10}}?(?:{'|'.join(map(re.escape, strong_n))}))")
    return re.compile("|".join(parts))


def _suffix_hint(strong: tuple[str, ...], quoted: tuple[str, ...]) -> re.Pattern[str] | None:
    words = sorted({_norm_key(w) for w in (*strong, *quoted) if _norm_key(w)}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def _merchants(view: _View, lex: Lexicon, cands: list[_Cand]) -> None:
    rx = lex.merchant_re
    if rx is None or lex.merchant_hint is None or lex.merchant_hint.search(view.text) is None:
        return
    text = view.text
    platform_at = {c.start: c.end for c in cands if c.kind == "platform"}
    every = lex.merchant_suffixes
    for m in rx.finditer(text):
        group = "q" if m.group("q") is not None else "c" if m.group("c") is not None else "n"
        s, e = m.span(group)
        a, b = view.to_original(s, e)
        cut = platform_at.get(a)
        if group == "n" and cut is not None and b - cut >= 4:  # 天猫悦颜旗舰店: the shop is 悦颜旗舰店
            s += len(view.norm.original[a:cut])
            a = cut
        name = text[s:e]
        if any(name[: -len(x)].endswith(g) for x in every if name.endswith(x) for g in lex.generic_stems):
            continue  # 快递网点, 附近的店铺: a kind of place, not a name
        name = view.norm.original[a:b].strip("“”\"「」『』‘’'")  # a name as written (拾光 is not 十光)
        kind = "courier_outlet" if any(name.endswith(x) for x in lex.outlet_suffixes) else "shop"
        cands.append(_Cand(a, b, _P_MERCHANT, "merchant", name, {"kind": kind}))


# apps named only by the words around them: 下载了“退税助手”, 安装了一款叫安全中心的软件, 下载了TIM、云会议
_APP_CONTEXT_RE = re.compile(r"(?:下载|安装)(?:了|好|一下)?(?:一款|一个|个)?(?:名[叫为]|叫做?)?")
_APP_ITEM_RE = re.compile(
    r"[“\"‘'「『]?(?P<n>[\u4e00-\u9fffa-z0-9]{2,8}?)[”\"’'」』]?"
    r"(?=app|软件|应用|客户端|[，。、,.;；！!？?）)\s]|$|和|并|后|然后|进入|登录|注册|的)"
)
_APP_LIST_SEP = "、和及"
_NOT_APP = frozenset(
    {"软件", "app", "应用", "一个", "两个", "这个", "那个", "几个", "一款", "客户端", "一下"}
)


def _app_name_ok(name: str) -> bool:
    """A run of characters after 下载 / 安装 that can be an app's name: Chinese (digits allowed), no function word,
    not a word for an app itself (apps written in Latin letters are the lexicon's)."""
    return (
        len(name) >= 2
        and name not in _NOT_APP
        and not name.startswith(("app", "下载", "安装", "注册", "登录", "打开"))
        and not name.endswith(("软件", "app"))
        and not any(c in "了的在并后" for c in name)
        and not any(c.isascii() and c.isalpha() for c in name)
    )


def _apps_by_context(view: _View, cands: list[_Cand]) -> None:
    text = view.text
    if "下载" not in text and "安装" not in text:
        return
    terms = [(c.start, c.end) for c in cands if c.kind in ("app", "platform", "courier")]
    for m in _APP_CONTEXT_RE.finditer(text):
        pos = m.end()
        while pos < len(text):  # each app of a list (TIM、云会议)
            item = _APP_ITEM_RE.match(text, pos)
            if item is None:
                break
            name = item.group("n").removeprefix("某")
            a, b = view.to_original(item.end("n") - len(name), item.end("n"))
            # a known app, platform or courier named there is the lexicon's
            known = any(a < te and ts < b for ts, te in terms)
            if not known and _app_name_ok(name):
                cands.append(_Cand(a, b, _P_APP_CONTEXT, "app", name, {"role": None, "known": False}))
            pos = item.end()
            if pos >= len(text) or text[pos] not in _APP_LIST_SEP:
                break
            pos += 1


def _tracking_token(view: _View, lex: Lexicon, s: int, e: int, cands: list[_Cand]) -> None:
    """A courier tracking number made of the digits [s, e) and the letters around them (sf…, ea…cn)."""
    text = view.text
    ts, te = s, e
    while ts > 0 and s - ts < 4 and text[ts - 1] in _ASCII_LETTERS:
        ts -= 1
    while te < len(text) and te - e < 2 and text[te] in _ASCII_LETTERS:
        te += 1
    m = _TRACKING_TOKEN_RE.fullmatch(text, ts, te)
    if m is None:
        return
    courier = _courier_of(m.group(), lex, anchored=False)
    if courier is not None:
        a, b = view.to_original(ts, te)
        cands.append(_Cand(a, b, _P_TRACKING, "order_number", m.group().upper(), {"courier": courier}))


def _urls(norm: Normalized, cands: list[_Cand]) -> None:
    orig = norm.original
    # lower case and half-width (ｗｗｗ.ｘｘ.ｃｏｍ), one character for one, so offsets stay those of the original
    flat = orig.translate(char_table())
    for m in _URL_RE.finditer(flat):
        a, b = m.span()
        while b > a and flat[b - 1] in ".:?#&=-_/~":
            b -= 1
        raw = _ZERO_WIDTH_RE.sub("", unicodedata.normalize("NFKC", orig[a:b]))
        scheme, sep, rest = raw.partition("://")
        if not sep:
            scheme, rest = "", raw
        host, slash, path = rest.partition("/")
        host = host.lower()
        value = (f"{scheme.lower()}://" if scheme else "") + host + slash + path
        domain = host.split(":", 1)[0].removeprefix("www.")
        if "." not in domain:
            continue
        cands.append(_Cand(a, b, _P_URL, "url", value, {"domain": domain}))


def _resolve(original: str, cands: list[_Cand]) -> list[Entity]:
    """Keep the longest candidates that do not overlap; ties go to the higher priority, then the earlier one."""
    cands.sort(key=lambda c: (c.start - c.end, -c.priority, c.start))
    # The candidates taken are disjoint and kept in order, so the last one starting before c's end is the only
    # one that can overlap c: a bisection per candidate (a text dense with entities has thousands of them).
    taken: list[_Cand] = []
    starts: list[int] = []
    for c in cands:
        if c.end <= c.start:
            continue
        i = bisect.bisect_left(starts, c.end)
        if i and taken[i - 1].end > c.start:
            continue
        taken.insert(i, c)
        starts.insert(i, c.start)
    return [
        Entity(c.kind, c.start, c.end, original[c.start : c.end], c.value, c.extra)
        for c in taken
        if c.kind != "ignore"
    ]
