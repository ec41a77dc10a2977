"""What several commands share: the --json, --quiet and --lang options, JSON on standard output, and the
command line rebuilt for the provenance line of a report."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from fanzha.cli.helptext import shared
from fanzha.messages import LANGS, default_lang, set_lang, t

json_option = click.option(
    "--json", "as_json", is_flag=True, help=shared("json", "Print the summary as JSON.")
)
quiet_option = click.option("--quiet", is_flag=True, help=shared("quiet", "No progress on standard error."))
LANG_HELP = shared("lang", "Language of the output.")


def _use_lang(ctx: click.Context, param: click.Parameter, value: str) -> str:
    set_lang(value)  # the command's errors speak its language too
    return value


def lang_option(help: str = LANG_HELP, *, expose: bool = True) -> Callable[[Any], Any]:
    """``--lang zh|en`` (default: ``$FANZHA_LANG``, else zh); it becomes the process default language, so the
    command's errors and summaries (`say`) are in it too. ``expose=False``: the command does not take it as an
    argument (it only prints through `say`)."""
    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        default=default_lang,
        show_default="zh, or $FANZHA_LANG",
        callback=_use_lang,
        expose_value=expose,
        help=help,
    )


def warning(code: str, *, where: str, **params: Any) -> None:
    """A warning of the error catalogue (a W code) on standard error, in the process language, with its hint."""
    from fanzha.errors import hint_text, text

    hint = hint_text(code, **params)
    click.echo(f"{where}: {code} {text(code, **params)}" + (f" ({hint})" if hint else ""), err=True)


def say(key: str, /, *, err: bool = False, **params: Any) -> None:
    """Print the catalogue's text `key` (fanzha.messages, ``cli.*``) in the process language (``--lang``)."""
    click.echo(t(key, default_lang(), **params), err=err)


def finish(rejected: int) -> None:
    """End a command that reads records: exit status 1 when some were rejected (each one reported), else 0.
    (2 is a usage or input error and 3 an internal one: `fanzha.cli.main.main`.)"""
    if rejected:
        sys.exit(1)


def echo_json(data: Any) -> None:
    """Print `data` as indented JSON on standard output."""
    import orjson

    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())


def command_line(*words: object, options: Sequence[tuple[str, object]]) -> str:
    """The command as one would type it: `words`, then ``NAME VALUE`` for each option given (a tuple is a
    repeated option), for the provenance line of a report."""
    parts = [str(w) for w in words]
    for name, value in options:
        for v in value if isinstance(value, tuple) else (value,):
            if v is not None:
                parts += [name, str(v)]
    return " ".join(parts)
