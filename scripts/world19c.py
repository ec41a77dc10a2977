"""World 19A, after part C: the trace bars of issue 19 on the world with third parties in the money's path.

    python scripts/world19c.py --preset small --seed 3 --work /tmp/w19c_small_3

Generates the world into WORK/world when it does not exist (`fanzha sim --preset P --seed S`), traces the
investigators' seeds (investigation/seeds.csv) under every policy with third parties recognised (what `fanzha
trace` does by default) and without (the tracer before part C), scores the freeze list against the truth
(`fanzha.evaluate.trace.check_third_parties`), scores the mules with and without device ids, and prints Markdown
(also WORK/report_19c.md and WORK/report_19c.json).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

FANZHA = str(Path(sys.executable).with_name("fanzha"))


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _aside(r: dict[str, Any]) -> str:
    if not r["third_parties_on"]:
        return "—"
    by = r["set_aside_by"]
    return f"{by['recipient']} / {by['payee']} ({r['set_aside_mules']})"


def markdown(rows: list[dict[str, Any]], mules: dict[str, Any], bare: dict[str, Any]) -> str:
    lines = [
        "| policy | third parties | listed | yuan | true mules by count | by amount | innocent yuan "
        "| innocent / traced loss | third parties reached / on request list | forwards continued (into mules) "
        "| set aside: recipient / payee (true mules) | amounts within attribution |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['policy']} | {'recognised' if r['third_parties_on'] else 'off (before)'} | {r['listed']} "
            f"| {r['listed_yuan']:,.2f} | {_pct(r['mule_share_count'])} | {_pct(r['mule_share_amount'])} "
            f"| {r['innocent_yuan']:,.2f} | {_pct(r['innocent_share_of_loss'])} "
            f"| {r['third_parties_reached']} / {r['on_request_list']} | {r['forwards_continued']} "
            f"({r['forwards_to_mules']}) | {_aside(r)} | {'yes' if r['freeze_within_attributed'] else 'NO'} |"
        )
    traced = rows[0]["traced_loss_yuan"] if rows else 0
    lines += [
        "",
        f"Seeds: {rows[0]['seeds'] if rows else 0}; victims' traced loss ¥{traced:,.2f}.",
        "",
        "| mule scores | precision | recall | flagged | true mules in the ledger |",
        "|---|---:|---:|---:|---:|",
        f"| with device ids | {mules['precision']} | {mules['recall']} | {mules['flagged']} | "
        f"{mules['truth_in_ledger']} |",
        f"| device ids removed | {bare['precision']} | {bare['recall']} | {bare['flagged']} | "
        f"{bare['truth_in_ledger']} |",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    from fanzha.evaluate.trace import check_mules, check_mules_without_devices, check_third_parties
    from fanzha.trace.ingest import load_ledger
    from fanzha.trace.policies import POLICIES

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="small")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, required=True)
    args = ap.parse_args()
    work: Path = args.work
    world = work / "world"
    work.mkdir(parents=True, exist_ok=True)
    if not world.is_dir():
        cmd = [
            FANZHA,
            "sim",
            "--preset",
            args.preset,
            "--seed",
            str(args.seed),
            "--out",
            str(world),
            "--quiet",
        ]
        subprocess.run(cmd, check=True)
    ledger = load_ledger(world)
    rows = [check_third_parties(world, ledger, p, third_parties=on) for p in POLICIES for on in (False, True)]
    mules, _ = check_mules(world, ledger)
    bare = check_mules_without_devices(world)
    md = f"World: `fanzha sim --preset {args.preset} --seed {args.seed}`.\n\n" + markdown(rows, mules, bare)
    (work / "report_19c.md").write_text(md, encoding="utf-8")
    (work / "report_19c.json").write_bytes(
        orjson.dumps({"trace": rows, "mules": mules, "mules_without_devices": bare}, default=str)
    )
    print(md)


if __name__ == "__main__":
    main()
