"""Fan-out of alert revisions to live subscribers (the service streams them as server-sent events).

The live engine publishes from whatever thread ingested the batch; each subscriber is an asyncio queue fed
through its event loop. A subscriber that falls too far behind is dropped (its queue gets `None`): it
reconnects with the id of the last revision it saw and reads the rest from the store.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Item = dict[str, Any]


@dataclass(eq=False)
class Subscriber:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[Item | None]
    accept: Callable[[Item], bool] = field(default=lambda item: True)
    dropped: bool = False

    def offer(self, item: Item | None) -> None:
        if self.dropped:
            return
        if item is not None and self.queue.qsize() >= self.queue.maxsize - 1:
            self.dropped = True
            item = None
        self.queue.put_nowait(item)


class Hub:
    def __init__(self, maxsize: int = 2_000) -> None:
        self.maxsize = maxsize
        self._subs: set[Subscriber] = set()
        self._lock = threading.Lock()

    def subscribe(self, accept: Callable[[Item], bool] | None = None) -> Subscriber:
        """Call from the subscriber's event loop."""
        sub = Subscriber(asyncio.get_running_loop(), asyncio.Queue(self.maxsize))
        if accept is not None:
            sub.accept = accept
        with self._lock:
            self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            self._subs.discard(sub)

    @property
    def subscribers(self) -> int:
        return len(self._subs)

    def publish(self, items: list[Item]) -> None:
        if not items:
            return
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            for item in items:
                if sub.accept(item):
                    try:
                        sub.loop.call_soon_threadsafe(sub.offer, item)
                    except RuntimeError:  # its loop is closed
                        self.unsubscribe(sub)
                        break
