"""The picture of the package's floors (docs/architecture/floors.svg), drawn from the code.

    python scripts/floors.py [--out docs/architecture/floors.svg] [--check]

The floors are the layers contract in pyproject.toml (`[tool.importlinter]`, which `make contracts` enforces);
the boxes are the packages of each floor with their number of modules; the arrows are the imports between
packages as grimp finds them in the source. `--check` exits 1 when the file differs from what the code gives
(tests/test_architecture.py runs it).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from html import escape
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "architecture" / "floors.svg"

#: what each package holds, in a few words (the picture's second line)
ROLES = {
    "fanzha.cli": "the command line (adapter)",
    "fanzha.service": "the HTTP service (adapter)",
    "fanzha.console": "the web console (adapter)",
    "fanzha.centre": "the centre's application",
    "fanzha.evaluate": "every quality measurement",
    "fanzha.classify": "the trained text model",
    "fanzha.warn": "early warning",
    "fanzha.cases": "cases, 串并案, leak source",
    "fanzha.trace": "fund tracing",
    "fanzha.sim": "the synthetic city",
    "fanzha.detect": "the detector, one fusion",
    "fanzha.text": "normalise, entities",
    "fanzha.kb": "the knowledge base",
    "fanzha.records": "schemas, units, readers",
    "fanzha.registry": "named components",
    "fanzha.errors": "coded errors",
    "fanzha.messages": "zh / en text",
    "fanzha.progress": "progress of long work",
}
#: the name of each layer of the contract, top down
FLOOR_NAMES = [
    "adapters",
    "adapters",
    "adapters",
    "measurement · centre",
    "engines",
    "detection",
    "text",
    "knowledge",
    "records",
    "base",
]

BOX_W, BOX_H, GAP_X, GAP_Y, LEFT = 190, 46, 22, 34, 120


def floors() -> list[list[str]]:
    """The layers of the contract, top first, each a list of packages (merged: registry, errors, messages)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    layers = [[p.strip() for p in layer.split("|")] for layer in contract["layers"]]
    k = next(i for i, layer in enumerate(layers) if "fanzha.registry" in layer)
    base = [
        p for layer in layers[k:] for p in layer
    ]  # registry, errors, messages share the picture's last row
    return [*layers[:k], base]


def render() -> str:
    graph = grimp.build_graph("fanzha")
    rows = floors()
    width = LEFT + max(len(r) for r in rows) * (BOX_W + GAP_X) + 20
    height = 20 + len(rows) * (BOX_H + GAP_Y) + 30
    pos: dict[str, tuple[float, float]] = {}
    for i, row in enumerate(rows):
        y = 20 + i * (BOX_H + GAP_Y)
        span = len(row) * BOX_W + (len(row) - 1) * GAP_X
        x0 = LEFT + (width - LEFT - 20 - span) / 2
        for j, pkg in enumerate(row):
            pos[pkg] = (x0 + j * (BOX_W + GAP_X), y)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif">',
        "<defs><marker id='a' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' markerHeight='7' "
        "orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' fill='#8a94a6'/></marker></defs>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]
    packages = [p for row in rows for p in row]
    for a in packages:  # the imports between packages, drawn under the boxes
        for b in packages:
            if a != b and graph.direct_import_exists(importer=a, imported=b, as_packages=True):
                (xa, ya), (xb, yb) = pos[a], pos[b]
                same_row = ya == yb
                x1, y1 = xa + BOX_W / 2, ya + (BOX_H / 2 if same_row else BOX_H)
                x2, y2 = xb + BOX_W / 2, yb + (BOX_H / 2 if same_row else 0)
                out.append(
                    f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#c3c9d4" '
                    'stroke-width="1" marker-end="url(#a)"/>'
                )
    for i, row in enumerate(rows):
        y = 20 + i * (BOX_H + GAP_Y)
        out.append(
            f'<text x="12" y="{y + BOX_H / 2 + 4:.0f}" font-size="12" fill="#5b6475">{FLOOR_NAMES[i]}</text>'
        )
        for pkg in row:
            x, y = pos[pkg]
            n = sum(1 for m in graph.modules if m == pkg or m.startswith(pkg + "."))
            fill = "#e8f0fe" if i < 3 else "#f1f3f4"
            out.append(
                f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" '
                'stroke="#5b6475"/>'
            )
            out.append(
                f'<text x="{x + 10:.0f}" y="{y + 19:.0f}" font-size="13" font-weight="bold" fill="#1f2937">'
                f"{escape(pkg)} <tspan font-weight='normal' fill='#5b6475'>({n})</tspan></text>"
            )
            out.append(
                f'<text x="{x + 10:.0f}" y="{y + 36:.0f}" font-size="11" fill="#374151">'
                f"{escape(ROLES.get(pkg, ''))}</text>"
            )
    out.append(
        f'<text x="12" y="{height - 10:.0f}" font-size="11" fill="#5b6475">Arrows: imports between packages '
        "(grimp). Each floor imports only from the floors below it (import-linter, make contracts). "
        "(n): modules.</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="exit 1 when the file is not what the code gives")
    args = ap.parse_args(argv)
    svg = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != svg:
            print(f"{args.out} is out of date: run python scripts/floors.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".svg.tmp")
    tmp.write_text(svg, encoding="utf-8")
    tmp.replace(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
