"""Coded errors from one catalogue: ``fanzha/messages/errors.yaml``.

Every error a person can see — raised (`FanzhaError`) or reported in a list (`fanzha.kb.yamlsrc.Issue`, the
rows kept aside by warn, `fanzha.records.events.Rejected`, a world's violations …) — carries a stable code. The
catalogue defines each code once: the docs section it belongs to (`area`), its message in zh and en (a
``str.format`` template over named params), an optional hint in zh and en, and the exit status of a command it
ends. Params are values (a field name, a number, a path, an id, a list of valid names), never a sentence in one
language; a library's or the operating system's own message comes as ``{reason}``.

A hint that names a param given empty (None, ``""``, an empty list) is left out: ``did you mean {close}?``
only when there is something close. Looking up a code the catalogue lacks is a programming error (KeyError),
and so is giving a code other params than its templates use (TypeError).

``python -m fanzha.errors --doc docs/errors.md`` writes the reference generated from the catalogue.
"""

from __future__ import annotations

import argparse
import functools
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from fanzha.messages import LANGS, default_lang

#: the docs sections of the catalogue, in the order of docs/errors.md: area → (title, what it covers)
AREAS: dict[str, tuple[str, str]] = {
    "input": ("Input", "what a command or function is given: texts, chats, JSONL lines, durations"),
    "files": ("Files", "reading and writing files and folders, whatever the command"),
    "image": ("Chat screenshots", "`fanzha check --image` and `POST /v1/check/image`: images read by OCR"),
    "kb": ("Knowledge base", "`fanzha kb lint` and loading: the knowledge base and its entity lexicon"),
    "eval": ("Evaluation and corpora", "`fanzha eval`: labelled JSONL, the public corpora, generated docs"),
    "sim": ("Simulated world", "`fanzha sim`: options, output, `--check` of a world"),
    "trace": ("Money tracing", "`fanzha trace`: ledgers, column mappings, seeds, links, rows kept aside"),
    "model": ("Text model", "the trained model's artifact and `fanzha train`"),
    "warn": ("Early warning", "`fanzha warn`: events, the store, options, the sequence rules and playbook"),
    "service": ("Anti-fraud centre service", "`fanzha serve`: the HTTP API, logins and keys, alerts, traces"),
    "cases": (
        "Cases",
        "`fanzha cases`: intake of reports and its column mapping, the rows it keeps aside, linking, the leak"
        " source, the bars on a world",
    ),
}
EXIT_INPUT = 2
EXIT_INTERNAL = 3
_CODE = re.compile(r"^[EW]\d{3}$")


@dataclass(frozen=True)
class Entry:
    """One code of the catalogue."""

    code: str
    area: str
    zh: str
    en: str
    hint: Mapping[str, str] | None = None
    exit: int = EXIT_INPUT
    reserved: str | None = None  # why a code no module uses is kept

    def template(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @functools.cached_property
    def params(self) -> frozenset[str]:
        """Every param the message and hint templates use (zh and en)."""
        texts = [self.zh, self.en, *(self.hint or {}).values()]
        return frozenset(name for text in texts for name in placeholders(text))


def placeholders(template: str) -> list[str]:
    """The param names of a template, in order (``{value!r}`` and ``{n:,}`` name ``value`` and ``n``)."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


@functools.cache
def catalogue() -> dict[str, Entry]:
    """Every code, read once from ``fanzha/messages/errors.yaml``."""
    text = (resources.files("fanzha.messages") / "errors.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    out: dict[str, Entry] = {}
    for code, item in data.items():
        hint = item.get("hint")
        out[str(code)] = Entry(
            code=str(code),
            area=item["area"],
            zh=item["zh"],
            en=item["en"],
            hint={lang: hint[lang] for lang in LANGS} if hint else None,
            exit=int(item.get("exit", EXIT_INPUT)),
            reserved=item.get("reserved"),
        )
    return out


def entry(code: str) -> Entry:
    """The catalogue entry of `code` (KeyError for a code the catalogue lacks: a programming error)."""
    try:
        return catalogue()[code]
    except KeyError:
        raise KeyError(f"error code {code!r} is not in fanzha/messages/errors.yaml") from None


def check_params(code: str, params: Mapping[str, Any]) -> Entry:
    """The entry of `code`, after checking that `params` are exactly the ones its templates use."""
    e = entry(code)
    if set(params) != e.params:
        raise TypeError(f"{code} takes params {sorted(e.params)}, got {sorted(params)}")
    return e


#: the characters that break a line (`str.splitlines`), as a param shows them: escaped, so that a value read from
#: a user's file (a cell, a column name) never splits the one line an error is
_LINE_BREAKS = str.maketrans({c: repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def _value(v: Any, lang: str) -> Any:
    """A param as its template shows it: a coded value rendered in `lang`, a list joined by commas, a text with
    its line breaks escaped."""
    if isinstance(v, FanzhaError):
        return f"{v.code} {v.message(lang)}"
    render = getattr(v, "render", None)
    if callable(render):
        return render(lang)
    if isinstance(v, list | tuple | set | frozenset):
        return ", ".join(str(_value(x, lang)) for x in v)
    if isinstance(v, str):
        return v.translate(_LINE_BREAKS)
    return v


def shown(value: Any, limit: int = 60) -> str:
    """A value a user gave, as a param shows it: its repr, cut to `limit` characters with the repr's length when
    longer (a param is a value, never a sentence: the catalogue's template says what is wrong with it)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)})"


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, str | list | tuple | set | frozenset) and not v)


