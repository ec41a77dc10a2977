"""What a bank computes from its own ledger for the shared scam-account list (issue 19): the receiving bank's
flags (`fanzha.banks.flags`) and the paying bank's list of phones that emptied a reported victim's account
(`fanzha.banks.devices`). Below the engines: the sim's banks (`fanzha.sim.telemetry`) run both rules, a real bank's
ledger (`fanzha payees`, through `fanzha.trace`'s ingest) the receiving bank's."""

from fanzha.banks.devices import REPORTED_DEVICE, phone_holders, reported_devices
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
    "REPORTED_DEVICE",
    "SHARED_DEVICE",
    "Transfers",
    "phone_holders",
    "receiving_bank_flags",
    "reported_devices",
    "write_flags",
]
