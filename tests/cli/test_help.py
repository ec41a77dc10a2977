"""`--help` in the process language: Simplified Chinese by default, English with ``--lang en`` (anywhere on the
command line) or ``$FANZHA_LANG``; every command and option has its Chinese help in the catalogue."""

from __future__ import annotations

import inspect
import re
import unicodedata

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clirun import run
from fanzha.cli.helptext import HelpCommand, HelpGroup, command_key, narrow, param_keys, walk, widen
from fanzha.cli.main import cli
from fanzha.messages import catalogue

ZH = catalogue("zh")
TREE = list(walk(cli))
IDS = [" ".join(path) or "fanzha" for path, _ in TREE]


def _documented(command: click.Command) -> list[click.Parameter]:
    ctx = click.Context(command, **cli.context_settings)  # (click caches the help option it makes with ctx)
    return [
        p for p in command.get_params(ctx) if getattr(p, "help", None) and not getattr(p, "hidden", False)
    ]


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.fixture(autouse=True)
def _no_env_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FANZHA_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "80")


def test_the_tree_is_walked_whole() -> None:
    paths = {" ".join(p) for p, _ in TREE}
    assert {"", "check", "cases", "cases link", "kb show", "warn", "serve"} <= paths, paths


@pytest.mark.parametrize("path, command", TREE, ids=IDS)
def test_every_command_and_option_has_chinese_help(path: list[str], command: click.Command) -> None:
    assert isinstance(command, HelpGroup if isinstance(command, click.Group) else HelpCommand), (
        f"`fanzha {' '.join(path)}` is a {type(command).__name__}: give it cls=HelpCommand (HelpGroup)"
    )
    assert command_key(path) in ZH, f"no Chinese help for `fanzha {' '.join(path)}`: add {command_key(path)}"
    missing = [
        param_keys(path, p)[0] for p in _documented(command) if not any(k in ZH for k in param_keys(path, p))
    ]
    assert not missing, f"no Chinese help for these options (zh.yaml): {missing}"
    for p in _documented(command):
        if isinstance(p, click.Option) and isinstance(p.show_default, str):
            keys = [k + ".default" for k in param_keys(path, p)] + [
                f"help.common.{param_keys(path, p)[0].rsplit('.', 1)[1]}.default"
            ]
            assert any(k in ZH for k in keys), f"no Chinese for the default shown by {p.opts}: {keys[0]}"


def test_no_chinese_help_for_what_does_not_exist() -> None:
    known = {"help.common." + n for n in ("help", "version", "json", "quiet", "lang", "lang.default")}
    for path, command in TREE:
        known.add(command_key(path))
        for p in _documented(command):
            known.update(k for key in param_keys(path, p) for k in (key, key + ".default"))
    stale = sorted(k for k in ZH if k.startswith("help.") and k not in known)
    assert not stale, f"Chinese help for commands or options that do not exist: {stale}"


@pytest.mark.parametrize(
    "path, command", [t for t in TREE if "\b" in (t[1].help or "")], ids=lambda v: str(v)
)
def test_the_examples_keep_their_commands_line_for_line(path: list[str], command: click.Command) -> None:
    """The examples' commands are as in English (only the # comments are translated), one a line."""

    def commands(text: str) -> list[str]:
        block = inspect.cleandoc(text).split("\b", 1)[1]
        return [line.split("  #")[0].rstrip() for line in block.splitlines() if "fanzha " in line]

    english = commands(command.help or "")
    assert english and commands(ZH[command_key(path)].replace("\\b", "\b")) == english


@pytest.mark.parametrize("argv", [["--help"], ["check", "--help"], ["cases", "link", "--help"]], ids=" ".join)
def test_help_is_chinese_by_default(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(argv, capsys)
    path = [a for a in argv if not a.startswith("-")]
    assert code == 0
    assert out.startswith("用法：") and "选项：" in out and "显示本帮助并退出。" in out
    assert "Show this message" not in out and "Options:" not in out
    first = ZH[command_key(path)].split("。")[0][:12]
    assert first in out.replace("\n", "").replace("  ", ""), first


def test_the_root_lists_the_commands_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "命令：" in out
    assert "判断一条消息" in out and "事中预警" in out and "资金" in out
    assert "Is this message" not in out


@pytest.mark.parametrize(
    "argv, env",
    [
        (["--lang", "en", "check", "--help"], None),
        (["check", "--lang", "en", "--help"], None),
        (["check", "--help", "--lang", "en"], None),
        (["check", "--help", "--lang=en"], None),
        (["check", "--help"], "en"),
        (["check", "--help"], "en_US.UTF-8"),
    ],
    ids=lambda v: str(v),
)
def test_check_help_in_english(
    argv: list[str], env: str | None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if env:
        monkeypatch.setenv("FANZHA_LANG", env)
    code, out, _ = run(argv, capsys)
    assert code == 0 and out.startswith("Usage: ")
    assert "Is TEXT a scam?" in out and "Print the verdict as JSON." in out and "Show this message" in out
    assert "Options:" in out and "[default: (zh, or $FANZHA_LANG)]" in out
    assert not re.search(r"[\u4e00-\u9fff]", out.replace(_examples_chinese(), "")), out


def _examples_chinese() -> str:
    return "您好，我是淘宝客服，您购买的商品有质量问题，给您三倍赔偿"


@pytest.mark.parametrize("argv", [["--lang", "en", "--help"], ["--help", "--lang", "en"]], ids=" ".join)
def test_root_help_in_english(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(argv, capsys)
    assert code == 0 and out.startswith("Usage: ") and "Commands:" in out
    assert "Is this message / chat / account a scam?" in out
    assert not re.search(r"[\u4e00-\u9fff]", out), out


@pytest.mark.parametrize("group", ["kb", "cases"])
def test_a_groups_help_in_english_with_lang_after_it(group: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`fanzha kb --help --lang en`: a group takes --lang as its commands do (it was E050, no such option)."""
    code, out, err = run([group, "--help", "--lang", "en"], capsys)
    assert code == 0 and out.startswith(f"Usage: fanzha {group} ") and "Commands:" in out, err
    code, out, _ = run([group, "--help"], capsys)
    assert code == 0 and out.startswith(f"用法：fanzha {group} ")


def test_the_language_given_last_wins_and_env_is_only_the_default(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FANZHA_LANG", "en")
    code, out, _ = run(["check", "--lang", "zh", "--help"], capsys)
    assert code == 0 and out.startswith("用法：")
    code, out, _ = run(["--lang", "zh", "check", "--lang", "en", "--help"], capsys)
    assert code == 0 and out.startswith("Usage:")
    code, out, _ = run(
        ["check", "--", "--lang", "en"], capsys
    )  # after --, --lang is the text: not a language
    assert code == 2


@pytest.mark.parametrize("path, command", TREE, ids=IDS)
def test_chinese_help_wraps_at_the_terminal_width(
    path: list[str], command: click.Command, capsys: pytest.CaptureFixture[str]
) -> None:
    """Chinese takes two columns a character: no line is wider than the terminal (the examples excepted, which
    are kept as written in either language)."""
    code, out, _ = run([*path, "--help"], capsys)
    assert code == 0
    examples = {line.strip() for line in ZH[command_key(path)].splitlines()}
    wide = [line for line in out.splitlines() if _columns(line) > 80 and line.strip() not in examples]
    assert not wide, wide


@given(st.text(alphabet=st.characters(blacklist_characters="\x1f", blacklist_categories=("Cs",))))
def test_widen_is_undone(value: str) -> None:
    assert narrow(widen(value)) == value
