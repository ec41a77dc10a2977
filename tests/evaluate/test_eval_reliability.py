"""`fanzha eval` never loses a user's file and never fails silently: outputs appear whole or not at all, an output
that cannot be written is a coded error before any work, labelled files in any encoding, random labelled lines."""

from __future__ import annotations

import codecs
import hashlib
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clirun import read_only_folder, run, write_jsonl

SCAM = "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ 2846135790办理"
SAFE = "明天下午三点开会，记得带电脑"
ROWS = [
    {"id": "s1", "text": SCAM, "label": "scam"},
    {"id": "s2", "text": SAFE, "label": "scam"},  # a miss: errors.jsonl has a line
    {"id": "n1", "text": SAFE, "label": "safe"},
]


pytestmark = pytest.mark.usefixtures("reused_detectors")


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.reliability(
    entry="fanzha eval",
    bad_input="--out (or --errors) in a missing folder, in a read-only one, or under a file",
    behaviour="E041 before any work, exit 2 (was: a traceback, exit 3)",
)
@pytest.mark.parametrize("where", ["missing", "read-only", "under a file"])
def test_an_output_folder_that_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    ro = read_only_folder(tmp_path / "ro", monkeypatch)
    out = {
        "missing": tmp_path / "nope" / "out",
        "read-only": ro / "out",
        "under a file": tmp_path / "afile" / "o",
    }
    before = _tree(tmp_path)
    code, _, err = run(["eval", "--jsonl", str(src), "--out", str(out[where])], capsys)
    assert code == 2 and "E041" in err and _tree(tmp_path) == before
    data = tmp_path / "data" / "telecom_fraud_texts_5"
    data.mkdir(parents=True)
    (data / "label00-last.csv").write_text(f"content,label\n{SAFE},0\n", encoding="utf-8")
    before = _tree(tmp_path)
    code, _, err = run(
        ["eval", "--corpora", str(data.parent), "--only", "tf5", "--errors", str(out[where])], capsys
    )
    assert code == 2 and "--errors" in err and "E041" in err and _tree(tmp_path) == before


@pytest.mark.reliability(
    entry="fanzha eval",
    bad_input="--out holding the labelled input under an output's name (metrics.json)",
    behaviour="E040 before any work, exit 2; the input unchanged",
)
def test_an_output_that_is_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    src = write_jsonl(out / "metrics.json", ROWS)
    before = _tree(tmp_path)
    code, _, err = run(["eval", "--jsonl", str(src), "--out", str(out)], capsys)
    assert code == 2 and "E040" in err and _tree(tmp_path) == before


@pytest.mark.reliability(
    entry="fanzha eval",
    bad_input="a run that fails after the output folder was checked (nothing could be evaluated)",
    behaviour="the previous metrics.json and errors.jsonl left whole, the folder's other files untouched; a "
    "good run replaces the two files whole",
)
def test_outputs_are_whole_or_as_they_were(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("metrics.json", "errors.jsonl", "notes.txt"):
        (out / name).write_text(f"old {name}\n", encoding="utf-8")
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": "a", "text": SAFE}])  # no label: nothing to evaluate
    code, _, err = run(["eval", "--jsonl", str(bad), "--out", str(out)], capsys)
    assert code == 2 and "E320" in err
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == {
        n: f"old {n}\n" for n in ("metrics.json", "errors.jsonl", "notes.txt")
    }
    code, _, _ = run(
        ["eval", "--jsonl", str(write_jsonl(tmp_path / "in.jsonl", ROWS)), "--out", str(out)], capsys
    )
    assert code == 0 and json.loads((out / "metrics.json").read_text(encoding="utf-8"))["n"] == 3
    assert [json.loads(x)["id"] for x in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()] == [
        "s2"
    ]
    assert sorted(p.name for p in out.iterdir()) == ["errors.jsonl", "metrics.json", "notes.txt"]


@pytest.mark.reliability(
    entry="fanzha eval --jsonl",
    bad_input="a labelled file saved with a UTF-8 BOM, in GB18030, or in UTF-16 with or without BOM",
    behaviour="every line evaluated, the same metrics as from UTF-8 (was: line 1 or every line rejected)",
)
@pytest.mark.parametrize(
    "encode",
    [
        lambda s: codecs.BOM_UTF8 + s.encode(),
        lambda s: s.encode("gb18030"),
        lambda s: s.encode("utf-16-le"),
        lambda s: s.encode("utf-16"),
    ],
    ids=["utf-8 with BOM", "gb18030", "utf-16-le", "utf-16 with BOM"],
)
def test_a_labelled_file_in_any_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encode: Any
) -> None:
    reference = write_jsonl(tmp_path / "utf8.jsonl", ROWS)
    src = tmp_path / "in.jsonl"
    src.write_bytes(encode(reference.read_text(encoding="utf-8")))
    metrics = []
    for path in (reference, src):
        code, _, err = run(["eval", "--jsonl", str(path), "--out", str(tmp_path / path.stem)], capsys)
        assert code == 0 and "已评估 3 行，0 行有错误" in err
        data = json.loads((tmp_path / path.stem / "metrics.json").read_text(encoding="utf-8"))
        metrics.append({k: v for k, v in data.items() if k not in ("input", "throughput")})
    assert metrics[0] == metrics[1]


