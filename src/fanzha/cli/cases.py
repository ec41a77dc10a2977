"""`fanzha cases`: file reports as cases, link them (串并案), find the leak behind them, measure it all on a world."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from fanzha.cli.common import command_line, echo_json, finish, json_option, lang_option, quiet_option, say
from fanzha.cli.helptext import HelpGroup
from fanzha.cli.progress import progress_bar
from fanzha.messages import default_lang, t
from fanzha.records.files import mapping_from_options
from fanzha.records.kinds import TELEMETRY_PROFILES


@click.group("cases", cls=HelpGroup)
@lang_option(expose=False)
def cases() -> None:
    """Cases: intake of reports, linking, the leak source."""


def _days(value: str, option: str) -> float:
    from fanzha.records.units import US_PER_DAY, parse_duration

    return (
        parse_duration(value if any(c.isalpha() for c in value) else f"{value}d", where=option) / US_PER_DAY
    )


@cases.command("intake")
@lang_option(expose=False)
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The case folder to write.")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Column mapping, e.g. --map text=简要案情 --map time=报案时间 (repeatable).",
)
@click.option(
    "--mapping", type=click.Path(path_type=Path), help="Column mapping as YAML (see docs/cases.md)."
)
@click.option("--tz", default=None, help="Timezone of times without an offset [default: Asia/Shanghai].")
@click.option("--force", is_flag=True, help="Replace --out when it is not empty.")
@click.option("--no-model", is_flag=True, help="The knowledge base's rules only, without the trained model.")
@json_option
@quiet_option
def intake(
    reports: tuple[Path, ...],
    out: Path,
    maps: tuple[str, ...],
    mapping: Path | None,
    tz: str | None,
    force: bool,
    no_model: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """File reports as cases: free text (.txt), JSON, JSONL, or a police system's CSV export with a mapping.
    The alerts of fanzha warn (ALERTS.jsonl) are filed too, one case per alert (its latest revision), with the
    numbers and accounts its evidence names.

    Exit status 1 when reports were kept aside (listed in OUT/rejected.jsonl; the others are filed).

    \b
    fanzha cases intake world/reports.jsonl --out cases/
    fanzha cases intake export.csv --map text=简要案情 --map time=报案时间 --map report_id=案件编号 --out cases/
    fanzha cases intake world/reports.jsonl alerts.jsonl --out cases/
    """
    from fanzha.cases.api import run_intake
    from fanzha.cases.intake import ReportMap
    from fanzha.detect import Detector

    cmap = mapping_from_options(ReportMap.identity, ReportMap.from_file, mapping, maps, tz)
    with progress_bar(quiet=quiet) as progress:
        result = run_intake(
            list(reports), out, mapping=cmap, detector=Detector(model=None if no_model else "default"),
            force=force, progress=progress,
        )  # fmt: skip
    summary = result.to_dict()
    if as_json:
        echo_json(summary)
    else:
        _print_intake(summary, out)
    if summary["rejected"]:
        say("cli.kept_aside", err=True, path=out / "rejected.jsonl")
    finish(summary["rejected"])


def _print_intake(summary: dict[str, Any], out: Path) -> None:
    codes = ", ".join(f"{k} ×{v}" for k, v in summary["rejected_by_code"].items())
    say(
        "cli.cases_intake",
        accepted=summary["accepted"],
        rejected=summary["rejected"],
        codes=codes or t("cli.none", default_lang()),
        out=out,
    )
    lang = default_lang()
    labels = t("cli.list_sep", lang).join(
        f"{t('label.' + k, lang)} {v:,}" for k, v in summary["labels"].items()
    )
    say("cli.cases_identifiers", identifiers=summary["identifiers"], labels=labels or t("cli.none", lang))


@cases.command("link")
@lang_option(expose=False)
@click.argument("case_dir", type=click.Path(path_type=Path))
@click.option(
    "--trace-out",
    type=click.Path(path_type=Path),
    help="The --out folder of `fanzha trace`: victims whose money met in one account, or was moved on from one device, "
    "are linked.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Where to write [default: CASE_DIR/link].")
@click.option("--force", is_flag=True, help="Replace --out when it is not empty (CASE_DIR/link always is).")
@click.option("--window", default="30d", show_default=True, help="A partial number matches within this time.")
@click.option(
    "--same-reporter",
    default="14d",
    show_default=True,
    help="One reporter's contacts this close are one case.",
)
@click.option(
    "--hub-clusters", type=int, default=2, show_default=True, help="Separate clusters a hub would merge."
)
@click.option(
    "--hub-cluster-size", type=int, default=5, show_default=True, help="Cases of a cluster a hub would merge."
)
@click.option(
    "--hub-min-cases",
    type=int,
    default=3,
    show_default=True,
    help="Fewest cases of a number no evidence backs.",
)
@click.option("--picture", type=int, default=0, show_default=True, help="Draw this cluster (cluster_N.svg).")
@click.option("--db", type=click.Path(path_type=Path), help="Work in this DuckDB file [default: in memory].")
@click.option("--threads", type=int, help="DuckDB threads [default: all cores].")
@json_option
@quiet_option
def link(
    case_dir: Path,
    trace_out: Path | None,
    out: Path | None,
    window: str,
    same_reporter: str,
    hub_clusters: int,
    hub_cluster_size: int,
    hub_min_cases: int,
    picture: int,
    db: Path | None,
    threads: int | None,
    force: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Link cases that share identifiers, a reporter, mule accounts or the device that moved their money (串并案); hubs
    link nothing.

    \b
    fanzha cases link cases/ --trace-out trace/
    """
    from fanzha.cases.api import run_link
    from fanzha.cases.link import LinkParams

    params = LinkParams(
        window_days=_days(window, "--window"),
        same_reporter_days=_days(same_reporter, "--same-reporter"),
        hub_min_cases=hub_min_cases,
        hub_clusters=hub_clusters,
        hub_cluster_size=hub_cluster_size,
    )
    with progress_bar(quiet=quiet) as progress:
        result = run_link(
            case_dir, trace_out=trace_out, params=params, out=out, db=db, threads=threads, picture=picture,
            force=force, progress=progress,
        )  # fmt: skip
    s = result.summary
    if as_json:
        echo_json(s)
        return
    target = out or case_dir / "link"
    say(
        "cli.cases_clusters",
        clusters=s["clusters"],
        in_clusters=s["cases_in_clusters"],
        cases=s["cases"],
        largest=s["largest_cluster"],
        path=target / "clusters.csv",
    )
    say("cli.cases_hubs", hubs=s["hubs"], path=target / "keys.csv")
    if s["clusters"] and 0 <= picture < s["clusters"]:
        say("cli.picture", path=target / f"cluster_{picture}.svg")


