"""Human output of a verdict with rich: the text with its evidence highlighted, the findings, the advice."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from fanzha.detect.verdict import Verdict
from fanzha.kb.schema import KnowledgeBase
from fanzha.messages import t

LABEL_STYLE = {
    "scam": "bold white on red",
    "suspicious": "bold black on yellow",
    "safe": "bold white on green",
}
STAGE_STYLE = {1: "yellow", 2: "dark_orange", 3: "red"}
MAX_SHOWN_CHARS = 2000


@dataclass
class VerdictView:
    """Renders a `Verdict` with the text it was computed on (`texts`: one text, or the turns)."""

    verdict: Verdict
    texts: list[str]
    kb: KnowledgeBase
    lang: str = "zh"

    def _name(self, kind: str, ident: str | None) -> str:
        if ident is None:
            return "-"
        if kind == "category":
            for c in self.kb.categories:
                if c.id == ident:
                    return c.name.get(self.lang)
        if kind == "variant":
            for v in self.kb.variants:
                if v.id == ident:
                    return v.name.get(self.lang)
        return ident

    def _highlighted(self) -> Text:
        out = Text()
        for i, body in enumerate(self.texts):
            shown = Text(body[:MAX_SHOWN_CHARS])
            for f in self.verdict.findings:
                if (f.turn or 0) == i and f.end <= MAX_SHOWN_CHARS:
                    shown.stylize(f"bold {STAGE_STYLE.get(f.stage or 0, 'cyan')} underline", f.start, f.end)
            if len(body) > MAX_SHOWN_CHARS:
                shown.append(" …", style="dim")
            if i:
                out.append("\n")
            out.append_text(shown)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        v, lang = self.verdict, self.lang
        head = Table.grid(padding=(0, 2))
        head.add_column(style="bold")
        head.add_column()
        head.add_row(
            t("heading.verdict", lang),
            Text.assemble(
                (f" {t('label.' + v.label, lang)} ", LABEL_STYLE[v.label]), "  ", t("kind." + v.kind, lang)
            ),
        )
        head.add_row(t("heading.category", lang), self._name("category", v.category))
        if v.variant:
            head.add_row(t("heading.variant", lang), self._name("variant", v.variant))
        head.add_row(
            t("heading.stage", lang), t(f"stage.{v.stage}", lang) if v.stage else t("stage.none", lang)
        )
        head.add_row(t("heading.score", lang), f"{v.score:.2f}")
        parts: list[Text | Table | Panel] = [head]
        if any(self.texts):
            parts.append(Panel(self._highlighted(), title=t("heading.text", lang), title_align="left"))
        if v.findings:
            table = Table(title=t("heading.evidence", lang), title_justify="left", show_lines=False)
            table.add_column(t("col.stage", lang), no_wrap=True)
            # fold: Chinese has no spaces to wrap at, and an ellipsis would cut the words that prove the verdict
            table.add_column(t("col.matched", lang), style="bold", overflow="fold")
            table.add_column(t("col.reason", lang), overflow="fold")
            table.add_column(t("col.indicator", lang), style="dim", overflow="fold")
            for f in v.findings:
                stage = str(f.stage) if f.stage else "-"
                table.add_row(
                    Text(stage, style=STAGE_STYLE.get(f.stage or 0, "")), f.text, f.reason, f.indicator
                )
            parts.append(table)
        else:
            parts.append(Text(t("msg.no_findings", lang), style="green"))
        if v.not_listed:
            parts.append(Text(t("msg.not_listed", lang, n=v.not_listed), style="yellow"))
        if v.entities:
            details = Text(t("heading.entities", lang) + t("punct.colon", lang).rstrip(), style="bold")
            seen: set[tuple[str, str]] = set()
            for m in v.entities:
                key = (m.entity.kind, m.entity.text)
                if key in seen:
                    continue
                seen.add(key)
                details.append(f"  {t('entity.' + m.entity.kind, lang)} ", style="dim")
                details.append(m.entity.text)
            parts.append(details)
        if v.advice:
            # a grid, so that a long item wraps under its own text, never leaving its number alone on a line
            advice = Table.grid(padding=(0, 1))
            advice.add_column(justify="right", no_wrap=True)
            advice.add_column(overflow="fold")
            for i, a in enumerate(v.advice, start=1):
                advice.add_row(f"{i}.", a.text)
            parts.append(
                Panel(advice, title=t("heading.advice", lang), title_align="left", border_style="cyan")
            )
        yield Group(*parts)
