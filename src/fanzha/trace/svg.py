"""The flow graph as a picture an investigator can read: a layered layout by hop, drawn as plain SVG.

Column 0 holds the victims, column h the accounts the money reached after h transfers (fewest hops),
the last column the cash-out points grouped by kind and city. Edge width follows the amount; accounts on
the freeze list are outlined in red with the freezable amount. Labels are Chinese first, with ids.
No dependency: the SVG is written as text.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any
from xml.sax.saxutils import escape

from fanzha.records.units import fen_to_yuan
from fanzha.trace.report import Report

FONT = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
COL_W = 250
ROW_H = 52
BOX_W = 190
BOX_H = 40
TOP = 96
LEFT = 30


def _yuan(fen: int) -> str:
    y = fen_to_yuan(fen)
    whole, frac = y.split(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while whole:
        groups.append(whole[-3:])
        whole = whole[:-3]
    return f"{sign}¥{','.join(reversed(groups)) or '0'}.{frac}"


def render_svg(rep: Report, *, top: int = 40, title: str | None = None, mules: set[str] | None = None) -> str:
    """The SVG text of `rep`'s flow graph, showing at most `top` accounts (by money through them)."""
    flows = rep.flows
    src = flows["src"].to_pylist()
    dst = flows["dst"].to_pylist()
    hop = flows["hop"].to_pylist()
    victim = flows["victim_id"].to_pylist()
    term = flows["terminal"].to_pylist()
    chan = flows["channel"].to_pylist()
    loc = flows["location"].to_pylist()
    fen = [int(a.as_py() * 100) for a in flows["amount"]] if flows.num_rows else []
    freeze = {x.account_id: x for x in rep.freeze}
    mules = mules or set()
    # nodes: ("v", victim) / ("a", account) / ("c", kind+city)
    level: dict[tuple[str, str], int] = {}
    through: dict[tuple[str, str], int] = defaultdict(int)
    edges: dict[tuple[tuple[str, str], tuple[str, str]], int] = defaultdict(int)
    for s, d, h, v, t, c, lo, f in zip(src, dst, hop, victim, term, chan, loc, fen, strict=True):
        a: tuple[str, str] = ("v", v) if h == 1 else ("a", s)
        if t:
            kind = {"cash_withdrawal": "取现", "pos": "POS消费"}.get(c, "转出")
            b: tuple[str, str] = ("c", f"{kind} {lo or ''}".strip())
        else:
            b = ("a", d)
        level[a] = min(level.get(a, 1 << 30), h - 1)
        if b[0] == "a":
            level[b] = min(level.get(b, 1 << 30), h)
        through[a] += f
        through[b] += f
        edges[(a, b)] += f
    accounts = sorted((n for n in level if n[0] == "a"), key=lambda n: (-through[n], n[1]))
    shown_acc = set(accounts[:top])
    hidden = len(accounts) - len(shown_acc)
    max_level = max((lv for n, lv in level.items() if n in shown_acc or n[0] == "v"), default=0)
    cash_col = max_level + 1
    for n in list(through):
        if n[0] == "c":
            level[n] = cash_col
    shown = {n for n in level if n[0] != "a" or n in shown_acc}
    # columns, ordered by the barycentre of their shown predecessors
    cols: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for n in shown:
        cols[level[n]].append(n)
    y_of: dict[tuple[str, str], float] = {}
    preds: dict[tuple[str, str], list[tuple[tuple[str, str], int]]] = defaultdict(list)
    for (a, b), f in edges.items():
        if a in shown and b in shown:
            preds[b].append((a, f))
    for c in sorted(cols):

        def bary(n: tuple[str, str]) -> float:
            ps = [(y_of[a], f) for a, f in preds[n] if a in y_of]
            if not ps:
                return 1e9 - through[n] / 1e12
            return sum(y * f for y, f in ps) / max(sum(f for _, f in ps), 1)

        cols[c].sort(key=lambda n: (bary(n), -through[n], n[1]))
        for i, n in enumerate(cols[c]):
            y_of[n] = TOP + i * ROW_H
    height = TOP + max((len(v) for v in cols.values()), default=1) * ROW_H + 70
    width = LEFT * 2 + (cash_col + 1) * COL_W
    x_of = {n: LEFT + level[n] * COL_W for n in shown}
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{escape(FONT, {chr(39): "&apos;"})}" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    s = rep.summary
    head = title or f"资金流向图 Fund flow — 策略 policy: {s.get('policy', {}).get('zh', rep.policy)}"
    out.append(f'<text x="{LEFT}" y="30" font-size="18" font-weight="bold">{escape(head)}</text>')
    sub = (
        f"受害人 {s.get('victims', 0)} 名 · 被骗 {_yuan(_fen(s.get('seeded_yuan')))} · 可冻结 {_yuan(_fen(s.get('freezable_yuan')))}"
        f" ({s.get('freeze_accounts', 0)} 个账户) · 取现/消费 {_yuan(_fen(s.get('cashed_out_yuan')))}"
    )
    out.append(f'<text x="{LEFT}" y="52" fill="#444">{escape(sub)}</text>')
    for c in range(cash_col + 1):
        label = (
            "受害人 victims"
            if c == 0
            else ("取现 / 消费 cash-out" if c == cash_col else f"第 {c} 跳 hop {c}")
        )
        out.append(f'<text x="{LEFT + c * COL_W}" y="{TOP - 14}" fill="#666">{escape(label)}</text>')
    biggest = max((f for (a, b), f in edges.items() if a in shown and b in shown), default=1)
    labelled = sorted(((f, k) for k, f in edges.items() if k[0] in shown and k[1] in shown), reverse=True)[
        :30
    ]
    label_set = {k for _, k in labelled}
    for (a, b), f in sorted(edges.items(), key=lambda kv: kv[1]):
        if a not in shown or b not in shown:
            continue
        x1, y1 = x_of[a] + BOX_W, y_of[a] + BOX_H / 2
        x2, y2 = x_of[b], y_of[b] + BOX_H / 2
        w = 1 + 7 * math.sqrt(f / biggest)
        mx = (x1 + x2) / 2
        color = "#c0392b" if b[0] == "c" else "#2c7fb8"
        out.append(
            f'<path d="M{x1:.0f},{y1:.0f} C{mx:.0f},{y1:.0f} {mx:.0f},{y2:.0f} {x2:.0f},{y2:.0f}" fill="none" '
            f'stroke="{color}" stroke-opacity="0.45" stroke-width="{w:.1f}"><title>{escape(_yuan(f))}</title></path>'
        )
        if (a, b) in label_set:
            out.append(
                f'<text x="{mx:.0f}" y="{(y1 + y2) / 2 - 3:.0f}" font-size="10" fill="#333" text-anchor="middle">'
                f"{escape(_yuan(f))}</text>"
            )
    for n in sorted(shown, key=lambda n: (level[n], y_of[n])):
        x, y = x_of[n], y_of[n]
        kind, name = n
        fz = freeze.get(name) if kind == "a" else None
        stroke = "#c0392b" if fz else ("#8e44ad" if name in mules else "#555")
        fill = {"v": "#fdebd0", "a": "#eaf2f8", "c": "#f9ebea"}[kind]
        out.append(
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{2.5 if fz else 1}"/>'
        )
        if kind == "v":
            line1, line2 = f"受害人 {name}", f"被骗 {_yuan(through[n])}"
        elif kind == "c":
            line1, line2 = name, _yuan(through[n])
        else:
            tag = " 疑似卡农" if name in mules else ""
            line1 = f"{name}{tag}"
            line2 = f"可冻结 {_yuan(fz.amount)}" if fz else f"经手 {_yuan(through[n])}"
        out.append(f'<text x="{x + 8}" y="{y + 16}">{escape(line1)}</text>')
        out.append(
            f'<text x="{x + 8}" y="{y + 32}" fill="{"#c0392b" if fz else "#333"}">{escape(line2)}</text>'
        )
    foot = "红框：冻结名单 freeze list · 紫框：疑似卡农 mule · 线宽 ∝ 金额 amount"
    if hidden:
        foot += f" · 另有 {hidden} 个账户未显示 ({hidden} more accounts not shown)"
    out.append(f'<text x="{LEFT}" y="{height - 24}" fill="#666">{escape(foot)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _fen(yuan: Any) -> int:
    if yuan is None:
        return 0
    whole, _, frac = str(yuan).partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole or 0)) * 100 + int((frac + "00")[:2]))
