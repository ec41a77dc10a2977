"""Literal prefilters for regular expressions.

Most indicator regexes can only match where one of a few literals occurs (``(质量|质检)…(问题|不合格)`` needs
质量 or 质检, and 问题 or 不合格). `required_literals` derives such a set from the parsed pattern, so the engine
finds every regex's literals in one Aho-Corasick pass and runs only the regexes whose literals are present. A
pattern whose requirement cannot be derived (optional parts only, classes, look-arounds at the top) gets
``None`` and always runs: the prefilter never changes what matches, only how much work finding it takes.
"""

from __future__ import annotations

import functools
import importlib
import re
from types import ModuleType
from typing import Any


def _private(name: str) -> ModuleType | None:
    """The parser behind `re` is private: any surprise means "no prefilter", never a different match."""
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - other Pythons
        return None


_c: Any = _private("re._constants")
_p: Any = _private("re._parser")
_compiler: Any = _private("re._compiler")

MAX_ALTERNATIVES = 64
# Characters so frequent in Chinese text that a literal made only of them selects almost nothing.
COMMON = frozenset(
    "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感该元先款块钱卡"
)


def _score(literals: set[str]) -> tuple[int, int]:
    """How selective a set of alternative literals is: longer and less common is better."""
    shortest = min(len(s) for s in literals)
    common = any(len(s) == 1 and s in COMMON for s in literals)
    return (shortest * 2 - (1 if common else 0), -len(literals))


def _required_sets(items: Any) -> list[set[str]]:
    """The literal sets of the required elements of a sequence (each element: one of its literals must occur)."""
    out: list[set[str]] = []
    prefix: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            prefix.append(chr(av))
            continue
        if prefix:
            out.append({"".join(prefix)})
            prefix = []
        got: set[str] | None
        if op is _c.SUBPATTERN:
            got = _best(av[-1])
        elif op is _c.BRANCH:
            got = _branch_literals(av[1])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, _high, body = av
            got = _best(body) if low >= 1 else None
        elif op is _c.IN:
            got = _class_chars(av)
        else:
            got = None
        if got:
            out.append(got)
    if prefix:
        out.append({"".join(prefix)})
    return out


def _class_chars(members: Any) -> set[str] | None:
    """The characters of a class made only of literal characters ([到入至]), else None."""
    chars: set[str] = set()
    for op, av in members:
        if op is not _c.LITERAL:
            return None
        chars.add(chr(av))
    return chars if 0 < len(chars) <= MAX_ALTERNATIVES else None


def _best(items: Any) -> set[str] | None:
    sets = _required_sets(items)
    return max(sets, key=_score) if sets else None


def _branch_literals(branches: Any) -> set[str] | None:
    out: set[str] = set()
    for branch in branches:
        got = _best(branch)
        if not got:
            return None
        out |= got
        if len(out) > MAX_ALTERNATIVES:
            return None
    return out


@functools.lru_cache(maxsize=4096)
def _parse(pattern: str) -> Any:
    """The parsed pattern, read (never changed) by the three derivations below: parsed once per pattern."""
    if _p is None or _c is None:  # pragma: no cover
        return None
    try:
        return _p.parse(pattern)
    except (re.error, AttributeError, TypeError, ValueError):  # pragma: no cover - validated patterns parse
        return None


def required_literal_sets(pattern: str, *, limit: int = 2) -> list[set[str]]:
    """Up to `limit` literal sets, the most selective first, such that every match of `pattern` contains a
    literal of EACH set. Empty when nothing can be derived."""
    parsed = _parse(pattern)
    if parsed is None:
        return []
    try:
        sets = [s for s in _required_sets(parsed) if s and all(s)]
    except (AttributeError, TypeError, ValueError, IndexError):  # pragma: no cover - parser internals changed
        return []
    sets.sort(key=_score, reverse=True)
    return sets[:limit]


def required_literals(pattern: str) -> set[str] | None:
    """A set of literals one of which occurs in every match of `pattern`, or None when none can be derived."""
    sets = required_literal_sets(pattern, limit=1)
    return sets[0] if sets else None


def _first(items: Any) -> set[str] | None:
    for op, av in items:
        if op is _c.LITERAL:
            return {chr(av)}
        if op is _c.SUBPATTERN:
            return _first(av[-1])
        if op is _c.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                got = _first(branch)
                if not got:
                    return None
                out |= got
            return out
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, _high, body = av
            return _first(body) if low >= 1 else None
        if op is _c.IN:
            return _class_chars(av)
        return None
    return None


def first_characters(pattern: str) -> set[str] | None:
    """The characters every match of `pattern` can start with, or None when that is not a short literal set."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    try:
        got = _first(parsed)
    except (AttributeError, TypeError, ValueError, IndexError):  # pragma: no cover
        return None
    return got if got and len(got) <= MAX_ALTERNATIVES else None


def _engine_has_prefix(pattern: str) -> bool:
    """True when Python's regex compiler itself derives a literal or character-set prefix for `pattern`: its
    search then skips non-starting positions in a tight C loop, which a look-ahead in front would disable."""
    parsed = _parse(pattern)
    if parsed is None or _compiler is None:
        return False
    try:
        literal = _compiler._get_literal_prefix(parsed, 0)[0]
        return bool(literal) or bool(_compiler._get_charset_prefix(parsed, 0))
    except (
        AttributeError,
        TypeError,
        ValueError,
        IndexError,
    ):  # pragma: no cover - compiler internals changed
        return False


def with_first_character_lookahead(pattern: str) -> str:
    """`pattern` behind a look-ahead on its first characters, so the regex engine skips other positions in C;
    unchanged when the engine already derives such a prefix itself (most patterns: a group of alternatives
    each starting with a literal), since a look-ahead in front would hide it and make the search slower."""
    if _engine_has_prefix(pattern):
        return pattern
    first = first_characters(pattern)
    if not first:
        return pattern
    return "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])(?:" + pattern + ")"
