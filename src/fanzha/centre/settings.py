"""The centre's settings: one frozen value, built by the caller (`fanzha serve`, a test) and passed down;
nothing is read from the environment at import time."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from fanzha.errors import InputError
from fanzha.messages import LANGS


@dataclass(frozen=True)
class Settings:
    """Everything the centre and its HTTP service are configured by."""

    #: the store: ``sqlite:///FILE`` (default), a plain file path, or ``postgresql://USER@HOST/DB``
    db: str = "sqlite:///fanzha-centre.db"
    #: where trace jobs keep their uploaded inputs and outputs
    data_dir: Path = Path("fanzha-data")
    #: stored synthetic worlds a trace can name (folders written by `fanzha sim`)
    worlds_dir: Path | None = None
    #: language of the texts the warning engine writes into alerts (summaries, evidence); the static parts of
    #: an alert (action, call script, names) follow each reader's language
    lang: str = "zh"
    #: the warning engine's lateness bound
    lateness: timedelta = timedelta(minutes=30)
    #: the detector model behind /v1/check: "default" (the shipped model) or "off" (the rules alone)
    check_model: str = "default"
    #: most items in one batch of /v1/check or /v1/events
    max_batch: int = 5_000
    #: largest request body, bytes
    max_body: int = 16 * 1024 * 1024
    #: the open citizen check: requests per second per client address, and the burst allowed
    check_rate: float = 2.0
    check_burst: int = 30
    #: client addresses whose X-Forwarded-For is believed (a reverse proxy in front of the service)
    trusted_proxies: tuple[str, ...] = ()
    #: how long a login lasts
    session_ttl: timedelta = timedelta(hours=12)
    min_password: int = 10
    #: argon2id's cost: iterations and memory (KiB); the defaults are RFC 9106's second recommendation
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65_536
    #: webhook delivery: attempts before giving up, first retry delay (doubling), request timeout
    webhook_attempts: int = 8
    webhook_backoff: timedelta = timedelta(seconds=2)
    webhook_timeout: float = 5.0
    #: how often the background workers look for work (webhook deliveries), seconds
    poll_seconds: float = 0.5
    #: the expected time from an alert's latest revision to the loss, by stage (the queue sorts on it); from
    #: the median lead times of docs/warn.md
    loss_horizon: dict[int, timedelta] = field(
        default_factory=lambda: {
            1: timedelta(minutes=60),
            2: timedelta(minutes=45),
            3: timedelta(minutes=30),
        }
    )
    #: events read per step when the live engine replays the store on start-up
    replay_chunk: int = 20_000

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise InputError("E927", option="lang", valid=" | ".join(LANGS), value=self.lang)
        for name in ("max_batch", "max_body", "check_burst", "webhook_attempts", "min_password"):
            if getattr(self, name) < 1:
                raise InputError("E927", option=name, valid="≥ 1", value=getattr(self, name))
        if self.check_rate <= 0:
            raise InputError("E927", option="check_rate", valid="> 0", value=self.check_rate)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)
