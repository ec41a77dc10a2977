"""`fanzha serve`: the anti-fraud centre's HTTP service (uvicorn over `fanzha.service.create_app`)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from fanzha.cli.common import lang_option, say
from fanzha.cli.helptext import HelpCommand


@click.command("serve", cls=HelpCommand)
@click.option(
    "--db", default=None, help="sqlite:///FILE (default: DATA/centre.db) or postgresql://USER@HOST/DB."
)
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the store and trace jobs [default: fanzha-data, or fanzha-demo with --demo].",
)
@click.option(
    "--worlds",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of stored worlds a trace can name [default: DATA/worlds].",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port.")
@click.option("--demo", is_flag=True, help="A small synthetic city replayed live, with demo users.")
@click.option(
    "--speed",
    default=3600.0,
    show_default=True,
    type=click.FloatRange(min=1.0),
    help="With --demo: world seconds per real second.",
)
@click.option("--seed", default=7, show_default=True, type=int, help="With --demo: the city's seed.")
@click.option(
    "--check-model",
    type=click.Choice(["default", "off"]),
    default="default",
    show_default=True,
    help="The detector behind /v1/check: the shipped model fused, or the rules alone.",
)
@click.option("--lateness", default="30m", show_default=True, help="The warning engine's lateness bound.")
@click.option(
    "--trusted-proxy",
    "proxies",
    multiple=True,
    help="A reverse proxy's address whose X-Forwarded-For is believed (repeatable).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    help="Server log level.",
)
@lang_option("Language of the texts the engine writes into alerts.")
def serve(
    db: str | None,
    data: Path | None,
    worlds: Path | None,
    host: str,
    port: int,
    demo: bool,
    speed: float,
    seed: int,
    check_model: str,
    lateness: str,
    proxies: tuple[str, ...],
    log_level: str,
    lang: str,
) -> None:
    """Run the anti-fraud centre's service: check, events → alerts, the queue, traces, stats (HTTP, /v1).

    \b
    Examples:
      fanzha serve --demo                              # a live synthetic city on http://127.0.0.1:8000
      fanzha serve --db postgresql://fanzha@db/fanzha --host 0.0.0.0
    """
    import uvicorn

    from fanzha.centre import Centre, Settings
    from fanzha.records.units import parse_duration
    from fanzha.service import create_app

    folder = data or Path("fanzha-demo" if demo else "fanzha-data")
    settings = Settings(
        db=db or f"sqlite:///{(folder / 'centre.db').resolve()}",
        data_dir=folder,
        worlds_dir=worlds or folder / "worlds",
        lang=lang,
        check_model=check_model,
        lateness=timedelta(microseconds=parse_duration(lateness, where="--lateness")),
        trusted_proxies=proxies,
    )
    centre = Centre(settings)
    say("cli.serve_store", err=True, store=centre.store.shown)
    stats = centre.start()
    if stats.events:
        say(
            "cli.serve_replayed",
            err=True,
            events=stats.events,
            seconds=stats.seconds,
            revisions=stats.revisions,
        )
    on_start = None
    if demo:
        from fanzha.centre import demo as demo_city

        world = demo_city.make_world(Path(settings.worlds_dir or folder) / "demo", seed=seed)
        demo_city.load_people(centre, world)
        creds = demo_city.make_users(centre)
        demo_city.bank_flags(centre, world)
        say("cli.serve_demo_users", err=True)
        for user, password in creds.passwords.items():
            click.echo(f"  {user:<13} {password}", err=True)
        say("cli.serve_demo_key", err=True, key=creds.api_key)
        feeder = demo_city.Feeder(centre, world, speed=speed)

        def on_start(_: Centre) -> None:
            feeder.start()

    else:
        first = centre.ensure_admin()
        if first is not None:
            say("cli.serve_first_start", err=True, password=first)
    centre.warm_up()
    click.echo(f"http://{host}:{port}/docs", err=True)
    app = create_app(settings, centre=centre, on_start=on_start)
    try:
        # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1 itself; the client's
        # address (audit log, rate limit) comes from the service's own --trusted-proxy list only
        uvicorn.run(app, host=host, port=port, log_level=log_level, workers=1, proxy_headers=False)
    finally:
        centre.close()
