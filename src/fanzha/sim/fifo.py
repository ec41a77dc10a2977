"""FIFO lineage: each tracked account keeps a queue of money chunks in arrival order.

A chunk is (victim, fen) with victim -1 for clean money. Outgoing transfers take from the head; incoming
transfers append the composition they carried, in the order it was taken. Adjacent chunks with the same
victim are merged, which changes no result (FIFO takes them in the same order either way).
"""

from __future__ import annotations

from collections import deque

CLEAN = -1


class Fifo:
    __slots__ = ("chunks",)

    def __init__(self, opening: int) -> None:
        self.chunks: deque[list[int]] = deque()
        if opening > 0:
            self.chunks.append([CLEAN, opening])

    def put(self, comp: list[tuple[int, int]]) -> None:
        chunks = self.chunks
        for victim, fen in comp:
            if fen <= 0:
                continue
            if chunks and chunks[-1][0] == victim:
                chunks[-1][1] += fen
            else:
                chunks.append([victim, fen])

    def take(self, amount: int) -> list[tuple[int, int]]:
        """Remove `amount` fen from the head; the pieces taken, in order. The caller guarantees the balance."""
        out: list[tuple[int, int]] = []
        chunks = self.chunks
        while amount > 0:
            head = chunks[0]
            if head[1] <= amount:
                chunks.popleft()
                out.append((head[0], head[1]))
                amount -= head[1]
            else:
                head[1] -= amount
                out.append((head[0], amount))
                amount = 0
        return out

    def total(self) -> int:
        return sum(c[1] for c in self.chunks)


def by_victim(comp: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Tainted amounts per victim (clean money left out), sorted by victim."""
    acc: dict[int, int] = {}
    for victim, fen in comp:
        if victim != CLEAN:
            acc[victim] = acc.get(victim, 0) + fen
    return sorted(acc.items())
