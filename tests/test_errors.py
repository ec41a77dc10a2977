"""The error catalogue (src/fanzha/messages/errors.yaml): every code fanzha raises or reports is defined there
once, used in the package, rendered in zh and en with the params its call sites give, and documented in the
generated docs/errors.md."""

from __future__ import annotations

import ast
import pickle
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from clirun import run
from fanzha.errors import (
    AREAS,
    FanzhaError,
    InputError,
    KnowledgeBaseError,
    catalogue,
    entry,
    main,
    markdown,
    placeholders,
)
from fanzha.messages import set_lang

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "fanzha"
CODE = re.compile(r"^[EW]\d{3}$")
#: keyword arguments of the calls that build a coded error, issue or row kept aside that are not params
NOT_PARAMS = {"where", "hint", "severity", "event_id", "raw"}
#: calls with a literal code that do not take its params as keywords (each is checked on its own below)
OTHER_CALLS = {"Registry", "_why"}


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _coded_calls() -> Iterator[tuple[str, ast.Call, str]]:
    """(file:line, call, code) of every call that gives a literal code, positionally or as ``code=``."""
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            args = [*node.args, *(k.value for k in node.keywords if k.arg == "code")]
            codes = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            for code in codes:
                if CODE.match(code):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node, code


def _codes_in_src() -> dict[str, list[str]]:
    """Every string constant of the package that is a code, with where it is."""
    found: dict[str, list[str]] = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
                found.setdefault(node.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _dummy(code: str) -> dict[str, object]:
    """A value for every param of `code` (a number where the template formats one)."""
    e = entry(code)
    texts = [e.zh, e.en, *(e.hint or {}).values()]
    specs = {name: spec for t in texts for _, name, spec, _ in string.Formatter().parse(t) if name}
    return {name: 7 if specs.get(name) else f"<{name}>" for name in e.params}


def test_docs_errors_md_is_the_generated_reference() -> None:
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert doc == markdown(), "regenerate it: python -m fanzha.errors --doc docs/errors.md"


def test_the_doc_command_writes_the_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--doc", str(tmp_path / "errors.md")]) == 0
    assert (tmp_path / "errors.md").read_text(encoding="utf-8") == markdown()
    assert main([]) == 0 and capsys.readouterr().out == markdown()


def test_every_code_in_the_package_is_in_the_catalogue() -> None:
    missing = {code: where for code, where in _codes_in_src().items() if code not in catalogue()}
    assert not missing, missing


def test_every_catalogue_code_is_used_or_reserved_with_a_reason() -> None:
    used = _codes_in_src()
    for code, e in catalogue().items():
        if e.reserved is not None:
            assert e.reserved.strip() and code not in used, code
        else:
            assert code in used, f"{code} is used nowhere in src/fanzha: remove it or mark it reserved: why"


def test_every_call_with_a_literal_code_passes_exactly_its_params() -> None:
    bad = []
    for where, call, code in _coded_calls():
        if _name(call) in OTHER_CALLS:
            continue
        if any(k.arg is None for k in call.keywords):
            bad.append(f"{where}: {code} with **params cannot be checked")
            continue
        given = {k.arg for k in call.keywords if k.arg is not None} - NOT_PARAMS
        if given != entry(code).params:
            bad.append(
                f"{where}: {code} given {sorted(given)}, its templates use {sorted(entry(code).params)}"
            )
    assert not bad, "\n".join(bad)


def test_registry_codes_take_the_name_and_the_valid_names() -> None:
    for where, call, code in _coded_calls():
        if _name(call) == "Registry":
            assert entry(code).params == {"name", "valid"}, where


def test_rows_kept_aside_by_trace_carry_the_params_of_their_codes() -> None:
    from fanzha.trace.ingest import REJECT_PARAMS, rejected_row

    for code, names in REJECT_PARAMS.items():
        assert set(names) == entry(code).params, code
    assert rejected_row("l.csv", 3, "E526 transfer_id l.csv:1").render("en") == (
        "l.csv:3: E526 duplicate transfer_id (first at l.csv:1)"
    )
    assert rejected_row("my ledger.csv", 4, "E526 transfer_id my ledger.csv:2").params["first"] == (
        "my ledger.csv:2"
    )


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_each_entry_is_well_formed_and_renders_in_zh_and_en(code: str) -> None:
    e = entry(code)
    assert e.area in AREAS and e.exit in (2, 3)
    assert set(placeholders(e.zh)) == set(placeholders(e.en)), "zh and en must use the same params"
    if e.hint is not None:
        assert set(placeholders(e.hint["zh"])) == set(placeholders(e.hint["en"]))
    assert e.zh != e.en and e.zh.strip() and e.en.strip()
    params = _dummy(code)
    err = FanzhaError(code, where="x.txt:3", **params)
    for lang in ("zh", "en"):
        text = err.render(lang)
        assert text.startswith(f"x.txt:3: {code} {err.message(lang)}")
        for name, value in params.items():
            assert str(value) in text, (lang, name)


def test_every_input_code_has_a_hint() -> None:
    missing = [c for c, e in catalogue().items() if e.area == "input" and e.hint is None]
    assert not missing, missing


def test_an_unknown_code_or_wrong_params_are_programming_errors() -> None:
    with pytest.raises(KeyError):
        FanzhaError("E999")
    with pytest.raises(TypeError):
        InputError("E001", path="x")
    with pytest.raises(TypeError):
        InputError("E010")


def test_rendering_follows_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    err = InputError("E030", where="--ttl", value="soon")
    assert str(err) == "--ttl: E030 不是有效的时长：'soon' (写作 90s、30m、2h、1d 或 1h30m)"
    assert err.render("en") == "--ttl: E030 not a duration: 'soon' (write 90s, 30m, 2h, 1d or 1h30m)"
    monkeypatch.setenv("FANZHA_LANG", "en_US.UTF-8")
    assert str(err).startswith("--ttl: E030 not a duration")
    set_lang("zh")
    assert str(err).startswith("--ttl: E030 不是有效的时长")
    err.where = "--lateness"  # callers add the location later: the text follows
    assert str(err).startswith("--lateness: E030")


def test_a_hint_naming_an_empty_param_is_left_out() -> None:
    far = InputError("E301", name="zz", valid=["tf5", "tf8"], close=[])
    assert far.hint() is None and far.render("en") == "E301 unknown corpus 'zz'; valid: tf5, tf8"
    near = InputError("E301", name="tf9", valid=["tf5", "tf8"], close=["tf8"])
    assert near.render("en").endswith("(did you mean tf8?)")


def test_errors_pickle_with_their_params() -> None:
    err = KnowledgeBaseError(["a.yaml:1: E105 file missing"], where="a.yaml:1")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is KnowledgeBaseError and back.render("en") == err.render("en")
    assert back.render("en").startswith("a.yaml:1: E100 knowledge base has 1 problem(s):\na.yaml:1: E105")


def test_the_cli_prints_one_line_in_the_commands_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = str(tmp_path / "nope.txt")
    code, _, err = run(["check", "--file", missing], capsys)
    assert code == 2 and err == f"fanzha: error: {missing}: E001 没有这个文件\n"
    code, _, err = run(["check", "--file", missing, "--lang", "en"], capsys)
    assert code == 2 and err == f"fanzha: error: {missing}: E001 no such file\n"
    code, _, err = run(["sim", "--check", missing], capsys)  # the language of the last command is gone
    assert code == 2 and "E400 没有这个文件或文件夹" in err
    monkeypatch.setenv("FANZHA_LANG", "en")
    code, _, err = run(["sim", "--check", missing], capsys)
    assert (
        code == 2
        and err
        == f"fanzha: error: {missing}: E400 no such file or folder (a world is made by fanzha sim --out DIR)\n"
    )


def test_an_internal_code_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fanzha.cli import main as cli_main

    def broken(*args: object, **kwargs: object) -> None:
        raise InputError("E538")

    monkeypatch.setattr(cli_main.cli, "main", broken)
    with pytest.raises(SystemExit) as exc:
        cli_main.main(["trace"])
    assert exc.value.code == 3 and capsys.readouterr().err.startswith("fanzha: error: E538 ")


def test_a_value_with_line_breaks_keeps_the_error_on_one_line() -> None:
    """A cell or a column name read from a user's file may hold any line break; the message shows it escaped."""
    err = InputError("E521", where="l.csv:2", value='"1\n2\r3\x0b\x85\u2028"')
    assert err.render("en") == 'l.csv:2: E521 amount "1\\n2\\r3\\x0b\\x85\\u2028" is not a number'
    listed = InputError("E502", where="l.csv", columns=["amount"], present=["金\n额", "x"])
    assert len(listed.render().splitlines()) == 1 and "金\\n额, x" in listed.render()
