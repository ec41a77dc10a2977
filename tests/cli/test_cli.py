"""The command line, end to end: every entry point with good and bad input; never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clirun import run

SCAM = "您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请加QQ 2846135790办理"


def fanzha(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.run(
        [sys.executable, "-m", "fanzha.cli.main", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert b"Traceback" not in proc.stdout + proc.stderr
    return proc


def test_check_text_human_output_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", SCAM], capsys)
    assert code == 0
    assert "诈骗" in out and "冒充电商物流客服诈骗" in out and "现在应该怎么做" in out
    assert "三倍赔偿" in out


@pytest.mark.parametrize("width", [50, 80, 120])
def test_check_advice_wraps_under_its_own_text(width: int) -> None:
    """A long item of advice wraps under its text, whole, at any width: never its number alone on a line; and
    nothing (advice, the evidence's reasons) is cut short with an ellipsis (Chinese has no spaces to wrap at)."""
    import re

    from rich.console import Console

    from fanzha.cli.render import VerdictView
    from fanzha.detect import Detector

    text = "我妈被骗了，有人冒充淘宝客服说给她退款，让她把手机验证码给对方，结果卡里的钱被转走了"
    detector = Detector(model=None)
    verdict = detector.analyze(text)
    assert len(verdict.advice) >= 5
    console = Console(width=width, record=True, color_system=None)
    console.print(VerdictView(verdict, [text], detector.kb))
    out = console.export_text()
    panel = out[out.index("现在应该怎么做") :]
    inner = [line.strip("│ ").rstrip() for line in panel.splitlines()[1:] if line.startswith("│")]
    assert not [line for line in inner if re.fullmatch(r"\d+\.", line)]
    joined = "".join(inner)
    assert "…" not in out  # nor the evidence's reasons
    for i, a in enumerate(verdict.advice, start=1):
        assert f"{i}.{a.text}".replace(" ", "") in joined.replace(" ", "")


def test_check_text_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--lang", "en", SCAM], capsys)
    assert code == 0 and "Scam" in out and "What to do now" in out
    assert "Key details: " in out and "：" not in out  # the English colon, not the Chinese one


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--json", SCAM], capsys)
    data = json.loads(out)
    assert code == 0 and data["label"] == "scam" and data["variant"] == "quality_refund"
    assert all(SCAM[f["start"] : f["end"]] == f["text"] for f in data["findings"])


def test_check_file_text_and_gb18030(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    utf8 = tmp_path / "a.txt"
    utf8.write_text(SCAM, encoding="utf-8")
    gbk = tmp_path / "b.txt"
    gbk.write_bytes(SCAM.encode("gb18030"))
    for p in (utf8, gbk):
        code, out, _ = run(["check", "--json", "--file", str(p)], capsys)
        assert code == 0 and json.loads(out)["label"] == "scam"


def test_check_file_json_chat(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chat = tmp_path / "chat.json"
    turns = [
        {"from": "客服", "content": "您好，这里是中通快递理赔中心，您的包裹丢失了，给您双倍赔付。"},
        {"from": "我", "content": "怎么办理？"},
        {"from": "客服", "content": "请下载小鱼易连，进入会议室开启屏幕共享。"},
    ]
    chat.write_text(json.dumps({"messages": turns}, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(["check", "--json", "--file", str(chat)], capsys)
    data = json.loads(out)
    assert code == 0 and data["variant"] == "lost_parcel" and data["stage"] == 3
    for f in data["findings"]:
        assert turns[f["turn"]]["content"][f["start"] : f["end"]] == f["text"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01\x02binary\x00", "E003"),
        (b"", "E000"),
        (b"   \n\t  ", "E000"),
        (b'[{"speaker": 1}]', "E010"),
    ],
)
def test_check_file_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    p = tmp_path / "bad.json"
    p.write_bytes(content)
    code, _, err = run(["check", "--file", str(p)], capsys)
    assert code == 2 and message in err and str(p) in err


def test_json_file_that_does_not_parse_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "chat.json"
    p.write_text("{not json", encoding="utf-8")
    code, _, err = run(["check", "--file", str(p)], capsys)
    assert code == 2 and "E021" in err and "chat.json" in err


def test_chat_log_with_bracketed_times_is_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "chat.txt"
    p.write_text(
        "[2024-05-14 18:02] 客服：您好，您的快递丢失了，我们给您双倍赔付。\n"
        "[2024-05-14 18:03] 我：怎么操作？\n"
        "[2024-05-14 18:04] 客服：请下载小鱼易连，进入会议室开启屏幕共享。\n",
        encoding="utf-8",
    )
    code, out, _ = run(["check", "--json", "--file", str(p)], capsys)
    data = json.loads(out)
    text = p.read_text(encoding="utf-8")
    assert code == 0 and data["variant"] == "lost_parcel"
    assert all(text[f["start"] : f["end"]] == f["text"] for f in data["findings"])
    assert not any(f["text"] == "客服" for f in data["findings"])


def test_check_file_invalid_utf8_falls_back_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "latin.txt"
    p.write_bytes("退款".encode() + b"\xff\xfe\xfa broken")
    code, out, err = run(["check", "--json", "--file", str(p)], capsys)
    assert code in (0, 2)
    if code == 0:
        assert json.loads(out)["label"] in ("safe", "suspicious", "scam")
    else:
        assert "E004" in err


def test_check_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", "--file", str(tmp_path / "nope.txt")], capsys)
    assert code == 2 and "nope.txt" in err
    code, _, err = run(["check", "--file", str(tmp_path)], capsys)
    assert code == 2


def test_check_emoji_only_gives_defined_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--json", "😀🎉🎉"], capsys)
    assert code == 0 and json.loads(out)["label"] == "safe"


@pytest.mark.reliability(
    entry="every fanzha command line",
    bad_input="an unknown option or command, a missing or invalid value, an extra argument, inputs that exclude "
    "each other",
    behaviour="one coded line (E050–E057) in the command's language naming the command and what was wrong, "
    "with a hint; exit 2; never click's English usage block",
)
def test_usage_errors_are_coded(capsys: pytest.CaptureFixture[str]) -> None:
    cases = [
        (["check", "--nope", "x"], "fanzha check: E050 没有这个选项：--nope"),
        (["cases", "leeks"], "fanzha cases: E051 没有这个命令：leeks (可用的命令：leaks)"),
        (["nosuchcommand"], "fanzha: E051 没有这个命令：nosuchcommand"),
        (
            ["cases", "leaks", "x"],
            "fanzha cases leaks: E052 缺少 --orders (运行 fanzha cases leaks --help 查看用法)",
        ),
        (
            ["cases", "leaks", "x", "--orders", "y", "--alpha", "abc"],
            "fanzha cases leaks: E053 --alpha 的值无效：'abc' 不是数字",
        ),
        (["serve", "--port", "70000"], "fanzha serve: E053 --port 的值无效：70000 不在 0<=x<=65535 范围内"),
        (
            ["warn", "--events", "x", "--out", "y", "--batch-size", "1.5"],
            "E053 --batch-size 的值无效：'1.5' 不是整数",
        ),
        (
            ["cases", "evaluate", "--alerts-profile", "xyz"],
            "的值无效：'xyz' 不是可选值（'bank', 'bank_telco', 'full'）之一",
        ),
        (
            ["kb", "lint", "--root", "/nonexistent-kb"],
            "fanzha kb lint: E053 --root 的值无效：'/nonexistent-kb' 不存在",
        ),
        (
            ["--lang", "en", "serve", "--port", "abc"],
            "E053 invalid value for --port: 'abc' is not an integer",
        ),
        (["cases", "leaks", "x", "--orders"], "E053 --orders 的值无效："),
        (["cases", "leaks", "x", "--orders", "y", "extra"], "fanzha cases leaks: E054 命令行用法有误："),
        (["check", "x", "--file", "y"], "fanzha check: E055 TEXT, --file, --jsonl, --image 只能给出其中一个"),
        (["check", "--out", "o.jsonl", "x"], "fanzha check: E056 --out 只能与 --jsonl 一起使用"),
        (
            ["--lang", "en", "check", "--annotate", "a.png", "x"],
            "fanzha check: E056 --annotate goes with --image only",
        ),
        (["--lang", "en", "cases", "leaks", "x"], "fanzha cases leaks: E052 --orders is missing"),
    ]
    for argv, want in cases:
        code, out, err = run(argv, capsys)
        assert code == 2 and out == "" and err.startswith("fanzha: error: ") and want in err, (argv, err)
        assert "Usage:" not in err and "Try '" not in err and err.count("\n") == 1
    for argv in ([], ["cases"]):  # a group alone is its help, not an error line
        code, out, err = run(argv, capsys)
        assert "用法：fanzha" in out + err and "命令：" in out + err and "E05" not in out + err


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_any_unknown_word_is_a_coded_error(word: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A word that is no command of a group, or an option it does not have, is one coded line (E051, E050)."""
    from fanzha.cli.main import cli

    group = cli.get_command(click.Context(cli), "cases")
    assert isinstance(group, click.Group)
    options = {o for p in group.params for o in getattr(p, "opts", [])}
    if word not in group.list_commands(click.Context(group)):
        code, out, err = run(["cases", word], capsys)
        assert (
            code == 2
            and out == ""
            and err.startswith(f"fanzha: error: fanzha cases: E051 没有这个命令：{word}")
        )
    if f"--{word}" not in options:
        code, out, err = run(["cases", f"--{word}"], capsys)
        assert (
            code == 2
            and out == ""
            and err.startswith(f"fanzha: error: fanzha cases: E050 没有这个选项：--{word}")
        )


@pytest.mark.reliability(
    entry="fanzha check --jsonl",
    bad_input="bad lines among good ones: invalid JSON or UTF-8, not an object, no id or text, text not a string",
    behaviour="each reported as IN:LINE: CODE; the good lines written in order; exit 1 (was 0)",
)
def test_batch_jsonl_processes_good_lines_and_reports_bad_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    out = tmp_path / "out.jsonl"
    lines = [
        json.dumps({"id": "a", "text": SCAM, "source": "sms"}, ensure_ascii=False),
        "{broken json",
        json.dumps({"id": "b"}),
        json.dumps([1, 2]),
        "",
        json.dumps({"id": "c", "text": "【中国工商银行】验证码：736521，请勿泄露。"}, ensure_ascii=False),
        json.dumps(
            {"id": "d", "turns": [{"speaker": "客服", "text": "请把验证码告诉我"}]}, ensure_ascii=False
        ),
        json.dumps({"id": "e", "text": 42}),
    ]
    src.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "f", "text": "\xff\xfe"}\n')
    code, _, err = run(["check", "--jsonl", str(src), "--out", str(out)], capsys)
    assert code == 1  # some records were rejected
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "c", "d"]
    assert rows[0]["source"] == "sms" and rows[0]["label"] == "scam"
    for key in ("id", "label", "kind", "category", "variant", "stage", "score", "findings", "advice"):
        assert key in rows[0]
    assert set(rows[0]["findings"][0]) >= {"indicator", "start", "end", "text"}
    assert f"{src}:2: E020" in err
    assert f"{src}:3: E024" in err
    assert f"{src}:4: E023" in err
    assert f"{src}:8: E025" in err
    assert f"{src}:9: E020" in err
    assert "已处理 3 条，5 条有错误" in err


def test_batch_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": 1, "text": SCAM}, ensure_ascii=False) + "\n", encoding="utf-8")
    proc = fanzha("check", "--jsonl", str(src))
    assert proc.returncode == 0
    assert json.loads(proc.stdout.decode().splitlines()[0])["id"] == 1


def test_stdin_utf8_and_gb18030() -> None:
    for data in (SCAM.encode(), SCAM.encode("gb18030")):
        for args in (("check", "--json"), ("check", "--json", "-")):  # "-" is standard input too
            proc = fanzha(*args, stdin=data)
            assert proc.returncode == 0 and json.loads(proc.stdout)["label"] == "scam"


def test_stdin_empty_is_a_clear_error() -> None:
    proc = fanzha("check", stdin=b"")
    assert proc.returncode == 2 and b"E000" in proc.stderr


def test_kb_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["kb", "lint"], capsys)
    assert code == 0 and "知识库检查通过" in err
    code, out, _ = run(["kb", "list"], capsys)
    assert code == 0 and "ecs.compensation" in out
    for what in ("categories", "variants", "advice"):
        code, out, _ = run(["kb", "list", what], capsys)
        assert code == 0 and out.strip()
    code, out, _ = run(["kb", "show", "ecs.compensation"], capsys)
    assert code == 0 and "多倍赔偿" in out and "ecommerce_cs.yaml:" in out
    # shown as the YAML files write it: each regex on one line, "\n" escaped, and read back the same
    import yaml

    from fanzha.kb.loader import default_kb

    code, out, _ = run(["kb", "show", "x.victim_paid"], capsys)
    shown = yaml.safe_load(out)
    (ind,) = [i for i in default_kb().kb.indicators if i.id == "x.victim_paid"]
    assert code == 0 and shown["regex"] == ind.regex
    lines = out.splitlines()
    at = lines.index("regex:") + 1
    assert all(line.startswith('- "') for line in lines[at : at + len(ind.regex)])
    assert not lines[at + len(ind.regex)].startswith(("- ", " "))  # nothing folded onto a next line
    code, _, err = run(["kb", "show", "ecs.compensate"], capsys)
    assert code == 2 and "E120" in err and "ecs.compensation" in err


def test_kb_lint_of_a_broken_kb_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from fanzha.kb.loader import default_root

    root = tmp_path / "kb"
    shutil.copytree(default_root(), root)
    (root / "advice.yaml").write_text("advice: [\n", encoding="utf-8")
    code, out, _ = run(["kb", "lint", "--root", str(root)], capsys)
    assert code == 1 and "advice.yaml:" in out and "E102" in out


def test_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["demo", "--no-detail"], capsys)
    assert code == 0 and "个示例与预期一致" in out and "判定" in out
    code, out, _ = run(["demo", "--no-detail", "--lang", "en"], capsys)
    assert code == 0 and "examples as expected" in out and "verdict" in out and "判定" not in out


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    for name in ("check", "eval", "kb", "demo"):
        assert name in out


def test_every_entity_kind_has_a_name_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    """The human view names each entity by its kind (a date in the text crashed it: `entity.time`)."""
    from fanzha.messages import t
    from fanzha.text.entities import KINDS

    for lang in ("zh", "en"):
        for kind in KINDS:
            assert t(f"entity.{kind}", lang) != f"entity.{kind}"
    code, out, _ = run(
        ["check", "您好，我是淘宝售后客服，您5月10日购买的面膜有质量问题，请加QQ 2846135790"], capsys
    )
    assert code == 0 and "时间" in out