def _fill(template: str, params: Mapping[str, Any], lang: str) -> str:
    return template.format(**{k: _value(v, lang) for k, v in params.items()})


def text(code: str, lang: str | None = None, /, **params: Any) -> str:
    """The message of `code` in `lang` (default: the process default language), filled with `params`."""
    lang = lang or default_lang()
    return _fill(entry(code).template(lang), params, lang)


def hint_text(code: str, lang: str | None = None, /, **params: Any) -> str | None:
    """The hint of `code` in `lang`, or None (none in the catalogue, or a param it names is empty)."""
    e = entry(code)
    if e.hint is None or any(_empty(params.get(name)) for name in placeholders(e.hint["en"])):
        return None
    lang = lang or default_lang()
    return _fill(e.hint[lang], params, lang)


def jsonable(params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` as JSON values (to store a reported problem and render it later): numbers, strings and
    lists of them stay, anything else becomes its string."""

    def one(v: Any) -> Any:
        if v is None or isinstance(v, str | int | float):
            return v
        if isinstance(v, list | tuple | set | frozenset):
            return [one(x) for x in v]
        return str(v)

    return {k: one(v) for k, v in params.items()}


class Coded:
    """A code with its params, rendered from the catalogue in any language. The reported problems (issues of
    kb lint, rows kept aside, a world's violations) are `Coded` with a location: `location()`."""

    __slots__ = ()
    code: str
    params: Mapping[str, Any]

    def location(self) -> str | None:
        return None

    def message(self, lang: str | None = None) -> str:
        return text(self.code, lang, **self.params)

    def hint(self, lang: str | None = None) -> str | None:
        return hint_text(self.code, lang, **self.params)

    def render(self, lang: str | None = None) -> str:
        """``where: CODE message (hint)``, as an error renders."""
        where = self.location()
        body = f"{self.code} {self.message(lang)}"
        hint = self.hint(lang)
        if hint:
            body = f"{body} ({hint})"
        return f"{where}: {body}" if where else body

    def __str__(self) -> str:
        return self.render()


class Lines(tuple[Any, ...]):
    """A list param shown one item a line (each item rendered in the message's language)."""

    def render(self, lang: str | None = None) -> str:
        return "\n".join(str(_value(x, lang or default_lang())) for x in self)


class FanzhaError(Exception):
    """An error with a stable code, its message from the catalogue, a location when known (`where`), and the
    catalogue's hint suggesting the fix (`hint`, when given, replaces it: a value such as a command)."""

    def __init__(
        self, code: str, *, where: str | None = None, hint: str | None = None, **params: Any
    ) -> None:
        self.entry = check_params(code, params)
        self.code = code
        self.where = where
        self.params = params
        self._hint = hint
        super().__init__(code)

    @property
    def exit(self) -> int:
        """The exit status of a command this error ends (2 usage or input, 3 internal)."""
        return self.entry.exit

    def message(self, lang: str | None = None) -> str:
        return text(self.code, lang, **self.params)

    def hint(self, lang: str | None = None) -> str | None:
        return self._hint if self._hint is not None else hint_text(self.code, lang, **self.params)

    def render(self, lang: str | None = None) -> str:
        """``where: CODE message (hint)`` in `lang` (default: the process default language)."""
        out = f"{self.code} {self.message(lang)}"
        if self.where:
            out = f"{self.where}: {out}"
        hint = self.hint(lang)
        return f"{out} ({hint})" if hint else out

    def __str__(self) -> str:
        return self.render()

    def __reduce__(self) -> tuple[Any, ...]:  # params are keyword-only: pickle the state, not the args
        return (_restore, (type(self), self.__dict__.copy()))


def _restore(cls: type[FanzhaError], state: dict[str, Any]) -> FanzhaError:
    err = cls.__new__(cls)
    Exception.__init__(err, state["code"])
    err.__dict__.update(state)
    return err


class InputError(FanzhaError, ValueError):
    """The input given to a command or function cannot be used as it is."""


class KnowledgeBaseError(FanzhaError):
    """The knowledge base failed to load or validate; `issues` holds every problem found."""

    def __init__(self, issues: Iterable[Any], *, where: str | None = None) -> None:
        self.issues = list(issues)
        super().__init__("E100", where=where, count=len(self.issues), issues=Lines(self.issues))


# -- the reference --------------------------------------------------------------------------------------------

_PREFACE = """\
Every error fanzha raises and every problem it reports carries a stable code. One catalogue defines them all,
`src/fanzha/messages/errors.yaml`: for each code its message in Chinese and English, a hint that suggests the
fix, and the exit status of a command it ends. This page is generated from it
(`python -m fanzha.errors --doc docs/errors.md`; `tests/test_errors.py` checks that it is up to date).

A command that stops on an error prints one line on standard error, `fanzha: error: WHERE: CODE message (hint)`;
problems found in files are listed as `file:line: CODE message` (`fanzha kb lint`, `fanzha sim --check`, the
rows `fanzha warn`, `fanzha trace` and `fanzha cases intake` keep aside, the bad lines of `fanzha check --jsonl`
and `fanzha eval`).

## Exit status

| status | meaning |
|---|---|
| 0 | all good |
| 1 | the command ran, but some records were rejected or problems were found (bad lines of `fanzha check --jsonl` or `fanzha eval --jsonl`, `fanzha kb lint` with errors, `fanzha sim --check` with violations, corpora skipped by `fanzha eval`) |
| 2 | a usage or input error: the command stopped on a code of this page whose exit is 2 |
| 3 | an internal error: a bug (a code whose exit is 3, or an uncaught exception; `FANZHA_DEBUG=1` shows the traceback) |

## Language

Messages and hints are in Simplified Chinese unless the command is given `--lang en` (the commands that have
`--lang`) or the environment sets `FANZHA_LANG=en` (`en_US.UTF-8` works too). In Python the default is
`fanzha.messages.default_lang()` (`set_lang` changes it); `FanzhaError.render(lang)` and `message(lang)` take
a language.

## Code ranges

E0xx input and files (E060–E069 chat screenshots); E1xx the knowledge base (E140–E149 are kept for the
training templates); E3xx evaluation and corpora, and E35x the entity lexicon; E4xx the simulated world; E5xx money tracing (E520–E528 the rows a
ledger load keeps aside); E6xx the text model; E7xx early warning (E720–E736 the sequence rules and playbook);
E8xx cases (E800–E819 intake, E820–E829 linking, E830–E839 the leak source, E840–E849 the bars on a world,
E850–E859 intake's column mapping); E9xx the anti-fraud centre's service (`fanzha serve`: every HTTP error is one
of them, as JSON).

## Reading the tables

`{name}` is a value filled in where the error happens: a field, a number, a path, an id, a list of valid names.
`{reason}` is the message of the library or the operating system that failed, as it gave it (it is not
translated). A hint whose value is empty is left out. Codes starting with W are warnings: reported, never
fatal.
"""


def _cell(text: str) -> str:
    """A template as a Markdown table cell: params as ``{name}``, pipes escaped, lines joined."""
    shown = "".join(
        lit + (f"{{{name}}}" if name is not None else "")
        for lit, name, _, _ in string.Formatter().parse(text)
    )
    return shown.replace("|", "\\|").replace("\n", "<br>")


def _order(code: str) -> tuple[int, str]:
    return int(code[1:]), code


def markdown() -> str:
    """docs/errors.md: the preface, then one table per area (code, message zh, message en, hint, exit)."""
    lines = [
        "# Error codes",
        "",
        "<!-- generated from src/fanzha/messages/errors.yaml by `python -m fanzha.errors --doc docs/errors.md`:"
        " edit the catalogue, not this file -->",
        "",
        _PREFACE,
    ]
    entries = sorted(catalogue().values(), key=lambda e: _order(e.code))
    for area, (title, covers) in AREAS.items():
        lines += [f"## {title}", "", f"{covers[0].upper()}{covers[1:]}.", ""]
        lines += ["| code | 中文 | English | hint 提示 | exit |", "|---|---|---|---|---|"]
        for e in entries:
            if e.area != area:
                continue
            en = _cell(e.en) + (f" *(reserved: {e.reserved})*" if e.reserved else "")
            hint = f"{_cell(e.hint['zh'])}<br>{_cell(e.hint['en'])}" if e.hint else ""
            lines.append(f"| {e.code} | {_cell(e.zh)} | {en} | {hint} | {e.exit} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m fanzha.errors", description="The error catalogue's reference."
    )
    ap.add_argument("--doc", type=Path, help="write docs/errors.md here (default: print it)")
    a = ap.parse_args(argv)
    if a.doc is None:
        print(markdown(), end="")
    else:
        a.doc.write_text(markdown(), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
