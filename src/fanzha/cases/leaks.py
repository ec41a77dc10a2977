"""The leak behind the cases: which shops or courier outlets the victims bought from, shortly before the scammers
called, more often than buyers like them did.

For each victim *v* (a reporter, an alerted person, or a person the gang's numbers or accounts named in the reports
reached — the operator's and the platforms' records of them, `read_contacts`: their first contact time *t*, else
their report's time) the platform's orders (`orders.parquet`: person, shop, courier outlet, time, the buyer's
city) give their orders in the window [t − `window`, t) and, for comparison, every order placed in the same city
in the same window — the victim's *stratum*. For a merchant *m* (a shop, or a courier outlet that delivered the
order), if the victim's n orders were drawn like the stratum's, the chance that at least one is from *m* is

    p(v, m) = 1 − (1 − (K + ½)/(N + ½))^n

with K the stratum's orders from *m* and N all of the stratum's orders (the victim's own left out; half an order
each, so that a merchant nobody else bought from has a small chance, not none). The number of
victims who did buy from *m* is then a sum of independent Bernoulli(p(v, m)): a Poisson-binomial; its upper tail
at the count observed is the one-sided p-value, computed exactly (a dynamic programme on the count, with an
absorbing state, so small tails keep their precision). Conditioning on each victim's city, window and number of
orders removes what makes a merchant frequent among victims without a leak: big shops, the outlets of the
victims' city, heavy buyers. It is the stratified form of the one-sided hypergeometric (Fisher) test; with one
stratum and one order per buyer it is that test. The p-values are corrected for the number of merchants tested
(every merchant with an order in some victim's stratum) by Benjamini–Hochberg; a merchant is *suspected* when its
q-value is ≤ `alpha` and at least `min_victims` victims bought from it. Suspects are ranked by p-value (then
by the ratio of observed to expected victims), each with the victims and orders behind it.

Three refinements (docs/cases.md, "The leak source"): *explaining away* (`Strata`: the suspects, most
significant first, take the victims who bought from them out of the other merchants' tests, which are made again
given them), *a scan over the order's time* (`_Scan`: periods of days in which a merchant's victims bought from
it, beside the windows, Bonferroni within the merchant) and *the order the scammer quoted* (`quoted_orders`: a
victim whose cases name details of some of its orders is tested on those, n their number, in place of all its
orders in the window).

No dependency beyond numpy and DuckDB: the tail is a loop over victims of vector operations over merchants.

Codes (docs/errors.md, "Cases"): E830 no orders, E007 orders that cannot be read, E834 orders without a column
they need (person_id, merchant_id, outlet_id, time, city); E823 / E824 / E831 an invalid option (the window or
the scan's period, the fewest victims or the explaining merchants, alpha); contact records are read as
events (`fanzha.records.events`: E700–E714 for the file, its rows that are no event counted and kept aside in
the summary); E833 no victim with orders in their window: nothing to compare.
"""

from __future__ import annotations

import math
import re
import weakref
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fanzha.errors import InputError
from fanzha.records.units import TZ, US_PER_DAY, datetime_of
from fanzha.text.identifiers import channel_kind
from fanzha.text.normalize import char_table

F64 = npt.NDArray[np.float64]
ORDER_COLUMNS = ("person_id", "merchant_id", "outlet_id", "time", "city")
#: sets of explaining merchants whose counts `Strata` keeps (the latest used; each is the stratum's orders that
#: involve the set, mostly zero and kept sparse: the cache saves their SQL, not memory)
GIVEN_KEPT = 4
#: victims whose chances are computed at once (a test's rows in chunks of this many; a running test's next ones)
CHUNK = 64

SQL: dict[str, str] = {
    "orders": (
        "CREATE OR REPLACE TABLE o AS SELECT CAST(person_id AS VARCHAR) AS person_id, "
        "CAST(merchant_id AS VARCHAR) AS shop, CAST(outlet_id AS VARCHAR) AS outlet, epoch_us(time) AS t, "
        "CAST(city AS VARCHAR) AS city, CAST({order_id} AS VARCHAR) AS order_id FROM read_parquet(?)"
    ),
    # each victim's own orders in its window, and its city (the buyer's, from its orders)
    # (a victim whose cases quote some of its orders: those orders only, `quoted_orders`)
    "own": (
        "CREATE OR REPLACE TABLE own AS SELECT v.vi, o.shop, o.outlet, o.t, o.city, o.order_id FROM q_victims v "
        "JOIN o ON o.person_id = v.person_id AND o.t >= v.lo AND o.t < v.hi "
        "WHERE v.vi NOT IN (SELECT vi FROM q_quoted) "
        "OR EXISTS (SELECT 1 FROM q_quoted q WHERE q.vi = v.vi AND q.order_id = o.order_id)"
    ),
    # the victims' orders in the longest window, with what a scammer may quote of them
    "quotable": (
        "SELECT q.vi, CAST(o.order_id AS VARCHAR), CAST(o.merchant_id AS VARCHAR), {fields} FROM read_parquet(?) o "
        "JOIN q_people q ON CAST(o.person_id AS VARCHAR) = q.person_id AND epoch_us(o.time) >= q.lo "
        "AND epoch_us(o.time) < q.hi ORDER BY q.vi, epoch_us(o.time)"
    ),
    "strata": (
        "CREATE OR REPLACE TABLE vs AS SELECT v.vi, v.lo, v.hi, s.city, s.n FROM q_victims v JOIN "
        "(SELECT vi, mode(city) AS city, count(*) AS n FROM own GROUP BY vi) s USING (vi)"
    ),
    "sold": "CREATE OR REPLACE TABLE sold AS SELECT city, t, shop AS m FROM o UNION ALL SELECT city, t, outlet FROM o",
    "candidates": (
        "CREATE OR REPLACE TABLE cand AS SELECT DISTINCT m FROM (SELECT shop AS m FROM own UNION ALL "
        "SELECT outlet FROM own) WHERE m IS NOT NULL"
    ),
    # per victim: its stratum's orders, and the stratum's orders from each candidate merchant
    "totals": (
        "SELECT vs.vi, count(*) AS n_all FROM vs JOIN o ON o.city = vs.city AND o.t >= vs.lo AND o.t < vs.hi "
        "GROUP BY vs.vi ORDER BY vs.vi"
    ),
    "counts": (
        "SELECT vs.vi, x.m, count(*) AS k FROM vs JOIN sold x ON x.city = vs.city AND x.t >= vs.lo AND x.t < vs.hi "
        "JOIN cand USING (m) GROUP BY vs.vi, x.m"
    ),
    "tested": (
        "SELECT count(DISTINCT x.m) FROM (SELECT DISTINCT city, lo, hi FROM vs) s JOIN sold x "
        "ON x.city = s.city AND x.t >= s.lo AND x.t < s.hi"
    ),
    "own_counts": (
        "SELECT vi, m, count(*) AS k FROM (SELECT vi, shop AS m FROM own UNION ALL SELECT vi, outlet FROM own) "
        "WHERE m IS NOT NULL GROUP BY vi, m"
    ),
    "evidence": "SELECT vi, shop, outlet, order_id, t FROM own ORDER BY vi, t",
    # what explaining away takes out of each stratum: the orders of the explaining merchants (as shop or outlet)
    "pairs": "CREATE OR REPLACE TABLE pairs AS SELECT city, t, shop, outlet FROM o",
    "explained_orders": (
        "CREATE OR REPLACE TEMP TABLE ex AS SELECT city, t, shop, outlet FROM pairs "
        "WHERE shop IN (SELECT m FROM q_e) OR outlet IN (SELECT m FROM q_e)"
    ),
    "explained_totals": (
        "SELECT vs.vi, count(*) FROM {vs} vs JOIN ex ON ex.city = vs.city AND ex.t >= vs.lo AND ex.t < vs.hi "
        "GROUP BY vs.vi"
    ),
    "explained_counts": (
        "SELECT vs.vi, x.m, count(*) AS k FROM {vs} vs JOIN (SELECT city, t, shop AS m FROM ex UNION ALL "
        "SELECT city, t, outlet FROM ex) x ON x.city = vs.city AND x.t >= vs.lo AND x.t < vs.hi "
        "JOIN cand USING (m) GROUP BY vs.vi, x.m"
    ),
}


