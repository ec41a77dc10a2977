"""Pure functions from the centre's answers to what a page shows: the evidence as marked segments of the original
text, the three steps of the scam as a picture's data, the flow graph of a trace, minutes since the last move,
and the parsing of form fields into coded errors. No I/O: each is tested on its own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from fanzha.errors import InputError

DAY_US = 86_400_000_000
#: the largest amount a form accepts (yuan), as the service's API does
MAX_AMOUNT = 1e11


def number_findings(findings: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The findings that have a span, each once (same indicator and span), numbered from 1 in text order."""
    seen: set[tuple[Any, ...]] = set()
    out: list[dict[str, Any]] = []
    spans = [f for f in findings if isinstance(f.get("start"), int) and isinstance(f.get("end"), int)]
    for f in sorted(spans, key=lambda f: (f.get("turn") or 0, f["start"], f["end"])):
        key = (f.get("turn"), f["start"], f["end"], f.get("indicator"))
        if key in seen or f["end"] <= f["start"]:
            continue
        seen.add(key)
        out.append({**f, "n": len(out) + 1})
    return out


def segments(text: str, numbered: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`text` cut where findings start or end: each piece with the numbers of the findings covering it and the
    numbers of those ending with it. Joining the pieces gives `text` back."""
    spans = [
        (max(0, int(f["start"])), min(len(text), int(f["end"])), int(f["n"]))
        for f in numbered
        if int(f["start"]) < len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[dict[str, Any]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a >= b:
            continue
        marks = sorted(n for s, e, n in spans if s <= a and b <= e)
        ends = sorted(n for s, e, n in spans if e == b)
        if out and out[-1]["marks"] == marks and not out[-1]["ends"]:
            out[-1]["text"] += text[a:b]
            out[-1]["ends"] = ends
        else:
            out.append({"text": text[a:b], "marks": marks, "ends": ends})
    return out or [{"text": text, "marks": [], "ends": []}]


def evidence(text: str, findings: Sequence[Mapping[str, Any]], turn: int | None = None) -> dict[str, Any]:
    """The marked segments of `text` and the numbered findings on it (those of `turn`, for a chat's turns)."""
    fs = [f for f in findings if turn is None or f.get("turn") == turn]
    numbered = number_findings(fs)
    return {"segments": segments(text, numbered), "findings": numbered}


def stages(reached: int | None, names: Mapping[int, str]) -> list[dict[str, Any]]:
    """The three steps (取得联系 → 寻找借口 → 实施诈骗), each reached or not, the latest one current."""
    return [
        {"n": n, "name": names[n], "reached": bool(reached and n <= reached), "current": reached == n}
        for n in (1, 2, 3)
    ]


def clock_us(wall_us: int, watermark_us: int) -> int:
    """The centre's "now" for minutes since the last move: the wall clock, unless the events are a replayed
    world far from it (the demo city), where the latest event time stands in."""
    if watermark_us and abs(wall_us - watermark_us) > DAY_US:
        return watermark_us
    return wall_us


def minutes_since(iso_time: str | None, now_us: int) -> int | None:
    if not iso_time:
        return None
    t = datetime.fromisoformat(iso_time)
    return max(0, int((now_us - int(t.timestamp() * 1_000_000)) // 60_000_000))


def amount(value: str | None, field: str = "amount") -> float:
    """A form's amount in yuan: empty is 0; anything else must be a number from 0 to `MAX_AMOUNT` (E950)."""
    raw = (value or "").strip().replace(",", "").replace("，", "")
    if not raw:
        return 0.0
    try:
        x = float(raw)
    except ValueError:
        raise InputError("E950", where=field, max=f"{MAX_AMOUNT:,.0f}", value=value) from None
    if not (0 <= x <= MAX_AMOUNT) or x != x:
        raise InputError("E950", where=field, max=f"{MAX_AMOUNT:,.0f}", value=value)
    return x


def choice(value: str | None, valid: Sequence[str], field: str) -> str:
    """One of `valid` (E951 otherwise)."""
    if value is None or value not in valid:
        raise InputError("E951", where=field, field=field, valid=list(valid))
    return value


def bounded(value: str | None, field: str, most: int, *, required: bool = False) -> str:
    """A text field: stripped, at most `most` characters (E954), present when `required` (E955)."""
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise InputError("E955", where=field, field=field)
    if len(text) > most:
        raise InputError("E954", where=field, field=field, max=most, count=len(text))
    return text


def flow_graph(
    flows: Sequence[Mapping[str, Any]], cash_outs: Sequence[Mapping[str, Any]], *, top: int = 150
) -> dict[str, Any]:
    """The trace's flow graph for Cytoscape: victims' accounts → mules → cash-out points. Edges are the flows
    summed per (from, to) with their earliest time, the `top` largest kept; cash-outs end at a node per kind."""
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    victims: set[str] = set()
    for f in flows:
        src, dst = str(f["src"]), str(f["dst"])
        if str(f.get("hop")) == "1":
            victims.add(src)
        e = edges.setdefault((src, dst), {"amount": 0.0, "time": f.get("time"), "n": 0, "kind": "flow"})
        e["amount"] += float(f.get("amount") or 0)
        e["n"] += 1
        if f.get("time") and (e["time"] is None or str(f["time"]) < str(e["time"])):
            e["time"] = f["time"]
    for c in cash_outs:
        src, dst = str(c["account_id"]), f"{c.get('kind') or 'exit'}:{c.get('location') or ''}"
        e = edges.setdefault((src, dst), {"amount": 0.0, "time": c.get("time"), "n": 0, "kind": "cash_out"})
        e["amount"] += float(c.get("amount") or 0)
        e["n"] += 1
    kept = sorted(edges.items(), key=lambda kv: -kv[1]["amount"])[:top]
    nodes: dict[str, dict[str, Any]] = {}
    out_edges = []
    for k, ((src, dst), e) in enumerate(kept):
        for n in (src, dst):
            if n not in nodes:
                kind = "victim" if n in victims else "cash_out" if ":" in n else "mule"
                label = n.rstrip(":")
                nodes[n] = {
                    "id": n,
                    "label": label,
                    "short": label if len(label) <= 8 else "…" + label[-6:],
                    "kind": kind,
                }
        when = str(e["time"] or "")[5:16].replace("T", " ")
        out_edges.append(
            {
                "id": f"e{k}",
                "source": src,
                "target": dst,
                "amount": round(e["amount"], 2),
                "time": e["time"],
                "kind": e["kind"],
                "label": f"{e['amount']:,.2f}\n{when}" if when else f"{e['amount']:,.2f}",
            }
        )
    return {"nodes": list(nodes.values()), "edges": out_edges, "shown": len(kept), "total": len(edges)}
