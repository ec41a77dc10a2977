"""`fanzha sim`: generate a synthetic world with ground truth, check one, or report its statistics."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fanzha.cli.common import echo_json, lang_option, quiet_option, say
from fanzha.cli.helptext import HelpCommand
from fanzha.records.kinds import TELEMETRY_PROFILES
from fanzha.sim.config import PRESETS


@click.command("sim", cls=HelpCommand)
@lang_option(expose=False)
@click.option("--preset", type=click.Choice(PRESETS.names()), help="A preset size (default: small).")
@click.option("--people", type=int, help="Number of people (overrides the preset).")
@click.option("--days", type=int, help="Number of days (overrides the preset).")
@click.option("--seed", type=int, help="Random seed; the same seed gives byte-identical files.")
@click.option("--leaks", type=int, help="Number of leaking merchants / courier outlets.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the world to, whole or not at all.",
)
@click.option("--force", is_flag=True, help="Replace --out (as a whole) when it is not empty.")
@click.option(
    "--check",
    "check_dir",
    type=click.Path(path_type=Path),
    help="Validate the world in this folder; violations as file:row: CODE message, exit 1 when any.",
)
@click.option(
    "--stats", "stats_dir", type=click.Path(path_type=Path), help="Print the statistics report of a world."
)
@click.option(
    "--detector-sample",
    type=int,
    default=0,
    show_default=True,
    help="With --stats: run the detector on this many scam / look-alike / ordinary texts each.",
)
@click.option("--json", "as_json", is_flag=True, help="With --stats: JSON instead of Markdown.")
@click.option(
    "--telemetry",
    "telemetry_dir",
    type=click.Path(path_type=Path),
    help="Write what a centre receives of the world in this folder (with --profile and --out).",
)
@click.option(
    "--profile",
    type=click.Choice(list(TELEMETRY_PROFILES)),
    default="full",
    show_default=True,
    help="With --telemetry: bank (bank only), bank_telco (+ call / SMS records, no content, late), full.",
)
@quiet_option
def sim(
    preset: str | None,
    people: int | None,
    days: int | None,
    seed: int | None,
    leaks: int | None,
    out: Path | None,
    force: bool,
    check_dir: Path | None,
    stats_dir: Path | None,
    detector_sample: int,
    as_json: bool,
    telemetry_dir: Path | None,
    profile: str,
    quiet: bool,
) -> None:
    """Generate a synthetic city — people, orders, leaks, gangs, scam campaigns, money flows — with ground truth.

    \b
    fanzha sim --preset small --out world/          # a few seconds
    fanzha sim --people 100000 --days 60 --seed 7 --out world/
    fanzha sim --check world/                        # validate: schema, ids, money conservation, lineage, order
    fanzha sim --stats world/                        # victim rate, losses per variant, look-alike shares
    fanzha sim --telemetry world/ --profile bank_telco --out centre/   # what a centre receives
    """
    from fanzha.errors import InputError

    modes = [m for m in (check_dir, stats_dir, telemetry_dir) if m is not None]
    if len(modes) > 1 or (modes and out is not None and telemetry_dir is None):
        raise InputError("E420", where="fanzha sim")
    if telemetry_dir is not None:
        _telemetry(telemetry_dir, profile, out, force)
        return
    if check_dir is not None:
        _check(check_dir)
        return
    if stats_dir is not None:
        _stats(stats_dir, detector_sample, as_json)
        return
    if out is None:
        raise InputError("E420", where="fanzha sim")
    from fanzha.sim.config import preset as get_preset

    cfg = get_preset(preset or "small")
    changes = {
        k: v
        for k, v in (("people", people), ("days", days), ("seed", seed), ("leaks", leaks))
        if v is not None
    }
    if changes:
        cfg = cfg.replace(**changes)
    from fanzha.cli.progress import progress_bar
    from fanzha.sim.generate import simulate

    with progress_bar(quiet=quiet) as progress:
        result = simulate(cfg, out, force=force, progress=progress)
    say(  # people, not campaigns: a repeat victim is contacted twice
        "cli.sim_wrote",
        out=out,
        transfers=result.rows["transfers.parquet"],
        events=result.rows["events.parquet"],
        contacted=len({c.person for c in result.campaigns}),
        lost=len({c.person for c in result.campaigns if c.amount_lost}),
        yuan=result.amount_lost / 100,
        seconds=result.seconds,
    )


def _check(root: Path) -> None:
    from fanzha.errors import InputError
    from fanzha.sim.validate import check_world

    if not root.is_dir():
        raise InputError("E400", where=str(root))
    violations = check_world(root)
    for v in violations:
        click.echo(str(v))
    if violations:
        say("cli.sim_violations", err=True, n=len(violations), root=root)
        sys.exit(1)
    say("cli.sim_valid", err=True, root=root)


def _stats(root: Path, detector_sample: int, as_json: bool) -> None:
    from fanzha.evaluate.world import render_markdown, world_stats

    stats = world_stats(root, detector_sample=detector_sample)
    if as_json:
        echo_json(stats)
    else:
        click.echo(render_markdown(stats), nl=False)


def _telemetry(root: Path, profile: str, out: Path | None, force: bool) -> None:
    from fanzha.errors import InputError
    from fanzha.sim.telemetry import telemetry

    if not root.is_dir():
        raise InputError("E400", where=str(root))
    if out is None:
        raise InputError("E420", where="fanzha sim --telemetry")
    from fanzha.evaluate.warn import operator_numbers, report_cases, reported_losses

    # the banks list the phones of the reports' losses, the operators the numbers the reports name
    cases = report_cases(root)
    numbers = operator_numbers(root, cases) if profile == "bank_telco" else None
    counts = telemetry(root, profile, out, force=force, numbers=numbers, reports=reported_losses(root, cases))
    kept = sum(v for k, v in counts.items() if k != "dropped")
    per = ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()) if k != "dropped")
    say("cli.sim_telemetry", out=out, profile=profile, kept=kept, per=per, dropped=counts["dropped"])