@dataclass
class LeakParams:
    """The windows before contact, the false-discovery level and the fewest victims a suspect needs."""

    windows_days: tuple[float, ...] = (14.0, 56.0)
    alpha: float = 0.05
    min_victims: int = 2
    #: at most this many suspects explain away the victims who bought from them (0: every merchant is tested on
    #: every victim, as before explaining away)
    explain: int = 10
    #: the lengths of the periods of the order's time scanned (each starting every half its length; empty: no
    #: scan)
    scan_days: tuple[float, ...] = (7.0, 14.0)
    #: test a victim on the orders their cases quote (`quoted_orders`) when the text names some of them
    quotes: bool = True

    @property
    def window_days(self) -> float:
        """The longest window (the orders any test looks at)."""
        return max(self.windows_days)

    def validate(self) -> None:
        for w in self.windows_days or (0.0,):
            if not w > 0:
                raise InputError("E823", where="--window", option="--window", bound="> 0", value=w)
        if not 0 < self.alpha < 1:
            raise InputError("E831", where="--alpha", option="--alpha", value=self.alpha)
        if self.min_victims < 1:
            option = "--min-victims"
            raise InputError("E824", where=option, option=option, min=1, value=self.min_victims)
        for d in self.scan_days:
            if not d > 0:
                raise InputError("E823", where="--period", option="--period", bound="> 0", value=d)
        if self.explain < 0:
            option = "--explain"
            raise InputError("E824", where=option, option=option, min=0, value=self.explain)


@dataclass
class Victim:
    """A person to compare: when they were contacted, and the cases (or alerts) that name them."""

    person_id: str
    t: int
    cases: list[str] = field(default_factory=list)  # case ids (reports, alerts), or ["KIND:KEY"] (a contact)
    cluster: int = -1
    #: µs: when the centre learnt of them, before any report of theirs (alerted, contacted)
    known: int | None = None
    #: report (they reported) | alert (the warning engine's) | contact (a listed identifier's)
    via: str = "report"
    #: what their cases say (reports' and alerts' texts): the details of the order the gang quoted
    quotes: str = ""


@dataclass
class Suspect:
    """A merchant over-represented among a scope's victims (in the window where it is most so)."""

    merchant_id: str
    victims: int
    expected: float
    p_value: float
    q_value: float
    significant: bool
    rank: int = 0
    window_days: float = 0.0
    period_start: int | None = None  # µs: the suspect stands out in a period of the order's time (the scan)
    period_days: float = 0.0
    evidence: list[tuple[str, str, int]] = field(default_factory=list)  # (person, order_id, time µs)

    @property
    def ratio(self) -> float:
        return self.victims / self.expected if self.expected > 0 else math.inf


Stats = tuple[list[npt.NDArray[np.int64]], list[F64], list[F64]]  # per window: counts, p-values, expected


