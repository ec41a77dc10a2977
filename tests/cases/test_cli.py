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
    assert code == 0 and "cases:" in out
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
    assert (cases / "leaks" / "suspects.csv").is_file() and (cases / "leaks" / "evidence.csv").is_file()
    code, out, _ = run(["cases", "evaluate", str(tiny_world), "--out", str(tmp_path / "ev"), "--json", "--quiet"], capsys)  # fmt: skip
    figures = json.loads(out)["tiny"]
    assert code == 0
    assert figures["extraction"]["per_kind"]["phone"]["recall"] is not None
    assert figures["linking"]["precision"] is not None and "leaks" in figures


@pytest.mark.parametrize(
    "args, code_text",
    [
        (["cases", "intake", "{tmp}/nope.jsonl", "--out", "{tmp}/o"], "E800"),
        (["cases", "intake", "{tmp}/keep.txt", "--out", "{tmp}/o", "--map", "colour=x"], "E802"),
        (["cases", "intake", "{tmp}/keep.txt", "--out", "{tmp}"], "E812"),
        (["cases", "link", "{tmp}"], "E820"),
        (["cases", "link", "{tmp}", "--window", "soon"], "E030"),
        (["cases", "leaks", "{tmp}", "--orders", "{tmp}"], "E820"),
        (["cases", "evaluate"], "E841"),
        (["cases", "evaluate", "{tmp}"], "E840"),
    ],
)
def test_bad_calls_give_one_coded_line(
    args: list[str], code_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "keep.txt").write_text("对方QQ号 123456789", encoding="utf-8")
    code, _, err = run([a.replace("{tmp}", str(tmp_path)) for a in args], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and code_text in lines[0], err
