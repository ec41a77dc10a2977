"""`fanzha check` never loses a user's file and never fails silently: every case found on main, reproduced, with the
behaviour that replaced it; then random input at every entry point (hypothesis)."""

from __future__ import annotations

import codecs
import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clirun import read_only_folder, run, write_jsonl

SCAM = "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ 2846135790办理"
SAFE = "明天下午三点在三楼会议室开会，记得带电脑。"
ROWS = [
    {"id": "a", "text": SCAM, "source": "sms"},
    {
        "id": "b",
        "turns": [{"speaker": "客服", "text": "您的快递丢失了，我们双倍赔付，请下载小鱼易连共享屏幕"}],
    },
    {"id": "c", "text": SAFE},
]


pytestmark = pytest.mark.usefixtures("reused_detectors")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(x) for x in path.read_bytes().splitlines()]


@pytest.fixture
def read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_only_folder(tmp_path / "ro", monkeypatch)


# -- the cases found on main ----------------------------------------------------------------------------------


@pytest.mark.reliability(
    entry="fanzha check --jsonl",
    bad_input="a missing input with --out naming an existing file",
    behaviour="E001, exit 2; the existing file unchanged (was: emptied)",
)
def test_a_missing_input_leaves_the_output_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "existing.jsonl"
    out.write_text('{"id": 1, "kept": true}\n', encoding="utf-8")
    code, _, err = run(["check", "--jsonl", str(tmp_path / "missing.jsonl"), "--out", str(out)], capsys)
    assert code == 2 and "missing.jsonl: E001" in err
    assert out.read_text(encoding="utf-8") == '{"id": 1, "kept": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["existing.jsonl"]


@pytest.mark.reliability(
    entry="fanzha check --jsonl",
    bad_input="--out is the input (the same path, or a link to it)",
    behaviour="E040 before any work, exit 2; the input unchanged (was: emptied, exit 0)",
)
@pytest.mark.parametrize("same", ["path", "link"])
def test_an_output_that_is_the_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], same: str
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    before = _digest(src)
    out = src
    if same == "link":
        out = tmp_path / "alias.jsonl"
        out.symlink_to(src)
    code, _, err = run(["check", "--jsonl", str(src), "--out", str(out)], capsys)
    assert code == 2 and "E040" in err and _digest(src) == before


@pytest.mark.reliability(
    entry="fanzha check --jsonl",
    bad_input="--out in a missing folder, in a read-only folder, or where the system refuses the write",
    behaviour="E041 before any work / E043, exit 2, nothing written (was: a traceback, exit 3)",
)
@pytest.mark.parametrize("where", ["missing", "read-only", "refused"])
def test_an_output_that_cannot_be_written_is_a_coded_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    read_only: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    out = {"missing": tmp_path / "nope" / "out.jsonl", "read-only": read_only / "out.jsonl"}.get(
        where, tmp_path / "out.jsonl"
    )
    if where == "refused":
        import errno

        import fanzha.records.outputs as outputs

        def full(*args: Any) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(outputs.os, "replace", full)
    code, _, err = run(["check", "--jsonl", str(src), "--out", str(out)], capsys)
    assert code == 2
    assert ("E043" if where == "refused" else "E041") in err
    assert not out.exists() and not list(tmp_path.rglob(".out.jsonl.*"))


