"""`fanzha payees`: a bank's own ledger → its flags for the shared scam-account list."""

from __future__ import annotations

from pathlib import Path

import click

from fanzha.cli.common import echo_json, finish, json_option, lang_option, quiet_option, say
from fanzha.cli.helptext import HelpCommand
from fanzha.cli.progress import progress_bar
from fanzha.cli.trace import ledger_option, mapping_options
from fanzha.records.files import mapping_from_options
from fanzha.trace.ingest import ColumnMap


@click.command("payees", cls=HelpCommand)
@lang_option(expose=False)
@ledger_option
@click.option(
    "--accounts",
    type=click.Path(path_type=Path),
    help="Accounts file: account_id, kind (bank_card / payment_account are watched), owner_id.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="The payee list to write (JSONL, as fanzha warn --payee-list and POST /v1/payees read it).",
)
@click.option(
    "--rejects",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the ledger rows kept aside here (CSV).",
)
@click.option(
    "--reports",
    type=click.Path(path_type=Path),
    default=None,
    help="Victims' reports (JSONL, as fanzha cases reads them): the phones that emptied a reporter's account "
    "are listed too. A world folder brings its reports.jsonl.",
)
@click.option(
    "--phones",
    type=click.Path(path_type=Path),
    default=None,
    help="Phones file: device_id, owner_id (the customer each phone is bound to): only phones bound to nobody are "
    "listed, never a person's (a reporter's own new one, say). A world folder brings its devices.parquet.",
)
@mapping_options
@json_option
@quiet_option
def payees(
    ledgers: tuple[Path, ...],
    accounts: Path | None,
    out: Path,
    rejects: Path | None,
    reports: Path | None,
    phones: Path | None,
    maps: tuple[str, ...],
    mapping: Path | None,
    tz: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """A bank's ledger → the accounts its own rules flag (money passing straight through; one phone running many
    people's cards), as a payee list for the early warning (docs/warn.md); with the victims' reports, the phones
    that emptied a reporter's account as well (an account taken over).

    Exit status 1 when ledger rows were kept aside (counted; --rejects lists them; the rest is used).
    """
    from fanzha.trace.api import bank_flags

    cmap = mapping_from_options(ColumnMap.identity, ColumnMap.from_file, mapping, maps, tz)
    if reports is None and len(ledgers) == 1 and (ledgers[0] / "reports.jsonl").is_file():
        reports = ledgers[0] / "reports.jsonl"  # a world folder's reports
    losses: list[tuple[int, str, str]] = []
    if reports is not None:
        from fanzha.cases.intake import intake
        from fanzha.cases.numbers import reported_losses
        from fanzha.records.outputs import check_output

        check_output(out, inputs=[reports])  # the other inputs are checked with the ledger
        losses = reported_losses(intake(reports).cases)
    with progress_bar(quiet=quiet) as progress:
        run = bank_flags(
            list(ledgers),
            out=out,
            mapping=cmap,
            accounts=accounts,
            rejects=rejects,
            reports=losses,
            phones=phones,
            progress=progress,
        )
    s = run.summary
    if as_json:
        echo_json(s)
    else:
        say(
            "cli.payees_done",
            accounts=s["accounts_flagged"],
            phones=s["phones_listed"],
            path=out,
            loaded=s["rows_loaded"],
        )
    rejected = int(s["rows_rejected"])  # type: ignore[call-overload]
    if rejected:
        say("cli.trace_kept_aside", err=True, rows=rejected, path=rejects or "--rejects")
    finish(rejected)