class Strata:
    """For a set of victims and each window: each one's chance p(v, m) of buying from each candidate merchant
    under the null, and whether it did; the orders that show it. What the chances are made of (the stratum's
    orders from each merchant, the victim's own: `_Part`) is counted once with DuckDB and kept as small
    integers; any subset of the victims (a cluster, the first k reports) is then tested without SQL, its
    chances computed for its rows when the test reads them (`chances`): a few victims at a time, not dense
    victims × merchants matrices of floats for every victim and every step of explaining away. A row's chances
    are computed with all of its columns, always (how numpy raises to a power depends on the length of the
    rows: another set of columns may give another last bit), and never alone (`_Part.chances`): the p-values
    are the same to the bit however the rows are chunked.

    **Explaining away** (`LeakParams.explain`): the test is stepwise. The most significant suspect is taken as
    a leak; the victims who bought from it (in the window tested) are explained by it and left out when every
    other merchant is tested again, and the chance of the victims left is taken conditional on their not having
    bought from it: each of their orders is drawn like the stratum's orders that do not involve it (p′ below).
    Then the next most significant suspect of that test, and so on, until no merchant is suspected beyond the
    ones chosen (or `explain` are). A merchant chosen at step k keeps the p-value of step k (tested given the
    k − 1 before it); the others are tested given all of them; Benjamini–Hochberg over the same family as
    without it. Under the null for a merchant m — its buyers among the victims are like the stratum's — the
    victims' purchases from m given their purchases from the explaining merchants E are still independent, with

        p′(v, m) = 1 − (1 − (K − K_E) / (N − N_E))^n

    (K_E, N_E: the stratum's orders from m that involve E, and all of its orders that do; n the victim's orders
    in the window): the test of m given E is exact for a given E. E is chosen from the data, by tests of other
    merchants; their counts depend on m's only through the multinomial link of one victim's orders (small when
    the stratum has many merchants) — the evaluation counts the merchants that are no leak suspected at any look
    of a replay, with and without it.

    A courier outlet is explained by the chosen outlets only, a shop by every chosen merchant: an outlet's
    leaked parcels are orders of the shops it delivers for, the big ones most, and a big shop chosen first took
    the outlet's own victims out of its test (on the medium world of seed 1 the outlet leak was found after 13
    of its reports instead of 9); a leaking outlet chosen first, on the other hand, takes its many victims out of
    the later shops' tests, which is what explaining away is for."""

    def __init__(self, orders: str | Path, victims: Sequence[Victim], params: LeakParams) -> None:
        self.victims = list(victims)
        self.params = params
        self.windows = sorted(set(params.windows_days))
        path = _orders_file(orders)
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        try:
            cols = [
                r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
            ]
        except duckdb.Error as exc:
            con.close()
            raise InputError("E007", where=str(path), reason=str(exc).splitlines()[0]) from None
        missing = [c for c in ORDER_COLUMNS if c not in cols]
        if missing:
            con.close()
            raise InputError("E834", where=str(path), columns=missing, valid=ORDER_COLUMNS)
        con.execute(SQL["orders"].format(order_id="order_id" if "order_id" in cols else "NULL"), [str(path)])
        con.execute(SQL["sold"])
        n_v = len(self.victims)
        longest = int(max(self.windows) * US_PER_DAY)
        #: victim index → the orders its cases quote (tested instead of all its orders in the window)
        self.quoted = quoted_orders(con, path, cols, self.victims, longest) if params.quotes else {}
        self.quoted_rows = np.zeros(n_v, dtype=np.bool_)
        self.quoted_rows[list(self.quoted)] = True
        pairs = [(vi, oid) for vi, ids in self.quoted.items() for oid in ids]
        con.register(
            "q_quoted",
            pa.table({"vi": pa.array([p[0] for p in pairs], pa.int64()),
                      "order_id": pa.array([p[1] for p in pairs], pa.string())}),
        )  # fmt: skip
        # per window (then the scan), what the chances are made of; they are computed from it for the rows a test
        # asks for, never kept for every victim and merchant
        self.parts: list[_Part] = []
        # the longest window first: its merchants (a superset of the shorter windows') are the columns
        for w in sorted(self.windows, reverse=True):
            window = int(w * US_PER_DAY)
            con.register(
                "q_victims",
                pa.table(
                    {
                        "vi": pa.array(range(n_v), pa.int64()),
                        "person_id": pa.array([v.person_id for v in self.victims], pa.string()),
                        "lo": pa.array([v.t - window for v in self.victims], pa.int64()),
                        "hi": pa.array([v.t for v in self.victims], pa.int64()),
                    }
                ),
            )
            for step in ("own", "strata"):
                con.execute(SQL[step])
            if not self.parts:
                con.execute(SQL["candidates"])
                self.merchants = [r[0] for r in con.execute("SELECT m FROM cand ORDER BY m").fetchall()]
                outlets = {r[0] for r in con.execute("SELECT DISTINCT outlet FROM own").fetchall()}
                shops = {r[0] for r in con.execute("SELECT DISTINCT shop FROM own").fetchall()}
                self.outlet = np.array(
                    [m in outlets and m not in shops for m in self.merchants], dtype=np.bool_
                )
                col = {m: j for j, m in enumerate(self.merchants)}
                con.register(
                    "q_col",
                    pa.table(
                        {
                            "m": pa.array(self.merchants, pa.string()),
                            "j": pa.array(range(len(self.merchants)), pa.int64()),
                        }
                    ),
                )
                row = con.execute(SQL["tested"]).fetchone()
                self.tested = int(row[0]) if row else 0
                self.evidence: dict[tuple[int, int], list[tuple[str, int]]] = defaultdict(list)
                for vi, shop, outlet, oid, t in con.execute(SQL["evidence"]).fetchall():
                    for m in (shop, outlet):
                        if m in col:
                            self.evidence[(int(vi), col[m])].append((str(oid), int(t)))
            n_all = np.zeros(n_v, dtype=np.float64)
            n_own = np.zeros(n_v, dtype=np.float64)
            for vi, n in con.execute("SELECT vi, n FROM vs").fetchall():
                n_own[int(vi)] = n
            for vi, n in con.execute(SQL["totals"]).fetchall():
                n_all[int(vi)] = n
            shape = (n_v, len(self.merchants))
            k = _compact(_Sparse.of(con, SQL["counts"], shape).dense(np.arange(n_v)))
            own = _compact(_Sparse.of(con, SQL["own_counts"], shape).dense(np.arange(n_v)))
            if not self.parts:
                self.has_orders = n_own > 0
                self.scan = _Scan(con, self, col, n_all, n_own) if params.scan_days else None
            self.parts.insert(0, _Part(k, own, n_all, n_own, self.outlet))
            con.execute(
                f"CREATE OR REPLACE TABLE vs{len(self.windows) - len(self.parts)} AS SELECT * FROM vs"
            )
            con.unregister("q_victims")
        con.unregister("q_quoted")
        if self.scan is not None:
            self.parts.append(self.scan.part)
        # what explaining away needs later: each window's strata and the orders' (shop, outlet) pairs
        con.execute(SQL["pairs"])
        for table in ("o", "sold", "own", "vs"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        self._con = con
        weakref.finalize(self, con.close)
        # what the chances given each set of explaining merchants are made of, the latest `GIVEN_KEPT` kept
        self._given: OrderedDict[tuple[int, ...], _Given] = OrderedDict()

    def given(self, chosen: Sequence[int]) -> tuple[_Given | None, _Given | None]:
        """What the chances p′(v, m) and the purchases given the merchants `chosen` (column indices) are made
        of: for a shop, given every chosen merchant; for a courier outlet, given the chosen outlets only (see the
        class) — except on the victims tested on the order their scammer quoted (`quoted_orders`, `chances`).
        None: given no merchant."""
        picked = set(chosen)
        every = self._given_set(tuple(sorted(picked)))
        outlets = self._given_set(tuple(sorted(j for j in picked if self.outlet[j])))
        return every, outlets

    def chances(
        self, given: tuple[_Given | None, _Given | None], part: int, idx: npt.NDArray[np.int64]
    ) -> tuple[F64, npt.NDArray[np.bool_]]:
        """The chances p′(v, m) and the purchases of the victims `idx` (rows in this order) in `part` (a window,
        or the scan after them) given what `given` gives — a victim explained for m has chance 0 and no purchase:
        it is out of m's test. Computed `CHUNK` victims at a time, every column of a row together (a row's
        chances do not depend on the other rows computed with it)."""
        every, outlets = given
        pt = self.parts[part]
        p = np.empty((len(idx), pt.width), dtype=np.float64)
        b = np.empty((len(idx), pt.width), dtype=np.bool_)
        for a in range(0, len(idx), CHUNK):
            rows = idx[a : a + CHUNK]
            p_e, b_e = pt.chances(every, part, rows)
            if outlets is not every:
                # a courier outlet given the chosen outlets only — but on a victim tested on the order its scammer
                # quoted, given every chosen merchant: that order from a chosen shop is the shop's leaked record,
                # whichever outlet delivered it (else a shop's leak, its quoted orders all of its days, makes the
                # big outlets that delivered them stand out in the scan's periods)
                p_o, b_o = pt.chances(outlets, part, rows)
                by_outlets = pt.outlet[None, :] & ~self.quoted_rows[rows][:, None]
                p_e = np.where(by_outlets, p_o, p_e)
                b_e = np.where(by_outlets, b_o, b_e)
            p[a : a + len(rows)] = p_e
            b[a : a + len(rows)] = b_e
        return p, b

    def _given_set(self, key: tuple[int, ...]) -> _Given | None:
        if not key:
            return None
        if key in self._given:
            self._given.move_to_end(key)
            return self._given[key]
        con = self._con
        con.register("q_e", pa.table({"m": pa.array([self.merchants[j] for j in key], pa.string())}))
        con.execute(SQL["explained_orders"])
        n_es: list[F64] = []
        k_es: list[_Sparse] = []
        lefts: list[npt.NDArray[np.bool_]] = []
        for w in range(len(self.windows)):
            n_e = np.zeros(len(self.victims), dtype=np.float64)
            for vi, n in con.execute(SQL["explained_totals"].format(vs=f"vs{w}")).fetchall():
                n_e[int(vi)] = n
            k_e = _Sparse.of(con, SQL["explained_counts"].format(vs=f"vs{w}"), self.parts[w].k.shape)
            # a victim left has no order of its own that involves E: its own come off K and N as they are
            left: npt.NDArray[np.bool_] = ~np.any(self.parts[w].bought[:, list(key)], axis=1)
            n_es.append(n_e)
            k_es.append(k_e)
            lefts.append(left)
        if self.scan is not None:  # given E in the longest window, as its test
            k_es.append(self.scan.explained(key))
            n_es.append(n_es[-1])
            lefts.append(lefts[-1])
        con.unregister("q_e")
        self._given[key] = _Given(n_es, k_es, lefts)
        while len(self._given) > GIVEN_KEPT:  # the sets least recently used go
            self._given.popitem(last=False)
        return self._given[key]

    def _rows(self, subset: Iterable[int] | None) -> npt.NDArray[np.int64]:
        idx = np.array(
            sorted(set(subset)) if subset is not None else range(len(self.victims)), dtype=np.int64
        )
        return idx[self.has_orders[idx]] if len(idx) else idx

    def _stats(self, idx: npt.NDArray[np.int64], chosen: Sequence[int]) -> Stats:
        """Every merchant's counts, p-values and expected counts per window among the victims `idx` left by
        `chosen`, given `chosen` (one window's chances at a time)."""
        given = self.given(chosen)
        xs, pvs, expected = [], [], []
        for part in range(len(self.parts)):
            p, b = self.chances(given, part, idx)
            x = b.sum(axis=0).astype(np.int64)
            del b
            xs.append(x)
            pvs.append(upper_tail(p, x))
            expected.append(p.sum(axis=0))
        return xs, pvs, expected

    def test(self, subset: Iterable[int] | None = None) -> list[Suspect]:
        """The merchants tested for the victims in `subset` (indices; default all), ranked: suspects first."""
        idx = self._rows(subset)
        if len(idx) == 0 or not self.merchants:
            return []
        chain: list[int] = []
        levels = [self._stats(idx, ())]
        while True:
            ranked, nxt = self._round(levels, chain)
            if nxt is None:
                return ranked
            chain.append(nxt)
            levels.append(self._stats(idx, chain))

    def _round(
        self, levels: Sequence[Stats], chain: Sequence[int], *, only: bool = False
    ) -> tuple[list[Suspect], int | None]:
        """One step of explaining away: the chosen merchants (`chain`, each with its own level's figures: given
        the ones before it) and the others given all of them, ranked; and the next to choose — the first suspect
        not chosen yet — unless `explain` are."""
        last = levels[-1]
        xs = [a.copy() for a in last[0]]
        pvs = [a.copy() for a in last[1]]
        expected = [a.copy() for a in last[2]]
        for k, j in enumerate(chain):
            for w in range(len(xs)):
                at = j if w < len(self.windows) or self.scan is None else self.scan.merchant == j
                xs[w][at] = levels[k][0][w][at]
                pvs[w][at] = levels[k][1][w][at]
                expected[w][at] = levels[k][2][w][at]
        ranked = self._suspects(xs, pvs, expected, only=only)
        if len(chain) >= self.params.explain:
            return ranked, None
        index = {m: j for j, m in enumerate(self.merchants)}
        taken = set(chain)
        for s in ranked:
            if not s.significant:
                break
            if index[s.merchant_id] not in taken:
                return ranked, index[s.merchant_id]
        return ranked, None

    def _suspects(
        self,
        xs: Sequence[npt.NDArray[np.int64]],
        pvs: Sequence[F64],
        expected: Sequence[F64],
        *,
        only: bool = False,
    ) -> list[Suspect]:
        """Each merchant's p-value: its smallest over the windows, times their number (Bonferroni), then
        Benjamini–Hochberg over the merchants; ranked, suspects first (`only`: the suspects alone)."""
        n_w = len(self.windows)
        stack = np.vstack(pvs[:n_w])
        best = np.argmin(stack, axis=0)
        cols = np.arange(stack.shape[1])
        pv = np.minimum(stack[best, cols] * n_w, 1.0)
        x_best = np.vstack(xs[:n_w])[best, cols]
        e_best = np.vstack(expected[:n_w])[best, cols]
        x_any = np.vstack(xs[:n_w]).max(axis=0)  # a buyer in some window
        pair = np.full(len(cols), -1, dtype=np.int64)
        if self.scan is not None:
            # half of each merchant's α to its windows, half to its periods (Bonferroni within the merchant)
            pv_scan, pair = self.scan.best(pvs[n_w])
            scan_wins = pv_scan * 2 < pv * 2
            pv = np.minimum(np.minimum(pv, pv_scan) * 2, 1.0)
            pair = np.where(scan_wins, pair, -1)
            x_best = np.where(scan_wins, xs[n_w][np.maximum(pair, 0)], x_best)
            e_best = np.where(scan_wins, expected[n_w][np.maximum(pair, 0)], e_best)
        family = max(self.tested, int((x_any > 0).sum()))
        q = bh(pv, family)
        out: list[Suspect] = []
        for j in np.flatnonzero(x_any > 0).tolist():
            sig = bool(q[j] <= self.params.alpha and x_best[j] >= self.params.min_victims)
            if only and not sig:
                continue
            s = Suspect(
                self.merchants[j],
                int(x_best[j]),
                float(e_best[j]),
                float(pv[j]),
                float(q[j]),
                sig,
                window_days=max(self.windows) if pair[j] >= 0 else self.windows[int(best[j])],
            )
            if pair[j] >= 0 and self.scan is not None:
                s.period_start, s.period_days = self.scan.period(int(pair[j]))
            out.append(s)
        out.sort(key=lambda s: (not s.significant, s.p_value, -s.ratio, s.merchant_id))
        for r, s in enumerate(out, start=1):
            s.rank = r
        return out

    def running(self, order: Sequence[int]) -> Iterator[list[Suspect]]:
        """After each victim of `order` (indices, in the order they came), the suspects among the victims so
        far — what `test(order[:k + 1])` gives, suspects only, without recomputing the tails from the start:
        the distribution of each merchant's count is carried along (one Bernoulli more per victim, an
        absorbing state at the largest count reached), one for each step of explaining away; a step whose
        chosen merchant changes is computed again from the victims so far."""
        rows = np.array([i for i in order if self.has_orders[i]], dtype=np.int64)
        caps = [pt.bought[rows].sum(axis=0).astype(np.int64) for pt in self.parts]
        seen: list[int] = []
        chain: list[int] = []
        levels = [_Running(self, (), caps, rows)]
        for i in order:
            if self.has_orders[i]:
                seen.append(i)
                for level in levels:
                    level.add(i)
            if not seen or not self.merchants:
                yield []
                continue
            stats: list[Stats] = []
            k = 0
            while True:
                stats += [lv.stats() for lv in levels[len(stats) : k + 1]]
                ranked, nxt = self._round(stats, chain[:k], only=True)
                if nxt is None:
                    del chain[k:], levels[k + 1 :]
                    break
                if k >= len(chain) or chain[k] != nxt:
                    del chain[k:], levels[k + 1 :], stats[k + 1 :]
                    chain.append(nxt)
                    level = _Running(self, tuple(chain), caps, rows)
                    for j in seen:
                        level.add(j)
                    levels.append(level)
                k += 1
            yield ranked

    def orders_of(self, suspect: Suspect, subset: Iterable[int] | None = None) -> list[tuple[str, str, int]]:
        """(person, order_id, time) of the victims' orders from the suspect's merchant, in their windows (the
        suspect's window)."""
        j = self.merchants.index(suspect.merchant_id)
        chosen = set(subset) if subset is not None else set(range(len(self.victims)))
        span = int((suspect.window_days or self.params.window_days) * US_PER_DAY)
        a, b = -(2**62), 2**62
        if suspect.period_start is not None:
            a, b = suspect.period_start, suspect.period_start + int(suspect.period_days * US_PER_DAY)
        return [
            (self.victims[vi].person_id, oid, t)
            for vi in sorted(chosen)
            for oid, t in self.evidence.get((vi, j), [])
            if t >= self.victims[vi].t - span and a <= t < b
        ]


class _Running:
    """The count distributions of every merchant, per window, among the victims so far that `chosen` leaves,
    given `chosen` (one step of the running test). The merchants are kept in blocks of similar largest count
    (`caps`: at most their count among all the victims), so a merchant few victims bought from costs little.
    The chances of the victims `rows` (those the running test may add, in the order it adds them) are computed
    `CHUNK` at a time, when the first of them is added: a step holds a few victims' rows, not every victim's."""

    def __init__(
        self,
        strata: Strata,
        chosen: tuple[int, ...],
        caps: Sequence[npt.NDArray[np.int64]],
        rows: npt.NDArray[np.int64],
    ) -> None:
        self.strata = strata
        self.given = strata.given(chosen)
        self.rows = rows
        self.row = np.full(len(strata.victims), -1, dtype=np.int64)
        self.row[rows] = np.arange(len(rows))
        # the chances and purchases per part of the rows from `first` on (at most `CHUNK`)
        self.first = 0
        self.chunk: list[tuple[F64, npt.NDArray[np.bool_]]] = []
        self.blocks: list[list[tuple[npt.NDArray[np.int64], F64]]] = []
        for cap in caps:
            size = 1 << np.ceil(np.log2(cap + 1)).astype(np.int64)  # a power of two above each cap
            blocks = []
            for width in np.unique(size).tolist():
                cols = np.flatnonzero(size == width)
                d = np.zeros((len(cols), int(width) + 1), dtype=np.float64)
                d[:, 0] = 1.0
                blocks.append((cols, d))
            self.blocks.append(blocks)
        self.xs = [np.zeros(len(c), dtype=np.int64) for c in caps]
        self.expected = [np.zeros(len(c), dtype=np.float64) for c in caps]

    def add(self, victim: int) -> None:
        r = int(self.row[victim])
        if not (self.chunk and self.first <= r < self.first + len(self.chunk[0][0])):
            idx = self.rows[r : r + CHUNK]
            self.first = r
            self.chunk = [self.strata.chances(self.given, part, idx) for part in range(len(self.blocks))]
        i = r - self.first
        for k, (blocks, (p, bought)) in enumerate(zip(self.blocks, self.chunk, strict=True)):
            for cols, d in blocks:
                q = p[i, cols][:, None]
                moved = d[:, :-1] * q
                d[:, :-1] *= 1.0 - q
                d[:, 1:] += moved
            self.xs[k] += bought[i]
            self.expected[k] += p[i]

    def stats(self) -> Stats:
        pvs = []
        for blocks, x in zip(self.blocks, self.xs, strict=True):
            pv = np.ones(len(x), dtype=np.float64)
            for cols, d in blocks:
                tail = np.cumsum(d[:, ::-1], axis=1)[:, ::-1]
                pv[cols] = tail[np.arange(len(cols)), x[cols]]
            pvs.append(np.minimum(pv, 1.0))
        return self.xs, pvs, self.expected


class _Scan:
    """The scan over the order's time: a leak is a period — the leaked orders of all its victims fall in some
    days — while the other buyers' orders from the merchant spread over the weeks. For each merchant m and each
    period [a, b) (`LeakParams.scan_days` long, starting every half their length, over the victims' longest
    windows), a victim *bought from m in the period* when one of its orders of the longest window is from m and
    placed in [a, b); were its n orders drawn like its stratum's, with their times, the chance is

        p(v, m, [a, b)) = 1 − (1 − K_ab/N)^n

    (K_ab: the stratum's orders from m placed in [a, b), the victim's own left out; N, n: the window's). The
    count of victims who did is Poisson-binomial as in the window test, and its tail is exact; a merchant's
    smallest over the periods is multiplied by their number (Bonferroni). Only the pairs (m, period) with at
    least `min_victims` victims among all the victims are kept (a pair with fewer can never be suspected in any
    subset): the rest have p = 1."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        strata: Strata,
        col: dict[str, int],
        n_all: F64,
        n_own: F64,
    ) -> None:
        prm = strata.params
        longest = int(max(strata.windows) * US_PER_DAY)
        times = [v.t for v in strata.victims]
        lo_all, hi_all = (min(times) - longest, max(times)) if times else (0, 0)
        starts: list[int] = []
        spans: list[int] = []
        for days in sorted(set(prm.scan_days)):
            span = int(days * US_PER_DAY)
            starts += list(range(lo_all, hi_all, max(span // 2, 1)))
            spans += [span] * (len(starts) - len(spans))
        self.starts = np.array(starts, dtype=np.int64)
        self.ends = self.starts + np.array(spans, dtype=np.int64)
        self.count = len(starts)
        self.n_merchants = len(strata.merchants)
        # the victims' own orders (longest window) in each period: who bought from whom when
        own: dict[tuple[int, int], list[int]] = defaultdict(list)
        for vi, shop, outlet, t in con.execute("SELECT vi, shop, outlet, t FROM own").fetchall():
            for m in (shop, outlet):
                if m in col:
                    own[(col[m], int(vi))].append(int(t))
        buyers: dict[tuple[int, int], set[int]] = defaultdict(set)
        for (j, vi), ts in own.items():
            for t in ts:
                for pi in np.flatnonzero((self.starts <= t) & (t < self.ends)).tolist():
                    buyers[(j, pi)].add(vi)
        pairs = sorted(k for k, b in buyers.items() if len(b) >= prm.min_victims)
        self.merchant = np.array([j for j, _ in pairs], dtype=np.int64)
        self.pair_period = np.array([pi for _, pi in pairs], dtype=np.int64)
        n_v = len(strata.victims)
        # each victim's stratum (the longest window's): city code, lo, hi
        cities = [r[0] for r in con.execute("SELECT DISTINCT city FROM vs ORDER BY city").fetchall()]
        code = {c: i for i, c in enumerate(cities)}
        self.city = np.full(n_v, -1, dtype=np.int64)
        for vi, c in con.execute("SELECT vi, city FROM vs").fetchall():
            self.city[int(vi)] = code[c]
        self.lo = np.array([v.t - longest for v in strata.victims], dtype=np.int64)
        self.hi = np.array(times, dtype=np.int64)
        # the orders of the merchants in a pair, in the victims' cities: time and the order's other merchant
        ms = sorted(set(self.merchant.tolist()))
        names = pa.array(strata.merchants, pa.string())
        picked = pa.array(ms, pa.int64())
        con.register("q_m", pa.table({"m": names.take(picked), "j": picked}))
        con.register("q_all", pa.table({"m": names, "j": pa.array(range(len(names)), pa.int64())}))
        con.register(
            "q_city", pa.table({"city": pa.array(cities, pa.string()), "c": pa.array(range(len(cities)))})
        )
        rows = con.execute(
            "SELECT mj, c, t, coalesce(partner, -1) AS partner FROM ("
            "SELECT q.j AS mj, o.city, o.t, p.j AS partner FROM o JOIN q_m q ON o.shop = q.m "
            "LEFT JOIN q_all p ON o.outlet = p.m WHERE o.t >= ? AND o.t < ? UNION ALL "
            "SELECT q.j, o.city, o.t, p.j FROM o JOIN q_m q ON o.outlet = q.m "
            "LEFT JOIN q_all p ON o.shop = p.m WHERE o.t >= ? AND o.t < ?"
            ") x JOIN q_city USING (city) ORDER BY mj, c, t",
            [lo_all, hi_all, lo_all, hi_all],
        ).fetchnumpy()
        for name in ("q_m", "q_all", "q_city"):
            con.unregister(name)
        self.o_m = np.asarray(rows["mj"], dtype=np.int64)
        self.o_c = np.asarray(rows["c"], dtype=np.int64)
        self.o_t = np.asarray(rows["t"], dtype=np.int64)
        self.o_partner = np.asarray(rows["partner"], dtype=np.int64)
        self.n_cities = len(cities)
        self._victims_in = [np.flatnonzero(self.city == c) for c in range(len(cities))]
        pairs_of: dict[int, list[int]] = defaultdict(list)
        for x, j in enumerate(self.merchant.tolist()):
            pairs_of[j].append(x)
        self._pairs_of = {j: np.array(xs, dtype=np.int64) for j, xs in pairs_of.items()}
        k = np.zeros((n_v, len(self.merchant)), dtype=np.min_scalar_type(len(self.o_t)))
        for in_city, of_m, block in self._counts(np.ones(len(self.o_t), dtype=np.bool_)):
            k[np.ix_(in_city, of_m)] = block
        own_k = np.zeros_like(k)
        for (j, vi), ts in own.items():
            xs = self._pairs_of.get(j)
            if xs is not None:
                t = np.array(ts, dtype=np.int64)[:, None]
                inside = (t >= self.starts[self.pair_period[xs]]) & (t < self.ends[self.pair_period[xs]])
                own_k[vi, xs] = inside.sum(axis=0)
        self.part = _Part(_compact(k), _compact(own_k), n_all, n_own, strata.outlet[self.merchant])

    def _counts(
        self, keep: npt.NDArray[np.bool_]
    ) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
        """Per victim and pair, the stratum's orders (those `keep` marks) from the pair's merchant in the pair's
        period and the victim's window: one merchant and city at a time, its periods together — (victims,
        pairs, their counts) of each (the others are 0)."""
        sel = np.flatnonzero(keep)
        if not len(self.merchant) or not len(sel):
            return
        key_s = (self.o_m * self.n_cities + self.o_c)[sel]  # sorted: the orders are by merchant, city, time
        t_s = self.o_t[sel]
        groups, first = np.unique(key_s, return_index=True)
        last = np.r_[first[1:], len(key_s)]
        for g, i0, i1 in zip(groups.tolist(), first.tolist(), last.tolist(), strict=True):
            j, c = divmod(g, self.n_cities)
            xs = self._pairs_of.get(j)
            vs = self._victims_in[c]
            if xs is None or not len(vs):
                continue
            ts = t_s[i0:i1]
            lo = np.maximum(self.lo[vs][:, None], self.starts[self.pair_period[xs]][None, :])
            hi = np.minimum(self.hi[vs][:, None], self.ends[self.pair_period[xs]][None, :])
            yield vs, xs, np.maximum(np.searchsorted(ts, hi) - np.searchsorted(ts, lo), 0)

    def explained(self, key: tuple[int, ...]) -> _Sparse:
        """Per victim and pair, the stratum's orders that involve the merchants `key` (the order's other merchant
        is one of them): what explaining away takes out of K (the test given `key` is as the window test's
        longest window)."""
        rows, cols, vals = [], [], []
        for vs, xs, block in self._counts(np.isin(self.o_partner, np.array(key, dtype=np.int64))):
            r, c = np.nonzero(block)
            rows.append(vs[r])
            cols.append(xs[c])
            vals.append(block[r, c])
        return _Sparse((len(self.city), len(self.merchant)), rows, cols, vals)

    def best(self, pv: F64) -> tuple[F64, npt.NDArray[np.int64]]:
        """Per merchant: its smallest p-value over its pairs times the number of periods (1 without a pair), and
        that pair (-1 without)."""
        out_p = np.ones(self.n_merchants, dtype=np.float64)
        out_x = np.full(self.n_merchants, -1, dtype=np.int64)
        if len(self.merchant):
            order = np.lexsort((pv, self.merchant))  # by merchant, then p-value
            m = self.merchant[order]
            first = order[np.r_[True, m[1:] != m[:-1]]]
            out_p[self.merchant[first]] = np.minimum(pv[first] * self.count, 1.0)
            out_x[self.merchant[first]] = first
        return out_p, out_x

    def period(self, x: int) -> tuple[int, float]:
        pi = int(self.pair_period[x])
        return int(self.starts[pi]), float((self.ends[pi] - self.starts[pi]) / US_PER_DAY)


def _compact(counts: npt.NDArray[Any]) -> npt.NDArray[np.unsignedinteger[Any]]:
    """Counts (whole, ≥ 0) in the smallest unsigned integers that hold them: exactly the same numbers."""
    return counts.astype(np.min_scalar_type(int(counts.max(initial=0))))


class _Sparse:
    """A victims × columns matrix of counts, mostly zero: each row's columns that are not, and their counts
    (compressed rows)."""

    def __init__(
        self,
        shape: tuple[int, int],
        rows: Sequence[npt.NDArray[np.int64]],
        cols: Sequence[npt.NDArray[np.int64]],
        vals: Sequence[npt.NDArray[Any]],
    ) -> None:
        r = np.concatenate([np.zeros(0, dtype=np.int64), *rows])
        order = np.argsort(r, kind="stable")
        self.width = shape[1]
        self.start = np.zeros(shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(r, minlength=shape[0]), out=self.start[1:])
        self.cols = np.concatenate([np.zeros(0, dtype=np.int64), *cols])[order].astype(np.int32)
        self.vals = _compact(np.concatenate([np.zeros(0, dtype=np.int64), *vals])[order])

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, sql: str, shape: tuple[int, int]) -> _Sparse:
        """The counts of a query of (vi, m, k), m a candidate merchant (the table q_col gives its column)."""
        got = con.execute(f"SELECT x.vi, q.j, x.k FROM ({sql}) x JOIN q_col q USING (m)").fetchnumpy()
        return cls(shape, [np.asarray(got["vi"], dtype=np.int64)], [np.asarray(got["j"], dtype=np.int64)],
                   [np.asarray(got["k"], dtype=np.int64)])  # fmt: skip

    def dense(self, idx: npt.NDArray[np.int64]) -> F64:
        """The rows `idx`, in this order."""
        out = np.zeros((len(idx), self.width), dtype=np.float64)
        lo = self.start[idx]
        n = self.start[idx + 1] - lo
        at = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
        out[np.repeat(np.arange(len(idx)), n), self.cols[at]] = self.vals[at]
        return out


@dataclass
class _Part:
    """One test's columns — a window's candidate merchants, or the scan's (merchant, period) pairs — and what
    its chances are made of: per victim and column the stratum's orders (K, the victim's own among them) and
    the victim's own, in compact integers; per victim all of the stratum's orders (N) and its own (n)."""

    k: npt.NDArray[np.unsignedinteger[Any]]
    own: npt.NDArray[np.unsignedinteger[Any]]
    n_all: F64
    n_own: F64
    #: the columns that are courier outlets (tested given the chosen outlets only)
    outlet: npt.NDArray[np.bool_]
    bought: npt.NDArray[np.bool_] = field(init=False)

    def __post_init__(self) -> None:
        self.bought = self.own > 0

    @property
    def width(self) -> int:
        return int(self.k.shape[1])

    def chances(
        self, given: _Given | None, part: int, idx: npt.NDArray[np.int64]
    ) -> tuple[F64, npt.NDArray[np.bool_]]:
        """The rows `idx` of p′ = 1 − (1 − (K − K_E) / (N − N_E))^n and of the purchases, given the explaining
        merchants E of `given` (None: given none, K_E = N_E = 0) — 0 and none for the victims E explains.

        The same to the bit as the rows of one computation over every victim, whichever rows are computed
        together, with one exception that is avoided: numpy raises one row to its power otherwise than several
        (a row's exponent is then a scalar to it, and its shortcut squares exactly where the vectorised power
        rounds: n = 2 gave another last bit), so a row alone is computed beside itself, as it was among the
        others."""
        if len(idx) == 1 and len(self.n_own) > 1:
            p, b = self.chances(given, part, np.r_[idx, idx])
            return p[:1], b[:1]
        k = self.k[idx].astype(np.float64)
        own = self.own[idx].astype(np.float64)
        if given is None:
            return _chance(k - own, self.n_all[idx] - self.n_own[idx], self.n_own[idx]), self.bought[idx]
        p = _chance(
            k - given.k_e[part].dense(idx) - own,
            self.n_all[idx] - given.n_e[part][idx] - self.n_own[idx],
            self.n_own[idx],
        )
        left = given.left[part][idx]
        return np.where(left[:, None], p, 0.0), self.bought[idx] & left[:, None]


@dataclass
class _Given:
    """Per part (the windows, then the scan): the stratum's orders that involve a set of explaining merchants E
    (all of them, N_E, and from each column, K_E: mostly zero), and the victims E leaves (who bought from none of
    E in the window; the scan's are the longest window's)."""

    n_e: list[F64]
    k_e: list[_Sparse]
    left: list[npt.NDArray[np.bool_]]


def _chance(k: F64, n: F64, n_own: F64) -> F64:
    """1 − (1 − K/N)^n: the chance that one of a victim's n orders is from the merchant, were they drawn like
    the N orders of its stratum (K of them from the merchant; the victim's own are not among them). K and N get
    half an order each (Jeffreys): a merchant that sold to no one else in the stratum has a small chance, not
    none — with none, the victim's own purchase from it was an impossible event and its p-value 0."""
    share = np.clip((k + 0.5) / (np.maximum(n, 0.0) + 0.5)[:, None], 0.0, 1.0)
    return 1.0 - (1.0 - share) ** n_own[:, None]


def upper_tail(p: F64, x: npt.NDArray[np.int64]) -> F64:
    """P(X_m ≥ x_m) for each column m, X_m a sum of independent Bernoulli(p[:, m]) (Poisson-binomial), exactly:
    the distribution of the count up to x_m − 1 with an absorbing state for "x_m or more", one victim at a
    time, merchants with the same x_m together."""
    out = np.ones(p.shape[1], dtype=np.float64)
    for value in np.unique(x):
        if value <= 0:
            continue
        cols = np.flatnonzero(x == value)
        pm = p[:, cols]  # victims × merchants
        if value > pm.shape[0]:
            out[cols] = 0.0
            continue
        state = np.zeros((len(cols), int(value) + 1), dtype=np.float64)
        state[:, 0] = 1.0
        for row in pm:
            q = row[:, None]
            moved = state[:, :-1] * q
            state[:, :-1] *= 1.0 - q
            state[:, 1:] += moved
        out[cols] = state[:, -1]
    return out


def bh(p: F64, family: int) -> F64:
    """Benjamini–Hochberg q-values of `p` in a family of `family` tests (the others have p = 1)."""
    m = max(family, len(p))
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, len(p) + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(q, 1.0)
    return out


def _orders_file(orders: str | Path) -> Path:
    p = Path(orders)
    if p.is_dir():
        p = p / "orders.parquet"
    if not p.is_file():
        raise InputError("E830", where=str(p))
    return p


#: the columns of an order a scammer may quote (beside its shop's name, `merchant_names`), when the orders have
#: them
QUOTABLE = ("tracking_no", "item", "platform", "courier")
_FOLD_DROP = re.compile(r"[\s\-_·.,，。:：]+")


def _fold(text: str) -> str:
    """Text as a quote is matched: full-width to ASCII, lower case, traditional to simplified
    (`fanzha.text.normalize.char_table`), without spaces and separators (an order number written in groups)."""
    return _FOLD_DROP.sub("", text.translate(char_table()))


def quoted_orders(
    con: duckdb.DuckDBPyConnection, path: Path, cols: Sequence[str], victims: Sequence[Victim], window: int
) -> dict[int, list[str]]:
    """The orders each victim's cases quote: of the victim's orders in the window before contact, those with the
    most details named in its cases' texts (`Victim.quotes`) — the order number, tracking number, item, platform,
    courier company, shop name; a longer name found is not found again inside it (京东物流 is no 京东) — when
    at least one is; victims quoting none are absent. The scammer quotes the order that leaked ("韵达客服，您从
    拼多多买的收纳箱快递丢了"): under the null for a merchant it is one order drawn like the stratum's, so the
    test takes it in place of all the victim's orders in the window (`Strata`), a far sharper chance for a
    courier outlet that delivers a fifth of a city's parcels. Nothing is conditioned on the details matched (a
    city has one outlet per courier company: the courier's name would leave the outlet no chance to stand out)."""
    if "order_id" not in cols:
        return {}
    texts = {i: _fold(v.quotes) for i, v in enumerate(victims) if v.quotes}
    if not texts:
        return {}
    have = [c for c in QUOTABLE if c in cols]
    con.register(
        "q_people",
        pa.table(
            {
                "vi": pa.array(list(texts), pa.int64()),
                "person_id": pa.array([victims[i].person_id for i in texts], pa.string()),
                "lo": pa.array([victims[i].t - window for i in texts], pa.int64()),
                "hi": pa.array([victims[i].t for i in texts], pa.int64()),
            }
        ),
    )
    fields = ", ".join(f"CAST(o.{c} AS VARCHAR)" for c in have) or "NULL"
    try:
        rows = con.execute(SQL["quotable"].format(fields=fields), [str(path)]).fetchall()
    finally:
        con.unregister("q_people")
    names = {m: str(v["name"]) for m, v in merchant_names(path).items() if v.get("name")}
    orders: dict[int, list[tuple[str, set[str]]]] = defaultdict(list)
    for vi, oid, shop, *rest in rows:
        details = {_fold(str(x)) for x in (oid, names.get(shop), *rest[: len(have)]) if x}
        orders[int(vi)].append((str(oid), {d for d in details if len(d) >= 2}))
    out: dict[int, list[str]] = {}
    for vi, mine in orders.items():
        text, found = texts[vi], set()
        for d in sorted({d for _, ds in mine for d in ds}, key=lambda x: (-len(x), x)):
            if d in text:
                found.add(d)
                text = text.replace(d, "\x00")
        scores = [len(ds & found) for _, ds in mine]
        best = max(scores)
        if best > 0:
            out[vi] = [oid for (oid, _), n in zip(mine, scores, strict=True) if n == best]
    return out


def merchant_names(orders: str | Path) -> dict[str, dict[str, Any]]:
    """merchant_id → name, kind, platform, city from merchants.parquet beside the orders (empty when absent)."""
    p = Path(orders)
    folder = p if p.is_dir() else p.parent
    m = folder / "merchants.parquet"
    if not m.is_file():
        return {}
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT merchant_id, name, kind, platform, city FROM read_parquet(?)", [str(m)]
        ).fetchall()
    except duckdb.Error:
        return {}
    finally:
        con.close()
    return {r[0]: {"name": r[1], "kind": r[2], "platform": r[3], "city": r[4]} for r in rows}


