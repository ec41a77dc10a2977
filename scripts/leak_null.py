"""How often explaining away and the scan suspect a merchant that is no leak, against the plain window test:
planted cities (tests/leakorders.py: 3,000 buyers, 200 shops, four outlets, one leaking shop M001 whose 60 victims
report first, then 60 people called at random), the running test after every report and the final test.

    .venv/bin/python scripts/leak_null.py --worlds 200
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fanzha.cases.leaks import LeakParams, Strata  # noqa: E402
from leakorders import two_leaks  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", type=int, default=200)
    args = ap.parse_args()
    variants = {
        "windows only": LeakParams(explain=0, scan_days=()),
        "explaining away and the scan": LeakParams(),
    }
    ever = dict.fromkeys(variants, 0)
    final = dict.fromkeys(variants, 0)
    for seed in range(args.worlds):
        with tempfile.TemporaryDirectory() as d:
            path, victims, _ = two_leaks(
                Path(d), seed=1000 + seed, first=60, second=0, others=60, people=3000
            )
            for name, prm in variants.items():
                strata = Strata(path, victims, prm)
                looks = {s.merchant_id for look in strata.running(range(len(victims))) for s in look}
                ever[name] += bool(looks - {"M001"})
                final[name] += bool({s.merchant_id for s in strata.test() if s.significant} - {"M001"})
    print(
        f"{args.worlds} planted cities, one leak each, α = 0.05; cities with a merchant that is no leak suspected:"
    )
    for name in variants:
        print(f"  {name}: at some look {ever[name]}, in the final test {final[name]}")


if __name__ == "__main__":
    main()