@cases.command("leaks")
@lang_option(expose=False)
@click.argument("case_dir", type=click.Path(path_type=Path))
@click.option(
    "--orders", required=True, type=click.Path(path_type=Path), help="orders.parquet (or a world folder)."
)
@click.option(
    "--contacts",
    type=click.Path(path_type=Path),
    help="Records of the gang's numbers and QQ / WeChat accounts the reports name (events: a world folder, "
    "Parquet or JSONL): add the people they reached.",
)
@click.option(
    "--window",
    multiple=True,
    default=("14d", "56d"),
    show_default=True,
    help="Orders this long before contact count; each window is tested (repeatable, Bonferroni over them).",
)
@click.option("--alpha", type=float, default=0.05, show_default=True, help="False-discovery level (BH).")
@click.option("--min-victims", type=int, default=2, show_default=True, help="Fewest victims of a suspect.")
@click.option(
    "--explain",
    type=int,
    default=10,
    show_default=True,
    help="At most this many suspects explain away their victims when the others are tested again (0: off).",
)
@click.option(
    "--period",
    multiple=True,
    default=("7d", "14d"),
    show_default=True,
    help="Scan periods of the order's time this long, starting every half their length (repeatable).",
)
@click.option(
    "--no-scan", is_flag=True, help="Test the windows only, without the scan over the order's time."
)
@click.option(
    "--no-quotes",
    is_flag=True,
    help="Test every victim on all its orders in the window, not on the orders its cases quote.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Where to write [default: CASE_DIR/leaks].")
@click.option("--force", is_flag=True, help="Replace --out when it is not empty (CASE_DIR/leaks always is).")
@json_option
def leaks(
    case_dir: Path,
    orders: Path,
    contacts: Path | None,
    window: tuple[str, ...],
    alpha: float,
    min_victims: int,
    explain: int,
    period: tuple[str, ...],
    no_scan: bool,
    no_quotes: bool,
    out: Path | None,
    force: bool,
    as_json: bool,
) -> None:
    """Which shops or courier outlets the victims bought from before contact, more than buyers like them.

    \b
    fanzha cases leaks cases/ --orders world/orders.parquet
    fanzha cases leaks cases/ --orders world/ --contacts world/   # and whom the gang's numbers reached
    """
    from fanzha.cases.api import run_leaks
    from fanzha.cases.leaks import LeakParams

    run = run_leaks(
        case_dir,
        orders,
        contacts=contacts,
        params=LeakParams(
            windows_days=tuple(_days(w, "--window") for w in window),
            alpha=alpha,
            min_victims=min_victims,
            explain=explain,
            scan_days=() if no_scan else tuple(_days(d, "--period") for d in period),
            quotes=not no_quotes,
        ),
        out=out,
        force=force,
    )
    if as_json:
        echo_json(run.summary)
        return
    target = out or case_dir / "leaks"
    if "contacts" in run.summary:
        c = run.summary["contacts"]
        say(
            "cli.cases_contacts",
            records=c["records"],
            phones=c["listed"].get("phone", 0),
            qq=c["listed"].get("qq", 0),
            wechat=c["listed"].get("wechat_id", 0),
            contacts=c["contacts"],
            people=c["people_added"],
            kept_aside=c["kept_aside"],
        )
        if c["first_kept_aside"]:
            say("cli.cases_contacts_aside", err=True, first=c["first_kept_aside"])
    say("cli.cases_quoted", quoted=run.summary["victims_quoting_orders"], victims=run.summary["victims"])
    for scope, data in run.summary["scopes"].items():
        found = data["suspects"]
        names = ", ".join(
            f"{s['merchant_id']} {s.get('name') or ''} ({s['victims']}/{s['expected']:.1f})"
            for s in found[:3]
        )
        names = names or t("cli.none", default_lang())
        say("cli.cases_suspects", scope=_scope_name(scope), victims=data["victims"], names=names)
    say("cli.outputs", paths=f"{target / 'suspects.csv'}, {target / 'evidence.csv'}")


