"""The small backend interface every analytic of the tracer goes through.

A backend answers questions about one loaded ledger; the tracing algorithm itself (`fanzha.trace.engine`)
is a pure function over these answers, so a distributed engine only has to implement this interface to
trace ledgers beyond one machine. Accounts are integer codes (`Ledger.account_ids()[code]` is the id);
transfers are positions in ledger order (time, transfer_id).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import pyarrow as pa

from fanzha.trace.model import TransferRows

#: columns of `Backend.account_features`, in order (see `fanzha.trace.mules` for what they mean)
FEATURE_COLUMNS: tuple[str, ...] = (
    "aid",
    "n_in",
    "n_out",
    "in_fen",
    "out_fen",
    "payers",
    "payees",
    "first_t",
    "last_t",
    "cash_out_fen",
    "quick_out_fen",
    "devices",
    "device_peers",
)


@runtime_checkable
class Backend(Protocol):
    """What the tracer asks of a ledger. Every method is a pure query; none changes the ledger."""

    name: str

    def n_transfers(self) -> int:
        """Number of transfers in the ledger."""
        ...

    def lookup(self, transfer_ids: list[str]) -> dict[str, tuple[int, int, int, int, int, bool]]:
        """transfer_id → (pos, src, dst, amount, t, terminal) for the ids found (absent ids are left out)."""
        ...

    def last_pos(self, until_us: int | None) -> int:
        """The last position whose time is ≤ `until_us` (the last position when None; −1 when none)."""
        ...

    def outgoing(
        self, account: int, since_us: int, until_us: int | None
    ) -> list[tuple[int, int, int, int, int, bool]]:
        """(pos, src, dst, amount, t, terminal) of the transfers leaving `account` in [since_us, until_us]."""
        ...

    def reachable(self, starts: dict[int, int], until_pos: int, max_hops: int | None) -> dict[int, int]:
        """Time-respecting forward closure: account → the earliest position at which money that entered
        a start account at its position can arrive there, along at most `max_hops` transfers in all
        (a start counts as one hop), up to `until_pos`. Terminal transfers (cash, POS, sinks) end a path."""
        ...

    def touching(self, first: dict[int, int], until_pos: int) -> TransferRows:
        """Every transfer up to `until_pos` that leaves an account after its first position or enters it
        at or after that position, in ledger order."""
        ...

    def balances_before(self, first: dict[int, int]) -> dict[int, int]:
        """Each account's balance just before its position: opening balance + inflows − outflows before."""
        ...

    def account_features(self, quick_us: int) -> pa.Table:
        """Behaviour of every account over the whole ledger (`FEATURE_COLUMNS`); `quick_out_fen` counts
        money leaving within `quick_us` of the account's previous inflow."""
        ...

    def device_accounts(self) -> pa.Table:
        """Distinct (device, aid) pairs of the transfers that name the device they were made from."""
        ...
