"""`fanzha cases intake` on the command line never fails silently: the exit status says when reports were kept
aside (reproduced from main, where it was 0), and random input through the command itself (hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clirun import reuse_detectors, run

REPORT = "3月4日接到自称淘宝客服的电话，说面膜有质量问题要三倍赔偿，让我加QQ 2846135790，我转了3800元。"


@pytest.fixture(autouse=True)
def _one_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    reuse_detectors(monkeypatch)


@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="reports of which some are kept aside (a line that is no JSON, a report without text)",
    behaviour="the others filed, each one kept aside listed in rejected.jsonl, exit 1, with --json too (was: "
    "exit 0)",
)
@pytest.mark.parametrize("as_json", [False, True])
def test_reports_kept_aside_make_exit_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], as_json: bool
) -> None:
    src = tmp_path / "reports.jsonl"
    good = json.dumps(
        {"report_id": "R1", "text": REPORT, "time": "2024-03-04T12:00:00+08:00"}, ensure_ascii=False
    )
    src.write_text(good + "\n{not json\n" + json.dumps({"report_id": "R2"}) + "\n", encoding="utf-8")
    out = tmp_path / "cases"
    argv = ["cases", "intake", str(src), "--out", str(out), "--no-model", "--quiet"]
    code, stdout, err = run(argv + (["--json"] if as_json else []), capsys)
    assert code == 1, err
    kept = [orjson.loads(x) for x in (out / "rejected.jsonl").read_bytes().splitlines()]
    assert len(kept) == 2 and f"另存的问题行：{out / 'rejected.jsonl'}" in err
    if as_json:
        assert json.loads(stdout)["rejected"] == 2
    src.write_text(good + "\n", encoding="utf-8")
    code, _, err = run([*argv, "--force"], capsys)
    assert code == 0 and err == ""


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALUES = st.one_of(
    st.text(max_size=30), st.integers(-(2**63), 2**63 - 1), st.floats(), st.none(), st.booleans()
)
FIELDS = st.sampled_from(["text", "time", "report_id", "amount_claimed", "person_id", "contact_time", "x"])
REPORTS = st.one_of(
    st.binary(max_size=300),
    st.lists(
        st.one_of(VALUES, st.dictionaries(FIELDS, VALUES | st.just(REPORT), max_size=5)), max_size=6
    ).map(lambda xs: b"\n".join(orjson.dumps(x) for x in xs)),
    st.lists(
        st.lists(st.text(alphabet='ab,"\n 被骗QQ123:-T', max_size=14), min_size=1, max_size=4), max_size=5
    ).map(lambda rows: "\n".join(",".join(r) for r in [["text", "time", "report_id"], *rows]).encode()),
)


@pytest.mark.slow
@pytest.mark.reliability(
    entry="fanzha cases intake",
    bad_input="random bytes, JSON lines and CSV rows through the command (hypothesis)",
    behaviour="exit 0 (all filed), 1 (some kept aside, listed) or 2 (a coded error, nothing written); the case "
    "folder whole or absent; the input unchanged; never a traceback",
)
@FUZZ
@given(data=REPORTS, suffix=st.sampled_from([".jsonl", ".csv", ".json", ".txt"]))
def test_random_reports_through_the_command(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], data: bytes, suffix: str
) -> None:
    folder = tmp_path_factory.mktemp("intake")
    src = folder / f"in{suffix}"
    src.write_bytes(data)
    out = folder / "cases"
    code, stdout, err = run(["cases", "intake", str(src), "--out", str(out), "--no-model", "--json"], capsys)
    assert src.read_bytes() == data
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["cases", src.name] if code != 2 else [src.name]
    )
    if code == 2:
        assert err.startswith("fanzha: error:") and " E" in err
        return
    summary = json.loads(stdout)
    assert code == (1 if summary["rejected"] else 0)
    assert {p.name for p in out.iterdir()} >= {
        "cases.parquet",
        "cases.jsonl",
        "rejected.jsonl",
        "summary.json",
    }
    assert len((out / "rejected.jsonl").read_bytes().splitlines()) == summary["rejected"]
