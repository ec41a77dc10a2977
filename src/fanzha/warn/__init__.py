"""Early warning: a person's events become an alert before the money leaves.

    from fanzha.warn import WarnEngine, Event
    engine = WarnEngine(store="warn.db")          # shipped rules, the detector, SQLite persistence
    for revision in engine.process(events):       # one batch; committed before it returns
        ...                                       # alert revisions: opened, escalated, closed
    engine = WarnEngine(payees=PayeeList.load("scam_accounts.jsonl"))   # state across persons (payees)

See docs/warn.md: the event schema, the sequence rules (kb/data/sequences/), scoring and alerts, persistence,
and the figures on a synthetic city.
"""

from fanzha.kb.sequences import RuleSet, default_rules, load_rules
from fanzha.records.events import SCHEMA_VERSION, Event, Raw, Rejected
from fanzha.warn.engine import Counters, WarnConfig, WarnEngine
from fanzha.warn.payees import PayeeFlag, PayeeIntel, PayeeList
from fanzha.warn.state import PersonState
from fanzha.warn.store import WarnStore

__all__ = [
    "SCHEMA_VERSION",
    "Counters",
    "Event",
    "PayeeFlag",
    "PayeeIntel",
    "PayeeList",
    "PersonState",
    "Raw",
    "Rejected",
    "RuleSet",
    "WarnConfig",
    "WarnEngine",
    "WarnStore",
    "default_rules",
    "load_rules",
]
