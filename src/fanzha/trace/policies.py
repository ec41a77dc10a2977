"""Attribution policies: which money leaves an account when it sends a transfer.

An account's money is a list of pieces `(label, hop, via, fen)`: whose money it is (a victim index, or
`CLEAN`), how many transfers it has travelled since the victim's seed transfer, and the position of the
transfer that brought it here (−1 for money that was there before tracing started). A policy is the
strategy the tracer injects into every tracked account:

- `fifo` — first in, first out: a queue; an outgoing transfer takes from the head (the sim's lineage rule);
- `lifo` — last in, first out: a stack; an outgoing transfer takes the most recent arrivals;
- `proportional` — haircut: every outgoing transfer takes the same share of every piece;
- `poison` — any victim money taints the whole account: every later outgoing transfer is entirely marked
  for every victim whose money entered (amounts are marks, not shares, so they are not conserved).

The first three conserve money exactly (integer fen). All four are bounded by the lowest intermediate
balance, which the engine tracks separately for every account.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Protocol

from fanzha.registry import Registry
from fanzha.trace.model import CLEAN

Piece = tuple[int, int, int, int]  # (label, hop, via, fen)


class AccountState(Protocol):
    """The money of one tracked account under a policy."""

    balance: int

    def put(self, amount: int, pieces: list[Piece]) -> None:
        """Receive a transfer of `amount` fen made of `pieces` (in the order they were taken)."""
        ...

    def take(self, amount: int) -> list[Piece]:
        """Send `amount` fen; the pieces taken (for conserving policies they sum to at most `amount`: a
        shortfall means the ledger shows more leaving than the account held)."""
        ...

    def held(self) -> list[Piece]:
        """The victims' pieces still in the account."""
        ...


class _Ordered:
    """Pieces in arrival order; FIFO takes from the head, LIFO from the tail."""

    __slots__ = ("balance", "q")

    def __init__(self, opening: int) -> None:
        self.q: deque[list[int]] = deque()
        self.balance = 0
        if opening > 0:
            self.q.append([CLEAN, 0, -1, opening])
            self.balance = opening

    def put(self, amount: int, pieces: list[Piece]) -> None:
        q = self.q
        for label, hop, via, fen in pieces:
            if fen <= 0:
                continue
            if label == CLEAN and q and q[-1][0] == CLEAN:
                q[-1][3] += fen
            else:
                q.append([label, hop, via, fen])
            self.balance += fen

    def held(self) -> list[Piece]:
        return [(p[0], p[1], p[2], p[3]) for p in self.q if p[0] != CLEAN]


class FifoState(_Ordered):
    """First in, first out: outgoing transfers take from the head of the queue."""

    __slots__ = ()

    def take(self, amount: int) -> list[Piece]:
        out: list[Piece] = []
        q = self.q
        while amount > 0 and q:
            head = q[0]
            if head[3] <= amount:
                q.popleft()
                out.append((head[0], head[1], head[2], head[3]))
                amount -= head[3]
                self.balance -= head[3]
            else:
                head[3] -= amount
                out.append((head[0], head[1], head[2], amount))
                self.balance -= amount
                amount = 0
        return out


class LifoState(_Ordered):
    """Last in, first out: outgoing transfers take from the tail (the most recent arrivals)."""

    __slots__ = ()

    def take(self, amount: int) -> list[Piece]:
        out: list[Piece] = []
        q = self.q
        while amount > 0 and q:
            tail = q[-1]
            if tail[3] <= amount:
                q.pop()
                out.append((tail[0], tail[1], tail[2], tail[3]))
                amount -= tail[3]
                self.balance -= tail[3]
            else:
                tail[3] -= amount
                out.append((tail[0], tail[1], tail[2], amount))
                self.balance -= amount
                amount = 0
        return out


