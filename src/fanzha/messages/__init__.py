"""The message catalogue: every text a person reads, in zh (default) and en.

The language used when none is given is the process default: `set_lang` (the commands with ``--lang`` set it),
else ``$FANZHA_LANG``, else zh. The error catalogue (``errors.yaml``, read by `fanzha.errors`) lives here too.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from typing import Any

import yaml

LANGS = ("zh", "en")

_lang: str | None = None  # set by `set_lang`; None: $FANZHA_LANG or zh


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    text = (resources.files("fanzha.messages") / f"{lang}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {str(k): str(v) for k, v in data.items()}


def t(key: str, lang: str = "zh", /, **params: Any) -> str:
    """The text for `key` in `lang`, formatted with `params`."""
    text = catalogue(lang).get(key) or catalogue("zh")[key]
    return text.format(**params) if params else text


def default_lang() -> str:
    """The process default language: the one `set_lang` chose, else ``$FANZHA_LANG`` (``en``, ``en_US.UTF-8``
    and ``zh-CN`` all work), else zh."""
    if _lang is not None:
        return _lang
    env = os.environ.get("FANZHA_LANG", "").strip().lower()
    code = env.replace("-", "_").split("_", 1)[0]
    return code if code in LANGS else "zh"


def set_lang(lang: str | None) -> None:
    """Make `lang` the process default language (None: back to ``$FANZHA_LANG`` or zh)."""
    global _lang
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    _lang = lang
