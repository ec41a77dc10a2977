"""The Python API of the three steps, each writing its folder (the CLI is a thin layer over these):

```python
from fanzha.cases.api import run_intake, run_link, run_leaks
run_intake("world/reports.jsonl", "cases/")                       # the case folder
run_link("cases/", trace_out="trace/")                             # cases/link/
run_leaks("cases/", orders="world/orders.parquet")                 # cases/leaks/
run_leaks("cases/", orders="world/", contacts="world/")            # … and whom the gang's numbers reached
```

Every folder is written beside its target under a temporary name and renamed into place when complete
(`fanzha.records.outputs`); no step writes into or over its input (E040), and an output folder given that is not
empty is refused without `force` (E042). The link and leaks folders inside the case folder (the defaults) are the
steps' own: each run replaces them.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow.parquet as pq

from fanzha.cases.intake import IntakeResult, ReportMap, intake
from fanzha.cases.leaks import (
    Contacts,
    LeakParams,
    Strata,
    Suspect,
    Victim,
    merchant_names,
    read_contacts,
    when,
)
from fanzha.cases.link import LinkParams, LinkResult, case_folder, link
from fanzha.cases.model import CASES_FILE, CASES_JSONL, Case
from fanzha.cases.numbers import listing
from fanzha.cases.svg import render_cluster
from fanzha.detect import Detector
from fanzha.errors import InputError
from fanzha.progress import Progress, silent
from fanzha.records.arrow import write_csv
from fanzha.records.outputs import atomic_dir, check_output
from fanzha.records.units import fen_to_yuan

LINK_DIR = "link"
LEAKS_DIR = "leaks"


def run_intake(
    inputs: str | Path | Sequence[str | Path],
    out: str | Path,
    *,
    mapping: ReportMap | None = None,
    detector: Detector | None = None,
    force: bool = False,
    progress: Progress = silent,
) -> IntakeResult:
    """Reports → the case folder `out` (`fanzha.cases.intake`)."""
    return intake(inputs, out, mapping=mapping, detector=detector, force=force, progress=progress)


# -- link --------------------------------------------------------------------------------------------------------


def run_link(
    case_dir: str | Path,
    *,
    trace_out: str | Path | None = None,
    params: LinkParams | None = None,
    out: str | Path | None = None,
    db: str | Path | None = None,
    threads: int | None = None,
    picture: int | None = 0,
    force: bool = False,
    progress: Progress = silent,
) -> LinkResult:
    """Link the cases of `case_dir` and write the link folder (default `case_dir/link`, replaced by each run;
    another `out` that is not empty only with `force`): clusters, links, keys (hubs among them), suggestions, the
    picture of cluster `picture` (None: no picture), summary."""
    target = Path(out) if out is not None else Path(case_dir) / LINK_DIR
    inputs = [Path(case_dir), *([Path(trace_out)] if trace_out is not None else [])]
    replace = force or out is None
    check_output(target, inputs=inputs, folder=True, force=replace)
    result = link(case_dir, trace_out=trace_out, params=params, db=db, threads=threads, progress=progress)
    cases = case_rows(case_dir)
    with atomic_dir(target, inputs=inputs, force=replace) as tmp:
        write_link(result, tmp, cases, picture=picture)
    return result


def case_rows(case_dir: str | Path) -> dict[str, dict[str, Any]]:
    """case id → its report id, person, contact time (`t`, µs; the report's when none), loss (fen), label,
    variant, origin (report when the folder has no such column) and report time (`reported`, µs), in the folder's
    order."""
    path = Path(case_dir) / CASES_FILE
    # a case folder filed before alerts could be cases has no origin column: every case there is a report
    origin = "origin" if "origin" in pq.read_schema(path).names else "'report'"
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT case_id, report_id, person_id, epoch_us(coalesce(contact_time, time)) AS t, "
            f"CAST(loss * 100 AS BIGINT) AS loss_fen, label, variant, {origin}, epoch_us(time) FROM read_parquet(?)",
            [str(path)],
        ).fetchall()
    finally:
        con.close()
    return {
        r[0]: {"case_id": r[0], "report_id": r[1], "person_id": r[2], "t": r[3], "loss_fen": r[4], "label": r[5],
               "variant": r[6], "origin": r[7], "reported": r[8]}
        for r in rows
    }  # fmt: skip


def write_link(
    result: LinkResult, out: Path, cases: dict[str, dict[str, Any]], *, picture: int | None = 0
) -> None:
    """The files of a link folder."""
    out.mkdir(parents=True, exist_ok=True)
    ids = result.case_ids
    with open(out / "case_clusters.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["case_id", "report_id", "cluster"])
        for cid, c in zip(ids, result.cluster_of.tolist(), strict=True):
            w.writerow([cid, cases.get(cid, {}).get("report_id"), c if c >= 0 else ""])
    with open(out / "clusters.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["cluster", "size", "strength", "first", "last", "loss_yuan", "tying"])
        for cl in result.clusters:
            loss = sum(int(cases.get(c, {}).get("loss_fen") or 0) for c in cl["cases"])
            tying = ";".join(f"{t['kind']}:{t['value']}({t['cases']})" for t in cl["tying"][:12])
            w.writerow(
                [
                    cl["cluster"],
                    cl["size"],
                    cl["strength"],
                    when(cl["first"]),
                    when(cl["last"]),
                    fen_to_yuan(loss),
                    tying,
                ]
            )
    shown = [dict(cl, first=when(cl["first"]), last=when(cl["last"])) for cl in result.clusters[:200]]
    (out / "clusters.json").write_bytes(
        orjson.dumps(
            {"clusters": shown, "more": max(0, len(result.clusters) - 200)}, option=orjson.OPT_INDENT_2
        )
        + b"\n"
    )
    pq.write_table(result.links, out / "links.parquet")
    if result.links.num_rows <= 200_000:
        write_csv(result.links, out / "links.csv")
    write_csv(result.keys, out / "keys.csv")
    write_csv(result.suggestions, out / "suggestions.csv")
    if picture is not None and 0 <= picture < len(result.clusters):
        (out / f"cluster_{picture}.svg").write_text(cluster_svg(result, picture, cases), encoding="utf-8")
    (out / "summary.json").write_bytes(orjson.dumps(result.summary, option=orjson.OPT_INDENT_2) + b"\n")


def cluster_svg(result: LinkResult, number: int, cases: dict[str, dict[str, Any]]) -> str:
    """The picture of cluster `number` (`fanzha.cases.svg`)."""
    cl = result.clusters[number]
    evidence, hubs = cluster_keys(result)[number]
    rows = [cases.get(c, {"case_id": c, "t": 0, "loss_fen": 0}) for c in cl["cases"]]
    return render_cluster(cl, rows, evidence, hubs)


Keyed = list[tuple[str, str, str]]  # (case_id, kind, value)


def cluster_keys(result: LinkResult) -> dict[int, tuple[Keyed, Keyed]]:
    """Each cluster's keys, case by case: those that tie it (merged) and the hubs set aside (shared too widely
    to be evidence), as (case_id, kind, value)."""
    kinds = result.keys["kind"].to_pylist()
    values = result.keys["value"].to_pylist()
    status = result.keys["status"].to_pylist()
    cluster_of = result.cluster_of.tolist()
    out: dict[int, tuple[Keyed, Keyed]] = {cl["cluster"]: ([], []) for cl in result.clusters}
    for k, c in zip(result.inc_key.tolist(), result.inc_case.tolist(), strict=True):
        number = int(cluster_of[c])
        if number < 0 or number not in out:
            continue
        evidence, hubs = out[number]
        (evidence if status[k] == "merged" else hubs).append((result.case_ids[c], kinds[k], values[k]))
    return out


def cluster_details(result: LinkResult, cases: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every cluster whole: its members (case and report ids), strength, first and last time, loss, the keys
    that tie it (with how many of its cases share each) and the hubs set aside."""
    keyed = cluster_keys(result)
    out: list[dict[str, Any]] = []
    for cl in result.clusters:
        _, hubs = keyed[cl["cluster"]]
        shared: dict[tuple[str, str], set[str]] = defaultdict(set)
        for cid, kind, value in hubs:
            shared[(kind, value)].add(cid)
        out.append(
            {
                "cluster": cl["cluster"],
                "size": cl["size"],
                "strength": cl["strength"],
                "first": when(cl["first"]),
                "last": when(cl["last"]),
                "loss": fen_to_yuan(sum(int(cases.get(c, {}).get("loss_fen") or 0) for c in cl["cases"])),
                "members": [
                    {"case_id": c, "report_id": cases.get(c, {}).get("report_id")} for c in cl["cases"]
                ],
                "tying": cl["tying"],
                "hubs": [
                    {"kind": k, "value": v, "cases": sorted(ids)} for (k, v), ids in sorted(shared.items())
                ],
            }
        )
    return out


