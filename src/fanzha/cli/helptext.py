"""``--help`` in the process language: every command is a `HelpCommand` (a group a `HelpGroup`), which formats
its help from the message catalogue, falling back to the English in the code.

Keys: ``help.PATH`` for a command's help (``help.check``, ``help.cases.link``; the root is ``help.fanzha``) and
``help.PATH.NAME`` for a parameter's (``help.check.no_model``: the longest option name, dashes as ``_``; an
argument's name); ``help.PATH.NAME.default`` translates a ``show_default`` text. An option many commands share
with the same English (`shared`) may use ``help.common.NAME`` instead. The English stays in the code (it is the
``en`` text and the fallback); only zh.yaml holds ``help.*`` keys. In a catalogue text a line that is exactly
``\\b`` is click's no-rewrap marker (``\\b`` in a docstring), so example blocks keep their lines.

The language is the one asked for anywhere on the command line (``fanzha --lang en check --help`` and
``fanzha check --help --lang en`` alike: help is printed while the options are still being read), else the process
default (`fanzha.messages.default_lang`: ``$FANZHA_LANG``, else zh).
"""

from __future__ import annotations

import copy
import inspect
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

import click

from fanzha.messages import LANGS, catalogue, default_lang

_META = "fanzha.help_lang"

# option name → the English help every command that has the option with this text shares (key help.common.NAME)
SHARED: dict[str, str] = {
    "help": "Show this message and exit.",  # click's help option
    "version": "Show the version and exit.",  # click's version option
}


def shared(name: str, english: str) -> str:
    """Register `english` as the help of option `name` wherever it is used unchanged; returns it."""
    SHARED[name] = english
    return english


def asked_lang(args: Sequence[str]) -> str | None:
    """The last valid ``--lang X`` / ``--lang=X`` in `args` (before ``--``), or None."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg.partition("=")[2]
        if (arg == "--lang" or arg.startswith("--lang=")) and value in LANGS:
            found = value
    return found


def help_lang(ctx: click.Context) -> str:
    lang = ctx.meta.get(_META)
    return lang if isinstance(lang, str) else default_lang()


def command_path(ctx: click.Context) -> list[str]:
    """The subcommand names from the root to `ctx`'s command (the root's own name is not part of it)."""
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return names[::-1]


def command_key(path: Sequence[str]) -> str:
    return "help." + (".".join(path) if path else "fanzha")


def param_name(param: click.Parameter) -> str:
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len).lstrip("-").replace("-", "_")
    return param.name or ""


def param_keys(path: Sequence[str], param: click.Parameter) -> list[str]:
    """The catalogue keys that may hold `param`'s help, first found first used."""
    name = param_name(param)
    keys = [f"{command_key(path)}.{name}"]
    if isinstance(param, click.Option) and param.help is not None and SHARED.get(name) == param.help:
        keys.append(f"help.common.{name}")
    return keys


def text(lang: str, keys: Sequence[str], english: str | None) -> str | None:
    """The first of `keys` in `lang`'s catalogue (only zh holds help texts), else `english`."""
    found = catalogue(lang)
    for key in keys:
        if key in found:
            return unmark(found[key])
    return english


def unmark(value: str) -> str:
    return "\n".join("\b" if line.strip() == "\\b" else line for line in value.split("\n"))


def label(key: str, lang: str) -> str:
    return catalogue(lang)[key]


def first_sentence(value: str) -> str:
    return inspect.cleandoc(value).split("\n", 1)[0].split("。", 1)[0].rstrip("：:")


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in "WF"


_MARKED = re.compile(r"(.) ", re.DOTALL)  # a character and the space `widen` may have put after it
_GLUE = "\x1f"  # the second column of a wide character that must not end (or start) a line
_CLOSING, _OPENING = "，。、；：）」』》！？", "（「『《"


def widen(value: str) -> str:
    """`value` with a space after each wide (CJK) character: click wraps at spaces and counts characters, while
    Chinese takes two columns a character and breaks anywhere (but not before ，。） … nor after （ …).
    `HelpFormatter.getvalue` removes what was added (`narrow`)."""
    out = []
    for c, after in zip(value, value[1:] + " ", strict=False):
        out.append(c + (_GLUE if c in _OPENING or after in _CLOSING else " ") if _wide(c) else c)
    return "".join(out)


def narrow(value: str) -> str:
    """`widen` undone (the space after each wide character: a space of the text after one is a second one)."""
    value = _MARKED.sub(lambda m: m.group(1) if _wide(m.group(1)) else m.group(0), value)
    return value.replace(_GLUE, "")


