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

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from fanzha.console.web import Hooks, page_error


def routers() -> list[APIRouter]:
    """The console's routers: the citizen's check and logins, the queue and alerts, traces and figures."""
    from fanzha.console import pages_alerts, pages_investigate, pages_payees, pages_public

    return [pages_public.router, pages_alerts.router, pages_investigate.router, pages_payees.router]


def routes() -> list[tuple[str, str]]:
    """Every (method, path) the console answers (docs/console.md lists them all)."""
    out: list[tuple[str, str]] = []
    for router in routers():
        for r in router.routes:
            if isinstance(r, APIRoute):
                out += [(m, r.path) for m in sorted(r.methods or ())]
    return out


def mount(app: FastAPI, hooks: Hooks) -> None:
    """Add the console's pages and its static files to the service's `app`."""
    from starlette.staticfiles import StaticFiles

    app.state.console_hooks = hooks
    app.state.error_page = page_error  # what a browser reads at an address the service does not have
    for router in routers():
        app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("fanzha.console", "static")]), name="static")


__all__ = ["Hooks", "mount", "routers", "routes"]
