"""The web console on `fanzha serve`: where citizens check a message, operators work the alert queue and
investigators trace and freeze the money (docs/console.md).

Server-rendered pages (Jinja2 templates in `templates/`) with a little JavaScript of its own and three vendored
libraries (htmx, ECharts, Cytoscape.js in `static/vendor/`, listed in `static/vendor/VENDOR.json`): nothing is
fetched from another origin. Every page has a JSON twin (``?format=json``). An adapter: the handlers call the
centre (`fanzha.centre.Centre`) with the user's `Actor`, which checks the permission and writes the audit log.

    from fanzha.console import mount
    mount(app, Hooks(client_ip=..., request_lang=..., check_limit=..., status=...))   # the service does this
"""

from __future__ import annotations

from fastapi import FastAPI

from fanzha.console.web import Hooks


def mount(app: FastAPI, hooks: Hooks) -> None:
    """Add the console's pages and its static files to the service's `app`."""
    from starlette.staticfiles import StaticFiles

    from fanzha.console import pages_alerts, pages_investigate, pages_public

    app.state.console_hooks = hooks
    for module in (pages_public, pages_alerts, pages_investigate):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(packages=[("fanzha.console", "static")]), name="static")


__all__ = ["Hooks", "mount"]
