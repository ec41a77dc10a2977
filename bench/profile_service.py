#!/usr/bin/env python
"""The service's request paths in CPU time, in process (load-robust where wall time is not): `/v1/check` through
the ASGI app without sockets beside the detector alone, and `/v1/events`' ingest split into its parts.

    python bench/profile_service.py                   # both, on the bench's small sim world (seed 7)
    python bench/profile_service.py --profile /tmp/p  # and cProfile (CPU time) dumps: /tmp/p.check, /tmp/p.ingest

- check: rounds of `--checks` requests of the shipped examples' texts through `create_app(...)` (a key with the
  check scope), then as many `Checker.one` calls; the minimum and the median over `--rounds` of each, and their
  difference (what the HTTP layers above the detector cost; uvicorn's own share is not in it).
- events: the world's events in batches of 500 through `centre.live.ingest`, with `time.process_time` around each
  part (validation, the known-ids lookup, the insert, the engine, the revisions, the audit, the commits), and the
  cyclic garbage collector's time during the ingest (`gc.callbacks`; it overlaps the parts it interrupted),
  with its longest pause.

The centre is warmed up as `fanzha serve` warms it (`Centre.warm_up`: the detector loaded, the start-up heap frozen
out of the collector's reach); `--no-warm-up` measures without it.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

import orjson  # noqa: E402

import bench_service  # noqa: E402


def check_cpu(
    centre: Any, app: Any, key: str, n: int, rounds: int, prof: cProfile.Profile | None
) -> dict[str, Any]:
    examples = [
        json.loads(x) for x in (REPO / "src/fanzha/examples/examples.jsonl").read_text("utf-8").splitlines()
    ]
    texts = [e["text"] for e in examples if "text" in e][:20]
    bodies = [orjson.dumps({"text": t}) for t in texts]

    async def one(body: bytes) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        headers.append((b"authorization", f"Bearer {key}".encode()))
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST"}
        scope |= {"scheme": "http", "path": "/v1/check", "raw_path": b"/v1/check", "query_string": b""}
        scope |= {
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 80),
        }
        done = False

        async def receive() -> dict[str, Any]:
            nonlocal done
            if done:
                await asyncio.sleep(3600)
            done = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(msg: dict[str, Any]) -> None:
            if msg["type"] == "http.response.start" and msg["status"] != 200:
                raise RuntimeError(f"/v1/check answered {msg['status']}")

        await app(scope, receive, send)

    async def main() -> tuple[list[float], list[float]]:
        for i in range(200):  # warm up
            await one(bodies[i % len(bodies)])
        apps, dets = [], []
        if prof is not None:
            prof.enable()
        for _ in range(rounds):
            t0 = time.process_time()
            for i in range(n):
                await one(bodies[i % len(bodies)])
            t1 = time.process_time()
            for i in range(n):
                centre.checker.one(texts[i % len(texts)], lang="zh")
            t2 = time.process_time()
            apps.append((t1 - t0) / n * 1000)
            dets.append((t2 - t1) / n * 1000)
        if prof is not None:
            prof.disable()
        return apps, dets

    apps, dets = asyncio.run(main())
    return {
        "app_ms": {"min": round(min(apps), 3), "median": round(statistics.median(apps), 3)},
        "checker_ms": {"min": round(min(dets), 3), "median": round(statistics.median(dets), 3)},
        "http_layers_ms": round(min(apps) - min(dets), 3),
        "requests_per_round": n,
        "rounds": rounds,
    }


def ingest_cpu(
    centre: Any, actor: Any, events: list[dict[str, Any]], prof: cProfile.Profile | None
) -> dict[str, Any]:
    import sqlalchemy.engine.base as sa_base

    import fanzha.centre.live as live
    from fanzha.centre.audit import AuditLog
    from fanzha.centre.store import Store

    spent: Counter[str] = Counter()
    undo: list[tuple[Any, str, Any]] = []

    def timed(owner: Any, name: str, label: str) -> None:
        f = getattr(owner, name)

        def w(*a: Any, **k: Any) -> Any:
            t = time.process_time()
            try:
                return f(*a, **k)
            finally:
                spent[label] += time.process_time() - t

        undo.append((owner, name, f))
        setattr(owner, name, w)

    # validation is timed row by row: its figure includes the timer's own ~1 µs a row
    for owner, name, label in (
        (live, "raw_from_dict", "validation"),
        (live.LiveWarn, "_stored_before", "known ids (only when some were stored before)"),
        (live.LiveWarn, "_run", "engine"),
        (Store, "insert_ignore", "inserts (events, revisions)"),
        (AuditLog, "write", "audit"),
        (sa_base.Connection, "_commit_impl", "commits"),
    ):
        timed(owner, name, label)
    pauses: list[float] = []
    started = [0.0]

    def collector(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            pauses.append(time.process_time() - started[0])

    gc.callbacks.append(collector)
    sink: Callable[..., Any] = centre.live.sink
    timed(centre.live, "sink", "revisions (with their insert)")
    bodies = [orjson.dumps({"events": events[i : i + 500]}) for i in range(0, len(events), 500)]
    if prof is not None:
        prof.enable()
    t0 = time.process_time()
    revisions = 0
    for body in bodies:
        t = time.process_time()
        rows = orjson.loads(body)["events"]
        spent["JSON in"] += time.process_time() - t
        result = centre.live.ingest(actor, rows, "zh")
        t = time.process_time()
        orjson.dumps(result.to_dict())
        spent["JSON out"] += time.process_time() - t
        revisions += result.revisions
    total = time.process_time() - t0
    gc.callbacks.remove(collector)
    if prof is not None:
        prof.disable()
    for owner, name, f in undo:
        setattr(owner, name, f)
    centre.live.sink = sink
    n = len(events)
    return {
        "events": n,
        "revisions": revisions,
        "cpu_us_per_event": round(total / n * 1e6, 1),
        "parts_us_per_event": {k: round(v / n * 1e6, 1) for k, v in spent.most_common()},
        "garbage_collector": {
            "us_per_event": round(sum(pauses) / n * 1e6, 1),
            "collections": len(pauses),
            "longest_ms": round(max(pauses, default=0.0) * 1000, 1),
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checks", type=int, default=1000, help="checks per round")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--profile", type=Path, default=None, help="also write cProfile dumps (CPU time) here")
    ap.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    ap.add_argument(
        "--no-warm-up", dest="warm_up", action="store_false", help="leave out Centre.warm_up (as before it)"
    )
    a = ap.parse_args(argv)
    from fanzha.centre import Centre, Settings
    from fanzha.centre.access import Actor
    from fanzha.service import create_app

    tmp = Path(tempfile.mkdtemp(prefix="fanzha-profile-service-"))
    try:
        db = f"sqlite:///{tmp / 'centre.db'}"
        key, _ = bench_service.prepare(db, tmp)
        events = bench_service.world_events(tmp / "world", a.seed)
        settings = Settings(db=db, data_dir=tmp)
        centre = Centre(settings)
        centre.start()
        if a.warm_up:
            centre.warm_up()
        app = create_app(settings, centre=centre)
        app.state.centre = centre
        profs = {k: cProfile.Profile(time.process_time) if a.profile else None for k in ("check", "ingest")}
        figures: dict[str, Any] = {"check": check_cpu(centre, app, key, a.checks, a.rounds, profs["check"])}
        actor = Actor(centre.accounts.principal(key), "127.0.0.1")
        figures["events"] = ingest_cpu(centre, actor, events, profs["ingest"])
        centre.close()
        for k, p in profs.items():
            if p is not None and a.profile is not None:
                p.dump_stats(f"{a.profile}.{k}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(figures, indent=2))
    if a.out is not None:
        a.out.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
