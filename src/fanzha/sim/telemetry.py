"""What each kind of anti-fraud centre receives of a world (issue 19): `fanzha sim --telemetry WORLD --profile P
--out DIR`.

A centre never sees the world's `events.parquet` whole. Each event comes from one source — the bank, the payment
platform, the lender, the telephone operator, the phone itself (an anti-fraud app), the chat platform — and
arrives late by that source's own rule:

| profile | sources | what it drops |
|---|---|---|
| `bank` | bank, payment, lender | every call, SMS, chat, friend request, app install and screen share |
| `bank_telco` | + telco | chats, installs, shares; calls and SMS lose their text; calls inside QQ / TIM / WeChat are gone (no telco record) |
| `full` | bank, payment, lender, device, chat | nothing (calls and SMS with their content, from the phone) |

Interventions are the centre's own events and kept in every profile (source `centre`, never late).

Lateness (`LATENESS`, per source): a source delivers in batches every `batch` minutes, each batch a further
uniform 0–`delay` minutes late. Bank and payment platforms push each event within a minute; a lender within five;
telephone operators deliver call and SMS records (话单) in half-hourly batches up to half an hour late — 0 to 60
minutes in all, as the issue measured; the phone and the chat platform within half a minute. The draws come from
the world's seed and the source (`fanzha.sim.rng.TELEMETRY`), so the same world and profile give the same files.

The output folder holds `events.parquet` (the world's schema, in the order the events arrive: by `received`,
then event id) and `arrivals.parquet` (event_id, source, time, received): `fanzha warn --events DIR/events.parquet
--order file` replays it as the centre would have seen it.

**The receiving bank's flags** (`payee_flags.jsonl`, every profile: the banks are in all three): the world's
banks run `fanzha.banks`' two rules on every personal account of the ledger, innocents' included — money that
passes straight through (快进快出, `PASS_THROUGH`) and a phone that runs many people's cards and has passed money
through one of them (一机多卡, `SHARED_DEVICE`) — each flag known an hour after its pattern completed. The engine reads the list
(`fanzha.warn.payees`): a person who later adds a flagged account as a payee is warned.

**The victims' banks' list of phones** (in `payee_flags.jsonl` too, as `{"device": …}` lines): given the world's
reports with a loss (`reports`), the banks list each phone that ran one of a reporter's accounts for the first
time in the week before the report and is bound to no customer (`fanzha.banks.devices`: a gang's phone that
took the account over), an hour after the report. Every transfer out carries the phone that made it
(`attrs.device`, from the ledger): a bank's record of a transaction does, and a phone listed by mistake would then
alert its holder, counted as the false alert it is.

**The operators' real-time warning of a listed number's call** (涉诈来电预警; `bank_telco` only: the operator is
a source there alone). The operators hold a list of fraud numbers (`numbers`: number → time from which it is
listed) that the centres push to them — in the evaluation, the numbers the world's reports with a loss name as
the scammer's, an hour after the report (`fanzha.cases.numbers`, `fanzha.evaluate.warn.operator_numbers`). A
telephone call (channel `phone`, incoming) from a listed number that starts *after* the number was listed
reaches the centre as it starts (received = its time), with `attrs.telco_flag = "fraud_number"` and, like every
telco record, no text; its record is not delivered again in the half-hourly batch (the flagged record replaces
it: one event id, never a duplicate). The calls before the listing, every other call and every SMS keep the
batches. A number registered to a bank or a courier as its service line (`SERVICE_NUMBERS`; a report may name
the one the victim called to check) is never flagged. `number_flags.jsonl` holds the list as given.

*Not built: a flag from a number's own calling behaviour* (many distinct strangers within hours, never called
back, a short life). In the sim's worlds every ordinary caller's mobile number — a courier's, an estate
agent's, a car dealer's, a stranger's — calls exactly one person, and nobody calls any number back (the worlds
have no outgoing calls), so such a rule separates the gangs' numbers from ordinary callers only because the
world lacks the look-alikes; the one ordinary caller that does call several strangers, a courier outlet's
landline about a damaged parcel, is flagged by it at every threshold most gang numbers reach within a day
(medium seed 1: 3 strangers within 24 hours flags outlets' calls to 456 people; 6 strangers, 20), while a real
courier calls dozens of strangers a day. See docs/warn.md, *The operators' list of fraud numbers*.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fanzha.banks.devices import phone_holders, reported_devices
from fanzha.banks.flags import DEVICE_SHAPE, PAYEE_SHAPE, Transfers, write_flags
from fanzha.banks.flags import receiving_bank_flags as bank_rules
from fanzha.errors import InputError
from fanzha.records.kinds import TELEMETRY_PROFILES
from fanzha.records.outputs import atomic_dir, check_output
from fanzha.records.schema import ARRIVALS, EVENTS
from fanzha.records.units import US_PER_SECOND
from fanzha.sim import rng as streams
from fanzha.sim.benign import BANK_HOTLINES, COURIER_HOTLINES

MIN = 60 * US_PER_SECOND
#: source → (batch period, extra delay of a batch), minutes; 0 batch: each event on its own
LATENESS: dict[str, tuple[float, float]] = {
    "bank": (0.0, 1.0),
    "payment": (0.0, 1.0),
    "lender": (0.0, 5.0),
    "telco": (30.0, 30.0),
    "device": (0.0, 0.5),
    "chat": (0.0, 0.5),
    "centre": (0.0, 0.0),
}
_SOURCE_INDEX = {s: i for i, s in enumerate(LATENESS)}
#: event kinds whose source is the chat platform or the phone
CHAT_KINDS = ("chat_message", "friend_request")
DEVICE_KINDS = ("app_install", "screen_share_start", "screen_share_stop", "call", "sms")
LENDER_KINDS = ("loan", "credit_limit_change", "reserve_fund_opened")


Ledger = tuple[Transfers, dict[str, str | None], dict[str, str | None]]


def _ledger(world: Path) -> Ledger:
    """The world's ledger as its banks read it: the transfers' columns, and each account's kind and holder."""
    accounts = pq.read_table(world / "accounts.parquet", columns=["account_id", "kind", "owner_id"])
    ids = accounts["account_id"].to_pylist()
    kind = dict(zip(ids, accounts["kind"].to_pylist(), strict=True))
    owner = dict(zip(ids, accounts["owner_id"].to_pylist(), strict=True))
    path = world / "transfers.parquet"
    has_device = "device" in pq.read_schema(path).names
    tr = pq.read_table(path, columns=["src", "dst", "amount", "time", *(["device"] if has_device else [])])
    fen = np.round(pc.cast(tr["amount"], pa.float64()).to_numpy(zero_copy_only=False) * 100).astype(np.int64)
    columns = Transfers(
        tr["src"].to_pylist(),
        tr["dst"].to_pylist(),
        fen,
        pc.cast(tr["time"], pa.int64()).to_numpy(),
        tr["device"].to_pylist() if has_device else None,
    )
    return columns, kind, owner


