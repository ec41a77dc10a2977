"""What a bank computes from its own ledger for the shared scam-account list (issue 19): the receiving bank's
flags (`fanzha.banks.flags`). Below the engines: the sim's banks (`fanzha.sim.telemetry`) and a real bank's
ledger (`fanzha payees`, through `fanzha.trace`'s ingest) run the same rules."""

from fanzha.banks.flags import (
    PASS_THROUGH,
    PERSONAL_KINDS,
    SHARED_DEVICE,
    Transfers,
    receiving_bank_flags,
    write_flags,
)

__all__ = [
    "PASS_THROUGH",
    "PERSONAL_KINDS",
    "SHARED_DEVICE",
    "Transfers",
    "receiving_bank_flags",
    "write_flags",
]