@dataclass
class Contacts:
    """The contacts of listed identifiers found in records: (person, kind, key, time µs) in time order, how
    many identifiers were looked for per kind, how many records were read and kept aside (the first one's place
    and code)."""

    contacts: list[tuple[str, str, str, int]]
    listed: dict[str, int] = field(default_factory=dict)
    records: int = 0
    kept_aside: int = 0
    first_kept_aside: str | None = None


def read_contacts(path: str | Path, listed: Iterable[tuple[str, str]]) -> Contacts:
    """The contacts made by the `listed` (kind, key) identifiers in the records at `path` — events
    (`fanzha.records.events`: a world folder, a Parquet or JSONL file, a folder of them) whose counterparty is a
    listed identifier of the kind their channel carries (`fanzha.text.identifiers.channel_kind`: a call or text
    without a channel is the phone network's), either direction. Rows that are no event are counted and kept
    aside, not an error: records of others' contacts are not the centre's to fix."""
    from fanzha.records.events import event_files, read_chunks

    wanted = frozenset(listed)
    out = Contacts([], dict(Counter(kind for kind, _ in wanted)))
    files = event_files(path)  # a path that is no records is an error even when nothing is listed
    if not wanted:
        return out
    for chunk in read_chunks(files, 65536):
        out.records += chunk.n
        if chunk.rejects:
            if out.first_kept_aside is None:
                out.first_kept_aside = str(chunk.rejects[0])
            out.kept_aside += len(chunk.rejects)
        for _, person, t, kind, channel, _, other, *_ in chunk.raws:
            if other is None:
                continue
            of = channel_kind(channel, kind)
            if of is not None and (of, other) in wanted:
                out.contacts.append((person, of, other, t))
    out.contacts.sort(key=lambda c: (c[3], c[0], c[1], c[2]))
    return out


def when(t: int) -> str:
    return datetime_of(t, TZ).isoformat(timespec="seconds")
