"""Backends: where the tracer's questions are answered. `duckdb` (embedded default) and `numpy` (in memory).

A distributed engine plugs in by implementing `Backend` (see `base.py`) and registering a factory here.
"""

from __future__ import annotations

from collections.abc import Callable

from fanzha.errors import InputError
from fanzha.trace.backends.base import FEATURE_COLUMNS, Backend
from fanzha.trace.ingest import Ledger


def _duckdb(ledger: Ledger) -> Backend:
    from fanzha.trace.backends.duckdb import DuckDBBackend

    return DuckDBBackend(ledger)


def _numpy(ledger: Ledger) -> Backend:
    from fanzha.trace.backends.numpy import NumpyBackend

    return NumpyBackend(ledger)


#: name → factory building the backend over a loaded ledger
BACKENDS: dict[str, Callable[[Ledger], Backend]] = {"duckdb": _duckdb, "numpy": _numpy}


def get_backend(name: str, ledger: Ledger) -> Backend:
    """The backend called `name` over `ledger`; a clear error lists the valid names."""
    factory = BACKENDS.get(name)
    if factory is None:
        raise InputError(
            "E509", f"unknown backend {name!r}", where="--backend", hint=f"one of {', '.join(BACKENDS)}"
        )
    return factory(ledger)


__all__ = ["BACKENDS", "FEATURE_COLUMNS", "Backend", "get_backend"]
