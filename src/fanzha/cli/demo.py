"""`fanzha demo` (what `make run` runs): analyse the examples shipped in the package and print the verdicts."""

from __future__ import annotations

from importlib import resources
from typing import Any

import click
import orjson


def load_examples() -> list[dict[str, Any]]:
    """The examples written for the project (modelled on police reports; not copies of them)."""
    raw = (resources.files("fanzha.examples") / "examples.jsonl").read_bytes()
    return [orjson.loads(line) for line in raw.splitlines() if line.strip()]


@click.command("demo")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
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
    table = Table(title="fanzha demo", show_lines=False)
    for col in ("id", "label", "kind", "category", "variant", "stage", "score", "evidence", "expected"):
        table.add_column(col, overflow="fold")
    agree = 0
    for ex in examples:
        v = detector.analyze(ex.get("turns") or ex["text"], lang=lang)
        ok = v.label == ex["label"] and v.category == ex["category"] and v.variant == ex["variant"]
        agree += ok
        evidence = "、".join(dict.fromkeys(f.text for f in v.findings[:4]))
        table.add_row(
            ex["id"],
            t("label." + v.label, lang),
            t("kind." + v.kind, lang),
            v.category or "-",
            v.variant or "-",
            str(v.stage or "-"),
            f"{v.score:.2f}",
            evidence,
            "✓" if ok else f"✗ {ex['label']}/{ex['category']}/{ex['variant']}",
        )
    if detail:
        for ex in examples[:2]:
            v = detector.analyze(ex.get("turns") or ex["text"], lang=lang)
            console.print(VerdictView(v, [ex["text"]], detector.kb, lang))
    console.print(table)
    console.print(f"{agree}/{len(examples)} examples as expected")