class HelpFormatter(click.HelpFormatter):
    """click's formatter, wrapping Chinese at the terminal's width (two columns a character) too."""

    def write_heading(self, heading: str) -> None:
        colon = "：" if any(_wide(c) for c in heading) else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

    def write_text(self, text: str) -> None:
        super().write_text(widen(text))

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(first, widen(second)) for first, second in rows], col_max, col_spacing)

    def getvalue(self) -> str:
        return narrow(super().getvalue())


class HelpContext(click.Context):
    formatter_class = HelpFormatter


class HelpCommand(click.Command):
    """A command whose ``--help`` speaks the process language (see the module)."""

    context_class = HelpContext

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        lang = asked_lang(args)
        if lang is not None:
            ctx.meta[_META] = lang
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(
            ctx.command_path, " ".join(pieces), prefix=label("cli.help_usage", help_lang(ctx))
        )

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        value = text(help_lang(ctx), [command_key(command_path(ctx))], None)
        if value is None:
            super().format_help_text(ctx, formatter)
            return
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(inspect.cleandoc(value).partition("\f")[0])

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        args = [p for p in self.get_params(ctx) if isinstance(p, click.Argument)]
        if any(a.help is not None for a in args):
            with formatter.section(label("cli.help_arguments", help_lang(ctx))):
                formatter.write_dl([self._record(ctx, a) for a in args])

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            self._record(ctx, p) for p in self.get_params(ctx) if isinstance(p, click.Option) and not p.hidden
        ]
        if rows:
            with formatter.section(label("cli.help_options", help_lang(ctx))):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def _record(self, ctx: click.Context, param: click.Parameter) -> tuple[str, str]:
        """`param`'s help row, its help and its ``[default: …]`` in the help language."""
        lang, path = help_lang(ctx), command_path(ctx)
        keys = param_keys(path, param)
        value = text(lang, keys, getattr(param, "help", None)) or ""
        if not isinstance(param, click.Option):
            return param.make_metavar(ctx), value
        localized = copy.copy(param)
        if isinstance(param.show_default, str):
            names = [k + ".default" for k in keys] + [f"help.common.{param_name(param)}.default"]
            localized.show_default = text(lang, names, param.show_default)
        extra = localized.get_help_extra(ctx)
        items = [label("cli.help_envvar", lang) + ", ".join(extra["envvars"])] if "envvars" in extra else []
        items += [label("cli.help_default", lang) + extra["default"]] if "default" in extra else []
        items += [extra["range"]] if "range" in extra else []
        items += [label("cli.help_required", lang)] if "required" in extra else []
        if items:
            value = f"{value}  [{'; '.join(items)}]" if value else f"[{'; '.join(items)}]"
        return param.get_help_spec(ctx), value


class HelpGroup(HelpCommand, click.Group):
    """A group whose help, and whose subcommands' help, speak the process language."""

    command_class = HelpCommand
    group_class = type  # subgroups are HelpGroups too

    def summary(self, ctx: click.Context, name: str, limit: int) -> str | None:
        """The one-line summary of subcommand `name` in the list of commands (the first sentence of its help in
        the catalogue, else click's); None: not listed (hidden or missing)."""
        value = text(help_lang(ctx), [command_key([*command_path(ctx), name])], None)
        if value is not None:
            return first_sentence(value)
        command = self.get_command(ctx, name)
        return None if command is None or command.hidden else command.get_short_help_str(limit)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """click's, but a name that is no command is E051 with the commands close to it (click's own error is
        English and names none)."""
        from fanzha.cli.usage import unknown_command

        name = args[0] if args else ""
        if (
            name
            and not name.startswith("-")
            and self.get_command(ctx, name) is None
            and not ctx.resilient_parsing
        ):
            raise unknown_command(ctx, name, [n for n in self.list_commands(ctx) if self.summary(ctx, n, 80)])
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max((len(n) for n in names), default=0)
        rows = [(n, h) for n in names if (h := self.summary(ctx, n, limit)) is not None]
        if rows:
            with formatter.section(label("cli.help_commands", help_lang(ctx))):
                formatter.write_dl(rows)


def walk(command: click.Command, path: list[str] | None = None) -> Iterator[tuple[list[str], click.Command]]:
    """Every (path, command) of the tree under `command`, the root's path empty (for the tests and docs)."""
    path = path or []
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                yield from walk(sub, [*path, name])
