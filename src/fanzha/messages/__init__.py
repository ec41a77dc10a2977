"""The message catalogue: every text a person reads, in zh (default) and en."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

LANGS = ("zh", "en")


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    text = (resources.files("fanzha.messages") / f"{lang}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {str(k): str(v) for k, v in data.items()}


def t(key: str, lang: str = "zh", **params: Any) -> str:
    """The text for `key` in `lang`, formatted with `params`."""
    text = catalogue(lang).get(key) or catalogue("zh")[key]
    return text.format(**params) if params else text