def receiving_bank_flags(world: Path) -> list[tuple[int, str]]:
    """(time µs the flag is known, account) for the world's personal accounts that its banks flag
    (`fanzha.banks.receiving_bank_flags`: pass-through, or run by a phone running many cards), in time order."""
    return bank_rules(*_ledger(world))


def device_flags(
    world: Path, reports: Sequence[tuple[int, str, str]], ledger: Ledger | None = None
) -> list[tuple[int, str, str]]:
    """(time µs listed, device, report id) for the phones that emptied a reported victim's account
    (`fanzha.banks.reported_devices`), from the world's ledger (`ledger`, when already read), its phones'
    holders (`devices.parquet`) and `reports` (time µs, the victim, report id: the reports with a loss)."""
    if not reports or not (world / "transfers.parquet").is_file():
        return []
    tr, kind, owner = _ledger(world) if ledger is None else ledger
    phones = world / "devices.parquet"
    holder = (
        phone_holders(pq.read_table(phones, columns=["device_id", "owner_id"])) if phones.is_file() else {}
    )
    return reported_devices(tr, kind, owner, holder, reports)


def with_devices(table: pa.Table, world: Path) -> pa.Table:
    """`table` with the phone that made each transfer out (`attrs.device`, from the world's ledger) on its event,
    as a bank's record of a transaction carries it; an event that names its phone already keeps it."""
    path = world / "transfers.parquet"
    if "device" not in pq.read_schema(path).names:
        return table
    tr = pq.read_table(path, columns=["transfer_id", "device"])
    out = pc.and_(pc.equal(table["kind"], "transfer"), pc.equal(table["direction"], "out"))
    ids = pc.if_else(out, table["transfer_id"], pa.scalar(None, pa.string()))
    dev = pc.take(tr["device"], pc.index_in(ids, value_set=tr["transfer_id"])).to_pylist()
    attrs = table["attrs"].to_pylist()
    changed = False
    for i, d in enumerate(dev):
        if d is None:
            continue
        a = json.loads(attrs[i]) if attrs[i] else {}
        if "device" not in a:
            attrs[i] = json.dumps({**a, "device": d}, ensure_ascii=False, separators=(",", ":"))
            changed = True
    if not changed:
        return table
    return table.set_column(table.schema.get_field_index("attrs"), "attrs", pa.array(attrs, pa.string()))