@pytest.mark.reliability(
    entry="fanzha eval --jsonl",
    bad_input="turns given as strings, [speaker, text] pairs or an object holding them",
    behaviour="evaluated like turn objects (was: an internal error, exit 3; found by the random labelled lines)",
)
def test_turns_in_every_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    turns: list[Any] = [
        ["您的快递丢失了，我们双倍赔付", "好"],
        [["客服", "您的快递丢失了，我们双倍赔付"], ["我", "好"]],
        {"messages": [{"content": "您的快递丢失了，我们双倍赔付"}]},
    ]
    src = write_jsonl(
        tmp_path / "in.jsonl", [{"id": i, "turns": t, "label": "scam"} for i, t in enumerate(turns)]
    )
    code, _, err = run(["eval", "--jsonl", str(src), "--out", str(tmp_path / "out")], capsys)
    assert code == 0 and "已评估 3 行，0 行有错误" in err
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["throughput"]["chars"] == 15 + 15 + 14


def test_progress_reaches_the_end(tmp_path: Path) -> None:
    from fanzha.detect import Detector
    from fanzha.evaluate.runner import run_jsonl

    src = write_jsonl(tmp_path / "in.jsonl", [*ROWS, {"id": "x", "text": SAFE}])
    ticks: list[tuple[str, int, int | None]] = []
    result = run_jsonl(Detector(model=None), src, lambda exc: None, progress=lambda *a: ticks.append(a))
    assert len(result.outcomes) == 3 and result.bad == 1
    assert ticks[-1] == ("in.jsonl", 4, 4) and all(t[2] == 4 for t in ticks)


LABELLED = st.fixed_dictionaries(
    {
        "id": st.one_of(st.none(), st.integers(-3, 3), st.text(max_size=4)),
        "label": st.one_of(st.sampled_from(["scam", "safe", "suspicious", 1, 0, True, "x"]), st.none()),
    },
    optional={
        "text": st.one_of(st.text(max_size=40), st.integers(), st.none()),
        "turns": st.one_of(
            st.lists(st.text(max_size=10), max_size=3), st.dictionaries(st.text(max_size=3), st.text())
        ),
        "category": st.one_of(st.sampled_from(["ecommerce_cs", "冒充客服诈骗", "nope"]), st.integers()),
        "stage": st.one_of(st.integers(-1, 4), st.text(max_size=2)),
        "kind": st.one_of(st.sampled_from(["attempt", "notice", "nope"]), st.none()),
    },
)


@pytest.mark.reliability(
    entry="fanzha eval --jsonl",
    bad_input="random labelled lines (hypothesis)",
    behaviour="exit 0, 1 (each bad line reported) or 2 (nothing to evaluate); metrics.json and errors.jsonl "
    "whole or, on exit 2, as they were; the input unchanged; never a traceback",
)
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(LABELLED | st.just("{not json"), max_size=6))
def test_random_labelled_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[Any]) -> None:
    src = tmp_path / "in.jsonl"
    data = "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
    ).encode()
    src.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    (out / "metrics.json").write_bytes(b"old\n")
    (out / "errors.jsonl").write_bytes(b"old\n")
    code, _, err = run(["eval", "--jsonl", str(src), "--out", str(out)], capsys)
    assert src.read_bytes() == data and sorted(p.name for p in out.iterdir()) == [
        "errors.jsonl",
        "metrics.json",
    ]
    if code == 2:
        assert "E320" in err and (out / "metrics.json").read_bytes() == b"old\n"
        return
    metrics = orjson.loads((out / "metrics.json").read_bytes())
    assert code == (1 if metrics["bad_lines"] else 0) and metrics["bad_lines"] == err.count(f"fanzha: {src}:")
    assert all(orjson.loads(x)["id"] is not None for x in (out / "errors.jsonl").read_bytes().splitlines())


def test_provenance_names_the_uncommitted_files_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from fanzha.evaluate import report

    outputs = {
        "status": "M src/fanzha/detect/engine.py\n M src/fanzha/text/entities.py\n?? src/fanzha/kb/x.yaml"
    }
    monkeypatch.setattr(report, "_git", lambda *args: outputs.get(args[0], "0123456789ab"))
    assert report.provenance("fanzha eval", "v", None)["dirty"] == [
        "src/fanzha/detect/engine.py",
        "src/fanzha/kb/x.yaml",
        "src/fanzha/text/entities.py",
    ]


@pytest.mark.reliability(
    entry="fanzha eval",
    bad_input="options that the chosen mode does not use (--split with --jsonl, --only with --testsets, "
    "--corpora with --screenshots), or no mode at all",
    behaviour="E323 naming the options and the mode, E324 for no mode; exit 2, nothing written "
    "(was: click's English usage error)",
)
@pytest.mark.parametrize(
    ("argv", "code_", "named"),
    [
        (["--jsonl", "{src}", "--split", "dev", "--only", "tf5"], "E323", "--split, --only"),
        (["--testsets", "{dir}", "--only", "tf5"], "E323", "--only"),
        (["--screenshots", "{src}", "--corpora", "{dir}"], "E323", "--corpora"),
        (["--jsonl", "{src}", "--corpora", "{dir}"], "E324", ""),
        ([], "E324", ""),
    ],
)
def test_options_that_do_not_apply_are_refused_with_a_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code_: str, named: str
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    before = _tree(tmp_path)
    args = [a.format(src=src, dir=tmp_path) for a in argv]
    code, _, err = run(["eval", *args, "--lang", "en"], capsys)
    assert code == 2 and code_ in err and named in err and _tree(tmp_path) == before
    assert "Traceback" not in err and "Usage:" not in err
