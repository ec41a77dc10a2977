"""Checks a hit of an indicator must pass: the one small hook a recogniser may have beside its data (presidio's
``validate_result``), for what a pattern cannot say.

An indicator names its check in the knowledge base (``check: unofficial_contact``; the names are the
`fanzha.kb.schema.Check` literal, each implemented here). A check is built once per compiled knowledge base
and called with the normalised text (and its map to the original) and the hit's span; the hit is dropped when it
returns False. Without the original text (`Detector.screen`, the warning engine's upper bound) checks are not
run, so the indicators they keep are a superset of the analysis's, as an upper bound must be.

- ``unofficial_contact``: the hit holds a phone number or a link, and at least one of them is not an official
  hotline or domain of the platforms, couriers, banks and offices in ``kb/data/official.yaml`` (plus the
  service numbers of ``entities.yaml``). A callback to 950618 or a link to m.tb.cn is what the real platform
  sends; a callback to a Shanghai landline or a link to jd-tuikuan.cn is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import get_args

from fanzha.kb.schema import Check, KnowledgeBase
from fanzha.text.normalize import Normalized

#: (normalised text, its map to the original, hit start, hit end) → keep the hit?
CheckFn = Callable[[str, Normalized | None, int, int], bool]

_DIGITS = re.compile(r"(?<!\d)\d{5,12}(?!\d)")
_HOST = re.compile(r"(?<![a-z0-9.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,10})(?![a-z0-9-])")


def _unofficial_contact(kb: KnowledgeBase) -> CheckFn:
    numbers: set[str] = set(kb.lexicon.service_numbers)
    domains: set[str] = set()
    for org in kb.official:
        numbers.update(org.hotlines)
        domains.update(org.domains)

    def official_host(host: str) -> bool:
        parts = host.split(".")
        return any(".".join(parts[i:]) in domains for i in range(len(parts) - 1))

    def check(text: str, norm: Normalized | None, start: int, end: int) -> bool:
        if norm is None:
            return True  # no original to read the link from: keep (an upper bound stays an upper bound)
        found = False
        for m in _DIGITS.finditer(text, start, end):
            found = True
            if m.group(0) not in numbers:
                return True
        a, b = norm.to_original(start, end)
        original = norm.original[a:b].translate(_LOWER)
        for m in _HOST.finditer(original):
            found = True
            if not official_host(m.group(1)):
                return True
        return not found  # nothing to check (a pattern without a number or a link) keeps the hit

    return check


_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)} | {
    c: c - 0xFEE0 + (32 if 0xFF21 <= c <= 0xFF3A else 0) for c in range(0xFF01, 0xFF5F)
}

CHECKS: dict[str, Callable[[KnowledgeBase], CheckFn]] = {"unofficial_contact": _unofficial_contact}
assert set(CHECKS) == set(get_args(Check)), "every check the knowledge base may name is implemented"


def build(kb: KnowledgeBase) -> dict[str, CheckFn]:
    """The checks the knowledge base's indicators use, built for it."""
    names = {ind.check for ind in kb.indicators if ind.check is not None}
    return {name: CHECKS[name](kb) for name in sorted(names)}
