"""The Python API: load a ledger, trace seeds, score mules, build the gang graph, write everything.

```python
from fanzha.trace import run_trace
run = run_trace("world/", "seeds.csv", policy="fifo", out="out/")
run.report.freeze[0].account_id, run.report.summary["freezable_yuan"]
```
The CLI (`fanzha trace`) is a thin layer over `run_trace`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pyarrow as pa

from fanzha.errors import InputError
from fanzha.progress import Progress, silent
from fanzha.records.arrow import write_csv
from fanzha.records.outputs import atomic_dir, check_output
from fanzha.records.units import parse_duration, parse_time
from fanzha.trace.backends import Backend, get_backend
from fanzha.trace.engine import TraceResult, trace
from fanzha.trace.gangs import GangGraph, gang_graph, read_links
from fanzha.trace.ingest import ColumnMap, Ledger, load_ledger
from fanzha.trace.model import AccountSeed, Limits, Seed
from fanzha.trace.mules import MuleParams, score_mules
from fanzha.trace.parties import ForwardRule, PartyParams, recognise
from fanzha.trace.policies import get_policy
from fanzha.trace.report import Report, build_report, set_aside_recipients, write_report
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


#: the steps of `run_trace`, as its progress reports them (stage "steps")
STEPS: tuple[str, ...] = ("load", "trace", "report", "mules", "gangs", "write")


def run_trace(
    ledger: str | Path | Sequence[str | Path] | Ledger,
    seeds: str | Path | Sequence[Seed | AccountSeed],
    *,
    policy: str = "fifo",
    out: str | Path | None = None,
    force: bool = False,
    mapping: ColumnMap | None = None,
    mapping_file: str | Path | None = None,
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
    third_parties: bool = True,
    party_params: PartyParams | None = None,
    forward: ForwardRule | None = None,
    progress: Progress = silent,
) -> TraceRun:
    """Load (unless given a `Ledger`), trace, score, link and (when `out` is given) write every output.

    The output folder `out` is written beside its place and renamed into it when complete
    (`fanzha.records.outputs.atomic_dir`): refused before any work when it is one of the inputs or holds one
    (E040, `mapping_file` among them), when it is not empty unless `force` (E042: then replaced whole), when
    it would hold `db` (E542); a missing parent folder is created. `progress` follows the `STEPS`.

    With `third_parties` (the default) processors, merchants and accounts that behave like them
    (`fanzha.trace.parties`) are not frozen: their arrivals of victims' money go to `request_records.csv`, and the
    trail goes on through them only by a forward `forward` identifies; after the mules are scored (also without
    `mules`, which only leaves out their table and the gang graph), the innocent recipients and payees on the freeze
    list that are no suspected mule (`fanzha.trace.report.set_aside_recipients`) are requested too."""
    pol = get_policy(policy)  # fail fast on a bad name, before loading anything
    if max_hops is not None and max_hops < 1:
        raise InputError("E508", where="--max-hops", value=max_hops)
    inputs = _inputs(ledger, seeds, accounts, links, mapping_file)
    db_path = Path(db) if db is not None else None
    if db_path is not None:
        check_output(db_path, inputs=inputs, option="--db")
    out_dir = Path(out) if out is not None else None
    if out_dir is not None:
        _make_parent(out_dir)
        check_output(out_dir, inputs=inputs, folder=True, force=force)
        if db_path is not None and db_path.resolve().is_relative_to(out_dir.resolve()):
            raise InputError("E542", where=f"--db {db_path}", out=str(out_dir))
    tz = mapping.timezone if mapping is not None else "Asia/Shanghai"
    limits = Limits(
        max_hops=max_hops,
        until_us=parse_time(until, where="--until", tz=tz) if until else None,
        window_us=parse_duration(window, where="--window") if window else None,
    )
    seed_list = read_seeds(seeds, tz) if isinstance(seeds, str | Path) else list(seeds)
    link_rows = read_links(links) if links is not None else None
    progress("steps", 0, len(STEPS))
    led = (
        ledger
        if isinstance(ledger, Ledger)
        else load_ledger(ledger, mapping=mapping, accounts=accounts, db=db_path, progress=progress)
    )
    progress("steps", 1, len(STEPS))
    be = get_backend(backend, led)
    parties = recognise(led, party_params) if third_parties else None
    result = trace(be, seed_list, pol, limits, parties=parties, forward=forward, progress=progress)
    progress("steps", 2, len(STEPS))
    rep = build_report(result, led)
    progress("steps", 3, len(STEPS))
    # the set-aside of innocent recipients keeps the suspected mules frozen: it scores them even when the mules are
    # not asked for (their table is then not kept)
    scores = score_mules(be, led, mule_params) if mules or third_parties else None
    mule_table = scores if mules else None
    progress("steps", 4, len(STEPS))
    innocent = innocent_accounts(rep, led, parties, scores) if third_parties else []
    graph = (
        gang_graph(be, led, mule_table, rep.flows, link_rows, third_parties=innocent)
        if mules or link_rows
        else None
    )
    if mule_table is not None:
        rep.summary["mules_flagged"] = int(sum(mule_table["flagged"].to_pylist()))
    if graph is not None:
        rep.summary["gangs"] = len(graph.gangs)
    run = TraceRun(led, be, result, rep, mule_table, graph)
    progress("steps", 5, len(STEPS))
    if out_dir is not None:
        with atomic_dir(out_dir, inputs=inputs, force=force) as tmp:
            run.files = write_outputs(run, tmp, top=top)
    progress("steps", len(STEPS), len(STEPS))
    return run


def innocent_accounts(
    rep: Report, ledger: Ledger, parties: Mapping[int, str] | None, scores: pa.Table | None
) -> list[str]:
    """The accounts that are no suspects: the third parties recognised (`parties`, by account code) and the
    innocent recipients and payees `set_aside_recipients` moves from `rep`'s freeze list to its request list (it
    does so here). The gang graph leaves them out too: two gangs of one city pay rent to the same landlords, and a
    landlord kept as a suspect would join them."""
    known = [a[0] for a in ledger.account_info(list(parties)).values()] if parties else []
    return known + set_aside_recipients(rep, ledger, _flagged(scores))


def _flagged(mule_table: pa.Table | None) -> set[str]:
    """The accounts `score_mules` flagged (none without a table)."""
    if mule_table is None:
        return set()
    return {
        a
        for a, f in zip(mule_table["account_id"].to_pylist(), mule_table["flagged"].to_pylist(), strict=True)
        if f
    }


def _inputs(
    ledger: str | Path | Sequence[str | Path] | Ledger,
    seeds: str | Path | Sequence[Seed | AccountSeed],
    *files: str | Path | None,
) -> list[Path]:
    """Every file or folder a run reads: what no output may be or hold."""
    out: list[Path] = []
    if isinstance(ledger, str | Path):
        out.append(Path(ledger))
    elif not isinstance(ledger, Ledger):
        out.extend(Path(p) for p in ledger)
    if isinstance(seeds, str | Path):
        out.append(Path(seeds))
    out.extend(Path(f) for f in files if f is not None)
    return out


def _make_parent(out: Path) -> None:
    """The folder `out` goes in, created when missing (as `fanzha trace` always did); E041 when it cannot be."""
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise InputError("E041", where=f"--out {out}", folder=str(parent)) from None


def write_outputs(run: TraceRun, out: Path, *, top: int = 40) -> list[str]:
    """Every output file of `run` into the folder `out`; the names written."""
    rep, mule_table, graph = run.report, run.mules, run.gangs
    files = write_report(rep, out)
    run.ledger.write_rejected(out / "rejected_rows.csv")
    files.append("rejected_rows.csv")
    flagged = _flagged(mule_table)
    (out / "graph.svg").write_text(render_svg(rep, top=top, mules=flagged), encoding="utf-8")
    files.append("graph.svg")
    if mule_table is not None:
        write_csv(mule_table, out / "mules.csv")
        files.append("mules.csv")
    if graph is not None:
        (out / "gang_graph.json").write_bytes(
            orjson.dumps(graph.to_json(), option=orjson.OPT_INDENT_2) + b"\n"
        )
        _write_gangs(graph, out / "gangs.csv")
        files += ["gang_graph.json", "gangs.csv"]
    return files


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


@dataclass
class BankFlags:
    """What `bank_flags` found: the flags (time µs known, account), the phones listed from the reports (time µs
    listed, device, report id) and the ledger they came from."""

    flags: list[tuple[int, str]]
    ledger: Ledger
    phones: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, object]:
        led = self.ledger.report
        return {
            "rows_loaded": led.rows_loaded,
            "rows_rejected": led.rows_rejected,
            "accounts_flagged": len(self.flags),
            "phones_listed": len(self.phones),
        }


def bank_flags(
    ledger: str | Path | Sequence[str | Path] | Ledger,
    *,
    out: str | Path,
    mapping: ColumnMap | None = None,
    accounts: str | Path | None = None,
    rejects: str | Path | None = None,
    reports: Sequence[tuple[int, str, str]] = (),
    phones: str | Path | None = None,
    tz: str = "Asia/Shanghai",
    progress: Progress = silent,
) -> BankFlags:
    """A bank's own ledger → its receiving-bank flags (`fanzha.banks.receiving_bank_flags`: money that passes
    straight through an account, a phone that runs many people's cards), written to `out` as a payee list
    (`fanzha warn --payee-list`, `POST /v1/payees`), whole or not at all. `accounts` gives each account's kind
    (only personal ones are watched) and owner (a transfer between one owner's accounts is no pass-through);
    a world folder brings its own. The ledger's bad rows are kept aside (`rejects`: a CSV of them), never
    dropped silently.

    With `reports` (time µs, the victim's person id, report id: the reports with a loss), the phones that
    emptied a reporter's account follow the accounts (`fanzha.banks.reported_devices`, device lines); `phones`
    (device_id, owner_id: which customer each phone is bound to; a world folder brings its devices.parquet;
    E545 without it) keeps every person's phone off the list, the reporter's own too — in the worlds many a victim's own phone first
    moved money out of the account in the scam's week."""
    from fanzha.banks import PERSONAL_KINDS, receiving_bank_flags, reported_devices
    from fanzha.banks.flags import DEVICE_SHAPE, PAYEE_SHAPE, Transfers, write_flags
    from fanzha.records.outputs import atomic_file

    out = Path(out)
    given = [ledger] if isinstance(ledger, str | Path) else [] if isinstance(ledger, Ledger) else list(ledger)
    if phones is None and len(given) == 1 and (Path(given[0]) / "devices.parquet").is_file():
        phones = Path(given[0]) / "devices.parquet"  # a world folder's phones
    if reports and phones is None:
        raise InputError("E545", where="--phones")
    holders = _phone_holders(Path(phones), mapping) if phones is not None and reports else {}
    inputs = _inputs(ledger, [], accounts, phones)
    check_output(out, inputs=inputs)
    if rejects is not None:
        check_output(Path(rejects), inputs=[*inputs, out], option="--rejects")
    led = (
        ledger
        if isinstance(ledger, Ledger)
        else load_ledger(ledger, mapping=mapping, accounts=accounts, progress=progress)
    )
    ids = led.account_ids()
    acc = led.con.execute("SELECT aid, kind, owner_id FROM accounts").fetchall()
    kind = {ids[a]: k for a, k, _ in acc}
    owner = {ids[a]: o for a, _, o in acc}
    if not any(k in PERSONAL_KINDS for k in kind.values()):  # nothing to watch: say so, write nothing
        raise InputError("E757", where="--accounts", valid=" | ".join(PERSONAL_KINDS))
    t = led.con.sql("SELECT src, dst, amount, t, device FROM ledger ORDER BY pos").to_arrow_table()
    src = [ids[a] for a in t["src"].to_pylist()]
    dst = [ids[a] for a in t["dst"].to_pylist()]
    device = t["device"].to_pylist()
    columns = Transfers(
        src,
        dst,
        t["amount"].to_numpy(zero_copy_only=False).astype("int64"),
        t["t"].to_numpy(zero_copy_only=False).astype("int64"),
        device if any(d is not None for d in device) else None,
    )
    flags = receiving_bank_flags(columns, kind, owner)
    listed = reported_devices(columns, kind, owner, holders, reports) if reports else []
    with atomic_file(out, inputs=inputs) as fh:
        write_flags(fh, flags, PAYEE_SHAPE, tz)
        write_flags(fh, listed, DEVICE_SHAPE, tz)
    if rejects is not None:
        with atomic_file(Path(rejects), inputs=inputs, option="--rejects") as fh:
            led.write_rejected(fh)
    return BankFlags(flags, led, listed)


def _phone_holders(path: Path, mapping: ColumnMap | None) -> dict[str, str | None]:
    """device_id → owner_id (the customer the phone is bound to; None: nobody) from a CSV or Parquet file."""
    from fanzha.banks import phone_holders
    from fanzha.trace.ingest import read_rows

    table = read_rows(path, mapping.encoding if mapping is not None else None)
    for column in ("device_id", "owner_id"):
        if column not in table.column_names:
            raise InputError("E544", where=str(path), column=column, present=table.column_names)
    return phone_holders(table)
