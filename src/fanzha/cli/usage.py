"""The command line's own errors in the catalogue: click's usage errors (an unknown option or command, a missing
or invalid value, an extra argument) become coded errors (E050–E054) and print as every other error does — one
line, in the command's language, with a hint — instead of click's English usage block."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import click

from fanzha.errors import InputError
from fanzha.messages import t

#: click's own reasons for a bad value (`click.types`, in English) → the catalogue's, with the value they name
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + r"\.\Z", re.S), key)
    for pattern, key in (
        (r"(?P<value>.+) is not a valid integer(?: range)?", "cli.usage.not_integer"),
        (r"(?P<value>.+) is not a valid float(?: range)?", "cli.usage.not_number"),
        (r"(?P<value>.+) is not in the range (?P<range>.+)", "cli.usage.out_of_range"),
        (r"(?P<value>.+) is not one of (?P<choices>.+)", "cli.usage.not_a_choice"),
        (r"(?P<value>.+) is not (?P<choices>'[^']*')", "cli.usage.not_a_choice"),
        (r"(?:File|Directory|Path) (?P<value>.+) does not exist", "cli.usage.no_such_path"),
        (r"(?:File|Directory|Path) (?P<value>.+) is a file", "cli.usage.is_a_file"),
        (r"(?:File|Directory|Path) (?P<value>.+) is a directory", "cli.usage.is_a_directory"),
        (r"(?:File|Directory|Path) (?P<value>.+) is not readable", "cli.usage.not_readable"),
    )
)


def _options(command: click.Command | None) -> list[str]:
    """Every option name of a command (long names first), for a suggestion."""
    if command is None:
        return []
    names = [o for p in command.params if isinstance(p, click.Option) for o in (*p.opts, *p.secondary_opts)]
    return sorted(set(names), key=lambda o: (not o.startswith("--"), o))


def _param(exc: click.MissingParameter | click.BadParameter) -> str:
    """How the command line names the parameter: its option (--orders) or its argument (CASE_DIR)."""
    if exc.param_hint:
        hint = exc.param_hint
        return " / ".join(hint) if not isinstance(hint, str) else hint.replace("'", "")
    if exc.param is not None:
        if isinstance(exc.param, click.Option) and exc.param.opts:
            return max(exc.param.opts, key=len)  # the long name
        return (exc.param.human_readable_name or exc.param.name or "?").upper()
    return "?"


@dataclass(frozen=True)
class _Reason:
    """A reason from the catalogue, rendered in the language the error is rendered in."""

    key: str
    params: dict[str, str]

    def render(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


def _reason(message: str) -> _Reason | str:
    """click's reason, in the error's language when it is one `_REASONS` knows, else as click gave it."""
    for pattern, key in _REASONS:
        if (m := pattern.match(message)) is not None:
            return _Reason(key, m.groupdict())
    return message


def usage_error(exc: click.ClickException) -> InputError:
    """The coded error for one of click's: E050 no such option (with click's options close to it, else all of
    the command's), E052 a missing argument or option, E053 an invalid value or an option without one (click's
    reason, in the command's language when the catalogue has it), E054 any other usage error (click's own words); `where` is the command (``fanzha cases
    leaks``)."""
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "fanzha"
    where = command
    if isinstance(exc, click.NoSuchOption):
        close = list(exc.possibilities or []) or _options(ctx.command if ctx is not None else None)
        return InputError(
            "E050", where=where, option=exc.option_name, possibilities=", ".join(close), command=command
        )
    if isinstance(exc, click.MissingParameter):
        return InputError("E052", where=where, param=_param(exc), command=command)
    if isinstance(exc, click.BadParameter):
        return InputError(
            "E053", where=where, param=_param(exc), reason=_reason(exc.message), command=command
        )
    if isinstance(exc, click.BadOptionUsage):  # an option without its value
        return InputError("E053", where=where, param=exc.option_name, reason=exc.message, command=command)
    return InputError("E054", where=where, reason=exc.format_message(), command=command)


def unknown_command(ctx: click.Context, name: str, valid: list[str]) -> InputError:
    """E051: `name` is none of the group's commands (the close ones suggested, else every one)."""
    close = difflib.get_close_matches(name, valid, n=3)
    return InputError("E051", where=ctx.command_path, name=name, valid=", ".join(close or valid))