class ProportionalState:
    """Haircut: pieces keyed by (label, hop, via); an outgoing transfer takes from each in proportion,
    rounded to whole fen by the largest-remainder method (ties: the older piece first)."""

    __slots__ = ("balance", "clean", "pieces")

    def __init__(self, opening: int) -> None:
        self.clean = max(opening, 0)
        self.pieces: dict[tuple[int, int, int], int] = {}
        self.balance = self.clean

    def put(self, amount: int, pieces: list[Piece]) -> None:
        for label, hop, via, fen in pieces:
            if fen <= 0:
                continue
            if label == CLEAN:
                self.clean += fen
            else:
                key = (label, hop, via)
                self.pieces[key] = self.pieces.get(key, 0) + fen
            self.balance += fen

    def take(self, amount: int) -> list[Piece]:
        total = self.balance
        if total <= 0:
            return []
        if amount >= total:
            everything: list[Piece] = [(k[0], k[1], k[2], v) for k, v in self.pieces.items()]
            if self.clean:
                everything.append((CLEAN, 0, -1, self.clean))
            self.pieces.clear()
            self.clean = 0
            self.balance = 0
            return everything
        keys = list(self.pieces.items())
        shares: list[tuple[int, int, int]] = []  # (-remainder, index, floor)
        floor_sum = 0
        for i, (_, fen) in enumerate(keys):
            q, r = divmod(fen * amount, total)
            shares.append((-r, i, q))
            floor_sum += q
        cq, cr = divmod(self.clean * amount, total)
        floor_sum += cq
        left = amount - floor_sum
        takes = [q for _, _, q in shares]
        clean_take = cq
        if left:
            ranked = sorted([*shares, (-cr, len(keys), cq)])
            for _, i, _ in ranked[:left]:
                if i == len(keys):
                    clean_take += 1
                else:
                    takes[i] += 1
        out: list[Piece] = []
        for (key, fen), q in zip(keys, takes, strict=True):
            if q:
                out.append((key[0], key[1], key[2], q))
                if q == fen:
                    del self.pieces[key]
                else:
                    self.pieces[key] = fen - q
        if clean_take:
            out.append((CLEAN, 0, -1, clean_take))
            self.clean -= clean_take
        self.balance -= amount
        return out

    def held(self) -> list[Piece]:
        return [(k[0], k[1], k[2], v) for k, v in self.pieces.items() if v > 0]


class PoisonState:
    """Poison: marks instead of shares. Once a victim's money has entered, every outgoing transfer is
    marked for that victim in full; `held` gives the marks with the account's balance."""

    __slots__ = ("balance", "marks")

    def __init__(self, opening: int) -> None:
        self.balance = max(opening, 0)
        self.marks: dict[int, tuple[int, int]] = {}  # label → (hop, via) of its first arrival

    def put(self, amount: int, pieces: list[Piece]) -> None:
        self.balance += amount
        for label, hop, via, _ in pieces:
            if label != CLEAN:
                old = self.marks.get(label)
                if old is None or hop < old[0]:
                    self.marks[label] = (hop, via)

    def take(self, amount: int) -> list[Piece]:
        sent = min(amount, self.balance)
        self.balance -= sent
        return [(label, hop, via, amount) for label, (hop, via) in self.marks.items()]

    def held(self) -> list[Piece]:
        return [
            (label, hop, via, self.balance) for label, (hop, via) in self.marks.items() if self.balance > 0
        ]


@dataclass(frozen=True, slots=True)
class Policy:
    """A registered attribution policy: its name, whether it conserves money, and a description."""

    name: str
    conserving: bool
    state: type
    zh: str
    en: str

    def new_state(self, opening: int) -> AccountState:
        """The state of an account that held `opening` fen of clean money when tracing reached it."""
        state: AccountState = self.state(opening)
        return state


#: the attribution policies by name (`haircut` is another name for `proportional`)
POLICIES: Registry[Policy] = Registry("policy", code="E507", option="--policy")
for _policy in (
    Policy("fifo", True, FifoState, "先进先出（FIFO）", "first in, first out"),
    Policy("lifo", True, LifoState, "后进先出（LIFO）", "last in, first out"),
    Policy("proportional", True, ProportionalState, "按比例（haircut）", "proportional (haircut)"),
    Policy("poison", False, PoisonState, "污染（poison）", "poison: any victim money taints all"),
):
    POLICIES.register(_policy.name, _policy)
POLICIES.alias("haircut", "proportional")


def get_policy(name: str) -> Policy:
    """The policy called `name` (`haircut` is another name for `proportional`); E507 lists the valid ones."""
    return POLICIES.get(name)
