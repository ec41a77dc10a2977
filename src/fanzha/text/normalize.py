"""Text normalisation that keeps a map back to the original characters.

Scammers write 退 款, 赔-付, V信, 扣扣 and 薇❤信 to slip past keyword filters; users paste traditional
characters and full-width letters. The detector matches on a normalised text and reports every finding on the
characters the user actually sent, so each stage below records, for every output character, the span of the
input it came from.

Stages, in order:
1. one-to-one character table: full-width → half-width, ideographic space → space, ASCII upper → lower,
   traditional → simplified (OpenCC's character table), financial numerals (壹贰叁) → 一二三, circled digits;
2. zero-width and bidi control characters are removed;
3. evasive spellings (V信 / 薇信 / vx → 微信, 扣扣 / 企鹅 → qq, …), tolerating separators inside them;
4. separator runs (spaces, -, _, *, ·, emoji, …; at most three) between two Chinese characters, letters or digits
   are removed ("退 款", "v x", "138 0013 8000" are joined; the entity extractor puts token boundaries back from
   the offset map), and so is a single line break between two Chinese characters (a layout wrap);
5. runs of five or more Chinese digits (一三八…) become ASCII digits, so phone and QQ numbers written in
   Chinese are found.

Normalising twice gives the same text as normalising once (tested with hypothesis).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ALNUM = "a-z0-9"
_ZERO_WIDTH = "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufe00-\ufe0f\ufeff"  # and the variation selectors (❤️)
# Characters that scammers insert between the characters of a keyword. Chinese and ASCII sentence punctuation
# (，。,.!?;:) is not among them, so clause boundaries survive.
_SEP = (
    " \t\u3000\\-_·•*/\\\\|~`^+=#'\"<>"
    "\u2022\u2027\u30fb\u2014\u2015\u2500-\u257f\u2190-\u21ff\u2600-\u27bf\u2b00-\u2bff"
    "\U0001f000-\U0001faff"
)
# A single line break between two Chinese characters is a layout wrap (print, OCR, copied articles); a blank
# line (two breaks) is a paragraph and stays.
_SEP_RE = re.compile(f"(?<=[{_HAN}{_ALNUM}])[{_SEP}]{{1,3}}(?=[{_HAN}{_ALNUM}])|(?<=[{_HAN}])\n(?=[{_HAN}])")
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH}]+")
_SEP_CHAR_RE = re.compile(f"[{_SEP}]")
_CN_DIGITS = "零〇一二三四五六七八九"
_CN_DIGIT_RUN_RE = re.compile(f"[{_CN_DIGITS}]{{5,}}")
_CN_DIGIT_VALUE = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0"}
_IS_HAN = re.compile(f"[{_HAN}]")

_FINANCIAL_NUMERALS = {
    "壹": "一",
    "贰": "二",
    "貳": "二",
    "叁": "三",
    "參": "三",
    "肆": "四",
    "伍": "五",
    "陆": "六",
    "陸": "六",
    "柒": "七",
    "捌": "八",
    "玖": "九",
    "拾": "十",
    "佰": "百",
    "仟": "千",
    "萬": "万",
    "億": "亿",
}


@functools.cache
def _traditional_to_simplified() -> dict[int, int]:
    """OpenCC's traditional → simplified mapping, restricted to one-to-one character replacements."""
    import opencc  # imported here: building the table is the only use

    converter = opencc.OpenCC("t2s")
    chars = [chr(c) for r in ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00)) for c in range(*r)]
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps line breaks; guard against surprises
        converted = [converter.convert(c) for c in chars]
    return {ord(a): ord(b) for a, b in zip(chars, converted, strict=True) if len(b) == 1 and a != b}