def _scope_name(scope: str) -> str:
    """A scope of the leak test as a person reads it: all, the reported, cluster #N."""
    lang = default_lang()
    kind, _, n = scope.partition(":")
    key = {"all": "cli.scope_all", "reports": "cli.scope_reports", "cluster": "cli.scope_cluster"}.get(kind)
    return t(key, lang, n=n) if key else scope


@cases.command("evaluate")
@click.argument("worlds", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--world",
    "specs",
    multiple=True,
    metavar="PRESET:SEED",
    help="A world to generate (when missing) under --root and measure, e.g. medium:0 (repeatable).",
)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="Where --world worlds live.")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Work folder [default: WORLD.cases-eval]."
)
@click.option("--doc", type=click.Path(dir_okay=False, path_type=Path), help="Update this Markdown's block.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write the figures as JSON.")
@click.option(
    "--alerts-profile",
    "profiles",
    multiple=True,
    type=click.Choice(TELEMETRY_PROFILES),
    help="The centre's alerts are filed as cases too, from what a centre with this telemetry receives "
    "(repeatable) [default: full].",
)
@json_option
@quiet_option
def evaluate(
    worlds: tuple[Path, ...],
    specs: tuple[str, ...],
    root: Path | None,
    out: Path | None,
    doc: Path | None,
    report: Path | None,
    profiles: tuple[str, ...],
    as_json: bool,
    quiet: bool,
) -> None:
    """Measure intake, linking and the leak source on synthetic worlds, against their truth.

    \b
    fanzha cases evaluate /tmp/world
    fanzha cases evaluate --world small:0 --world medium:0 --root /tmp/cases-eval --doc docs/cases.md
    """
    import orjson

    from fanzha.errors import InputError
    from fanzha.evaluate.cases import evaluate_world, markdown, nan_free, update_doc

    todo: list[tuple[str, Path]] = [(w.name, w) for w in worlds]
    for spec in specs:
        name, _, seed = spec.partition(":")
        if not name or not seed.isdigit():
            raise InputError("E841", where="--world", value=spec)
        if root is None:
            raise InputError("E842", where="--world")
        todo.append((f"{name}-{seed}", root / f"{name}-{seed}"))
    if not todo:
        raise InputError("E843", where="fanzha cases evaluate")
    if doc is not None and not doc.is_file():
        raise InputError("E001", where=str(doc))
    runs = []
    with progress_bar(quiet=quiet) as progress:
        for n, (name, path) in enumerate(todo):
            progress("worlds", n, len(todo))
            if not (path / "reports.jsonl").is_file():
                preset, _, seed = name.rpartition("-")
                if not preset or not seed.isdigit():
                    raise InputError("E840", where=str(path), file="reports.jsonl")
                from fanzha.sim.config import preset as get_preset
                from fanzha.sim.generate import simulate

                simulate(get_preset(preset).replace(seed=int(seed)), path)
            work = (
                out / name
                if out is not None and len(todo) > 1
                else out or path.with_name(path.name + ".cases-eval")
            )
            figures = evaluate_world(path, work, alerts_profiles=profiles or ("full",), progress=progress)
            runs.append((name, nan_free(figures)))
        progress("worlds", len(todo), len(todo))
    command = command_line(
        "fanzha cases evaluate",
        *worlds,
        options=[("--world", specs), ("--root", root), ("--alerts-profile", profiles), ("--doc", doc)],
    )
    md = markdown(runs, command=command)
    if report is not None:
        report.write_bytes(orjson.dumps(dict(runs), option=orjson.OPT_INDENT_2))
    if doc is not None:
        update_doc(doc, md)
    if as_json:
        echo_json(dict(runs))
    elif doc is None:
        sys.stdout.write(md)