@pytest.mark.reliability(
    entry="fanzha check",
    bad_input='a chat with no text: {"messages": []}, [], turns without text',
    behaviour="E000 through every path: --file, standard input, a batch line and a labelled line of eval "
    "(reported, exit 1), Detector.analyze",
)
def test_a_chat_with_no_text_is_e000_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fanzha.detect import Detector
    from fanzha.errors import InputError

    empties: list[Any] = [{"messages": []}, [], {"turns": [{"speaker": "客服", "text": "  "}]}]
    for i, chat in enumerate(empties):
        p = tmp_path / f"chat{i}.json"
        p.write_text(json.dumps(chat), encoding="utf-8")
        code, _, err = run(["check", "--file", str(p)], capsys)
        assert code == 2 and f"{p}: E000" in err
        if not i:  # standard input is read in a process of its own
            proc = subprocess.run(
                [sys.executable, "-m", "fanzha.cli.main", "check"],
                input=json.dumps(chat).encode(),
                capture_output=True,
                check=False,
            )
            assert proc.returncode == 2 and b"stdin: E000" in proc.stderr
        with pytest.raises(InputError) as exc:
            Detector(model=None).analyze(chat)
        assert exc.value.code == "E000"
    src = write_jsonl(
        tmp_path / "in.jsonl", [ROWS[0], *({"id": i, "turns": c} for i, c in enumerate(empties))]
    )
    code, _, err = run(["check", "--jsonl", str(src), "--out", str(tmp_path / "out.jsonl")], capsys)
    assert code == 1 and [f"{src}:{n}: E000" in err for n in (2, 3, 4)] == [True] * 3
    assert [r["id"] for r in _lines(tmp_path / "out.jsonl")] == ["a"]
    labelled = write_jsonl(tmp_path / "labelled.jsonl", [{**r, "label": "scam"} for r in _lines(src)])
    code, _, err = run(["eval", "--jsonl", str(labelled)], capsys)
    assert code == 1 and [f"{labelled}:{n}: E000" in err for n in (2, 3, 4)] == [True] * 3


ENCODINGS = {
    "utf-8 with BOM": lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    "gb18030": lambda s: s.encode("gb18030"),
    "utf-16-le": lambda s: s.encode("utf-16-le"),
    "utf-16-be": lambda s: s.encode("utf-16-be"),
    "utf-16 with BOM": lambda s: s.encode("utf-16"),
}


@pytest.mark.reliability(
    entry="fanzha check --jsonl",
    bad_input="a batch saved with a UTF-8 BOM, in GB18030, or in UTF-16 with or without BOM",
    behaviour="every line read, the same verdicts as from UTF-8 (was: line 1 or every line rejected)",
)
@pytest.mark.parametrize("name", ENCODINGS)
def test_a_batch_in_any_encoding(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    reference = write_jsonl(tmp_path / "utf8.jsonl", ROWS)
    src = tmp_path / "in.jsonl"
    src.write_bytes(ENCODINGS[name](reference.read_text(encoding="utf-8")))
    outs = []
    for path in (reference, src):
        out = tmp_path / f"out-{path.stem}.jsonl"
        code, _, err = run(["check", "--jsonl", str(path), "--out", str(out)], capsys)
        assert code == 0 and "已处理 3 条，0 条有错误" in err
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


@pytest.mark.reliability(
    entry="fanzha check --file",
    bad_input="a text or JSON chat saved with a UTF-8 BOM, in GB18030, or in UTF-16 with or without BOM",
    behaviour="the same verdict as from UTF-8 (was: UTF-16 without BOM refused as binary, E003)",
)
@pytest.mark.parametrize("name", ENCODINGS)
@pytest.mark.parametrize("kind", ["txt", "json"])
def test_a_file_in_any_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, kind: str
) -> None:
    body = SCAM if kind == "txt" else json.dumps({"messages": ROWS[1]["turns"]}, ensure_ascii=False)
    verdicts = []
    for label, data in (("utf8", body.encode()), (name, ENCODINGS[name](body))):
        p = tmp_path / f"{label}.{kind}"
        p.write_bytes(data)
        code, out, _ = run(["check", "--json", "--file", str(p)], capsys)
        assert code == 0
        verdicts.append(orjson.loads(out))
    assert verdicts[0] == verdicts[1] and verdicts[0]["label"] == "scam"


def test_progress_is_silent_off_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS * 200)
    code, _, err = run(["check", "--jsonl", str(src), "--out", str(tmp_path / "out.jsonl")], capsys)
    assert code == 0 and err.strip() == "已处理 600 条，0 条有错误。"


