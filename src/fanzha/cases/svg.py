"""A linked cluster as a picture an investigator can read: the cases in time order across, the evidence that ties
them down the side, a dot where a case names a piece of evidence and a bar over the days it was in use — a gang's
rotating phones, QQ ids, rooms and mule cards show as a relay of bars. Hubs that touch the cluster (a hotline, a
courier outlet's landline) are drawn in grey below, marked as not used. Plain SVG, no dependency; identifiers are
shown with their middle digits masked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from fanzha.records.units import TZ, datetime_of

FONT = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
KIND_ZH = {
    "person": "报案人",
    "account": "资金账户",
    "device": "设备",
    "bank_card": "银行卡",
    "payment_account": "支付账户",
    "qq": "QQ",
    "wechat_id": "微信",
    "meeting_id": "会议号",
    "phone": "电话",
    "domain": "网址",
    "order_number": "订单号",
}
COLOURS = {
    "account": "#8e44ad",
    "device": "#6c3483",
    "bank_card": "#c0392b",
    "payment_account": "#d35400",
    "qq": "#2471a3",
    "wechat_id": "#229954",
    "meeting_id": "#17a589",
    "phone": "#b7950b",
    "domain": "#5d6d7e",
    "order_number": "#7f8c8d",
    "person": "#34495e",
}
LEFT = 230
TOP = 150
COL = 18
ROW = 20


def mask(kind: str, value: str) -> str:
    """An identifier with its middle masked (171****6622, 6228********6793, kf_***ym)."""
    if kind in ("domain", "account", "device", "person", "order_number") or len(value) < 7:
        return value
    keep = 3 if len(value) < 12 else 4
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def render_cluster(
    cluster: dict[str, Any],
    cases: Sequence[dict[str, Any]],
    evidence: Sequence[tuple[str, str, str]],
    hubs: Sequence[tuple[str, str, str]] = (),
    *,
    max_rows: int = 30,
    title: str | None = None,
) -> str:
    """The SVG of one cluster. `cases`: dicts with case_id, t (µs), loss_fen, label, in time order;
    `evidence` / `hubs`: (case_id, kind, value) of the keys that tie it / that were set aside."""
    cols = {c["case_id"]: i for i, c in enumerate(cases)}
    rows: dict[tuple[str, str], list[int]] = {}
    for cid, kind, value in evidence:
        if cid in cols:
            rows.setdefault((kind, value), []).append(cols[cid])
    # what a victim can tell first (phones, QQ, cards …), then the mule accounts the ledger adds, each by first use
    ordered = sorted(rows, key=lambda kv: (kv[0] == "account", min(rows[kv]), -len(rows[kv]), kv))[:max_rows]
    ordered.sort(key=lambda kv: (min(rows[kv]), -len(rows[kv]), kv))
    hidden = len(rows) - len(ordered)
    hub_rows: dict[tuple[str, str], list[int]] = {}
    for cid, kind, value in hubs:
        if cid in cols:
            hub_rows.setdefault((kind, value), []).append(cols[cid])
    n_rows = len(ordered) + (len(hub_rows) + 1 if hub_rows else 0)
    width = LEFT + COL * max(len(cases), 1) + 40
    height = TOP + ROW * (n_rows + 1) + 70
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    head = title or (
        f"串并案 · 团伙线索 {cluster['cluster']}：{cluster['size']} 起案件，强度 {cluster['strength']:.2f}"
    )
    out.append(f'<text x="16" y="26" font-size="16" font-weight="bold">{escape(head)}</text>')
    out.append(
        f'<text x="16" y="46" fill="#555">cluster {cluster["cluster"]}: {cluster["size"]} cases; '
        "a dot: the case names it; a bar: the days it was in use</text>"
    )
    # case columns: date and loss
    for i, c in enumerate(cases):
        x = LEFT + COL * i + COL // 2
        d = datetime_of(int(c["t"]), TZ)
        colour = "#c0392b" if c.get("loss_fen") else "#7f8c8d"
        out.append(
            f'<text x="{x}" y="{TOP - 10}" font-size="9" transform="rotate(-60 {x} {TOP - 10})" '
            f'fill="{colour}">{d.month:02d}-{d.day:02d} {escape(str(c["case_id"]))}</text>'
        )
    y = TOP
    for kind, value in ordered:
        out.extend(_row(y, f"{_kind_label(kind)} {mask(kind, value)}", rows[(kind, value)], _colour(kind)))
        y += ROW
    if hidden:
        out.append(f'<text x="16" y="{y + 14}" fill="#555">… {hidden} more pieces of evidence</text>')
        y += ROW
    if hub_rows:
        out.append(
            f'<text x="16" y="{y + 14}" fill="#999">未用于串并（公共号码 / hubs, not used to link）</text>'
        )
        y += ROW
        for (kind, value), xs in sorted(hub_rows.items()):
            out.extend(_row(y, f"{_kind_label(kind)} {value}", xs, "#bbbbbb", dashed=True))
            y += ROW
    out.append(
        f'<text x="16" y="{height - 16}" fill="#555">红色日期：有损失的案件 (red dates: cases with a loss); '
        "the middle digits of identifiers are masked</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _kind_label(kind: str) -> str:
    """The Chinese name of a key's kind (a partial number's match: 尾号→银行卡)."""
    if kind.startswith("partial:"):
        return "尾号→" + KIND_ZH.get(kind.split(":", 1)[1], kind)
    return KIND_ZH.get(kind, kind)


def _colour(kind: str) -> str:
    return COLOURS.get(kind.split(":", 1)[-1] if kind.startswith("partial:") else kind, "#333333")


def _row(y: int, label: str, xs: list[int], colour: str, *, dashed: bool = False) -> list[str]:
    lo, hi = min(xs), max(xs)
    x0, x1 = LEFT + COL * lo + COL // 2, LEFT + COL * hi + COL // 2
    dash = ' stroke-dasharray="3 3"' if dashed else ""
    parts = [
        f'<text x="16" y="{y + 14}" fill="{colour}">{escape(label)}</text>',
        f'<line x1="{x0}" y1="{y + 10}" x2="{x1}" y2="{y + 10}" stroke="{colour}" stroke-width="4" '
        f'stroke-opacity="0.35"{dash}/>',
    ]
    parts += [
        f'<circle cx="{LEFT + COL * x + COL // 2}" cy="{y + 10}" r="5" fill="{colour}"/>'
        for x in sorted(set(xs))
    ]
    return parts