# -- leaks -------------------------------------------------------------------------------------------------------


@dataclass
class LeakRun:
    """The scopes tested and their suspects."""

    strata: Strata
    scopes: dict[str, list[int]]  # scope → victim indices
    suspects: dict[str, list[Suspect]]
    summary: dict[str, Any]


def victims_of(
    case_dir: str | Path, contacts: str | Path | None = None
) -> tuple[list[Victim], Contacts | None]:
    """The people to compare: each person a case names — a reporter, or a person an alert filed as a case
    (`Case.origin`) is about, known to the centre from the alert on — (their earliest contact, else report or
    alert, time; their cases; their cluster when the case folder has been linked), then each person not among
    them whom a number or account of the gang that the reports name (`fanzha.cases.numbers.listing`) reached,
    as the records at `contacts` show (known from the contact on, or from the listing for a contact before it;
    in the cluster of the case that listed the identifier, which a person known already without a cluster
    joins too). The contacts read are returned beside them; each person's cases' texts are their `quotes`."""
    d = case_folder(case_dir, CASES_FILE, CASES_JSONL)
    cluster: dict[str, int] = {}
    links = d / LINK_DIR / "case_clusters.csv"
    if links.is_file():
        with open(links, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("cluster"):
                    cluster[row["case_id"]] = int(row["cluster"])
    rows = case_rows(d)
    texts = case_texts(d)  # for the orders they quote (`quoted_orders`)
    by: dict[str, Victim] = {}
    for cid, r in sorted(rows.items(), key=lambda kv: (kv[1]["t"], kv[0])):
        person = r["person_id"]
        if not person:
            continue
        alert = r["origin"] == "alert"  # an alert filed as a case: known when it was raised
        v = by.setdefault(person, Victim(person, int(r["t"]), via="alert" if alert else "report"))
        v.cases.append(cid)
        v.quotes = f"{v.quotes}\n{texts[cid]}" if v.quotes else texts.get(cid, "")
        if alert:
            v.known = r["reported"] if v.known is None else min(v.known, r["reported"])
        else:
            v.via = "report"
        if v.cluster < 0 and cid in cluster:
            v.cluster = cluster[cid]
    out = list(by.values())
    found: Contacts | None = None
    if contacts is not None:
        listed = listing(read_cases(d))
        found = read_contacts(contacts, listed)
        for person, kind, key, t in found.contacts:
            since, cid = listed[kind, key]
            if person not in by:
                by[person] = Victim(
                    person, t, [f"{kind}:{key}"], cluster.get(cid, -1), known=max(t, since), via="contact"
                )
                out.append(by[person])
            elif by[person].cluster < 0:  # known already (an alert no other case shares a key with)
                by[person].cluster = cluster.get(cid, -1)
    return out, found


def case_texts(case_dir: str | Path) -> dict[str, str]:
    """case id → its text, for the cases that name a person (cases.jsonl; E820 without it)."""
    with open(case_folder(case_dir, CASES_JSONL) / CASES_JSONL, "rb") as fh:
        return {c["case_id"]: str(c.get("text") or "") for c in map(orjson.loads, fh) if c.get("person_id")}


def read_cases(case_dir: str | Path) -> list[Case]:
    """The cases of a case folder, whole (cases.jsonl; E820 without it)."""
    with open(case_folder(case_dir, CASES_JSONL) / CASES_JSONL, "rb") as fh:
        return [Case.from_dict(orjson.loads(line)) for line in fh if line.strip()]


def run_leaks(
    case_dir: str | Path,
    orders: str | Path,
    *,
    contacts: str | Path | None = None,
    params: LeakParams | None = None,
    out: str | Path | None = None,
    force: bool = False,
) -> LeakRun:
    """Test the merchants of `orders` for every scope — all the people (reporters, the alerted whose alerts are
    cases, and those reached by the gang's numbers and accounts the reports name, in the records `contacts`), the
    reporters, each linked cluster with enough victims (its reporters, alerted and the people its identifiers
    reached) — and write the leaks folder
    (default `case_dir/leaks`, replaced by each run; another `out` that is not empty only with `force`)."""
    prm = params or LeakParams()
    prm.validate()
    target = Path(out) if out is not None else Path(case_dir) / LEAKS_DIR
    inputs = [Path(case_dir), Path(orders), *([Path(contacts)] if contacts is not None else [])]
    replace = force or out is None
    check_output(target, inputs=inputs, folder=True, force=replace)
    victims, found = victims_of(case_dir, contacts)
    strata = Strata(orders, victims, prm)
    if not strata.has_orders.any():
        raise InputError("E833", where=str(orders), people=len(victims), days=prm.window_days)
    scopes: dict[str, list[int]] = {"all": list(range(len(victims)))}
    if any(v.via != "report" for v in victims):
        scopes["reports"] = [i for i, v in enumerate(victims) if v.via == "report"]
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for i, v in enumerate(victims):
        if v.cluster >= 0:
            by_cluster[v.cluster].append(i)
    for c in sorted(by_cluster):
        if len(by_cluster[c]) >= prm.min_victims:
            scopes[f"cluster:{c}"] = by_cluster[c]
    suspects = {name: strata.test(idx) for name, idx in scopes.items()}
    names = merchant_names(orders)
    summary: dict[str, Any] = {
        "victims": len(victims),
        **(
            {
                "contacts": {
                    "records": found.records,
                    "listed": found.listed,
                    "contacts": len(found.contacts),
                    "people_added": sum(1 for v in victims if v.via == "contact"),
                    "kept_aside": found.kept_aside,
                    "first_kept_aside": found.first_kept_aside,
                }
            }
            if found is not None
            else {}
        ),
        "victims_with_orders": int(strata.has_orders.sum()),
        "victims_quoting_orders": len(strata.quoted),
        "merchants_tested": strata.tested,
        "params": {
            "windows_days": list(prm.windows_days),
            "alpha": prm.alpha,
            "min_victims": prm.min_victims,
            "explain": prm.explain,
            "scan_days": list(prm.scan_days),
            "quotes": prm.quotes,
        },
        "scopes": {
            name: {
                "victims": len(scopes[name]),
                "suspects": [
                    {
                        "merchant_id": s.merchant_id,
                        **names.get(s.merchant_id, {}),
                        "victims": s.victims,
                        "expected": round(s.expected, 3),
                        "q_value": s.q_value,
                        "window_days": s.window_days,
                        **(
                            {"period": {"start": when(s.period_start), "days": s.period_days}}
                            if s.period_start is not None
                            else {}
                        ),
                    }  # fmt: skip
                    for s in sus
                    if s.significant
                ],
            }  # fmt: skip
            for name, sus in suspects.items()
        },
    }
    run = LeakRun(strata, scopes, suspects, summary)
    with atomic_dir(target, inputs=inputs, force=replace) as tmp:
        write_leaks(run, tmp, names)
    return run


def write_leaks(run: LeakRun, out: Path, names: dict[str, dict[str, Any]], *, top: int = 20) -> None:
    """suspects.csv (every scope's first `top` merchants, suspects first), evidence.csv (the victims and orders
    behind each suspect), summary.json."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "suspects.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["scope", "rank", "merchant_id", "name", "kind", "platform", "city", "victims", "expected",
                    "ratio", "p_value", "q_value", "suspected", "window_days", "period_start", "period_days"])  # fmt: skip
        for scope, sus in run.suspects.items():
            for s in sus[:top]:
                info = names.get(s.merchant_id, {})
                w.writerow([scope, s.rank, s.merchant_id, info.get("name"), info.get("kind"), info.get("platform"),
                            info.get("city"), s.victims, f"{s.expected:.3f}", f"{s.ratio:.2f}", f"{s.p_value:.3g}",
                            f"{s.q_value:.3g}", s.significant, f"{s.window_days:g}",
                            when(s.period_start) if s.period_start is not None else "",
                            f"{s.period_days:g}" if s.period_start is not None else ""])  # fmt: skip
    with open(out / "evidence.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["scope", "merchant_id", "person_id", "cases", "order_id", "order_time"])
        cases_of = {v.person_id: ";".join(v.cases) for v in run.strata.victims}
        for scope, sus in run.suspects.items():
            for s in sus:
                if not s.significant:
                    continue
                for person, oid, t in run.strata.orders_of(s, run.scopes[scope]):
                    w.writerow([scope, s.merchant_id, person, cases_of.get(person, ""), oid, when(t)])
    (out / "summary.json").write_bytes(orjson.dumps(run.summary, option=orjson.OPT_INDENT_2) + b"\n")


def clusters_of(case_dir: str | Path, result: LinkResult) -> list[dict[str, Any]]:
    """`cluster_details` of a link run over `case_dir`."""
    return cluster_details(result, case_rows(case_dir))