#: numbers registered to banks and couriers as their service lines: the operator knows them and never lists them
#: (a report may name one: the number the victim called to check)
SERVICE_NUMBERS = frozenset((*BANK_HOTLINES, *COURIER_HOTLINES))
#: the attribute a flagged call carries in a bank_telco feed, and its value
TELCO_FLAG = ("telco_flag", "fraud_number")


def flag_calls(table: pa.Table, flags: Mapping[str, int]) -> np.ndarray:
    """Which rows of `table` are incoming telephone calls from a number listed (`flags`) before the call
    started."""
    flags = {n: t for n, t in flags.items() if n not in SERVICE_NUMBERS}
    if not flags:
        return np.zeros(len(table), dtype=bool)
    numbers = pa.array(list(flags), pa.string())
    calls = pc.and_(
        pc.and_(pc.equal(table["kind"], "call"), pc.equal(table["channel"], "phone")),
        pc.and_(pc.equal(table["direction"], "in"), pc.is_in(table["counterparty"], value_set=numbers)),
    )
    out: np.ndarray = np.array(pc.fill_null(calls, False).to_numpy(zero_copy_only=False), dtype=bool)
    rows = np.flatnonzero(out)
    if len(rows):  # listed before the call started (the list's time, per number)
        listed = pc.take(table["counterparty"], pa.array(rows)).to_pylist()
        ts = pc.cast(pc.take(table["time"], pa.array(rows)), pa.int64()).to_numpy()
        out[rows] = np.array([flags[n] for n in listed], dtype=np.int64) < ts
    return out


def with_flags(table: pa.Table, flagged: np.ndarray) -> pa.Table:
    """`table` with `telco_flag: fraud_number` added to the attrs of the rows `flagged`."""
    if not flagged.any():
        return table
    key, value = TELCO_FLAG
    attrs = table["attrs"].to_pylist()
    for i in np.flatnonzero(flagged).tolist():
        a = json.loads(attrs[i]) if attrs[i] else {}
        a[key] = value
        attrs[i] = json.dumps(a, ensure_ascii=False, separators=(",", ":"))
    return table.set_column(table.schema.get_field_index("attrs"), "attrs", pa.array(attrs, pa.string()))


def write_number_flags(out: Path, flags: Mapping[str, int], tz: str = "Asia/Shanghai") -> None:
    """`number_flags.jsonl`: the operator's list of fraud numbers as given, one a line (number, time listed with
    an offset, reason)."""
    rows = sorted((t, n) for n, t in flags.items())
    with (out / "number_flags.jsonl").open("wb") as fh:
        write_flags(fh, rows, {"number": "", "reason": TELCO_FLAG[1], "source": "telco"}, tz)


def write_payee_flags(
    out: Path,
    flags: list[tuple[int, str]],
    tz: str = "Asia/Shanghai",
    devices: Sequence[tuple[int, str, str]] = (),
) -> None:
    """`payee_flags.jsonl`: one line a flag, as `fanzha.warn.payees.PayeeList.load` reads it — the receiving
    banks' accounts, then the phones that emptied a reported victim's account (`devices`)."""
    with (out / "payee_flags.jsonl").open("wb") as fh:
        write_flags(fh, flags, PAYEE_SHAPE, tz)
        write_flags(fh, devices, DEVICE_SHAPE, tz)


