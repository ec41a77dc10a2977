"""The Python API: load a ledger, trace seeds, score mules, build the gang graph, write everything.

```python
from fanzha.trace import run_trace
run = run_trace("world/", "seeds.csv", policy="fifo", out="out/")
run.report.freeze[0].account_id, run.report.summary["freezable_yuan"]
```
The CLI (`fanzha trace`) is a thin layer over `run_trace`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pyarrow as pa

from fanzha.errors import InputError
from fanzha.records.units import parse_duration, parse_time
from fanzha.trace.backends import Backend, get_backend
from fanzha.trace.engine import TraceResult, trace
from fanzha.trace.gangs import GangGraph, gang_graph, read_links
from fanzha.trace.ingest import ColumnMap, Ledger, load_ledger
from fanzha.trace.model import AccountSeed, Limits, Seed
from fanzha.trace.mules import MuleParams, score_mules
from fanzha.trace.policies import get_policy
from fanzha.trace.report import Report, build_report, write_report
from fanzha.trace.seeds import read_seeds
from fanzha.trace.svg import render_svg


@dataclass
class TraceRun:
    """Everything one run produced."""

    ledger: Ledger
    backend: Backend
    result: TraceResult
    report: Report
    mules: pa.Table | None = None
    gangs: GangGraph | None = None
    files: list[str] = field(default_factory=list)


def run_trace(
    ledger: str | Path | Sequence[str | Path] | Ledger,
    seeds: str | Path | Sequence[Seed | AccountSeed],
    *,
    policy: str = "fifo",
    out: str | Path | None = None,
    mapping: ColumnMap | None = None,
    accounts: str | Path | None = None,
    max_hops: int | None = None,
    until: str | None = None,
    window: str | None = None,
    backend: str = "duckdb",
    db: str | Path | None = None,
    mules: bool = True,
    mule_params: MuleParams | None = None,
    links: str | Path | None = None,
    top: int = 40,
) -> TraceRun:
    """Load (unless given a `Ledger`), trace, score, link and (when `out` is given) write every output."""
    pol = get_policy(policy)  # fail fast on a bad name, before loading anything
    if max_hops is not None and max_hops < 1:
        raise InputError("E508", where="--max-hops", value=max_hops)
    out_dir = Path(out) if out is not None else None
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError("E511", where=str(out_dir), reason=exc.strerror) from None
    tz = mapping.timezone if mapping is not None else "Asia/Shanghai"
    limits = Limits(
        max_hops=max_hops,
        until_us=parse_time(until, where="--until", tz=tz) if until else None,
        window_us=parse_duration(window, where="--window") if window else None,
    )
    seed_list = read_seeds(seeds, tz) if isinstance(seeds, str | Path) else list(seeds)
    link_rows = read_links(links) if links is not None else None
    led = (
        ledger
        if isinstance(ledger, Ledger)
        else load_ledger(ledger, mapping=mapping, accounts=accounts, db=db)
    )
    be = get_backend(backend, led)
    result = trace(be, seed_list, pol, limits)
    rep = build_report(result, led)
    mule_table = score_mules(be, led, mule_params) if mules else None
    graph = gang_graph(be, led, mule_table, rep.flows, link_rows) if mules or link_rows else None
    if mule_table is not None:
        rep.summary["mules_flagged"] = int(sum(mule_table["flagged"].to_pylist()))
    if graph is not None:
        rep.summary["gangs"] = len(graph.gangs)
    run = TraceRun(led, be, result, rep, mule_table, graph)
    if out_dir is not None:
        run.files = write_report(rep, out_dir)
        led.write_rejected(out_dir / "rejected_rows.csv")
        run.files.append("rejected_rows.csv")
        flagged = (
            {
                a
                for a, f in zip(
                    mule_table["account_id"].to_pylist(), mule_table["flagged"].to_pylist(), strict=True
                )
                if f
            }
            if mule_table is not None
            else set()
        )
        (out_dir / "graph.svg").write_text(render_svg(rep, top=top, mules=flagged), encoding="utf-8")
        run.files.append("graph.svg")
        if mule_table is not None:
            _write_mules(mule_table, out_dir / "mules.csv")
            run.files.append("mules.csv")
        if graph is not None:
            (out_dir / "gang_graph.json").write_bytes(
                orjson.dumps(graph.to_json(), option=orjson.OPT_INDENT_2) + b"\n"
            )
            _write_gangs(graph, out_dir / "gangs.csv")
            run.files += ["gang_graph.json", "gangs.csv"]
    return run


def _write_mules(table: pa.Table, path: Path) -> None:
    import csv

    cols = table.column_names
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        w.writerows(zip(*(table[c].to_pylist() for c in cols), strict=True))


def _write_gangs(graph: GangGraph, path: Path) -> None:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["gang", "account_id", "mule_score", "victims_money", "links"])
        for i, members in enumerate(graph.gangs):
            for a in members:
                kinds = sorted({k for (x, y), ks in graph.edges.items() if a in (x, y) for k in ks})
                node = graph.nodes[a]
                w.writerow([i, a, node.get("score"), bool(node.get("victims_money")), ";".join(kinds)])
