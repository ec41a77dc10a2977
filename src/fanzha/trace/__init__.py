"""Fund tracing: from a victim's transfer to the freeze list (see docs/trace.md).

`run_trace` does everything in one call; the parts are `load_ledger` (ingest), `get_backend`, `trace`
(the attribution engine), `build_report`, `score_mules` and `gang_graph`.
"""

from __future__ import annotations

from fanzha.trace.api import TraceRun, run_trace
from fanzha.trace.backends import BACKENDS, get_backend
from fanzha.trace.engine import TraceResult, trace
from fanzha.trace.gangs import GangGraph, gang_graph
from fanzha.trace.ingest import ColumnMap, Ledger, load_ledger
from fanzha.trace.model import AccountSeed, Limits, Seed
from fanzha.trace.mules import MuleParams, score_mules
from fanzha.trace.policies import POLICIES, get_policy
from fanzha.trace.report import Report, build_report

__all__ = [
    "BACKENDS",
    "POLICIES",
    "AccountSeed",
    "ColumnMap",
    "GangGraph",
    "Ledger",
    "Limits",
    "MuleParams",
    "Report",
    "Seed",
    "TraceResult",
    "TraceRun",
    "build_report",
    "gang_graph",
    "get_backend",
    "get_policy",
    "load_ledger",
    "run_trace",
    "score_mules",
    "trace",
]
