"""`fanzha serve --demo`: a small synthetic city, its people in the registry, demo users, and its events replayed
into the live engine in accelerated time, so that alerts arrive while one watches.

The city is `fanzha.sim.simulate` with the small preset; each person's local police station is made up from
their city (``涪陵城东派出所`` …), as the registry of a real centre would give it.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fanzha.centre.access import LOCAL
from fanzha.centre.app import Centre
from fanzha.records.events import RawRow, event_files, read_sorted

QUARTERS = ("城东", "城西", "城南", "城北")
#: the demo's users: (username, role, display name, station)
USERS: tuple[tuple[str, str, str, str | None], ...] = (
    ("operator", "operator", "接警员 小王", None),
    ("supervisor", "supervisor", "值班主管 老李", None),
    ("investigator", "investigator", "侦查员 小陈", None),
    ("admin", "admin", "管理员", None),
)


def station_of(person_id: str, city: str | None) -> str:
    q = QUARTERS[hashlib.sha256(person_id.encode()).digest()[0] % len(QUARTERS)]
    return f"{city or ''}{q}派出所"


def make_world(folder: Path, seed: int = 7, preset: str = "small") -> Path:
    """The demo's city in `folder` (made once; kept between runs). The world before issue 19 (`classic()`: no
    look-alike ordinary life, no third parties) until warn has been adapted to the new one (issue 19 part B);
    docs/service.md's figures are on it."""
    from fanzha.sim import preset as get_preset
    from fanzha.sim import simulate

    if not (folder / "events.parquet").is_file():
        simulate(get_preset(preset).classic().replace(seed=seed), folder)
    return folder


def load_people(centre: Centre, world: Path) -> int:
    """The world's people.parquet into the registry (name, phone, city and a station)."""
    import pyarrow.parquet as pq

    t = pq.read_table(world / "people.parquet", columns=["person_id", "name", "phone", "city"])
    people = [{**p, "station": station_of(p["person_id"], p["city"])} for p in t.to_pylist()]
    return centre.persons.upsert(LOCAL, people)


@dataclass
class Credentials:
    passwords: dict[str, str] = field(default_factory=dict)
    api_key: str | None = None


def make_users(centre: Centre) -> Credentials:
    """The demo users with fresh random passwords, and an integrator key (created only once)."""
    creds = Credentials()
    existing = {u.username for u in centre.accounts.users(LOCAL)}
    for username, role, name, station in USERS:
        password = secrets.token_urlsafe(9)
        if username in existing:
            centre.accounts.update_user(LOCAL, username, password=password)
        else:
            centre.accounts.create_user(LOCAL, username, password, role, display_name=name, station=station)
        creds.passwords[username] = password
    secret, _ = centre.accounts.create_key(
        LOCAL, "demo integrator", ["check", "events", "alerts:read", "payees"]
    )
    creds.api_key = secret
    return creds


def bank_flags(centre: Centre, world: Path) -> int:
    """The world's receiving banks' flags (`fanzha.banks.receiving_bank_flags`: accounts their own bank
    saw money pass straight through, or that a phone running many cards ran) given to the centre's shared
    scam-account list, as the banks of a real city would push theirs; each known from its time on. How many
    were new (a restarted demo gives them again: duplicates)."""
    from fanzha.records.units import datetime_of
    from fanzha.sim.telemetry import receiving_bank_flags

    if not (world / "transfers.parquet").is_file():
        return 0
    rows = [
        {
            "account": a,
            "time": datetime_of(t, "Asia/Shanghai").isoformat(),
            "reason": "receiving_bank",
            "source": "demo banks",
        }
        for t, a in receiving_bank_flags(world)
    ]
    step, new = centre.settings.max_batch, 0
    for k in range(0, len(rows), step):
        new += int(centre.live.add_payees(LOCAL, rows[k : k + step], "zh")["accepted"])
    return new


class Feeder:
    """Replays a world's events into the centre in event-time order, `speed` times faster than they happened
    (one batch per tick of world time), in a background thread."""

    def __init__(
        self,
        centre: Centre,
        world: Path,
        *,
        speed: float = 3600.0,
        tick: float = 0.5,
        on_batch: Callable[[int, int], None] | None = None,
    ) -> None:
        self.centre = centre
        self.world = world
        self.speed = speed
        self.tick = tick
        self.on_batch = on_batch
        self.sent = 0
        self.done = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="fanzha-demo-feeder", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _raws(self) -> list[RawRow]:
        files = event_files(self.world)
        chunks = read_sorted(files)  # a world is in time order already; sorting keeps it
        return [r for c in chunks for r in c.raws]

    def _run(self) -> None:
        raws = self._raws()
        known = self.centre.live.batch_no  # a restarted demo goes on where the store stopped
        if known:
            with self.centre.store.sessions() as s:
                from sqlalchemy import func, select

                from fanzha.centre.models import EventRow

                last = s.scalar(select(func.max(EventRow.time_us))) or 0
            raws = [r for r in raws if r[2] > last]
        if not raws:
            self.done.set()
            return
        step = int(self.tick * self.speed * 1_000_000)  # world µs per tick
        start_world = raws[0][2]
        start_wall = time.monotonic()
        i = 0
        while i < len(raws) and not self._stop.is_set():
            until = raws[i][2] + step
            j = i
            while j < len(raws) and raws[j][2] < until and j - i < 2_000:
                j += 1
            self.centre.live.ingest_raws(LOCAL, raws[i:j], source="demo")
            self.sent += j - i
            if self.on_batch is not None:
                self.on_batch(self.sent, len(raws))
            i = j
            if i < len(raws):
                wait = (raws[i][2] - start_world) / 1_000_000 / self.speed - (time.monotonic() - start_wall)
                if wait > 0:
                    self._stop.wait(min(wait, 5.0))
        self.done.set()
