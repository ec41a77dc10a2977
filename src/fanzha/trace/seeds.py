"""Reading seeds: which transfers (or which account from which time) are a victim's loss.

`SEEDS.csv` has a header and one seed per row: `victim_id, transfer_id`; or `victim_id, account_id,
since[, until]` for an account and a time (every transfer leaving the account in that range is the
victim's). Both kinds may be mixed in one file. Problems are reported as `file:row: CODE message`.
"""

from __future__ import annotations

from pathlib import Path

from fanzha.errors import InputError
from fanzha.records.files import read_csv_rows
from fanzha.records.units import parse_time
from fanzha.trace.model import AccountSeed, Seed


def read_seeds(path: str | Path, tz: str = "Asia/Shanghai") -> list[Seed | AccountSeed]:
    """The seeds of a CSV file, in file order."""
    p = Path(path)
    rows = read_csv_rows(p)
    if not rows:
        raise InputError("E504", where=str(p))
    cols = [h.strip() for h in rows[0][1]]
    if "victim_id" not in cols or not ({"transfer_id"} <= set(cols) or {"account_id", "since"} <= set(cols)):
        raise InputError("E535", where=f"{p}:1", header=",".join(cols))
    at = {c: i for i, c in enumerate(cols)}
    out: list[Seed | AccountSeed] = []
    for n, row in rows[1:]:
        if not row or all(not c.strip() for c in row):
            continue
        where = f"{p}:{n}"

        def get(name: str, row: list[str] = row) -> str:
            i = at.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        victim = get("victim_id")
        if not victim:
            raise InputError("E506", where=where)
        tid = get("transfer_id")
        if tid:
            out.append(Seed(victim, tid, where))
            continue
        account = get("account_id")
        since = get("since")
        if not account or not since:
            raise InputError("E536", where=where)
        until = get("until")
        out.append(
            AccountSeed(
                victim,
                account,
                parse_time(since, where=where, tz=tz),
                parse_time(until, where=where, tz=tz) if until else None,
                where,
            )
        )
    if not out:
        raise InputError("E504", where=str(p))
    return out
