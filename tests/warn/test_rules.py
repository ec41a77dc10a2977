"""The sequence rules as data: every example timeline replayed, contract tests over every signal and sequence,
and the loader's file:line errors on broken rule files."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from fanzha.errors import KnowledgeBaseError
from fanzha.kb.lint import lint
from fanzha.kb.sequences import default_root, default_rules, load_rules
from fanzha.records.units import parse_duration
from fanzha.warn.compiled import CompiledRules
from fanzha.warn.engine import WarnEngine
from fanzha.warn.lint import matched_rules, sequence_issues, timeline_events
from fanzha.warn.textscore import DetectorScorer

from .conftest import T0, Timeline

RULES = default_rules()
CASES = [
    (q.id, kind, j)
    for q in RULES.sequences
    for kind in ("positive", "negative")
    for j in range(len(getattr(q.examples, kind)))
]


@pytest.mark.parametrize("rule_id, kind, j", CASES, ids=[f"{r}-{k}-{j}" for r, k, j in CASES])
def test_example_timeline(
    rules: CompiledRules, scorer: DetectorScorer, rule_id: str, kind: str, j: int
) -> None:
    q = rules.source[rule_id]
    tl = getattr(q.examples, kind)[j]
    hit = rule_id in matched_rules(rules, scorer, timeline_events(tl))
    assert hit == (kind == "positive"), f"{rule_id} {kind} example {tl.name!r}"


def test_shipped_rules_load_clean() -> None:
    assert [str(i) for i in RULES.issues] == []
    assert RULES.playbook is not None
    assert len(RULES.sequences) >= 10


def test_every_sequence_has_examples_for_and_against_and_a_meaning() -> None:
    for q in RULES.sequences:
        assert q.examples.positive and q.examples.negative, q.id
        assert q.meaning.zh and q.meaning.en
        assert q.registered_name == f"fanzha.sequence.{q.id}.v{q.version}"


def test_every_signal_is_used_and_every_opening_signal_opens() -> None:
    used = {s for q in RULES.sequences for st in q.steps for s in st.any} | {
        s for q in RULES.sequences for s in q.absent
    }
    assert {s.id for s in RULES.signals} <= used, {s.id for s in RULES.signals} - used


def test_the_playbook_covers_every_level_and_variant() -> None:
    from fanzha.kb.loader import default_kb

    pb = RULES.playbook
    assert pb is not None
    assert [lv.id for lv in pb.levels] == ["low", "medium", "high"]
    assert [lv.code for lv in pb.levels] == ["sms", "call", "call_now_and_visit"]
    for v in default_kb().kb.variants:
        script = pb.scripts[v.id]
        assert script.zh and script.en and len(script.zh) == len(script.en)


def test_every_sequence_can_raise_an_alert() -> None:
    assert RULES.playbook is not None
    low = RULES.playbook.levels[0].min_risk
    assert all(q.risk >= low for q in RULES.sequences)


@pytest.mark.parametrize(
    "text, us",
    [
        ("90s", 90_000_000),
        ("30m", 1_800_000_000),
        ("2h", 7_200_000_000),
        ("1d", 86_400_000_000),
        ("1h30m", 5_400_000_000),
        (45, 45_000_000),
    ],
)
def test_durations(text: str | int, us: int) -> None:
    assert parse_duration(text) == us


@pytest.mark.parametrize("bad", ["", "soon", "2x", "-5m"])
def test_bad_durations(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(default_root(), root)
    return root


def test_broken_rule_files_are_reported_with_file_and_line(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "sequences" / "zz_bad.yaml").write_text(
        textwrap.dedent(
            """\
            sequences:
              - id: zz.unknown_signal
                meaning: {zh: 坏, en: bad}
                steps:
                  - any: [no.such_signal]
                within: 1h
                risk: 0.5
                stage: 2
                examples:
                  positive: [{name: p, events: [{kind: call}]}]
                  negative: [{name: n, events: [{kind: call}]}]
              - id: zz.bad_fields
                meaning: {zh: 坏, en: bad}
                steps: []
                within: soon
                risk: 1.5
                stage: 4
                examples:
                  positive: [{name: p, events: [{kind: call}]}]
                  negative: [{name: n, events: [{kind: call}]}]
              - id: contact.scam_message
                meaning: {zh: 重复, en: dup}
                steps:
                  - any: [msg.scam]
                within: 1m
                risk: 0.3
                stage: 1
                examples:
                  positive: [{name: p, events: [{kind: call}]}]
                  negative: [{name: n, events: [{kind: call}]}]
            signals:
              - id: zz.sig
                meaning: {zh: 坏, en: bad}
                when:
                  - kind: [teleport]
                    text: {findings: [no.such_indicator]}
            """
        ),
        encoding="utf-8",
    )
    rules = load_rules(root, strict=False)
    text = "\n".join(i.render("en") for i in rules.issues)
    assert re.search(r"zz_bad\.yaml:2: E722 zz\.unknown_signal: unknown signal 'no\.such_signal'", text), text
    assert re.search(r"zz_bad\.yaml:14: E104 zz\.bad_fields: steps", text), text
    assert re.search(r"zz_bad\.yaml:15: E104 zz\.bad_fields: within", text), text
    assert re.search(r"zz_bad\.yaml:16: E104 zz\.bad_fields: risk", text), text
    assert re.search(r"zz_bad\.yaml:21: E721 duplicate id 'contact\.scam_message'", text), text
    assert re.search(r"zz_bad\.yaml:32: E730 zz\.sig: unknown event kind 'teleport'", text), text
    assert re.search(r"zz_bad\.yaml:32: E723 zz\.sig: no indicator matches 'no\.such_indicator'", text), text
    with pytest.raises(KnowledgeBaseError):
        load_rules(root)


def _sequence_yaml(sid: str, steps: str) -> str:
    """One sequence of a rule file, its steps given as YAML lines."""
    return (
        f"  - id: zz.{sid}\n    meaning: {{zh: 坏, en: bad}}\n    steps:\n{steps}    within: 1h\n    risk: 0.5\n"
        "    stage: 3\n    examples:\n      positive: [{name: p, events: [{kind: call}]}]\n"
        "      negative: [{name: n, events: [{kind: call}]}]\n"
    )


def test_same_counterparty_must_name_an_earlier_step_of_one_event(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    out = "      - any: [pay.small_out]\n"
    back = "      - any: [pay.small_refund_in]\n        same_counterparty_as: {}\n"
    body = (
        "sequences:\n"
        + _sequence_yaml("later", out + back.format(2))
        + _sequence_yaml("counted", out + "        count: 2\n" + back.format(1))
        + _sequence_yaml(
            "twice",
            "      - any: [pay.new_payee]\n" + out + "        same_counterparty_as: 1\n" + back.format(1),
        )
    )
    (root / "sequences" / "zz_same.yaml").write_text(body, encoding="utf-8")
    text = "\n".join(i.render("en") for i in load_rules(root, strict=False).issues)
    assert re.search(
        r"zz_same\.yaml:2: E104 zz\.later: .*step 2: same_counterparty_as must name an earlier", text
    )
    assert re.search(r"zz_same\.yaml:\d+: E104 zz\.counted: .*step 1 has a count", text), text
    assert re.search(r"zz_same\.yaml:\d+: E104 zz\.twice: .*step 3: step 1 is named .* twice", text), text


def test_money_that_comes_back_from_the_account_it_went_to(
    rules: CompiledRules, scorer: DetectorScorer
) -> None:
    """`money.test_transfer` v2: a small transfer to the new payee returned by it. The latest small transfer (to
    another account) does not hide an earlier one to the payee; a small amount from anyone else is not a return."""
    tl = Timeline("P_T", T0, ids="P_T")
    tl.at(0, "payee_added", channel="bank_app", counterparty="A0000009999")
    tl.at(2, "transfer", direction="out", channel="bank_transfer", counterparty="A0000009999", amount=1.8)
    tl.at(3, "transfer", direction="out", channel="payment_account", counterparty="A0000005555", amount=6.6)
    tl.at(5, "transfer", direction="in", channel="refund", counterparty="A0000009999", amount=1.8)
    revs = WarnEngine(rules, scorer=scorer).process(tl.events)
    assert any("money.test_transfer" in r["rule_ids"] for r in revs)
    other = Timeline("P_R", T0, ids="P_R")
    other.at(0, "payee_added", channel="bank_app", counterparty="A0000009999")
    other.at(2, "transfer", direction="out", channel="bank_transfer", counterparty="A0000009999", amount=1.8)
    other.at(5, "transfer", direction="in", channel="payment_account", counterparty="A0000005555", amount=1.8)
    assert not WarnEngine(rules, scorer=scorer).process(other.events)


def test_broken_yaml_and_playbook(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "sequences" / "zz_syntax.yaml").write_text("sequences:\n  - id: x\n   bad: [\n", encoding="utf-8")
    pb = root / "playbooks.yaml"
    pb.write_text(
        pb.read_text(encoding="utf-8")
        .replace("  tax_refund:\n    zh:", "  tax_refundd:\n    zh:")
        .replace("  money.known_scam_device:\n", "  money.known_scam_devise:\n"),
        encoding="utf-8",
    )
    issues = load_rules(root, strict=False).issues
    text = "\n".join(i.render("en") for i in issues)
    assert re.search(r"zz_syntax\.yaml:\d+: E102 invalid YAML", text), text
    assert re.search(r"playbooks\.yaml:1: E735 scripts has no entry for 'tax_refund'", text), text
    assert re.search(r"playbooks\.yaml:1: E724 scripts: unknown variant 'tax_refundd'", text), text
    assert re.search(
        r"playbooks\.yaml:1: E758 rule_actions: unknown sequence 'money.known_scam_devise'", text
    ), text


def test_kb_lint_replays_the_sequence_examples(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "sequences" / "contact.yaml"
    text = path.read_text(encoding="utf-8")
    # a positive example that no longer matches, a negative one that now does
    text = text.replace(
        "退款要走专门的通道，您下载一个TIM，添加我们理赔专员的QQ：28374655，他会一步步指导您。",
        "好的，谢谢。",
        1,
    )
    text = text.replace(
        "counterparty: wxid_courier01, app: 微信}",
        "counterparty: wxid_courier01, app: 微信}\n            - {at: 6m, kind: app_install, app: TIM}",
        1,
    )
    path.write_text(text, encoding="utf-8")
    issues, _ = sequence_issues(root)
    found = {(i.code, i.file.endswith("contact.yaml")) for i in issues}
    assert ("E726", True) in found
    codes = [str(i) for i in issues]
    assert any(
        "E726 contact.cs_then_offplatform：正例时间线 '客服来电后让下载TIM加QQ' 没有匹配" in c for c in codes
    ), codes
    # and `fanzha kb lint` (the knowledge base's lint) reports them too
    kb_issues = lint(root).issues
    assert any(i.code == "E726" for i in kb_issues)
