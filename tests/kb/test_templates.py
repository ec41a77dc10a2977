"""The text templates (kb/data/templates): the shipped files load clean, every check fires on a broken copy at
its file:line, and rendering is deterministic and leaves no placeholder unfilled."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.classify import synth
from fanzha.errors import KnowledgeBaseError
from fanzha.kb import templates as kbt
from fanzha.kb.templates import Templates, check_templates, default_root, load_templates
from fanzha.kb.yamlsrc import Issue
from fanzha.text import templates as tt

T = load_templates()
W = tt.training_texts()
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def test_shipped_templates_load_without_issues() -> None:
    templates, issues = check_templates()
    assert [str(i) for i in issues] == []
    assert isinstance(templates, Templates)
    assert load_templates() is load_templates()  # read once per process


def test_code_and_data_agree_on_the_draws_and_composers() -> None:
    assert set(tt.DRAWS) == set(kbt.DRAWS)
    assert set(tt.COMPOSERS) == set(kbt.COMPOSERS)
    assert set(T.training_benign.composed) <= set(tt.COMPOSERS)


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_the_text_floor_imports_no_engine_and_classify_and_sim_not_each_other() -> None:
    engines = tuple(f"fanzha.{m}" for m in ("sim", "classify", "detect", "warn", "trace", "evaluate", "cli"))
    loaded = _modules_after("import fanzha.text.templates")
    assert not {m for m in loaded if m.startswith(engines)}
    assert not {m for m in _modules_after("import fanzha.classify.synth") if m.startswith("fanzha.sim")}
    assert not {m for m in _modules_after("import fanzha.sim.generate") if m.startswith("fanzha.classify")}


def test_templates_are_read_when_a_generator_asks_not_at_start_up() -> None:
    code = (
        "from fanzha.detect import Detector\n"
        "Detector().analyze('您好，我是淘宝客服，您的快递丢了，给您理赔')\n"
        "import fanzha.sim, fanzha.classify.synth\n"
        "from fanzha.kb.templates import _shipped\n"
        "assert _shipped.cache_info().currsize == 0, 'templates read before a generator asked'\n"
    )
    _modules_after(code)


def test_required_lists_what_the_sim_asks_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from fanzha.kb.templates import SCAM_VARIANTS
    from fanzha.sim import simulate
    from fanzha.sim.config import preset

    asked: dict[str, set[str]] = {"world.scam": set(), "world.benign": set()}
    scam, benign = tt.TextBank.scam, tt.TextBank.benign

    def record_scam(self: tt.TextBank, family: str, *args: Any, **kw: Any) -> str:
        asked["world.scam"].add(family)
        return scam(self, family, *args, **kw)

    def record_benign(self: tt.TextBank, family: str, *args: Any, **kw: Any) -> str:
        asked["world.benign"].add(family)
        return benign(self, family, *args, **kw)

    monkeypatch.setattr(tt.TextBank, "scam", record_scam)
    monkeypatch.setattr(tt.TextBank, "benign", record_benign)
    simulate(preset("small"))
    for table, families in asked.items():
        assert families and families <= set(kbt.REQUIRED[table]), families - set(kbt.REQUIRED[table])
    assert set(kbt.REQUIRED["reports.pretext"]) == set(SCAM_VARIANTS)
    assert {f"contact.{v}" for v in SCAM_VARIANTS} <= set(kbt.REQUIRED["world.scam"])


# -- every check fires on a broken copy ---------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    dst = tmp_path / "templates"
    shutil.copytree(default_root(), dst)
    return dst


def _edit(root: Path, name: str, old: str, new: str) -> int:
    """Replace the one occurrence of `old` in `name`; the line (1-based) where `new` begins."""
    p = root / name
    text = p.read_text(encoding="utf-8")
    assert text.count(old) == 1, (name, old)
    at = text.index(old)
    p.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text[:at].count("\n") + 1


def _issues(root: Path) -> list[Issue]:
    _, issues = check_templates(root)
    return issues


def _one(issues: list[Issue], code: str) -> Issue:
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, [str(i) for i in issues]
    return found[0]


def test_a_placeholder_typo_is_reported_at_its_file_and_line(root: Path) -> None:
    line = _edit(root, "world.yaml", "您好，{platform}跨境购客服", "您好，{platfrom}跨境购客服")
    issue = _one(_issues(root), "E144")
    assert issue.file.endswith("world.yaml") and issue.line == line
    assert "{platfrom}" in issue.message("en") and "did you mean {platform}" in issue.render("en")
    with pytest.raises(KnowledgeBaseError) as err:
        load_templates(root)
    assert f"world.yaml:{line}: E144" in str(err.value)


def test_a_placeholder_the_renderer_does_not_fill_is_reported(root: Path) -> None:
    line = _edit(root, "reports.yaml", "共计{amount}元，然后", "共计{comp}元，然后")  # reports: str.format
    issue = _one(_issues(root), "E144")
    assert (
        issue.file.endswith("reports.yaml")
        and issue.line == line
        and "not filled here" in issue.message("en")
    )
    # slot values are inserted as written
    line = _edit(root, "slots.yaml", "[淘宝, 天猫,", '["淘宝{x}", 天猫,')
    issue = next(i for i in _issues(root) if i.file.endswith("slots.yaml"))
    assert (issue.code, issue.line) == ("E144", line) and issue.params["valid"] == "-"  # inserted as written


def test_a_malformed_placeholder_is_reported(root: Path) -> None:
    line = _edit(root, "training.yaml", "我们给您{mult}倍赔偿，请加QQ", "我们给您{mult倍赔偿，请加QQ")
    assert _one(_issues(root), "E145").line == line
    _edit(root, "training.yaml", "我们给您{mult倍赔偿，请加QQ", "我们给您{mult}倍赔偿，请加QQ")
    line = _edit(root, "world.yaml", "订单尾号{order4}", "订单尾号{order4:>6}")
    issue = _one(_issues(root), "E145")
    assert issue.line == line and "bare slot name" in issue.message("en")


def test_missing_unreadable_and_unknown_files(root: Path) -> None:
    (root / "reports.yaml").unlink()
    (root / "training.yaml").write_text("benign: [\n", encoding="utf-8")
    (root / "extra.yaml").write_text("a: [b]\n", encoding="utf-8")
    issues = _issues(root)
    by_file = {(Path(i.file).name, i.code) for i in issues}
    assert {("reports.yaml", "E105"), ("training.yaml", "E102"), ("extra.yaml", "E149")} <= by_file
    assert check_templates(root)[0] is None


def test_an_unknown_key_is_reported_with_a_suggestion(root: Path) -> None:
    line = _edit(root, "training.yaml", "\nfillers:\n", "\nfilers:\n") + 1
    issues = _issues(root)
    unknown = _one(issues, "E141")
    assert unknown.line == line and "did you mean 'fillers'" in unknown.render("en")
    assert _one(issues, "E147").message("en").startswith("fillers: 'fillers' is missing")


def test_an_empty_list_is_reported(root: Path) -> None:
    text = (root / "reports.yaml").read_text(encoding="utf-8")
    block = text[text.index("\nstopped:\n") + 1 :]
    line = _edit(root, "reports.yaml", block, "stopped: []\n")
    assert _one(_issues(root), "E142").line == line


def test_a_value_of_the_wrong_shape_is_reported(root: Path) -> None:
    line = _edit(root, "world.yaml", "  - [您, 你]\n", "  - [您, 你, 他]\n")
    assert _one(_issues(root), "E143").line == line
    _edit(root, "world.yaml", "  - [您, 你, 他]\n", "  - [您, 你]\n")
    line = _edit(root, "training_letters.yaml", "early: 0.45", "early: often")
    assert _one(_issues(root), "E143").line == line


def test_a_key_given_twice_is_reported(root: Path) -> None:
    line = _edit(root, "world.yaml", "  friend_chat:\n", "  friend_chat: [收到]\n  friend_chat:\n") + 1
    issue = _one(_issues(root), "E106")
    assert issue.line == line and "'friend_chat'" in issue.message("en")


def test_a_family_code_asks_for_is_reported_when_missing(root: Path) -> None:
    text = (root / "world.yaml").read_text(encoding="utf-8")
    start = text.index("  close:\n")
    end = text.index("  victim.refuse:", start)
    _edit(root, "world.yaml", text[start:end], "")
    issue = _one(_issues(root), "E147")
    assert issue.file.endswith("world.yaml") and "'close'" in issue.message("en")
    assert issue.line == text[: text.index("\nscam:\n") + 1].count("\n") + 1


def test_names_that_refer_to_nothing_are_reported(root: Path) -> None:
    line = _edit(root, "slots.yaml", "name: {draw: name}", "name: {draw: nmae}")
    issue = _one(_issues(root), "E148")
    assert issue.line == line and "'nmae'" in issue.message("en") and "name" in issue.params["valid"]
    _edit(root, "slots.yaml", "name: {draw: nmae}", "name: {draw: name}")
    line = _edit(root, "training.yaml", "  - [move.remote]", "  - [move.remot]")
    issue = _one(_issues(root), "E148")
    assert issue.line == line and "'move.remot'" in issue.message("en")
    _edit(root, "training.yaml", "  - [move.remot]", "  - [move.remote]")
    _edit(root, "training_benign.yaml", "  user_question_composed: 4", "  user_questions: 4")
    assert "'user_questions' refers to nothing" in _one(_issues(root), "E148").message("en")


# -- rendering ----------------------------------------------------------------------------------------------


def test_rendering_is_deterministic_for_a_seed() -> None:
    def world(seed: int) -> list[str]:
        rng = np.random.default_rng(seed)
        bank = tt.TextBank(rng)
        slots = W.all_slots(rng)
        return [bank.scam(f, slots) for f in T.world.scam] + [bank.benign(f, slots) for f in T.world.benign]

    def training(seed: int) -> list[tuple[str, int, str | None, str]]:
        samples = synth.generate(np.random.default_rng(seed), 2)
        return [(s.text, s.label, s.category, s.group) for s in samples]

    assert world(3) == world(3) and world(3) != world(4)
    assert training(3) == training(3) and training(3) != training(4)


def _renderings() -> list[tuple[str, str]]:
    kinds = [("world.scam", f) for f in T.world.scam] + [("world.benign", f) for f in T.world.benign]
    kinds += [("training.benign", g) for g in T.training.benign]
    kinds += [(k, c) for c in T.training.scam for k in ("one_line", "composed", "verbose")]
    kinds += [("register", c) for c in T.training_registers.weights]
    kinds += [("letter", c) for c in T.training_letters.share]
    kinds += [("benign_register", g) for g in T.training_benign.registers]
    kinds += [("composer", g) for g in tt.COMPOSERS]
    return kinds


def _render(kind: str, name: str, rng: np.random.Generator) -> str:
    if kind in ("world.scam", "world.benign"):
        bank = tt.TextBank(rng)
        slots = W.all_slots(rng)
        return bank.scam(name, slots) if kind == "world.scam" else bank.benign(name, slots)
    if kind == "training.benign":
        options = T.training.benign[name]
        return W.decorate_benign(rng, W.render(rng, options[int(rng.integers(len(options)))]), name)
    if kind == "one_line":
        return W.one_line_scam(rng, name)
    if kind == "composed":
        return W.composed_scam(rng, name)
    if kind == "verbose":
        return W.verbose_scam(rng, name)
    if kind == "register":
        return W.surface(rng, W.render(rng, W.scam_template(rng, name)))
    if kind == "letter":
        return W.render(rng, W.letter_template(rng, name))
    if kind == "benign_register":
        return W.surface(rng, W.render(rng, W.benign_template(rng, name)))
    return tt.COMPOSERS[name](W, rng)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_renderings()), st.integers(0, 2**32 - 1))
def test_rendering_any_family_leaves_no_placeholder(kind: tuple[str, str], seed: int) -> None:
    text = _render(*kind, np.random.default_rng(seed))
    assert text.strip() or kind[1] == "short"
    assert not PLACEHOLDER.search(text), (kind, text)


def test_every_family_renders_without_a_placeholder_for_a_few_seeds() -> None:
    for kind in _renderings():
        for seed in range(5):
            text = _render(*kind, np.random.default_rng(seed))
            assert not PLACEHOLDER.search(text), (kind, text)