def within_calls(table: pa.Table) -> np.ndarray:
    """Which rows of `table` are telephone calls that start while an earlier call between the same person and
    number is still on (its start plus `attrs.duration_s`): the world writes what is said later in one call as
    another event, and an operator keeps one record of the call."""
    calls = pc.fill_null(pc.and_(pc.equal(table["kind"], "call"), pc.equal(table["channel"], "phone")), False)
    rows = np.flatnonzero(calls.to_numpy(zero_copy_only=False))
    out = np.zeros(len(table), dtype=bool)
    if not len(rows):
        return out
    idx = pa.array(rows)
    people = pc.take(table["person_id"], idx).to_pylist()
    numbers = pc.take(table["counterparty"], idx).to_pylist()
    starts = pc.cast(pc.take(table["time"], idx), pa.int64()).to_numpy()
    found = pc.extract_regex(pc.take(table["attrs"], idx), r'"duration_s":\s*(?P<s>\d+)')
    seconds = pc.cast(pc.struct_field(found, "s"), pa.int64()).to_numpy(zero_copy_only=False)
    ends = starts + np.nan_to_num(seconds, nan=0).astype(np.int64) * US_PER_SECOND
    on: dict[tuple[str, str], int] = {}  # (person, number) → when the calls so far end
    for k in np.lexsort((starts,)).tolist():
        key = (people[k], numbers[k])
        end = on.get(key)
        if end is not None and starts[k] < end:
            out[rows[k]] = True
        on[key] = max(end or 0, int(ends[k]))
    return out


def sources(table: pa.Table, profile: str) -> list[str | None]:
    """The source of every event under `profile` (None: the profile does not receive it)."""
    if profile not in TELEMETRY_PROFILES:
        raise ValueError(f"unknown profile {profile!r}; valid: {', '.join(TELEMETRY_PROFILES)}")
    have = set(TELEMETRY_PROFILES[profile])
    out: list[str | None] = []
    kinds = table.column("kind").to_pylist()
    channels = table.column("channel").to_pylist()
    for kind, channel in zip(kinds, channels, strict=True):
        src: str | None
        if kind == "intervention":
            src = "centre"
        elif kind == "transfer":
            src = "bank" if channel == "bank_transfer" else "payment"
        elif kind == "payee_added":
            src = "bank" if channel == "bank_app" else "payment"
        elif kind in LENDER_KINDS:
            src = "lender"
        elif kind in ("call", "sms") and "telco" in have:
            src = "telco" if channel in ("phone", "sms") else None  # voice inside an app: no telco record
        elif kind in CHAT_KINDS:
            src = "chat"
        elif kind in DEVICE_KINDS:
            src = "device"
        else:
            src = None
        out.append(src if src is not None and (src in have or src == "centre") else None)
    return out


def received_times(seed: int, times: np.ndarray, srcs: list[str], event_ids: list[str]) -> np.ndarray:
    """When each event arrives: its source's next batch after it happened, plus that batch's delay."""
    out = times.copy()
    src_arr = np.array([_SOURCE_INDEX[s] for s in srcs], dtype=np.int64)
    for name, (batch, delay) in LATENESS.items():
        idx = np.flatnonzero(src_arr == _SOURCE_INDEX[name])
        if not len(idx) or (batch == 0 and delay == 0):
            continue
        if batch > 0:
            period = int(batch * MIN)
            slot = times[idx] // period + 1
            slots = np.unique(slot)
            g = streams.stream(seed, streams.TELEMETRY, _SOURCE_INDEX[name])
            extra = (g.random(len(slots)) * delay * MIN).astype(np.int64)
            out[idx] = slot * period + extra[np.searchsorted(slots, slot)]
        else:
            # per event: a draw keyed by the event's number, so a subset of events gets the same delays
            nums = np.array([int(event_ids[i][1:]) for i in idx.tolist()], dtype=np.int64)
            g = streams.stream(seed, streams.TELEMETRY, _SOURCE_INDEX[name])
            u = _hash_unit(nums, int(g.integers(2**31)))
            out[idx] = times[idx] + (u * delay * MIN).astype(np.int64)
    return out


