"""`fanzha demo` (what `make run` runs): analyse the examples shipped in the package and print the verdicts."""

from __future__ import annotations

from importlib import resources
from typing import Any

import click
import orjson

from fanzha.cli.common import lang_option
from fanzha.cli.helptext import HelpCommand


def load_examples() -> list[dict[str, Any]]:
    """The examples written for the project (modelled on police reports; not copies of them)."""
    raw = (resources.files("fanzha.examples") / "examples.jsonl").read_bytes()
    return [orjson.loads(line) for line in raw.splitlines() if line.strip()]


@click.command("demo", cls=HelpCommand)
@lang_option()
@click.option(
    "--detail/--no-detail", default=True, help="Also show the full verdict of the first two examples."
)
def demo(lang: str, detail: bool) -> None:
    """Analyse the shipped example messages, chats and case reports, and print the verdicts."""
    from rich.console import Console
    from rich.table import Table

    from fanzha.cli.render import VerdictView
    from fanzha.detect.engine import Detector
    from fanzha.messages import t

    console = Console()
    detector = Detector(lang=lang)
    examples = load_examples()
    table = Table(title=t("cli.demo_title", lang), show_lines=False)
    columns = t("cli.demo_columns", lang).split("|")
    for i, col in enumerate(columns):
        table.add_column(col, overflow="fold", no_wrap=i >= len(columns) - 2)
    agree = 0
    verdicts = []
    for ex in examples:
        v = detector.analyze(ex.get("turns") or ex["text"], lang=lang)
        verdicts.append(v)
        expected = (ex["label"], ex["kind"], ex["category"], ex["variant"], ex["stage"])
        ok = (v.label, v.kind, v.category, v.variant, v.stage) == expected
        agree += ok
        table.add_row(
            ex["id"],
            f"{t('label.' + v.label, lang)} · {t('kind.' + v.kind, lang)}",
            f"{v.category or '-'} / {v.variant or '-'}",
            str(v.stage or "-"),
            f"{v.score:.2f}",
            "✓" if ok else "✗",
        )
    if detail:
        for ex, v in list(zip(examples, verdicts, strict=True))[:2]:
            texts = [turn["text"] for turn in ex["turns"]] if "turns" in ex else [ex["text"]]
            console.print(VerdictView(v, texts, detector.kb, lang))
    console.print(table)
    console.print(t("cli.demo_agree", lang, agree=agree, total=len(examples)))
