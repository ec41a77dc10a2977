"""Backends: where the tracer's questions are answered. `duckdb` (embedded default) and `numpy` (in memory).

A distributed engine plugs in by implementing `Backend` (see `base.py`) and registering a factory here.
"""

from __future__ import annotations

from collections.abc import Callable

from fanzha.registry import Registry
from fanzha.trace.backends.base import FEATURE_COLUMNS, Backend
from fanzha.trace.ingest import Ledger

#: name → factory building the backend over a loaded ledger (a distributed engine registers here)
BACKENDS: Registry[Callable[[Ledger], Backend]] = Registry("backend", code="E509", option="--backend")


@BACKENDS.register("duckdb")
def _duckdb(ledger: Ledger) -> Backend:
    from fanzha.trace.backends.duckdb import DuckDBBackend

    return DuckDBBackend(ledger)


@BACKENDS.register("numpy")
def _numpy(ledger: Ledger) -> Backend:
    from fanzha.trace.backends.numpy import NumpyBackend

    return NumpyBackend(ledger)


def get_backend(name: str, ledger: Ledger) -> Backend:
    """The backend called `name` over `ledger`; E509 lists the valid names."""
    return BACKENDS.get(name)(ledger)


__all__ = ["BACKENDS", "FEATURE_COLUMNS", "Backend", "get_backend"]
