"""The entity lexicon's aliases, normalised as the detector normalises text (the ``lexicon_aliases`` validator
of `fanzha kb lint`)."""

from __future__ import annotations

from fanzha.kb.lint import Validator
from fanzha.kb.loader import LoadedKB
from fanzha.kb.yamlsrc import Issue
from fanzha.text.entities import lexicon_issues


def _alias_check(loaded: LoadedKB) -> list[Issue]:
    return lexicon_issues(loaded.kb.lexicon)[1]


lexicon_aliases = Validator(
    "lexicon_aliases", "error", _alias_check, "no alias of the entity lexicon names two things (E355)"
)
