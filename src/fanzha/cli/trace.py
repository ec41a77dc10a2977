"""`fanzha trace`: where did the victims' money go, where is it now, what to freeze, who else is in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from fanzha.cli.common import echo_json, finish, json_option, lang_option, quiet_option, say, warning
from fanzha.cli.helptext import HelpCommand, shared
from fanzha.cli.progress import progress_bar
from fanzha.messages import default_lang
from fanzha.records.files import mapping_from_options
from fanzha.trace.backends import BACKENDS
from fanzha.trace.ingest import ColumnMap
from fanzha.trace.policies import POLICIES

#: the ledger a command reads as `fanzha.trace.ingest` does (`fanzha trace`, `fanzha payees`): the files, and the
#: column mapping of a bank's export
ledger_option = click.option(
    "--ledger",
    "ledgers",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help=shared(
        "ledger", "Ledger CSV / Parquet file(s), or a folder (a sim world). Repeat for several files."
    ),
)


def mapping_options(f: Any) -> Any:
    """--map, --mapping and --tz: how to read a bank's export (`fanzha.records.files.mapping_from_options`)."""
    for option in reversed(
        (
            click.option(
                "--map",
                "maps",
                multiple=True,
                metavar="FIELD=COLUMN",
                help=shared(
                    "map",
                    "Column mapping, e.g. --map src=付款账号 --map time=交易日期+交易时间 (repeatable).",
                ),
            ),
            click.option(
                "--mapping",
                type=click.Path(path_type=Path),
                help=shared("mapping", "Column mapping as YAML (see docs/trace.md)."),
            ),
            click.option(
                "--tz",
                default=None,
                help=shared("tz", "Timezone of times without an offset [default: Asia/Shanghai]."),
            ),
        )
    ):
        f = option(f)
    return f


@click.command("trace", cls=HelpCommand)
@lang_option(expose=False)
@ledger_option
@click.option(
    "--seeds",
    required=True,
    type=click.Path(path_type=Path),
    help="SEEDS.csv: `victim_id,transfer_id` rows (or `victim_id,account_id,since[,until]`).",
)
@click.option(
    "--policy",
    default="fifo",
    show_default=True,
    type=click.Choice(POLICIES.names(aliases=True)),
    help="Amount attribution policy.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for every output file, written whole or not at all.",
)
@click.option("--force", is_flag=True, help="Replace --out (as a whole) when it is not empty.")
@mapping_options
@click.option(
    "--accounts",
    type=click.Path(path_type=Path),
    help="Accounts file (account_id, kind, bank, city, opened, opening_balance).",
)
@click.option("--max-hops", type=int, default=None, help="Follow the money at most this many transfers.")
@click.option("--until", default=None, help="Trace up to this time (ISO, e.g. 2024-03-10T18:00).")
@click.option("--window", default=None, help="Trace at most this long after the first seed (90m, 48h, 7d).")
@click.option(
    "--backend",
    default="duckdb",
    show_default=True,
    type=click.Choice(BACKENDS.names()),
    help="Where the analytics run.",
)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=None,
    help="Keep the loaded ledger in this DuckDB file [default: in memory].",
)
@click.option(
    "--links",
    type=click.Path(path_type=Path),
    default=None,
    help="account_id,kind,value rows (phones, id numbers) that link accounts in the gang graph.",
)
@click.option(
    "--no-mules",
    is_flag=True,
    help="Write no mule scores (mules.csv) and no gang graph (with third parties recognised the accounts are still "
    "scored, so that no suspected mule leaves the freeze list as an innocent recipient).",
)
@click.option(
    "--no-third-parties",
    is_flag=True,
    help="Treat processors and merchants as pass-through like any account (the tracer before issue 19).",
)
@click.option(
    "--top", default=40, show_default=True, type=click.IntRange(1, 500), help="Accounts shown in graph.svg."
)
@json_option
@quiet_option
def trace(
    ledgers: tuple[Path, ...],
    seeds: Path,
    policy: str,
    out: Path,
    force: bool,
    maps: tuple[str, ...],
    mapping: Path | None,
    accounts: Path | None,
    tz: str | None,
    max_hops: int | None,
    until: str | None,
    window: str | None,
    backend: str,
    db: Path | None,
    links: Path | None,
    no_mules: bool,
    no_third_parties: bool,
    top: int,
    as_json: bool,
    quiet: bool,
) -> None:
    """Trace victims' money through bank ledgers: flows, freeze list, cash-outs, mules, gangs.

    Exit status 1 when ledger rows were kept aside (listed in OUT/rejected_rows.csv; the rest is traced).
    """
    from fanzha.trace.api import run_trace

    cmap = mapping_from_options(ColumnMap.identity, ColumnMap.from_file, mapping, maps, tz)
    with progress_bar(quiet=quiet) as progress:
        run = run_trace(
            list(ledgers),
            seeds,
            policy=policy,
            out=out,
            force=force,
            mapping=cmap,
            mapping_file=mapping,
            accounts=accounts,
            max_hops=max_hops,
            until=until,
            window=window,
            backend=backend,
            db=db,
            mules=not no_mules,
            third_parties=not no_third_parties,
            links=links,
            top=top,
            progress=progress,
        )
    s = run.report.summary
    rejected = int(s["ledger"]["rows_rejected"])
    if as_json:
        echo_json(s)
    else:
        _print(s, out)
    if rejected:
        say("cli.trace_kept_aside", err=True, rows=rejected, path=out / "rejected_rows.csv")
    finish(rejected)


def _print(s: dict[str, Any], out: Path) -> None:
    led = s["ledger"]
    pol = s["policy"]
    say("cli.trace_policy", policy=pol["zh"] if default_lang() == "zh" else pol["en"], name=pol["name"])
    if led["rows_rejected"]:
        path = out / "rejected_rows.csv"
        say("cli.trace_ledger_rejected", loaded=led["rows_loaded"], rejected=led["rows_rejected"], path=path)
    else:
        say("cli.trace_ledger", loaded=led["rows_loaded"], rejected=0)
    say("cli.trace_victims", victims=s["victims"], seeds=s["seeds"], yuan=float(s["seeded_yuan"]))
    path = out / "freeze_list.csv"
    say("cli.trace_freezable", yuan=float(s["freezable_yuan"]), accounts=s["freeze_accounts"], path=path)
    if "cashed_out_yuan" in s:
        say(
            "cli.trace_cashed_out",
            yuan=float(s["cashed_out_yuan"]),
            points=s["cash_out_points"],
            path=out / "cash_outs.csv",
        )
    if s.get("request_records"):
        path = out / "request_records.csv"
        say(
            "cli.trace_request_records",
            transfers=s["request_records"],
            accounts=s["request_accounts"],
            path=path,
        )
    if "mules_flagged" in s:
        say("cli.trace_mules", mules=s["mules_flagged"], gangs=s.get("gangs", 0), path=out / "mules.csv")
    for w in s.get("warnings", []):
        warning(**w)
    say("cli.picture", path=out / "graph.svg")
