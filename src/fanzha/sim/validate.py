"""`check_world(DIR)`: validate a generated world and report every violation as `file:row: CODE message`.

Checks, exactly: every file is there with its schema; ids are unique and every id referenced exists; the
ledger is sorted by (time, transfer_id), amounts are positive, no account balance ever goes negative when the
transfers are applied in ledger order, and the closing balances equal opening + in − out; lineage amounts per
transfer are at most the transfer's amount, and per victim the lineage of the transfers leaving the victim's
own accounts sums to `amount_lost`; events are sorted by (time, event_id) and each victim's timeline is time
ordered. Rows are numbered from 1. Files are read in batches, so memory stays bounded by the number of
accounts and ids, not by the ledger.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fanzha.errors import Coded, check_params
from fanzha.messages import default_lang, t
from fanzha.records.arrow import decimal_to_fen, times_to_us
from fanzha.records.schema import ACCOUNT_KINDS, CHANNELS, EVENT_KINDS, FILES
from fanzha.records.units import fen_to_yuan

BATCH = 1 << 20
MAX_PER_CODE = 200


@dataclass(frozen=True, slots=True)
class Violation(Coded):
    """A rule of the world broken at `file:row`: a catalogue code and its params. `more` > 0 stands for that
    many more violations of the code in the file, left out."""

    file: str
    row: int
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    more: int = 0

    def location(self) -> str:
        return f"{self.file}:{self.row}"

    def message(self, lang: str | None = None) -> str:
        if self.more:
            return t("msg.more_of_code", lang or default_lang(), n=self.more)
        return Coded.message(self, lang)  # not super(): a slots dataclass is a new class


class _Report:
    def __init__(self) -> None:
        self.items: list[Violation] = []
        self.counts: dict[tuple[str, str], int] = defaultdict(int)

    def add(self, file: str, row: int, code: str, /, **params: Any) -> None:
        key = (file, code)
        self.counts[key] += 1
        if self.counts[key] <= MAX_PER_CODE:
            check_params(code, params)
            self.items.append(Violation(file, row, code, params))

    def dangling(
        self,
        file: str,
        first: int,
        bad: npt.NDArray[np.bool_],
        column: str,
        values: Any,
        table: str | list[str],
    ) -> None:
        """E403 for each row of `file` where `bad` (`first` is the row of index 0): its `column` value (in
        `values`, an Arrow array) is not in `table`."""
        for i in np.flatnonzero(bad).tolist():
            self.add(file, first + i, "E403", column=column, value=values[i].as_py(), table=table)

    def finish(self) -> list[Violation]:
        for (file, code), n in sorted(self.counts.items()):
            if n > MAX_PER_CODE:
                self.items.append(Violation(file, 0, code, more=n - MAX_PER_CODE))
        return self.items


def fixed_width(arr: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.bytes_] | None:
    """A string array whose values all have the same length as a numpy `S<n>` array (no copy per value);
    None when lengths differ or there are nulls."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.null_count or len(arr) == 0:
        return None if arr.null_count else np.zeros(0, dtype="S1")
    arr = arr.cast(pa.string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
    widths = np.diff(offsets)
    w = int(widths[0])
    if w == 0 or not (widths == w).all():
        return None
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.view(f"S{w}").copy()


class _IdSet:
    """Membership of ids: sorted fixed-width bytes when possible (compact), else an Arrow value set."""

    def __init__(self, values: pa.Array | pa.ChunkedArray) -> None:
        fw = fixed_width(values)
        self.sorted: npt.NDArray[np.bytes_] | None = None
        self.arrow: pa.Array | None = None
        if fw is not None:
            self.sorted = np.sort(fw)
        else:
            self.arrow = (
                values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
            ).drop_null()
        self.size = len(values)

    def duplicates(self) -> int:
        if self.sorted is not None:
            return int((self.sorted[1:] == self.sorted[:-1]).sum()) if len(self.sorted) > 1 else 0
        assert self.arrow is not None
        return len(self.arrow) - len(pc.unique(self.arrow))

    def contains(self, values: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.bool_]:
        """True where the value is in the set; nulls count as present (check nulls separately)."""
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        nulls = np.asarray(values.is_null())
        if self.sorted is not None:
            if nulls.any() and len(self.sorted):
                values = values.fill_null(bytes(self.sorted[0]).decode())
            fw = fixed_width(values)
            if fw is not None and fw.dtype == self.sorted.dtype:
                pos = np.searchsorted(self.sorted, fw)
                pos = np.minimum(pos, max(len(self.sorted) - 1, 0))
                ok: npt.NDArray[np.bool_] = (
                    (self.sorted[pos] == fw) if len(self.sorted) else np.zeros(len(fw), dtype=np.bool_)
                )
                both: npt.NDArray[np.bool_] = ok | nulls
                return both
            setv = pa.array(self.sorted.tolist(), pa.binary()).cast(pa.string())
            found: npt.NDArray[np.bool_] = np.asarray(pc.fill_null(pc.is_in(values, value_set=setv), True))
            return found
        assert self.arrow is not None
        hit: npt.NDArray[np.bool_] = np.asarray(pc.fill_null(pc.is_in(values, value_set=self.arrow), True))
        return hit

    def index(self, values: pa.Array) -> npt.NDArray[np.int64]:
        """Position in the sorted set (−1 when absent); only for fixed-width sets."""
        assert self.sorted is not None
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        fw = fixed_width(values)
        if fw is None or fw.dtype != self.sorted.dtype:
            # mixed lengths: look up only the values as long as the ids of this set
            width = self.sorted.dtype.itemsize
            same = np.asarray(pc.fill_null(pc.equal(pc.binary_length(values), width), False))
            out = np.full(len(values), -1, dtype=np.int64)
            if same.any():
                out[same] = self.index(values.filter(pa.array(same)))
            return out
        pos = np.minimum(np.searchsorted(self.sorted, fw), max(len(self.sorted) - 1, 0))
        ok = self.sorted[pos] == fw if len(self.sorted) else np.zeros(len(fw), dtype=np.bool_)
        return np.where(ok, pos, -1).astype(np.int64)


def _batches(path: Path, columns: list[str] | None = None) -> Iterator[tuple[int, pa.RecordBatch]]:
    pf = pq.ParquetFile(path)
    row = 1
    for batch in pf.iter_batches(batch_size=BATCH, columns=columns):
        yield row, batch
        row += batch.num_rows


def check_world(root: str | Path) -> list[Violation]:
    """Every violation found in the world at `root` (empty when it is valid)."""
    root = Path(root)
    rep = _Report()
    present: dict[str, bool] = {}
    for name, schema in FILES.items():
        path = root / name
        if not path.is_file():
            rep.add(name, 0, "E400")
            present[name] = False
            continue
        try:
            actual = pq.read_schema(path)
        except (OSError, pa.ArrowInvalid) as exc:
            rep.add(name, 0, "E007", reason=str(exc))
            present[name] = False
            continue
        ok = True
        for col in schema:
            idx = actual.get_field_index(col.name)
            if idx < 0:
                rep.add(name, 0, "E401", column=col.name)
                ok = False
            elif not actual.field(idx).type.equals(col.type):
                rep.add(
                    name, 0, "E415", column=col.name, type=str(actual.field(idx).type), expected=str(col.type)
                )
                ok = False
        present[name] = ok
    if not (root / "reports.jsonl").is_file():
        rep.add("reports.jsonl", 0, "E400")
    need = ("accounts.parquet", "people.parquet", "transfers.parquet")
    if not all(present.get(n) for n in need):
        return rep.finish()

    def read(name: str, columns: list[str]) -> pa.Table:
        return pq.read_table(root / name, columns=columns)

    # -- entities -------------------------------------------------------------------------------------
    people_t = read("people.parquet", ["person_id"])
    people = _IdSet(people_t["person_id"])
    _unique(rep, "people.parquet", people, "person_id")
    merchants = (
        _IdSet(read("merchants.parquet", ["merchant_id"])["merchant_id"])
        if present["merchants.parquet"]
        else None
    )
    devices = (
        _IdSet(read("devices.parquet", ["device_id"])["device_id"]) if present["devices.parquet"] else None
    )
    acc = read("accounts.parquet", ["account_id", "owner_id", "kind", "opened", "opening_balance"])
    accounts = _IdSet(acc["account_id"])
    _unique(rep, "accounts.parquet", accounts, "account_id")
    n_acc = acc.num_rows
    if accounts.sorted is None:
        rep.add("accounts.parquet", 0, "E419", column="account_id")
        return rep.finish()
    pos_of_row = accounts.index(acc["account_id"].combine_chunks())
    opening = np.zeros(n_acc, dtype=np.int64)
    opened = np.zeros(n_acc, dtype=np.int64)
    opening[pos_of_row] = decimal_to_fen(acc["opening_balance"])
    opened[pos_of_row] = times_to_us(acc["opened"])
    for i in np.flatnonzero(opening < 0)[:MAX_PER_CODE].tolist():
        rep.add("accounts.parquet", i + 1, "E417", column="opening_balance")
    kinds = acc["kind"].combine_chunks()
    bad = np.flatnonzero(~np.asarray(pc.fill_null(pc.is_in(kinds, value_set=pa.array(ACCOUNT_KINDS)), False)))
    for i in bad.tolist():
        rep.add("accounts.parquet", i + 1, "E410", column="kind", value=kinds[i].as_py())
    owners = acc["owner_id"].combine_chunks()
    known_owner = people.contains(owners)
    if merchants is not None:
        known_owner |= merchants.contains(owners)
    rep.dangling(
        "accounts.parquet", 1, ~known_owner, "owner_id", owners, ["people.parquet", "merchants.parquet"]
    )
    owner_person = np.full(n_acc, -1, dtype=np.int64)  # account (sorted position) → person (sorted position)
    if people.sorted is not None:
        owner_person[pos_of_row] = people.index(owners.fill_null("?" * people.sorted.dtype.itemsize))

    # -- lineage first (small): which transfers to look at in the ledger ------------------------------------
    lineage = (
        read("truth/lineage.parquet", ["transfer_id", "victim_id", "amount"])
        if present["truth/lineage.parquet"]
        else None
    )
    lin_ids = _IdSet(lineage["transfer_id"]) if lineage is not None and lineage.num_rows else None

    # -- the ledger -------------------------------------------------------------------------------------------
    balance = opening.copy()
    tx_ids: list[npt.NDArray[np.bytes_]] = []
    last_t = np.iinfo(np.int64).min
    last_id = b""
    lin_found: dict[bytes, tuple[int, int]] = {}  # transfer id → (amount, src account position)
    channels = pa.array(CHANNELS)
    for row0, batch in _batches(root / "transfers.parquet"):
        tid = batch.column("transfer_id")
        fw = fixed_width(tid)
        if fw is None:
            rep.add("transfers.parquet", row0, "E419", column="transfer_id")
            return rep.finish()
        t = times_to_us(batch.column("time"))
        for col in ("src", "dst", "amount", "time", "channel"):
            nulls = np.flatnonzero(np.asarray(batch.column(col).is_null()))
            for i in nulls[:MAX_PER_CODE].tolist():
                rep.add("transfers.parquet", row0 + i, "E411", column=col)
        # order: (time, transfer_id) strictly increasing
        prev_t = np.r_[last_t, t[:-1]]
        prev_id = np.r_[np.array([last_id], dtype=fw.dtype), fw[:-1]]
        bad = (t < prev_t) | ((t == prev_t) & (fw <= prev_id))
        if row0 == 1:
            bad[0] = False
        for i in np.flatnonzero(bad).tolist():
            rep.add("transfers.parquet", row0 + i, "E404", key="(time, transfer_id)")
        last_t, last_id = int(t[-1]), fw[-1]
        tx_ids.append(fw)
        amount = decimal_to_fen(batch.column("amount"))
        for i in np.flatnonzero(amount <= 0).tolist():
            rep.add("transfers.parquet", row0 + i, "E405", column="amount")
        amount = np.maximum(amount, 0)
        src = accounts.index(batch.column("src").fill_null(""))
        dst = accounts.index(batch.column("dst").fill_null(""))
        for name, arr in (("src", src), ("dst", dst)):
            rep.dangling("transfers.parquet", row0, arr < 0, name, batch.column(name), "accounts.parquet")
        ch = batch.column("channel")
        for i in np.flatnonzero(~np.asarray(pc.fill_null(pc.is_in(ch, value_set=channels), True))).tolist():
            rep.add("transfers.parquet", row0 + i, "E410", column="channel", value=ch[i].as_py())
        if devices is not None:
            dev = batch.column("device")
            rep.dangling("transfers.parquet", row0, ~devices.contains(dev), "device", dev, "devices.parquet")
        valid = (src >= 0) & (dst >= 0)
        for name, arr in (("src", src), ("dst", dst)):
            early = valid & (t < opened[np.maximum(arr, 0)])
            for i in np.flatnonzero(early).tolist():
                rep.add("transfers.parquet", row0 + i, "E412", column=name)
        # running balances: each row debits src, then credits dst
        s_ = np.where(valid, src, 0)
        d_ = np.where(valid, dst, 0)
        a_ = np.where(valid, amount, 0)
        acct = np.stack([s_, d_], axis=1).ravel()
        delta = np.stack([-a_, a_], axis=1).ravel()
        order = np.argsort(acct, kind="stable")
        sa = acct[order]
        sd = delta[order]
        cs = np.cumsum(sd)
        first = np.r_[True, sa[1:] != sa[:-1]]
        gstart = np.maximum.accumulate(np.where(first, np.arange(len(sa)), 0))
        before = np.where(gstart > 0, cs[gstart - 1], 0)
        running = balance[sa] + cs - before
        neg = np.flatnonzero(running < 0)
        if len(neg):
            seen: set[int] = set()
            for k in neg.tolist():
                a = int(sa[k])
                if a in seen:
                    continue
                seen.add(a)
                row = int(order[k]) // 2
                rep.add(
                    "transfers.parquet",
                    row0 + row,
                    "E406",
                    account=batch.column("src")[row].as_py(),
                    balance=fen_to_yuan(int(running[k])),
                )
        np.add.at(balance, acct, delta)
        if lin_ids is not None:
            hit = np.flatnonzero(lin_ids.contains(tid))
            for i in hit.tolist():
                lin_found[bytes(fw[i])] = (int(amount[i]), int(src[i]))
    all_tx = np.concatenate(tx_ids) if tx_ids else np.zeros(0, dtype="S1")
    increasing = bool(len(all_tx) < 2 or (all_tx[1:] > all_tx[:-1]).all())
    if not increasing:
        srt = np.sort(all_tx)
        n_dup = int((srt[1:] == srt[:-1]).sum())
        if n_dup:
            rep.add("transfers.parquet", 0, "E402", count=n_dup, column="transfer_id")
        all_tx = srt
    tx_set = _SortedIds(all_tx)

    # closing balances
    if present["truth/balances.parquet"]:
        bal = read("truth/balances.parquet", ["account_id", "closing_balance"])
        pos = accounts.index(bal["account_id"].combine_chunks())
        closing = decimal_to_fen(bal["closing_balance"])
        rep.dangling(
            "truth/balances.parquet", 1, pos < 0, "account_id", bal["account_id"], "accounts.parquet"
        )
        okp = pos >= 0
        mism = np.flatnonzero(okp & (closing != balance[np.maximum(pos, 0)]))
        for i in mism.tolist():
            rep.add(
                "truth/balances.parquet",
                i + 1,
                "E407",
                closing=fen_to_yuan(int(closing[i])),
                expected=fen_to_yuan(int(balance[pos[i]])),
            )
        if len(pos) != n_acc:
            rep.add("truth/balances.parquet", 0, "E418", count=len(pos), accounts=n_acc)

    # -- victims and lineage ----------------------------------------------------------------------------
    lost: dict[str, int] = {}  # person → fen lost over their campaigns
    first_row: dict[str, int] = {}  # person → their first row in truth/victims.parquet
    if present["truth/victims.parquet"]:
        vic = read(
            "truth/victims.parquet",
            ["person_id", "variant", "gang_id", "first_contact_time", "first_loss_time", "amount_lost"],
        )
        from fanzha.kb.loader import default_kb

        variants = pa.array(sorted(v.id for v in default_kb().kb.variants))
        vids = vic["person_id"].combine_chunks()
        rep.dangling("truth/victims.parquet", 1, ~people.contains(vids), "person_id", vids, "people.parquet")
        var = vic["variant"].combine_chunks()
        for i in np.flatnonzero(~np.asarray(pc.fill_null(pc.is_in(var, value_set=variants), False))).tolist():
            rep.add("truth/victims.parquet", i + 1, "E410", column="variant", value=var[i].as_py())
        fc = times_to_us(vic["first_contact_time"])
        fl = times_to_us(vic["first_loss_time"])
        fl_null = np.asarray(vic["first_loss_time"].is_null())
        amt = decimal_to_fen(vic["amount_lost"])
        for i in np.flatnonzero(~fl_null & (fl < fc)).tolist():
            rep.add("truth/victims.parquet", i + 1, "E404", key="(first_contact_time, first_loss_time)")
        for i in np.flatnonzero(fl_null != (amt == 0)).tolist():
            rep.add("truth/victims.parquet", i + 1, "E416")
        for i, (v, a) in enumerate(zip(vids.to_pylist(), amt.tolist(), strict=True), start=1):
            lost[v] = lost.get(v, 0) + int(a)  # a repeat victim's campaigns together (one row each)
            first_row.setdefault(v, i)
        if present["truth/gangs.parquet"]:
            gangs = set(read("truth/gangs.parquet", ["gang_id"])["gang_id"].to_pylist())
            for i, g in enumerate(vic["gang_id"].to_pylist()):
                if g not in gangs:
                    rep.add(
                        "truth/victims.parquet",
                        i + 1,
                        "E403",
                        column="gang_id",
                        value=g,
                        table="truth/gangs.parquet",
                    )
    if lineage is not None:
        per_tx: dict[bytes, int] = defaultdict(int)
        first_hop: dict[str, int] = defaultdict(int)
        ids = lineage["transfer_id"].to_pylist()
        victims = lineage["victim_id"].to_pylist()
        amounts = decimal_to_fen(lineage["amount"]).tolist()
        person_sorted = people.sorted
        for i, (t_id, v, a) in enumerate(zip(ids, victims, amounts, strict=True)):
            key = str(t_id).encode()
            if a <= 0:
                rep.add("truth/lineage.parquet", i + 1, "E405", column="amount")
            if v not in lost:
                rep.add(
                    "truth/lineage.parquet",
                    i + 1,
                    "E403",
                    column="victim_id",
                    value=v,
                    table="truth/victims.parquet",
                )
            found = lin_found.get(key)
            if found is None:
                rep.add(
                    "truth/lineage.parquet",
                    i + 1,
                    "E403",
                    column="transfer_id",
                    value=t_id,
                    table="transfers.parquet",
                )
                continue
            per_tx[key] += a
            src_owner = owner_person[found[1]] if found[1] >= 0 else -1
            if person_sorted is not None and src_owner >= 0 and bytes(person_sorted[src_owner]).decode() == v:
                first_hop[v] += a
        for i, t_id in enumerate(ids):
            key = str(t_id).encode()
            if key in lin_found and per_tx[key] > lin_found[key][0]:
                rep.add(
                    "truth/lineage.parquet",
                    i + 1,
                    "E408",
                    transfer=t_id,
                    lineage=fen_to_yuan(per_tx[key]),
                    amount=fen_to_yuan(lin_found[key][0]),
                )
                per_tx[key] = -(10**18)  # report once per transfer
        for v, a in lost.items():
            if first_hop.get(v, 0) != a:
                rep.add(
                    "truth/victims.parquet",
                    first_row[v],
                    "E409",
                    lost=fen_to_yuan(a),
                    lineage=fen_to_yuan(first_hop.get(v, 0)),
                )

    # -- events, orders, timelines, mules, leaks, reports ------------------------------------------------
    ev_ids: list[npt.NDArray[np.bytes_]] = []
    if present["events.parquet"]:
        last_t, last_e = np.iinfo(np.int64).min, b""
        kinds_ok = pa.array(EVENT_KINDS)
        for row0, batch in _batches(
            root / "events.parquet", ["event_id", "person_id", "time", "kind", "transfer_id", "attrs"]
        ):
            fw = fixed_width(batch.column("event_id"))
            if fw is None:
                rep.add("events.parquet", row0, "E419", column="event_id")
                break
            t = times_to_us(batch.column("time"))
            prev_t = np.r_[last_t, t[:-1]]
            prev_e = np.r_[np.array([last_e], dtype=fw.dtype), fw[:-1]]
            bad = (t < prev_t) | ((t == prev_t) & (fw <= prev_e))
            if row0 == 1:
                bad[0] = False
            for i in np.flatnonzero(bad).tolist():
                rep.add("events.parquet", row0 + i, "E404", key="(time, event_id)")
            last_t, last_e = int(t[-1]), fw[-1]
            ev_ids.append(fw)
            pid = batch.column("person_id")
            rep.dangling(
                "events.parquet",
                row0,
                ~people.contains(pid) | np.asarray(pid.is_null()),
                "person_id",
                pid,
                "people.parquet",
            )
            kd = batch.column("kind")
            for i in np.flatnonzero(
                ~np.asarray(pc.fill_null(pc.is_in(kd, value_set=kinds_ok), False))
            ).tolist():
                rep.add("events.parquet", row0 + i, "E410", column="kind", value=kd[i].as_py())
            tr = batch.column("transfer_id")
            rep.dangling("events.parquet", row0, ~tx_set.contains(tr), "transfer_id", tr, "transfers.parquet")
    ev_all = np.concatenate(ev_ids) if ev_ids else np.zeros(0, dtype="S1")
    if len(ev_all) > 1 and not (ev_all[1:] > ev_all[:-1]).all():
        ev_all = np.sort(ev_all)
        n_dup = int((ev_all[1:] == ev_all[:-1]).sum())
        if n_dup:
            rep.add("events.parquet", 0, "E402", count=n_dup, column="event_id")
    ev_set = _SortedIds(ev_all)
    if present["orders.parquet"]:
        for row0, batch in _batches(
            root / "orders.parquet", ["person_id", "merchant_id", "outlet_id", "transfer_id"]
        ):
            for col, idset, target in (
                ("person_id", people, "people"),
                ("merchant_id", merchants, "merchants"),
                ("outlet_id", merchants, "merchants"),
                ("transfer_id", tx_set, "transfers"),
            ):
                if idset is None:
                    continue
                arr = batch.column(col)
                rep.dangling("orders.parquet", row0, ~idset.contains(arr), col, arr, f"{target}.parquet")
    if present["truth/timelines.parquet"]:
        tl = read("truth/timelines.parquet", ["person_id", "step", "event_id", "time", "transfer_id"])
        e = tl["event_id"].combine_chunks()
        rep.dangling("truth/timelines.parquet", 1, ~ev_set.contains(e), "event_id", e, "events.parquet")
        tr = tl["transfer_id"].combine_chunks()
        rep.dangling(
            "truth/timelines.parquet", 1, ~tx_set.contains(tr), "transfer_id", tr, "transfers.parquet"
        )
        last: dict[str, tuple[int, int]] = {}
        for i, (p, s, t) in enumerate(
            zip(
                tl["person_id"].to_pylist(),
                tl["step"].to_pylist(),
                times_to_us(tl["time"]).tolist(),
                strict=True,
            )
        ):
            prev = last.get(p)
            if prev is not None and (t < prev[1] or s <= prev[0]):
                rep.add("truth/timelines.parquet", i + 1, "E404", key="(person_id, step, time)")
            last[p] = (s, t)
    if present["truth/mules.parquet"]:
        mu = read("truth/mules.parquet", ["account_id", "layer"])
        a = mu["account_id"].combine_chunks()
        rep.dangling("truth/mules.parquet", 1, ~accounts.contains(a), "account_id", a, "accounts.parquet")
        layers = np.asarray(mu["layer"].fill_null(0))
        for i in np.flatnonzero((layers < 1) | (layers > 3)).tolist():
            rep.add("truth/mules.parquet", i + 1, "E410", column="layer", value=int(layers[i]))
    if present["truth/leaks.parquet"] and merchants is not None:
        lk = read("truth/leaks.parquet", ["merchant_id", "start", "end"])
        m = lk["merchant_id"].combine_chunks()
        rep.dangling("truth/leaks.parquet", 1, ~merchants.contains(m), "merchant_id", m, "merchants.parquet")
        for i in np.flatnonzero(times_to_us(lk["end"]) <= times_to_us(lk["start"])).tolist():
            rep.add("truth/leaks.parquet", i + 1, "E404", key="(start, end)")
    texts: dict[str, str] = {}
    if (root / "reports.jsonl").is_file():
        with open(root / "reports.jsonl", "rb") as fh:
            for line_no, raw in enumerate(fh, start=1):
                try:
                    obj = orjson.loads(raw)
                except orjson.JSONDecodeError as exc:
                    rep.add("reports.jsonl", line_no, "E413", reason=str(exc))
                    continue
                if isinstance(obj, dict) and isinstance(obj.get("text"), str):
                    texts[str(obj.get("report_id"))] = obj["text"]
                missing = [
                    k
                    for k in ("report_id", "person_id", "time", "text")
                    if not isinstance(obj, dict) or k not in obj
                ]
                if missing:
                    rep.add("reports.jsonl", line_no, "E024", fields=missing)
                elif not people.contains(pa.array([obj["person_id"]], pa.string()))[0]:
                    rep.add(
                        "reports.jsonl",
                        line_no,
                        "E403",
                        column="person_id",
                        value=obj["person_id"],
                        table="people.parquet",
                    )
    _check_report_truth(rep, root, present, texts, accounts)
    return rep.finish()


def _check_report_truth(
    rep: _Report, root: Path, present: dict[str, bool], texts: dict[str, str], accounts: _IdSet
) -> None:
    """The truth of the reports and of the gangs' identifiers: every report is in reports.jsonl, a duplicate
    names a report, every mention's place in its report holds what it says it holds, validity periods are
    periods, accounts exist."""
    gangs: set[str] = set()
    if present.get("truth/gangs.parquet"):
        gangs = set(pq.read_table(root / "truth/gangs.parquet", columns=["gang_id"])["gang_id"].to_pylist())
    if present.get("truth/reports.parquet"):
        tr = pq.read_table(root / "truth/reports.parquet", columns=["report_id", "duplicate_of", "gang_id"])
        ids = tr["report_id"].to_pylist()
        known = set(ids)
        for i, (r, dup, g) in enumerate(
            zip(ids, tr["duplicate_of"].to_pylist(), tr["gang_id"].to_pylist(), strict=True), start=1
        ):
            if r not in texts:
                rep.add(
                    "truth/reports.parquet", i, "E403", column="report_id", value=r, table="reports.jsonl"
                )
            if dup is not None and dup not in known:
                rep.add(
                    "truth/reports.parquet",
                    i,
                    "E403",
                    column="duplicate_of",
                    value=dup,
                    table="truth/reports.parquet",
                )
            if g is not None and gangs and g not in gangs:
                rep.add(
                    "truth/reports.parquet", i, "E403", column="gang_id", value=g, table="truth/gangs.parquet"
                )
    if present.get("truth/report_identifiers.parquet"):
        ri = pq.read_table(root / "truth/report_identifiers.parquet").to_pylist()
        for i, m in enumerate(ri, start=1):
            text = texts.get(m["report_id"])
            if text is None:
                rep.add(
                    "truth/report_identifiers.parquet",
                    i,
                    "E403",
                    column="report_id",
                    value=m["report_id"],
                    table="reports.jsonl",
                )
            elif text[m["start"] : m["end"]] != m["text"]:
                rep.add(
                    "truth/report_identifiers.parquet",
                    i,
                    "E425",
                    report=m["report_id"],
                    start=m["start"],
                    end=m["end"],
                    found=text[m["start"] : m["end"]],
                    text=m["text"],
                )
    if present.get("truth/identifiers.parquet"):
        ti = pq.read_table(root / "truth/identifiers.parquet")
        bad = np.flatnonzero(times_to_us(ti["valid_to"]) <= times_to_us(ti["valid_from"]))
        for i in bad.tolist():
            rep.add("truth/identifiers.parquet", i + 1, "E404", key="(valid_from, valid_to)")
        acc = ti["account_id"].combine_chunks()
        for i in np.flatnonzero(~accounts.contains(acc)).tolist():
            rep.add(
                "truth/identifiers.parquet",
                i + 1,
                "E403",
                column="account_id",
                value=acc[i].as_py(),
                table="accounts.parquet",
            )
        for i, g in enumerate(ti["gang_id"].to_pylist(), start=1):
            if gangs and g not in gangs:
                rep.add(
                    "truth/identifiers.parquet",
                    i,
                    "E403",
                    column="gang_id",
                    value=g,
                    table="truth/gangs.parquet",
                )


class _SortedIds:
    """Membership in a sorted fixed-width id array."""

    def __init__(self, ids: npt.NDArray[np.bytes_]) -> None:
        self.ids = ids

    def contains(self, values: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.bool_]:
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        nulls = np.asarray(values.is_null())
        if nulls.all():
            return np.ones(len(values), dtype=np.bool_)
        filled = values.fill_null(values.drop_null()[0].as_py()) if nulls.any() else values
        fw = fixed_width(filled)
        if fw is None or len(self.ids) == 0 or fw.dtype != self.ids.dtype:
            return nulls.copy()
        pos = np.minimum(np.searchsorted(self.ids, fw), len(self.ids) - 1)
        out: npt.NDArray[np.bool_] = (self.ids[pos] == fw) | nulls
        return out


def _unique(rep: _Report, name: str, ids: _IdSet, column: str) -> None:
    d = ids.duplicates()
    if d:
        rep.add(name, 0, "E402", count=d, column=column)