@functools.cache
def char_table() -> dict[int, int]:
    """The one-to-one character table of stage 1 (cached)."""
    table: dict[int, int] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[code] = code - 0xFEE0
    table[0x3000] = 0x20
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = code + 32
    for code in range(0xFF21, 0xFF3B):  # full-width upper case → ASCII lower case
        table[code] = code - 0xFEE0 + 32
    for i, code in enumerate(range(0x2460, 0x2469)):  # ①..⑨
        table[code] = ord("1") + i
    for i, code in enumerate(range(0x2776, 0x277F)):  # ❶..❾
        table[code] = ord("1") + i
    table.update(_traditional_to_simplified())
    for src, dst in _FINANCIAL_NUMERALS.items():
        table[ord(src)] = ord(dst)
    # Make the table a projection: applying it twice changes nothing.
    for code, target in list(table.items()):
        seen = {code}
        while target in table and target not in seen:
            seen.add(target)
            target = table[target]
        table[code] = target
    return {k: v for k, v in table.items() if k != v}


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text with, for each of its characters, the span of the original it came from."""

    original: str
    text: str
    starts: tuple[int, ...] | None = None  # None: identity map
    ends: tuple[int, ...] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span [start, end) of the normalised text to the original text."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def original_text(self, start: int, end: int) -> str:
        """The original characters behind a span of the normalised text."""
        a, b = self.to_original(start, end)
        return self.original[a:b]


_Edit = tuple[str, list[int] | None, list[int] | None]


def _substitute(text: str, pattern: re.Pattern[str], replace: Callable[[str], str] | None) -> _Edit:
    """Apply `pattern` in one pass (deleting each match, or replacing it by `replace(match)`) and return, for
    every output character, the first and the last input character it came from (None when nothing changed).
    Unchanged stretches are added as ranges, so the maps are built in C."""
    pieces: list[str] = []
    firsts: list[int] = []
    lasts: list[int] = []
    last = 0
    for m in pattern.finditer(text):
        old = m.group(0)
        new = "" if replace is None else replace(old)
        if new == old:
            continue
        a, b = m.span()
        pieces.append(text[last:a])
        firsts.extend(range(last, a))
        lasts.extend(range(last, a))
        if new:
            pieces.append(new)
            firsts.extend([a] * len(new))
            lasts.extend([b - 1] * len(new))
        last = b
    if not pieces:
        return text, None, None
    pieces.append(text[last:])
    firsts.extend(range(last, len(text)))
    lasts.extend(range(last, len(text)))
    return "".join(pieces), firsts, lasts


def _digits(run: str) -> str:
    return "".join(_CN_DIGIT_VALUE[c] for c in run)


#: passes of the spelling and separator stages after the first, at most (a pass runs only when the spellings still
#: change the text; one is enough for any text seen, the bound keeps a pathological one finite)
_MAX_PASSES = 4


class Normalizer:
    """Normalises text for matching; built from the evasive-spelling table of the knowledge base."""

    def __init__(self, spellings: Mapping[str, Iterable[str]] | None = None) -> None:
        self._table = char_table()
        self._spellings: dict[str, str] = {}
        self._spelling_re: re.Pattern[str] | None = None
        self._spelling_keys: dict[str, str] = {}
        if spellings:
            self._build_spellings(spellings)

    def _build_spellings(self, spellings: Mapping[str, Iterable[str]]) -> None:
        sep = f"[{_SEP}]{{0,3}}"
        alternatives: list[tuple[str, str]] = []
        for canonical, variants in spellings.items():
            target = self._char_stage(canonical)
            for variant in variants:
                key = self._char_stage(variant)
                if not key or key == target:
                    continue
                self._spellings[key] = target
                body = sep.join(re.escape(c) for c in key)
                # A Latin variant (vx, wx) must not be part of a longer Latin word.
                if key[0].isascii() and key[0].isalpha():
                    body = "(?<![a-z])" + body
                if key[-1].isascii() and key[-1].isalpha():
                    body = body + "(?![a-z])"
                # A variant holding a separator character (v❤, 微❤: the heart for 信) is not itself when the
                # character it stands for follows (微❤信 is 微信 with a heart inserted).
                if _SEP_CHAR_RE.search(key):
                    body = body + f"(?!{sep}{re.escape(target[-1])})"
                alternatives.append((key, body))
        alternatives.sort(key=lambda kv: -len(kv[0]))
        if alternatives:
            # The look-ahead on first characters lets the engine skip most positions without trying each variant.
            first = "".join(sorted({re.escape(key[0]) for key, _ in alternatives}))
            self._spelling_re = re.compile(
                f"(?=[{first}])(?:" + "|".join(body for _, body in alternatives) + ")"
            )

    def _char_stage(self, text: str) -> str:
        return _ZERO_WIDTH_RE.sub("", text.translate(self._table))

    def _spelling_target(self, matched: str) -> str:
        key = _SEP_CHAR_RE.sub("", matched)
        return self._spellings.get(key) or self._spellings.get(matched, matched)

    def _stages(self, stage: Callable[[re.Pattern[str], Callable[[str], str] | None], bool]) -> None:
        """The stages after the character table, in order; `stage(pattern, replace)` applies one (deleting each
        match, or replacing it by `replace(match)`) and says whether it changed anything."""
        stage(_ZERO_WIDTH_RE, None)
        spelling = self._spelling_re
        if spelling is not None:
            stage(spelling, self._spelling_target)
        stage(_SEP_RE, None)
        # Removing separators can make a spelling (v❤x: the heart is a separator and also a spelling of 信, so the
        # first pass reads v❤ and leaves vx behind): the spellings run again, and the separators after them, until
        # they change nothing, so that normalising twice gives what normalising once gave.
        for _ in range(_MAX_PASSES):
            if spelling is None or not stage(spelling, self._spelling_target):
                break
            stage(_SEP_RE, None)
        stage(_CN_DIGIT_RUN_RE, _digits)

    def normalize(self, text: str) -> Normalized:
        """Normalise `text`; the result maps every character back to `text`."""
        current = text.translate(self._table)
        # starts[i] / ends[i]: the span of `text` that character i of `current` came from (None: identity).
        starts: Sequence[int] | None = None
        ends: Sequence[int] | None = None

        def stage(pattern: re.Pattern[str], replace: Callable[[str], str] | None) -> bool:
            """Apply one stage to `current`, carrying the map back to `text`; whether it changed anything."""
            nonlocal current, starts, ends
            current, firsts, lasts = _substitute(current, pattern, replace)
            if firsts is None or lasts is None:
                return False
            if starts is None or ends is None:
                starts, ends = range(len(text)), range(1, len(text) + 1)
            starts = list(map(starts.__getitem__, firsts))
            ends = list(map(ends.__getitem__, lasts))
            return True

        self._stages(stage)
        if starts is None or ends is None:
            return Normalized(text, current)
        return Normalized(text, current, tuple(starts), tuple(ends))

    def __call__(self, text: str) -> str:
        """The normalised text alone (`normalize(text).text`), without building the map back to `text`."""
        current = text.translate(self._table)
        changed = False

        def replaced(replace: Callable[[str], str] | None) -> Callable[[re.Match[str]], str]:
            def one(m: re.Match[str]) -> str:
                nonlocal changed
                old = m.group(0)
                new = "" if replace is None else replace(old)
                changed = changed or new != old
                return new

            return one

        def stage(pattern: re.Pattern[str], replace: Callable[[str], str] | None) -> bool:
            nonlocal current, changed
            changed = False
            current = pattern.sub(replaced(replace), current)
            return changed

        self._stages(stage)
        return current


def is_han(char: str) -> bool:
    """True for a CJK unified ideograph."""
    return bool(_IS_HAN.match(char))
