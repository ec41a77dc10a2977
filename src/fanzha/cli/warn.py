"""`fanzha warn`: replay events into alerts (resumable), or measure the bars on a synthetic city."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from fanzha.cli.common import command_line, echo_json, json_option, lang_option, quiet_option, say, warning
from fanzha.cli.helptext import HelpCommand


def _duration(value: str, option: str) -> timedelta:
    from fanzha.records.units import parse_duration

    return timedelta(microseconds=parse_duration(value, where=option))


def _by_kind(values: tuple[str, ...]) -> dict[str, timedelta]:
    from fanzha.errors import InputError

    out = {}
    for v in values:
        kind, sep, d = v.partition("=")
        if not sep or not kind.strip():
            raise InputError(
                "E741", where="--lateness-for", option="lateness_for", valid="KIND=DURATION", value=v
            )
        out[kind.strip()] = _duration(d.strip(), "--lateness-for")
    return out


@click.command("warn", cls=HelpCommand)
@click.option(
    "--events",
    type=click.Path(path_type=Path),
    help="Events: a Parquet or JSONL file, a world folder (its events.parquet), a folder of such files, or - "
    "(JSONL on standard input, as it comes). A rerun reads only what is new.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="ALERTS.jsonl: alert revisions.")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite store (default: OUT.db); a rerun goes on from it.",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Start again: delete the store and the alerts file (once the new input is checked).",
)
@click.option("--lateness", default="30m", show_default=True, help="Late-event bound (90s, 30m, 2h …).")
@click.option(
    "--lateness-for",
    "lateness_for",
    multiple=True,
    help="A bound of its own for an event kind, KIND=DURATION (repeatable): e.g. call=65m sms=65m for "
    "telephone operators' records, delivered in batches up to an hour late.",
)
@click.option(
    "--ttl",
    default=None,
    help="Drop a person's state after this idle time (default: longest rule span + lateness).",
)
@lang_option("Language of alerts and messages.")
@click.option("--batch-size", type=int, default=5000, show_default=True, help="Events per committed batch.")
@click.option(
    "--order",
    type=click.Choice(["time", "file"]),
    default=None,
    help="time (default for files): replay in event-time order, sorting the new rows when needed; file (always "
    "for standard input): as read, like a live stream.",
)
@click.option(
    "--rejects", type=click.Path(dir_okay=False, path_type=Path), help="Write the rows kept aside (JSONL)."
)
@click.option(
    "--no-text-gate", is_flag=True, help="Score every distinct message text fully (no indicator gate)."
)
@click.option(
    "--payee-list",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Payee accounts known as scam accounts (JSONL: account, time, reason reported | receiving_bank | "
    "alerted_payer): a person who adds one is warned, from the flag's time on. A line may name a phone instead "
    "(device, reason reported: it emptied a reported victim's account): a payee added from it is warned.",
)
@click.option(
    "--no-payee-feed",
    is_flag=True,
    help="Do not add the payees of the engine's own medium and high alerts to the shared list.",
)
@click.option(
    "--evaluate",
    "world",
    type=click.Path(file_okay=False, path_type=Path),
    help="Measure the bars on this world (generated first with --preset/--seed when it does not exist).",
)
@click.option(
    "--preset", help="With --evaluate: world to generate (a `fanzha sim` preset: small, medium, large)."
)
@click.option("--seed", type=int, help="With --evaluate: the world's seed when generating it.")
@click.option(
    "--delay",
    "delays",
    multiple=True,
    help="With --evaluate: act on each alert after this delay (repeatable, e.g. --delay 0m --delay 10m).",
)
@click.option(
    "--doc",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --evaluate: update this Markdown's block.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --evaluate: write the figures as JSON.",
)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    help="With --evaluate: measure what a centre with this telemetry profile receives (bank, bank_telco, full; "
    "repeatable), replayed in arrival order: figures, look-alike table and lateness per source, per profile.",
)
@json_option
@quiet_option
def warn(
    events: Path | None,
    out: Path | None,
    db: Path | None,
    fresh: bool,
    lateness: str,
    lateness_for: tuple[str, ...],
    ttl: str | None,
    lang: str,
    batch_size: int,
    order: str | None,
    rejects: Path | None,
    no_text_gate: bool,
    payee_list: Path | None,
    no_payee_feed: bool,
    world: Path | None,
    preset: str | None,
    seed: int | None,
    delays: tuple[str, ...],
    doc: Path | None,
    report: Path | None,
    profiles: tuple[str, ...],
    as_json: bool,
    quiet: bool,
) -> None:
    """Early warning: turn each person's events into one alert, raised before the money leaves.

    \b
    fanzha warn --events world/ --out alerts.jsonl          # replay (goes on after a crash from alerts.jsonl.db)
    fanzha warn --events events/ --out alerts.jsonl         # again later: only the rows appended, the new files
    tail -f events.jsonl | fanzha warn --events - --out alerts.jsonl
    fanzha warn --events events.jsonl --out a.jsonl --order file --lateness 10m
    fanzha warn --evaluate /tmp/city7 --preset medium --seed 7 --delay 0m --delay 10m --doc docs/warn.md
    fanzha warn --evaluate /tmp/w3 --preset small --seed 3 --profile full --profile bank_telco --profile bank
    """
    from fanzha.cli.common import finish
    from fanzha.cli.progress import progress_bar
    from fanzha.errors import InputError
    from fanzha.warn.engine import WarnConfig
    from fanzha.warn.replay import STDIN, replay

    config = WarnConfig(
        lateness=_duration(lateness, "--lateness"),
        lateness_by_kind=_by_kind(lateness_for),
        ttl=None if ttl is None else _duration(ttl, "--ttl"),
        lang=lang,
        text_gate=not no_text_gate,
        payee_feed=not no_payee_feed,
    )
    if world is not None:
        _evaluate(
            world, events, out, db, config, batch_size, preset, seed, delays, doc, report, as_json, quiet,
            profiles,
        )  # fmt: skip
        return
    if events is None or out is None:
        raise InputError("E743", where="fanzha warn", options=["--events", "--out"])
    from fanzha.warn.payees import PayeeList

    payees = PayeeList.load(payee_list) if payee_list is not None else None
    if preset or seed is not None or delays or doc or report or profiles:
        raise InputError(
            "E744",
            where="fanzha warn",
            options=["--preset", "--seed", "--delay", "--doc", "--report", "--profile"],
        )
    with progress_bar(quiet=quiet) as bar:
        result = replay(
            STDIN if str(events) == STDIN else events,
            out=out,
            db=db,
            config=config,
            batch_size=batch_size,
            order=order,
            fresh=fresh,
            rejects=rejects,
            progress=bar,
            payees=payees,
        )
    summary = result.to_dict()
    if as_json:
        echo_json(summary)
    c = result.counters
    if not quiet:
        say(
            "cli.warn_done",
            err=True,
            rows=result.rows,
            resumed=result.resumed_at,
            accepted=c.accepted,
            rejected=c.rejected,
            late=c.late,
            duplicates=c.duplicates,
            alerts=c.alerts,
            revisions=c.revisions,
            seconds=result.seconds,
            out=out,
        )
        if result.rejected_now and rejects is None:
            say("cli.warn_see_rejects", err=True)
    # never silent, even with --quiet: rows that raised no alert for being late, a line left for later
    if result.late_now:
        _say("W708", late=result.late_now, bound=int(config.lateness.total_seconds()))
    for label in result.incomplete:
        _say("W753", where=label)
    finish(result.rejected_now)


def _say(code: str, *, where: str = "fanzha warn", **params: Any) -> None:
    warning(code, where=where, **params)


def _evaluate(
    world: Path,
    events: Path | None,
    out: Path | None,
    db: Path | None,
    config: object,
    batch_size: int,
    preset: str | None,
    seed: int | None,
    delays: tuple[str, ...],
    doc: Path | None,
    report: Path | None,
    as_json: bool,
    quiet: bool,
    profiles: tuple[str, ...] = (),
) -> None:
    import orjson

    from fanzha.cli.progress import progress_bar
    from fanzha.errors import InputError
    from fanzha.evaluate.warn import evaluate_world, markdown, update_doc
    from fanzha.warn.engine import WarnConfig
    from fanzha.warn.replay import replay

    assert isinstance(config, WarnConfig)
    if events is not None:
        raise InputError("E745", where="fanzha warn")
    if doc is not None and not doc.is_file():
        raise InputError("E001", where=str(doc))
    if not (world / "events.parquet").is_file():
        if preset is None:
            raise InputError("E740", where=str(world), file="events.parquet")
        from fanzha.sim.config import preset as get_preset
        from fanzha.sim.generate import simulate

        cfg = get_preset(preset)
        if seed is not None:
            cfg = cfg.replace(seed=seed)
        if not quiet:
            say("cli.warn_generating", err=True, preset=preset, seed=cfg.seed, world=world)
        simulate(cfg, world)
    if profiles:
        _evaluate_profiles(
            world, list(profiles), config, batch_size, preset, seed, doc, report, as_json, quiet
        )
        return
    if out is None:
        out = world / "warn" / "alerts.jsonl"
        out.parent.mkdir(exist_ok=True)
    with progress_bar(quiet=quiet) as bar:
        result = replay(world, out=out, db=db, config=config, batch_size=batch_size, fresh=True, progress=bar)
    if not quiet:
        say("cli.warn_replayed", err=True, rows=result.rows, seconds=result.seconds, out=out)
    parsed = [_duration(d, "--delay") for d in delays]
    if parsed and not quiet:
        say("cli.warn_interventions", err=True)
    figures = evaluate_world(world, out, delays=parsed)
    figures["engine"] = result.to_dict()
    if report is not None:
        report.write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    command = command_line(
        "fanzha warn --evaluate",
        world,
        options=[("--preset", preset), ("--seed", seed), ("--delay", delays), ("--doc", doc)],
    )
    md = markdown(
        figures, command=command, context=f"engine: {result.seconds:.0f} s for {result.rows:,} events"
    )
    if doc is not None:
        update_doc(doc, md)
        if not quiet:
            say("cli.warn_updated", err=True, doc=doc)
    if as_json:
        echo_json(figures)
    elif doc is None:
        sys.stdout.write(md)


def _evaluate_profiles(
    world: Path,
    profiles: list[str],
    config: object,
    batch_size: int,
    preset: str | None,
    seed: int | None,
    doc: Path | None,
    report: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    import orjson

    from fanzha.evaluate.warn import evaluate_profiles, profile_markers, profiles_markdown, update_doc
    from fanzha.warn.engine import WarnConfig

    assert isinstance(config, WarnConfig)
    reports = evaluate_profiles(world, profiles, config=config, batch_size=batch_size)
    # never silent, even with --quiet: events set aside as late, per profile and source
    for name, r in reports.items():
        late = {s: int(v["late"]) for s, v in r["late_by_source"].items() if v["late"]}
        if late:
            _say(
                "W708",
                where=f"fanzha warn --profile {name}",
                late=sum(late.values()),
                bound=int(config.lateness.total_seconds()),
            )
            per = ", ".join(f"{s} {n:,}" for s, n in late.items())
            say("cli.warn_late_per_source", err=True, profile=name, per=per)
    if report is not None:
        report.write_bytes(orjson.dumps(reports, option=orjson.OPT_INDENT_2))
    command = command_line(
        "fanzha warn --evaluate",
        world,
        options=[
            ("--preset", preset),
            ("--seed", seed),
            ("--profile", tuple(profiles)),
            (
                "--lateness-for",
                tuple(f"{k}={v.total_seconds() / 60:g}m" for k, v in config.lateness_by_kind.items()),
            ),
        ],
    )
    md = profiles_markdown(reports, command=command)
    if doc is not None:
        first = next(iter(reports.values()))["world"]
        update_doc(doc, md, *profile_markers(first["people"], first["seed"]))
        if not quiet:
            say("cli.warn_updated", err=True, doc=doc)
    if as_json:
        echo_json(reports)
    elif doc is None:
        sys.stdout.write(md)
