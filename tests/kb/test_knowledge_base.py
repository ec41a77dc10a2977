"""Contract tests over every knowledge-base entry (STYLE.md principle 6)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from fanzha.detect import Detector
from fanzha.errors import KnowledgeBaseError
from fanzha.kb.lint import lint
from fanzha.kb.loader import default_kb, default_root, load

KB = default_kb().kb
REQUIRED_VARIANTS = {
    "quality_refund",
    "lost_parcel",
    "membership_cancel",
    "credit_repair",
    "reserve_fund",
    "tax_refund",
    "other",
}
MPS_CATEGORIES = {
    "冒充电商物流客服类",
    "刷单返利类",
    "虚假网络投资理财类",
    "虚假网络贷款类",
    "冒充公检法及政府机关类",
    "虚假征信类",
    "网络婚恋交友类",
    "冒充领导熟人类",
    "网络游戏产品虚假交易类",
    "虚假购物服务类",
    "其他",
}


def test_shipped_kb_loads_without_issues() -> None:
    assert [str(i) for i in default_kb().issues if i.severity == "error"] == []


def test_mps_categories_and_required_variants() -> None:
    assert {c.mps_name for c in KB.categories} == MPS_CATEGORIES
    assert {v.id for v in KB.variants if v.category == "ecommerce_cs"} == REQUIRED_VARIANTS


def test_every_category_but_other_has_indicators_and_every_variant_a_pretext() -> None:
    with_indicators = {i.category for i in KB.indicators if i.role == "scam"}
    assert {c.id for c in KB.categories} <= with_indicators
    pretexts = {i.variant for i in KB.indicators if i.variant}
    assert REQUIRED_VARIANTS - {"other"} <= pretexts


def test_every_stage_is_covered_for_ecommerce_cs() -> None:
    stages = {i.stage for i in KB.indicators if i.role == "scam" and i.category in ("ecommerce_cs", None)}
    assert stages == {1, 2, 3}


@pytest.mark.parametrize(
    "move, indicator",
    [
        ("posing as platform or courier customer service", "ecs.pose_platform_cs"),
        ("knowing the order", "ecs.knows_order"),
        ("refund / multiple compensation", "ecs.compensation"),
        ("lost parcel", "ecs.lost_parcel"),
        ("membership opened by mistake", "ecs.membership_mistake"),
        ("credit score pretext", "ecs.credit_pretext"),
        ("备用金 pretext", "ecs.reserve_fund"),
        ("tax refund", "ecs.tax_refund"),
        ("moving to QQ / WeChat / TIM / groups", "x.move_to_chat"),
        ("meeting or remote-control app", "x.meeting_app"),
        ("screen sharing", "x.screen_share"),
        ("QR and payment codes", "x.qr_code"),
        ("verification codes", "x.code_request"),
        ("card number, password, ID number", "x.card_password_id"),
        ("face verification", "x.face_verify"),
        ("loans", "x.loan"),
        ("test transfer that comes back", "x.test_transfer"),
        ("safe / designated account", "x.safe_account"),
        ("pressure and threats of fees", "x.charge_threat"),
        ("rushing the person", "x.pressure"),
        ("a forged sender tag (【京东】)", "ecs.sms_brand_tag"),
        ("a callback number and staff number that are not the company's", "ecs.callback_number"),
        ("a look-alike link", "ecs.lookalike_link"),
        ("a friend request from a 'courier' (派送异常, 电话打不通)", "ecs.friend_request_pretext"),
        ("a membership 'opened', call back if it was not you", "ecs.membership_charge_notice"),
        ("secrecy", "x.secrecy"),
        ("second caller posing as the bank", "x.bank_second_caller"),
        ("a QQ group whose 'robot' gives the steps", "x.group_robot"),
    ],
)
def test_every_move_of_the_seeds_has_an_indicator(move: str, indicator: str) -> None:
    ind = next((i for i in KB.indicators if i.id == indicator), None)
    assert ind is not None, f"no indicator for {move}"
    assert ind.advice, f"{indicator} has no advice"


def test_ids_are_unique_and_versioned_names_stable() -> None:
    ids = [i.id for i in KB.indicators]
    assert len(ids) == len(set(ids))
    for ind in KB.indicators:
        assert re.fullmatch(r"fanzha\.indicator\.[a-z0-9_.]+\.v\d+", ind.registered_name)


def test_advice_is_bilingual_and_scam_indicators_point_to_it() -> None:
    ids = {a.id for a in KB.advice}
    for a in KB.advice:
        assert a.text.zh and a.text.en
    for ind in KB.indicators:
        assert set(ind.advice) <= ids


def test_round_trip_through_serialisation() -> None:
    for ind in KB.indicators:
        assert type(ind).model_validate(ind.model_dump()) == ind


_DETECTOR = Detector()
_CASES = [
    (ind.id, kind, text)
    for ind in KB.indicators
    for kind, texts in (("positive", ind.examples.positive), ("negative", ind.examples.negative))
    for text in texts
]


@pytest.mark.parametrize(
    "indicator, kind, text", _CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(_CASES)]
)
def test_every_example(indicator: str, kind: str, text: str) -> None:
    hits = [f for f in _DETECTOR.analyze(text, explain=True).findings if f.indicator == indicator]
    if kind == "positive":
        assert hits, f"{indicator} should match: {text}"
        for f in hits:
            assert text[f.start : f.end] == f.text
    else:
        assert not hits, f"{indicator} should not match: {text} (matched {[f.text for f in hits]})"


def test_lint_of_the_shipped_kb_is_clean() -> None:
    report = lint()
    issues, n_ind, n_ex = report.issues, report.indicators, report.examples
    assert [str(i) for i in issues if i.severity == "error"] == []
    assert n_ind == len(KB.indicators) and n_ex == len(_CASES)


def _copy_kb(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "kb"
    shutil.copytree(default_root(), root)
    return root


def test_lint_reports_file_and_line_of_each_problem(tmp_path: Path) -> None:
    root = _copy_kb(tmp_path)
    bad = root / "indicators" / "zz_bad.yaml"
    bad.write_text(
        textwrap.dedent(
            """\
            indicators:
              - id: bad.one
                stage: 4
                meaning: {zh: 坏, en: bad}
                weight: 1
                terms: [坏]
                examples: {positive: [坏], negative: [好]}
              - id: Bad Id
                stage: 1
                meaning: {zh: 坏, en: bad}
                weight: 1
                regex: ["(unclosed"]
                examples: {positive: [坏], negative: [好]}
              - id: ecs.compensation
                stage: 2
                category: nowhere
                meaning: {zh: 重复, en: dup}
                weight: 1
                terms: [重复]
                advice: [no_such_advice]
                examples: {positive: [重复], negative: [好]}
            """
        ),
        encoding="utf-8",
    )
    issues = lint(root).issues
    text = "\n".join(i.render("en") for i in issues)
    assert re.search(r"zz_bad\.yaml:3: E104 bad\.one: stage", text), text
    assert re.search(r"zz_bad\.yaml:8: E104 #1: id", text) or re.search(
        r"zz_bad\.yaml:\d+: E104 Bad Id", text
    ), text
    assert re.search(r"zz_bad\.yaml:12: E104 Bad Id: regex", text), text
    assert re.search(r"zz_bad\.yaml:14: E110 duplicate indicator id 'ecs.compensation'", text), text
    with pytest.raises(KnowledgeBaseError):
        load(root)


def test_lint_reports_broken_yaml_duplicate_keys_and_unknown_references(tmp_path: Path) -> None:
    root = _copy_kb(tmp_path)
    (root / "indicators" / "zz_syntax.yaml").write_text(
        "indicators:\n  - id: x\n   bad: [\n", encoding="utf-8"
    )
    (root / "indicators" / "zz_dup.yaml").write_text(
        "indicators:\n  - id: dup.key\n    stage: 1\n    meaning: {zh: a, en: a}\n    weight: 1\n"
        "    terms: [甲]\n    terms: [乙]\n    advice: [nope]\n    examples: {positive: [乙], negative: [丙]}\n",
        encoding="utf-8",
    )
    issues = lint(root).issues
    text = "\n".join(i.render("en") for i in issues)
    assert re.search(r"zz_syntax\.yaml:\d+: E102 invalid YAML", text), text
    assert "zz_dup.yaml:7: E106 duplicate key 'terms'" in text
    assert re.search(r"zz_dup\.yaml:2: E113 dup\.key: unknown advice 'nope'", text), text


def test_lint_runs_examples_and_reports_misbehaving_ones(tmp_path: Path) -> None:
    root = _copy_kb(tmp_path)
    (root / "indicators" / "zz_examples.yaml").write_text(
        "indicators:\n  - id: zz.example\n    stage: 1\n    meaning: {zh: 示例, en: example}\n    weight: 1\n"
        "    terms: [西瓜]\n    advice: [stop_now]\n"
        "    examples: {positive: [苹果], negative: [我买了西瓜]}\n",
        encoding="utf-8",
    )
    issues = lint(root).issues
    codes = {(i.code, i.file.endswith("zz_examples.yaml")) for i in issues}
    assert ("E130", True) in codes and ("E131", True) in codes


def test_lint_runs_every_registered_validator_and_reports_lexicon_conflicts(tmp_path: Path) -> None:
    """The validators that need an engine register through entry points; lint runs them all."""
    import shutil

    from fanzha.kb.lint import VALIDATORS
    from fanzha.kb.loader import default_root

    assert VALIDATORS.names() == ["indicator_examples", "lexicon_aliases", "sequence_examples"]
    for _, validator in VALIDATORS.items():
        assert validator.doc and validator.severity in ("error", "warning")
    root = tmp_path / "kb"
    shutil.copytree(default_root(), root)
    lex = root / "entities.yaml"
    lex.write_text(
        lex.read_text(encoding="utf-8").replace("aliases: [顺丰速运,", "aliases: [微信, 顺丰速运,", 1),
        encoding="utf-8",
    )
    issues = lint(root).issues
    assert any(i.code == "E355" and i.file.endswith("entities.yaml") for i in issues), issues
