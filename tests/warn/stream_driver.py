"""A live stream for the crash-recovery test: feeds a world's events to `WarnEngine.process` in batches, with a
store, printing the number of batches committed. Run as a script: ``stream_driver.py WORLD DB BATCH``.

At-least-once delivery: after a crash the driver starts again from the first batch; the engine must recognise
what it already accepted.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fanzha.records.events import event_files, read_chunks
from fanzha.warn.engine import WarnConfig, WarnEngine


def main(world: str, db: str, batch: int) -> None:
    engine = WarnEngine(store=db, config=WarnConfig())
    n = 0
    for chunk in read_chunks(event_files(Path(world)), batch):
        engine.process(chunk.raws)
        n += 1
        print(n, flush=True)
    engine.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