def _hash_unit(nums: np.ndarray, key: int) -> np.ndarray:
    """A uniform [0, 1) per number (splitmix64 of number and key)."""
    with np.errstate(over="ignore"):
        z = nums.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(key)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    out: np.ndarray = (z >> np.uint64(11)).astype(np.float64) / float(2**53)
    return out


def telemetry(
    world: str | Path,
    profile: str,
    out: str | Path,
    *,
    force: bool = False,
    numbers: Mapping[str, int] | None = None,
    reports: Sequence[tuple[int, str, str]] | None = None,
) -> dict[str, int]:
    """Write what a centre with `profile` receives of `world` into `out`; rows kept and dropped per source.

    `reports` (time µs, the victim, report id: the world's reports with a loss): the banks list the phones that
    emptied a reported victim's account (`device_flags`) beside their accounts in `payee_flags.jsonl`. Every
    transfer out carries the phone that made it (`attrs.device`, `with_devices`).

    `numbers` (number → time µs from which it is listed): the operators' list of fraud numbers. Under
    `bank_telco`, a telephone call from a listed number that starts after its listing reaches the centre as the
    call starts, flagged (`attrs.telco_flag`), instead of in the next half-hourly batch (see the module).

    `out` is written whole or not at all (`fanzha.records.outputs.atomic_dir`): a folder that is the world or
    inside it is E040, a non-empty one E042 unless `force`, which replaces it whole."""
    world, out = Path(world), Path(out)
    check_output(out, inputs=[world], folder=True, force=force)
    for name in ("manifest.json", "events.parquet"):
        if not (world / name).is_file():
            raise InputError("E400", where=str(world / name))
    seed = int(json.loads((world / "manifest.json").read_text(encoding="utf-8"))["config"]["seed"])
    table = pq.read_table(world / "events.parquet")
    numbers = dict(numbers or {}) if profile == "bank_telco" else {}
    srcs = sources(table, profile)
    if "telco" in TELEMETRY_PROFILES[profile]:  # one record a call at the operator
        for k in np.flatnonzero(within_calls(table)).tolist():
            if srcs[k] == "telco":
                srcs[k] = None
    keep = np.array([s is not None for s in srcs], dtype=bool)
    table = table.filter(pa.array(keep))
    kept = [s for s in srcs if s is not None]
    if profile == "bank_telco":  # operators keep who called whom and when, never what was said
        is_telco = pa.array([s == "telco" for s in kept])
        table = table.set_column(
            table.schema.get_field_index("text"),
            "text",
            pc.if_else(is_telco, pa.scalar(None, pa.string()), table.column("text")),
        )
    times = pc.cast(table.column("time"), pa.int64()).to_numpy()
    ids = table.column("event_id").to_pylist()
    received = received_times(seed, times, kept, ids)
    live = flag_calls(table, numbers)  # a call from a listed number: told to the centre as it starts
    table = with_flags(table, live)
    received[live] = times[live]
    order = np.lexsort((np.arange(len(ids)), received))
    table = table.take(pa.array(order))
    has_ledger = (world / "transfers.parquet").is_file()
    if has_ledger:
        table = with_devices(table, world)
    ledger = _ledger(world) if has_ledger else None  # read once for both of the banks' lists
    flags = bank_rules(*ledger) if ledger is not None else []
    devices = device_flags(world, reports or [], ledger)
    with atomic_dir(out, inputs=[world], force=force) as tmp:
        _write(tmp, table, kept, order, received)
        write_payee_flags(tmp, flags, devices=devices)
        if profile == "bank_telco":
            write_number_flags(tmp, numbers)
    counts: dict[str, int] = {"dropped": int((~keep).sum())}
    for s in kept:
        counts[s] = counts.get(s, 0) + 1
    return counts


def _write(out: Path, table: pa.Table, kept: list[str], order: np.ndarray, received: np.ndarray) -> None:
    pq.write_table(table.cast(EVENTS), out / "events.parquet", compression="zstd")
    time_type = ARRIVALS.field("time").type
    arrivals = pa.table(
        [
            table.column("event_id"),
            pa.array([kept[i] for i in order.tolist()], pa.string()),
            table.column("time"),
            pa.array(received[order], pa.int64()).cast(time_type),
        ],
        schema=ARRIVALS,
    )
    pq.write_table(arrivals, out / "arrivals.parquet", compression="zstd")
