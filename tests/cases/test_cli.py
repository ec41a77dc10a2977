"""`fanzha cases` end to end on a tiny world: intake → trace → link → leaks → evaluate, and one coded line for every
bad call."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clirun import run


@pytest.mark.slow
def test_the_whole_investigation_on_a_tiny_world(
    tiny_world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases, trace = tmp_path / "cases", tmp_path / "trace"
    code, out, _ = run(["cases", "intake", str(tiny_world / "reports.jsonl"), "--out", str(cases), "--no-model", "--quiet"], capsys)  # fmt: skip
    assert code == 0 and out.startswith("案件：接收 20 件") and "研判：" in out and "{" not in out
    code, _, _ = run(["trace", "--ledger", str(tiny_world), "--seeds", str(tiny_world / "investigation" / "seeds.csv"),
                      "--out", str(trace), "--no-mules"], capsys)  # fmt: skip
    assert code == 0
    code, out, _ = run(["cases", "link", str(cases), "--trace-out", str(trace), "--json", "--quiet"], capsys)
    summary = json.loads(out)
    assert code == 0 and summary["clusters"] >= 1 and summary["cases_with_ledger_evidence"] > 0
    assert (cases / "link" / "clusters.csv").is_file() and (cases / "link" / "cluster_0.svg").is_file()
    code, out, _ = run(["cases", "leaks", str(cases), "--orders", str(tiny_world), "--json"], capsys)
    leaks = json.loads(out)
    assert code == 0 and leaks["victims_with_orders"] > 0 and "all" in leaks["scopes"]
    assert leaks["params"]["windows_days"] == [14.0, 56.0]
    args = ["cases", "leaks", str(cases), "--orders", str(tiny_world), "--window", "7", "--json"]
    code, out, _ = run(args, capsys)
    assert code == 0 and json.loads(out)["params"]["windows_days"] == [7.0]
    assert leaks["params"]["scan_days"] == [7.0, 14.0] and leaks["params"]["explain"] == 10
    code, out, _ = run([*args[:-1], "--no-scan", "--explain", "0", "--json"], capsys)
    assert (
        code == 0
        and json.loads(out)["params"]["scan_days"] == []
        and json.loads(out)["params"]["explain"] == 0
    )
    assert (cases / "leaks" / "suspects.csv").is_file() and (cases / "leaks" / "evidence.csv").is_file()
    code, out, _ = run(["cases", "evaluate", str(tiny_world), "--out", str(tmp_path / "ev"), "--json", "--quiet"], capsys)  # fmt: skip
    figures = json.loads(out)["tiny"]
    assert code == 0
    assert figures["extraction"]["per_kind"]["phone"]["recall"] is not None
    assert figures["linking"]["precision"] is not None and "leaks" in figures
    lk = figures["leaks"]
    assert 0 <= lk["false_ever_in_replay"] <= lk["merchants_tested"]
    assert lk["false_ever_in_replay"] <= lk["false_suspicions_in_replay"]
    # the leak source again with whom the gang's listed numbers and accounts reached: more people, same checks
    wide = figures["leaks_contacts"]
    assert (
        wide["contacts"]["records"] > 0 and wide["people"] == lk["people"] + wide["contacts"]["people_added"]
    )
    assert [r["leak"] for r in wide["leaks"]] == [r["leak"] for r in lk["leaks"]]
    assert [r["victims_reported"] for r in wide["leaks"]] == [r["victims_reported"] for r in lk["leaks"]]
    # … and with the centre's alerts filed as cases: the alerted people join, the reports stay the reports
    alerted = figures["leaks_alerts_full"]
    assert alerted["alert_cases"] > 0 and 0 < alerted["alerted_people"] <= alerted["alert_cases"]
    assert alerted["people"] > lk["people"]
    assert [r["victims_reported"] for r in alerted["leaks"]] == [r["victims_reported"] for r in lk["leaks"]]
    # the reports' pairs are the same pairs with the alerts filed too (an alert may only join more of them)
    pairs = alerted["linking_reports"]
    assert pairs["pairs_true"] == figures["linking"]["pairs_true"] and pairs["recall"] is not None
    # the doc's command run again: its own work folder is replaced (the trace step's refused it, E042)
    code, again, _ = run(["cases", "evaluate", str(tiny_world), "--out", str(tmp_path / "ev"), "--json", "--quiet"], capsys)  # fmt: skip
    assert code == 0 and json.loads(again)["tiny"]["linking"] == figures["linking"]


def _bad(entry: str, bad_input: str, behaviour: str, args: list[str], code: str, where: str) -> object:
    return pytest.param(
        args,
        code,
        where,
        marks=pytest.mark.reliability(entry=entry, bad_input=bad_input, behaviour=behaviour),
        id=f"{args[1]}-{code}",
    )


@pytest.mark.parametrize(
    "args, code, where",
    [
        _bad("fanzha cases intake", "a report file that does not exist", "E001 naming it; nothing written",
             ["cases", "intake", "{tmp}/nope.jsonl", "--out", "{tmp}/o"], "E001", "{tmp}/nope.jsonl"),
        _bad("fanzha cases intake", "--map naming a field intake does not know", "E854 naming --map",
             ["cases", "intake", "{tmp}/keep.txt", "--out", "{tmp}/o", "--map", "colour=x"], "E854", "--map"),
        _bad("fanzha cases intake", "--out the folder that holds the input", "E040 before any work; the input kept",
             ["cases", "intake", "{tmp}/keep.txt", "--out", "{tmp}"], "E040", "--out {tmp}"),
        _bad("fanzha cases link", "a folder that is no case folder", "E820 naming it",
             ["cases", "link", "{tmp}"], "E820", "{tmp}"),
        _bad("fanzha cases link", "--window that is no duration", "E030 naming --window",
             ["cases", "link", "{tmp}", "--window", "soon"], "E030", "--window"),
        _bad("fanzha cases leaks", "a folder that is no case folder", "E820 naming it",
             ["cases", "leaks", "{tmp}", "--orders", "{tmp}"], "E820", "{tmp}"),
        _bad("fanzha cases leaks", "--period that is no duration", "E030 naming --period",
             ["cases", "leaks", "{tmp}", "--orders", "{tmp}", "--period", "soon"], "E030", "--period"),
        _bad("fanzha cases leaks", "--period 0d", "E823 naming --period",
             ["cases", "leaks", "{tmp}", "--orders", "{tmp}", "--period", "0d"], "E823", "--period"),
        _bad("fanzha cases leaks", "--explain -1", "E824 naming --explain",
             ["cases", "leaks", "{tmp}", "--orders", "{tmp}", "--explain", "-1"], "E824", "--explain"),
        _bad("fanzha cases evaluate", "no world at all", "E843",
             ["cases", "evaluate"], "E843", "fanzha cases evaluate"),
        _bad("fanzha cases evaluate", "--world without PRESET:SEED, or without --root", "E841, E842 naming --world",
             ["cases", "evaluate", "--world", "small", "--root", "{tmp}"], "E841", "--world"),
        _bad("fanzha cases evaluate", "--world without PRESET:SEED, or without --root", "E841, E842 naming --world",
             ["cases", "evaluate", "--world", "small:0"], "E842", "--world"),
        _bad("fanzha cases evaluate", "a folder that is no sim world", "E840 naming it",
             ["cases", "evaluate", "{tmp}"], "E840", "{tmp}"),
    ],
)  # fmt: skip
def test_bad_calls_give_one_coded_line(
    args: list[str], code: str, where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "keep.txt").write_text("对方QQ号 123456789", encoding="utf-8")
    code_, _, err = run([a.replace("{tmp}", str(tmp_path)) for a in args], capsys)
    assert code_ == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"fanzha: error: {where.replace('{tmp}', str(tmp_path))}: {code} "
    ), err
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "对方QQ号 123456789"