_BIG = 6_000


@pytest.mark.slow
@pytest.mark.reliability(
    entry="fanzha check --jsonl",
    bad_input="kill -9 in the middle of a large batch",
    behaviour="the output is absent, or its previous content whole; the rerun removes the temporary file and "
    "writes the output whole",
)
@pytest.mark.parametrize("before", ["absent", "previous"])
def test_a_kill_leaves_the_output_whole_and_a_rerun_completes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: str
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [{**ROWS[i % 3], "id": i} for i in range(_BIG)])
    out = tmp_path / "out.jsonl"
    if before == "previous":
        out.write_text('{"id": "old"}\n', encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "fanzha.cli.main", "check", "--jsonl", str(src), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until the batch is under way: its temporary output has lines in it
        temps = [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl.")]
        if temps and temps[0].stat().st_size > 0:
            break
        assert proc.poll() is None, "the batch ended before it could be killed"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    if before == "previous":
        assert out.read_text(encoding="utf-8") == '{"id": "old"}\n'
    else:
        assert not out.exists()
    assert len(list(tmp_path.glob(".out.jsonl.*.tmp"))) == 1  # what the kill left
    code, _, _ = run(["check", "--jsonl", str(src), "--out", str(out)], capsys)
    assert code == 0 and [r["id"] for r in _lines(out)] == list(range(_BIG))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


# -- random input (hypothesis) --------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "text", "turns", "messages", "speaker", "content", "role", "label"])
            | st.text(max_size=6),
            inner,
            max_size=4,
        )
    ),
    max_leaves=10,
)


@pytest.mark.reliability(
    entry="fanzha check",
    bad_input="random TEXT (hypothesis)",
    behaviour="a verdict (exit 0) or a coded error (exit 2); never a traceback",
)
@FUZZ
@given(st.text(max_size=300))
def test_random_text(capsys: pytest.CaptureFixture[str], text: str) -> None:
    code, out, err = run(["check", "--json", "--", text], capsys)
    assert (code == 0 and orjson.loads(out)["label"]) or (code == 2 and "E0" in err)


@pytest.mark.reliability(
    entry="fanzha check --file",
    bad_input="random bytes and random JSON, as .txt and .json (hypothesis)",
    behaviour="a verdict (exit 0) or a coded error (exit 2); the file unchanged; never a traceback",
)
@FUZZ
@given(
    st.binary(max_size=300) | JSON.map(lambda d: json.dumps(d).encode()),
    st.sampled_from(["in.txt", "in.json"]),
)
def test_random_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, name: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    code, out, err = run(["check", "--json", "--file", str(p)], capsys)
    assert (code == 0 and orjson.loads(out)["label"]) or (code == 2 and f"{p}: E" in err)
    assert p.read_bytes() == data


@pytest.mark.reliability(
    entry="fanzha check --jsonl",
    bad_input="random bytes and random JSON lines (hypothesis)",
    behaviour="exit 0, 1 (each bad line reported) or 2; the output whole (one line per accepted line) or, on "
    "exit 2, as it was; the input unchanged; never a traceback",
)
@FUZZ
@given(
    st.binary(max_size=400)
    | st.lists(JSON | st.fixed_dictionaries({"id": JSON, "text": JSON}), max_size=6).map(
        lambda rows: "".join(json.dumps(r) + "\n" for r in rows).encode()
    )
)
def test_random_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(data)
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"id": "old"}\n')
    code, _, err = run(["check", "--jsonl", str(src), "--out", str(out)], capsys)
    assert src.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]
    if code == 2:
        assert out.read_bytes() == b'{"id": "old"}\n' and f"{src}: E" in err
        return
    rows = _lines(out)
    rejected = err.count(f"fanzha: {src}:")
    assert code == (1 if rejected else 0)
    assert f"已处理 {len(rows)} 条，{rejected} 条有错误" in err
    assert all("label" in r and "text" not in r for r in rows)
