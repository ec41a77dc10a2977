"""Digests of fanzha's observable behaviour, for refactorings that must not change it.

    python tests/golden/build.py OUT.json [--tele 3000] [--only verdicts,tele,sim,warn,trace]

Writes, as one JSON file, a SHA-256 digest (first 16 hex digits) of:

- ``verdicts``: the detector's verdict, as JSON with ``--explain``'s decision trail, in zh and en, of every
  shipped example (``src/fanzha/examples/examples.jsonl``), every example text of every knowledge-base entry
  (indicators' positive and negative examples, read straight from the YAML) and every seed case
  (``tests/data/seed_cases.yaml``), one digest per text;
- ``tele``: the verdict (zh, explain) of the first N TeleAntiFraud dialogues by id (needs ``../shared/data``);
- ``sim``: every file of ``fanzha sim --preset small --seed 7``;
- ``warn``: ``fanzha warn`` on that world: the alerts file and the summary;
- ``trace``: ``fanzha trace`` on that world under every policy, seeded with every loss transfer of the truth;
  each output file.

`tests/test_golden.py` recomputes them and compares with ``tests/golden/digests.json``. A change that is meant
to change behaviour (a new indicator, a new event kind) regenerates that file in the same commit and says so.
The script uses only interfaces that refactoring keeps: the ``fanzha`` command, ``fanzha.detect.Detector``
and the corpus loader.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import yaml

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FANZHA_SHARED", ROOT.parent / "shared"))  # as tests/conftest.py finds it
FANZHA = [sys.executable, "-m", "fanzha.cli.main"]
POLICIES = ("fifo", "lifo", "proportional", "poison", "haircut")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _json(obj: Any) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def example_texts() -> Iterator[tuple[str, Any]]:
    """(key, text or turns) of every example the project ships."""
    pkg = ROOT / "src" / "fanzha"
    for line in (pkg / "examples" / "examples.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = orjson.loads(line)
            yield f"example:{item['id']}", item.get("turns") or item["text"]
    for f in sorted((pkg / "kb" / "data" / "indicators").glob("*.yaml")):
        for ind in yaml.safe_load(f.read_text(encoding="utf-8"))["indicators"]:
            for kind in ("positive", "negative"):
                for i, text in enumerate(ind["examples"][kind]):
                    yield f"kb:{ind['id']}:{kind}:{i}", text
    seeds = SHARED / "seeds"
    if seeds.is_dir():  # the seed reports whole, and the cases cut from them
        for f in sorted(seeds.glob("*.txt")):
            yield f"seed:{f.name}", f.read_text(encoding="utf-8")
        cases = yaml.safe_load((ROOT / "tests" / "data" / "seed_cases.yaml").read_text(encoding="utf-8"))
        for i, case in enumerate(cases["cases"]):
            text = (seeds / case["file"]).read_text(encoding="utf-8")
            start = text.index(case["start"])
            yield f"seed-case:{i}", text[start : text.index(case["end"], start)]


def verdicts() -> dict[str, str]:
    from fanzha.detect import Detector

    detector = Detector()
    out: dict[str, str] = {}
    for key, data in example_texts():
        parts = [
            detector.analyze(data, lang=lang, explain=True).to_dict(explain=True) for lang in ("zh", "en")
        ]
        out[key] = digest(_json(parts))
    return out


def tele(n: int) -> dict[str, str]:
    try:
        from fanzha.records.corpora import load
    except ImportError:  # before the records floor existed
        from fanzha.evaluate.corpora import load  # type: ignore[no-redef]  # noqa: I001
    from fanzha.detect import Detector

    records = sorted(load("teleantifraud", split="all"), key=lambda r: r["id"])[:n]
    detector = Detector()
    out: dict[str, str] = {}
    for r in records:
        data = r.get("turns") or r["text"]
        out[r["id"]] = digest(_json(detector.analyze(data, explain=True).to_dict(explain=True)))
    return out


def run(*args: str) -> str:
    env = {**os.environ, "FANZHA_DEBUG": "1"}
    done = subprocess.run([*FANZHA, *args], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"fanzha {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def files_of(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): digest(p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()
    }


def worlds(tmp: Path, only: set[str]) -> dict[str, Any]:
    world = tmp / "world"
    run("sim", "--preset", "small", "--seed", "7", "--out", str(world), "--quiet")
    out: dict[str, Any] = {}
    if "sim" in only:
        out["sim"] = files_of(world)
    if "warn" in only:
        alerts = tmp / "alerts.jsonl"
        summary = run("warn", "--events", str(world), "--out", str(alerts), "--json", "--quiet")
        kept = {k: v for k, v in orjson.loads(summary).items() if k not in ("seconds", "events_per_second")}
        out["warn"] = {"alerts.jsonl": digest(alerts.read_bytes()), "summary": kept}
    if "trace" in only:
        import duckdb

        con = duckdb.connect()
        rows = con.execute(
            f"SELECT t.person_id, t.transfer_id FROM '{world}/truth/timelines.parquet' t "
            "WHERE t.move = 'loss_transfer' ORDER BY t.transfer_id"
        ).fetchall()
        seeds = tmp / "seeds.csv"
        seeds.write_text("victim_id,transfer_id\n" + "".join(f"{v},{t}\n" for v, t in rows), encoding="utf-8")
        out["trace"] = {}
        for policy in POLICIES:
            dest = tmp / f"trace-{policy}"
            run(
                "trace", "--ledger", str(world), "--seeds", str(seeds), "--policy", policy, "--out", str(dest)
            )
            out["trace"][policy] = {
                k: v for k, v in files_of(dest).items() if k not in ("summary.json", "run.json")
            }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--tele", type=int, default=3000)
    ap.add_argument("--only", default="verdicts,tele,sim,warn,trace")
    a = ap.parse_args(argv)
    only = set(a.only.split(","))
    result: dict[str, Any] = {}
    if "verdicts" in only:
        result["verdicts"] = verdicts()
    if "tele" in only:
        result["tele"] = tele(a.tele)
    if only & {"sim", "warn", "trace"}:
        with tempfile.TemporaryDirectory() as tmp:
            result.update(worlds(Path(tmp), only))
    a.out.write_text(orjson.dumps(result, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
