"""Mule scores over the whole ledger: which accounts behave like the cards gangs buy and burn.

Signals, each scaled to [0, 1], from `Backend.account_features` (one pass over the ledger) and the accounts file:

- `shared_device` — the account's transfers are made from a device that other holders also use
  (gangs run many cards from a few phones): other holders on its busiest device / 5, capped at 1;
- `short_life` — first to last transaction within a few days ("the gang used each card for a few days"):
  1 at ≤ 5 days, 0 at ≥ 15 days, linear between (only when the ledger spans ≥ 15 days);
- `pass_through` — the share of the money leaving within 24 h of the previous inflow;
- `new_payers` — distinct payers per week of activity: 0 at ≤ 1, 1 at ≥ 5;
- `drained` — what is left at the end (opening balance + inflows − outflows) against the inflows: 1 at ≤ 10 %,
  0 at ≥ 100 % (a card bought to pass money on is emptied; a person keeps savings);
- `new_account` — days from opening (`opened` in the accounts file) to the first transfer: 1 at ≤ 90, 0 at ≥ 400;
- `night` — the share of outgoing transfers between 00:00 and 06:00 (UTC+8): 0 at none, 1 at ≥ 30 %.

`score` is the weighted mean (weights `WEIGHTS`) of the signals the data can give: `shared_device` only when the
ledger has device ids, `new_account` only for accounts whose opening date is known — so a bank without device data
is scored on the flows alone. An account is flagged at `score ≥ threshold` (default 0.50). Institution accounts
(cash and POS sinks, external, merchants, processors, employers, lenders, the cash-out sinks) are not scored. The
first four weights and the threshold were set on one synthetic world (`small`, seed 0); the last three on the
world with third parties (issue 19, `small` seeds 0–2); both are reported on others in docs/trace.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fanzha.trace.backends.base import Backend
from fanzha.trace.ingest import Ledger
from fanzha.trace.model import SINK_KINDS

US_PER_DAY = 86_400 * 1_000_000
WEIGHTS: dict[str, float] = {
    "shared_device": 0.30,
    "short_life": 0.25,
    "pass_through": 0.25,
    "new_payers": 0.20,
    "drained": 0.15,
    "new_account": 0.15,
    "night": 0.10,
}
NOT_SCORED_KINDS: tuple[str, ...] = (
    *SINK_KINDS,
    "merchant",
    "processor",
    "employer",
    "lender",
)
DEFAULT_THRESHOLD = 0.50


@dataclass(frozen=True, slots=True)
class MuleParams:
    """Knobs of the score (defaults documented in the module docstring)."""

    threshold: float = DEFAULT_THRESHOLD
    quick_hours: float = 24.0
    peers_full: int = 5
    life_short_days: float = 5.0
    life_long_days: float = 15.0
    payers_low: float = 1.0
    payers_high: float = 5.0
    left_low: float = 0.1
    left_high: float = 1.0
    new_days: float = 90.0
    old_days: float = 400.0
    night_full: float = 0.3


def score_mules(backend: Backend, ledger: Ledger, params: MuleParams | None = None) -> pa.Table:
    """Every scored account with its signals, `score` and `flagged`, sorted by score (highest first)."""
    p = params or MuleParams()
    feats = backend.account_features(int(p.quick_hours * 3600 * 1_000_000))
    acc = ledger.con.execute(
        "SELECT aid, account_id, kind, coalesce(opening, 0) AS opening, opened IS NOT NULL AS known, "
        "coalesce(opened, 0) AS opened FROM accounts ORDER BY aid"
    ).fetchnumpy()
    kinds = np.asarray(acc["kind"], dtype=object)
    ids = np.asarray(acc["account_id"], dtype=object)
    opening = np.asarray(acc["opening"], dtype=np.float64)
    known = np.asarray(acc["known"], dtype=bool)
    opened = np.asarray(acc["opened"], dtype=np.float64)
    night_share = np.zeros(len(ids))
    night_rows = ledger.con.execute(
        "SELECT src, avg(CASE WHEN ((t // 3600000000) + 8) % 24 < 6 THEN 1.0 ELSE 0.0 END) FROM ledger GROUP BY src"
    ).fetchnumpy()
    if len(night_rows["src"]):
        night_share[np.asarray(night_rows["src"], dtype=np.int64)] = np.asarray(
            list(night_rows.values())[1], dtype=np.float64
        )
    has_devices = bool(ledger.con.execute("SELECT count(device) > 0 FROM ledger").fetchall()[0][0])
    aid = np.asarray(feats["aid"], dtype=np.int64)
    keep = ~np.isin(kinds[aid].astype(str), NOT_SCORED_KINDS)
    feats = feats.filter(pa.array(keep))
    aid = aid[keep]
    f = {c: np.asarray(feats[c], dtype=np.float64) for c in feats.column_names}
    span_days = 0.0
    if len(aid):
        span_days = (f["last_t"].max() - f["first_t"].min()) / US_PER_DAY
    life = (f["last_t"] - f["first_t"]) / US_PER_DAY
    shared = np.clip(f["device_peers"] / p.peers_full, 0, 1)
    if span_days >= p.life_long_days:
        short = np.clip((p.life_long_days - life) / (p.life_long_days - p.life_short_days), 0, 1)
    else:
        short = np.zeros(len(aid))
    with np.errstate(divide="ignore", invalid="ignore"):
        quick = np.where(
            (f["out_fen"] > 0) & (f["n_out"] >= 2), f["quick_out_fen"] / np.maximum(f["out_fen"], 1), 0.0
        )
        per_week = f["payers"] / np.maximum(life / 7.0, 1.0)
    payers = np.clip((per_week - p.payers_low) / (p.payers_high - p.payers_low), 0, 1)
    left = (opening[aid] + f["in_fen"] - f["out_fen"]) / np.maximum(f["in_fen"], 1)
    drained = np.clip((p.left_high - left) / (p.left_high - p.left_low), 0, 1)
    age = (f["first_t"] - opened[aid]) / US_PER_DAY
    new = np.where(known[aid], np.clip((p.old_days - age) / (p.old_days - p.new_days), 0, 1), 0.0)
    night = np.clip(night_share[aid] / p.night_full, 0, 1)
    w = WEIGHTS
    total = (
        w["short_life"] * short
        + w["pass_through"] * quick
        + w["new_payers"] * payers
        + w["drained"] * drained
        + w["night"] * night
        + w["new_account"] * new
    )
    weight = np.full(
        len(aid), w["short_life"] + w["pass_through"] + w["new_payers"] + w["drained"] + w["night"]
    )
    weight += np.where(known[aid], w["new_account"], 0.0)
    if has_devices:
        total += w["shared_device"] * shared
        weight += w["shared_device"]
    score = total / weight
    order = np.lexsort((aid, -np.round(score, 6)))
    return pa.table(
        {
            "account_id": pa.array(ids[aid][order].astype(str), pa.string()),
            "score": pa.array(np.round(score[order], 4)),
            "flagged": pa.array(score[order] >= p.threshold),
            "shared_device": pa.array(np.round(shared[order], 4)),
            "short_life": pa.array(np.round(short[order], 4)),
            "pass_through": pa.array(np.round(quick[order], 4)),
            "new_payers": pa.array(np.round(payers[order], 4)),
            "drained": pa.array(np.round(drained[order], 4)),
            "new_account": pa.array(np.round(new[order], 4)),
            "night": pa.array(np.round(night[order], 4)),
            "life_days": pa.array(np.round(life[order], 2)),
            "payers": pa.array(f["payers"][order].astype(np.int64)),
            "device_peers": pa.array(f["device_peers"][order].astype(np.int64)),
            "n_in": pa.array(f["n_in"][order].astype(np.int64)),
            "n_out": pa.array(f["n_out"][order].astype(np.int64)),
        }
    )
