"""Literal prefilters for regular expressions.

Most indicator regexes can only match where one of a few literals occurs (``(质量|质检)…(问题|不合格)`` needs
质量 or 质检, and 问题 or 不合格). `required_literals` derives such a set from the parsed pattern, so the engine
finds every regex's literals in one Aho-Corasick pass and runs only the regexes whose literals are present. A
pattern whose requirement cannot be derived (optional parts only, classes, look-arounds at the top) gets
``None`` and always runs: the prefilter never changes what matches, only how much work finding it takes.
"""

from __future__ import annotations

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

MAX_ALTERNATIVES = 64


def _seq_literals(items: Any) -> set[str] | None:
    """Best requirement of a sequence: the required element with the longest shortest literal."""
    best: set[str] | None = None
    best_key = (0, 0)
    prefix: list[str] = []
    candidates: list[set[str]] = []
    for op, av in items:
        if op is _c.LITERAL:
            prefix.append(chr(av))
            continue
        if prefix:
            candidates.append({"".join(prefix)})
            prefix = []
        if op is _c.SUBPATTERN:
            got = _seq_literals(av[-1])
        elif op is _c.BRANCH:
            got = _branch_literals(av[1])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, _high, body = av
            got = _seq_literals(body) if low >= 1 else None
        else:
            got = None
        if got:
            candidates.append(got)
    if prefix:
        candidates.append({"".join(prefix)})
    for cand in candidates:
        key = (min(len(s) for s in cand), -len(cand))
        if best is None or key > best_key:
            best, best_key = cand, key
    return best


def _branch_literals(branches: Any) -> set[str] | None:
    out: set[str] = set()
    for branch in branches:
        got = _seq_literals(branch)
        if not got:
            return None
        out |= got
        if len(out) > MAX_ALTERNATIVES:
            return None
    return out


def required_literals(pattern: str) -> set[str] | None:
    """A set of literals one of which occurs in every match of `pattern`, or None when none can be derived."""
    if _p is None or _c is None:  # pragma: no cover
        return None
    try:
        parsed = _p.parse(pattern)
    except (re.error, AttributeError, TypeError, ValueError):  # pragma: no cover - validated patterns parse
        return None
    try:
        got = _seq_literals(parsed)
    except (AttributeError, TypeError, ValueError, IndexError):  # pragma: no cover - parser internals changed
        return None
    if not got or any(not s for s in got):
        return None
    return got
