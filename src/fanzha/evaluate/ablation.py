"""The ablation table of the model card: indicators only, model only, fused — per corpus.

Run `fanzha eval` three times with ``FANZHA_MODEL=off``, ``only`` and ``on`` (each writing ``corpora.json`` with
``--out``), then::

    python -m fanzha.evaluate.ablation RULES_DIR MODEL_DIR FUSED_DIR [--split test] [--doc docs/model-card.md]

prints the Markdown table (and with ``--doc`` replaces the block between ``<!-- BEGIN ablation -->`` and
``<!-- END ablation -->``). For a corpus with scams the figure is F1 (label ≠ safe) with its recall; for a
corpus without, the false-alarm rate (and the attempt false alarms for news). "Fused best" says whether the
fused system beats both parts alone (higher F1 or lower false alarms; a tie with a part at 0 false alarms
counts as not worse).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from fanzha.errors import InputError
from fanzha.evaluate.blocks import replace_block

MODES = ("rules", "model", "fused")


def _rows(path: Path, split: str) -> dict[str, dict[str, Any]]:
    """The rows of one `fanzha eval --out` folder; a clear SystemExit for a folder that is not one."""
    source = path / "corpora.json"
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(f"{source}: not found (write it with `fanzha eval … --out {path}`)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SystemExit(f"{source}: not a `fanzha eval` report ({exc})") from None
    try:
        table = data["tables"][split]
        return {row["title"]: row for row in [*table["rows"], *table["combined"]]}
    except (KeyError, TypeError):
        raise SystemExit(f"{source}: has no table for the {split!r} split") from None


def _cell(row: dict[str, Any]) -> tuple[str, float, bool]:
    """(shown text, figure, higher is better)."""
    if row.get("n_scam"):
        scam = row["scam"]
        text = f"F1 {scam['f1']:.3f} (R {scam['recall']:.3f}, P {scam['precision']:.3f})"
        fa = row.get("false_alarms") or {}
        if fa.get("n"):
            text += f", FA {100 * fa['rate']:.2f} %"
        return text, float(scam["f1"]), True
    fa = row["false_alarms"]
    att = row["attempt_false_alarms"]
    text = f"FA {100 * fa['rate']:.2f} % ({fa['k']}/{fa['n']})"
    if att["k"] != fa["k"]:
        text += f", attempts {100 * att['rate']:.2f} %"
    return text, float(att["rate"] if att["k"] != fa["k"] else fa["rate"]), False


def _category(row: dict[str, Any]) -> str:
    cat = row.get("category_of_all")
    return f"{100 * cat['rate']:.1f} %" if cat and cat.get("n") else "–"


def table(dirs: dict[str, Path], split: str = "test") -> str:
    """The Markdown ablation table from three `fanzha eval --out` folders."""
    runs = {mode: _rows(path, split) for mode, path in dirs.items()}
    lines = [
        "| corpus | n | indicators only | model only | fused | fused best? | category acc. (rules / model / fused) |",
        "| --- | ---: | --- | --- | --- | --- | --- |",
    ]
    for title, fused_row in runs["fused"].items():
        cells = {m: _cell(runs[m][title]) for m in MODES if title in runs[m]}
        if len(cells) < 3:
            continue
        higher = cells["fused"][2]
        f = cells["fused"][1]
        others = [cells["rules"][1], cells["model"][1]]
        if higher:
            best = "yes" if all(f > o for o in others) else "no"
        else:
            best = "yes" if all(f < o or (f == o == 0.0) for o in others) else "no"
        cats = " / ".join(_category(runs[m][title]) for m in MODES)
        lines.append(
            f"| {title} | {fused_row['n']:,} | {cells['rules'][0]} | {cells['model'][0]} | {cells['fused'][0]} "
            f"| {best} | {cats} |"
        )
    return "\n".join(lines) + "\n"


def update(doc: Path, body: str) -> None:
    try:
        replace_block(doc, body, "<!-- BEGIN ablation -->", "<!-- END ablation -->")
    except InputError as exc:
        raise SystemExit(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fanzha.evaluate.ablation", description=__doc__.split("\n")[0]
    )
    parser.add_argument("rules", type=Path)
    parser.add_argument("model", type=Path)
    parser.add_argument("fused", type=Path)
    parser.add_argument("--split", default="test")
    parser.add_argument("--doc", type=Path)
    args = parser.parse_args(argv)
    body = table({"rules": args.rules, "model": args.model, "fused": args.fused}, args.split)
    sys.stdout.write(body)
    if args.doc is not None:
        update(args.doc, body)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
