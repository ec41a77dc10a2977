"""`fanzha kb lint | list | show ID`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fanzha.cli.common import lang_option
from fanzha.cli.helptext import HelpGroup


@click.group("kb", cls=HelpGroup)
@lang_option(expose=False)
def kb() -> None:
    """Lint and browse the knowledge base (categories, variants, indicators, advice)."""


@kb.command("lint")
@click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), help="A knowledge base folder."
)
@lang_option()
def lint_cmd(root: Path | None, lang: str) -> None:
    """Report every problem as `file:line: CODE message`; run every example. Exit 1 on errors."""
    from fanzha.kb.lint import lint
    from fanzha.messages import t

    report = lint(root)
    for issue in report.issues:
        click.echo(str(issue))
    if report.errors:
        click.echo(t("msg.kb_problems", lang, n=len(report.errors)), err=True)
        sys.exit(1)
    click.echo(t("msg.kb_ok", lang, n=report.indicators, e=report.examples), err=True)


@kb.command("list")
@click.argument(
    "what", type=click.Choice(["indicators", "categories", "variants", "advice"]), default="indicators"
)
@lang_option()
def list_cmd(what: str, lang: str) -> None:
    """List indicators (default), categories, variants or advice."""
    from rich.console import Console
    from rich.table import Table

    from fanzha.kb.loader import default_kb

    base = default_kb().kb
    table = Table(show_lines=False)
    if what == "indicators":
        for col in ("id", "stage", "role", "category", "variant", "weight", "meaning"):
            table.add_column(col, no_wrap=col == "id")
        for i in base.indicators:
            table.add_row(
                i.id,
                str(i.stage or "-"),
                i.role,
                i.category or "-",
                i.variant or "-",
                f"{i.weight:g}",
                i.meaning.get(lang),
            )
    elif what == "categories":
        for col in ("id", "mps_name", "name"):
            table.add_column(col)
        for c in base.categories:
            table.add_row(c.id, c.mps_name, c.name.get(lang))
    elif what == "variants":
        for col in ("id", "category", "name"):
            table.add_column(col)
        for v in base.variants:
            table.add_row(v.id, v.category, v.name.get(lang))
    else:
        for col in ("id", "priority", "text"):
            table.add_column(col)
        for a in base.advice:
            table.add_row(a.id, str(a.priority), a.text.get(lang))
    Console().print(table)


def _dumper() -> type:
    """A YAML dumper that writes a string with a line break or a tab as the YAML files do (double-quoted, with
    escapes: a regex's `[^,。!?;\\n]` stays on one line) and never folds a long line."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = '"' if any(c in value for c in "\n\t\r") else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


@kb.command("show")
@click.argument("ident")
def show_cmd(ident: str) -> None:
    """Show one entry (indicator, category, variant or advice) as YAML, with where it is defined."""
    import yaml

    from fanzha.errors import InputError
    from fanzha.kb.loader import default_kb

    loaded = default_kb()
    base = loaded.kb
    for group in (base.indicators, base.categories, base.variants, base.advice):
        for item in group:
            if item.id == ident:
                file, line = loaded.origin.get(ident, ("?", 0))
                click.echo(f"# {file}:{line}")
                data = item.model_dump(exclude_defaults=False)
                click.echo(
                    yaml.dump(data, Dumper=_dumper(), allow_unicode=True, sort_keys=False, width=10**6)
                )
                return
    ids = [i.id for g in (base.indicators, base.categories, base.variants, base.advice) for i in g]
    import difflib

    close = difflib.get_close_matches(ident, ids, n=5, cutoff=0.4)
    raise InputError("E120", id=ident, close=close)
