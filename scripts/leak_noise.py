"""How the leak source with the contacts (`fanzha cases leaks --contacts`) stands a gang that also dials at random:
in the sim every person a gang's number or account reaches bought from its leak. Beside the people the records
add, as many people who are no victim times RATIO are added, each in the cluster and at the times of one of them
(drawn at random); the leak test is run on everyone and on each cluster, and the suspects that are no leak and
the clusters whose first suspect is a leak are counted.

    .venv/bin/python scripts/leak_noise.py WORLD CASE_DIR --ratio 1 --ratio 3

CASE_DIR is a linked case folder of WORLD (`fanzha cases evaluate` leaves one in WORLD.cases-eval/cases).
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow.parquet as pq

from fanzha.cases.api import victims_of
from fanzha.cases.leaks import LeakParams, Strata, Victim


def run(world: Path, cases: Path, ratio: float, seed: int) -> str:
    victims, _ = victims_of(cases, contacts=world)
    added = [v for v in victims if v.known is not None]
    contacted = set(
        pq.read_table(world / "truth" / "victims.parquet", columns=["person_id"])["person_id"].to_pylist()
    )
    others = [
        p for p in pq.read_table(world / "people.parquet", columns=["person_id"])["person_id"].to_pylist()
        if p not in contacted
    ]  # fmt: skip
    rng = random.Random(seed)
    noise = []
    for p in rng.sample(others, min(len(others), int(len(added) * ratio))):
        like = rng.choice(added)
        noise.append(Victim(p, like.t, ["noise"], like.cluster, known=like.known))
    everyone = victims + noise
    strata = Strata(world, everyone, LeakParams())
    leaks = {r["merchant_id"] for r in pq.read_table(world / "truth" / "leaks.parquet").to_pylist()}
    scopes: dict[str, list[int]] = {"all": list(range(len(everyone)))}
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for i, v in enumerate(everyone):
        if v.cluster >= 0:
            by_cluster[v.cluster].append(i)
    scopes |= {f"cluster:{c}": idx for c, idx in sorted(by_cluster.items()) if len(idx) >= 2}
    false, firsts, found_all = 0, Counter[bool](), []
    for name, idx in scopes.items():
        suspects = [s for s in strata.test(idx) if s.significant]
        false += sum(1 for s in suspects if s.merchant_id not in leaks)
        if name == "all":
            found_all = sorted(s.merchant_id for s in suspects if s.merchant_id in leaks)
        elif suspects:
            firsts[suspects[0].merchant_id in leaks] += 1
    return (
        f"{world.name}, ratio {ratio:g}: {len(victims)} people ({len(added)} from the records) + {len(noise)} "
        f"at random; leaks suspected among all {len(found_all)} of {len(leaks)}; clusters whose first suspect is "
        f"a leak {firsts[True]} of {firsts[True] + firsts[False]}; suspects that are no leak {false} over "
        f"{len(scopes)} scopes"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("world", type=Path)
    ap.add_argument("cases", type=Path)
    ap.add_argument("--ratio", type=float, action="append", default=None)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    for ratio in args.ratio or [1.0]:
        print(run(args.world, args.cases, ratio, args.seed), flush=True)


if __name__ == "__main__":
    main()
