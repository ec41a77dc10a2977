"""Issue 18: stages as the seeds define them, the first message's forged channels, and firm evidence the trained
model may not veto."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import ValidationError

from fanzha.detect import Detector
from fanzha.detect.fusion import Evidence, chain_bonus, fuse
from fanzha.kb.loader import default_kb
from fanzha.kb.schema import STAGE_MOVES, Fusion, Indicator

KB = default_kb().kb
RULES = Detector(model=None)


def test_the_stages_are_defined_with_the_seeds_words() -> None:
    stages = {s.id: s for s in KB.stages}
    assert sorted(stages) == [1, 2, 3]
    assert all(tuple(s.moves) == STAGE_MOVES[s.id] for s in stages.values())
    # both police descriptions put the move to the "official customer service" on QQ / WeChat in step 2
    assert any("002" in q and "添加“官方客服”微信、QQ" in q for q in stages[2].seeds)
    assert any("003" in q and "添加“官方客服”QQ或微信" in q for q in stages[2].seeds)
    assert any("安全账户" in q for q in stages[3].seeds)


@pytest.mark.parametrize(
    "indicator, stage, move",
    [
        ("x.move_to_chat", 2, "channel"),
        ("x.meeting_app", 2, "channel"),
        ("x.download_app", 2, "channel"),
        ("ecs.fake_service_app", 2, "channel"),
        ("x.screen_share", 3, "execution"),
        ("x.safe_account", 3, "execution"),
        ("ecs.callback_number", 1, "contact"),
        ("ecs.quality_problem", 2, "pretext"),
        ("x.charge_threat", 2, "pretext"),
    ],
)
def test_moves_and_stages_of_the_indicators(indicator: str, stage: int, move: str) -> None:
    ind = next(i for i in KB.indicators if i.id == indicator)
    assert (ind.stage, ind.step) == (stage, move)


@pytest.mark.parametrize(
    "text, stage",
    [
        ("您好，我是淘宝客服，您购买的面膜有质量问题，给您三倍赔偿，请添加理赔专员QQ 2846135790办理。", 2),
        ("您下载一个腾讯会议，输入会议号，我来指导您办理退款。", 2),
        ("您的快递丢了要理赔，把收到的验证码告诉我，我帮您把赔偿转过去。", 3),
        ("您进会议后打开屏幕共享，然后按我说的把余额转到这个安全账户。", 3),
    ],
)
def test_the_verdict_reports_the_stage_of_the_furthest_move(text: str, stage: int) -> None:
    v = RULES.analyze(text)
    assert v.label != "safe" and v.stage == stage, [(f.indicator, f.stage) for f in v.findings]


def test_a_move_must_be_one_of_its_stage() -> None:
    with pytest.raises(ValidationError, match="not a move of stage 3"):
        Indicator.model_validate(
            {
                "id": "zz.bad",
                "stage": 3,
                "move": "channel",
                "meaning": {"zh": "坏", "en": "bad"},
                "weight": 1,
                "terms": ["x"],
                "examples": {"positive": ["x"], "negative": ["y"]},
            }
        )
    with pytest.raises(ValidationError, match="join two or more"):
        Fusion(move_chain={"pretext+payment": 1.0})


def test_chain_keys_take_alternatives() -> None:
    chain = {"contact+pretext": 0.5, "pretext+channel|execution": 1.5}
    assert chain_bonus(chain, {"pretext", "channel"}) == 1.5
    assert chain_bonus(chain, {"pretext", "channel", "execution"}) == 1.5  # counted once, as before
    assert chain_bonus(chain, {"contact", "pretext", "execution"}) == 2.0
    assert chain_bonus(chain, {"channel", "execution"}) == 0.0


@pytest.mark.parametrize(
    "text, found",
    [
        ("【京东】您的会员每月自动扣费599元，如需取消请回电021-6281 7745，工号9527。", True),
        ("【京东】您的退款已原路退回，如需取消售后请致电950618。", False),  # the official hotline
        ("【顺丰】您的快件丢失理赔已受理，查询请拨95338。", False),
        ("您的理赔款待领取，请登录 sf-lipei.top 填写资料。", True),
        ("【淘宝】您的退款进度请点击 m.tb.cn/h.5xQ 查看。", False),  # the official short link
    ],
)
def test_the_forged_channel_is_one_the_company_does_not_use(text: str, found: bool) -> None:
    v = RULES.analyze(text, explain=True)
    got = {f.indicator for f in v.findings} & {"ecs.callback_number", "ecs.lookalike_link"}
    assert bool(got) == found, v.findings


def test_screen_keeps_the_hits_a_check_would_drop() -> None:
    """Without the original text the check does not run: the warning engine's upper bound stays one."""
    text = "【京东】您的退款已原路退回，如需取消售后请致电950618。"
    screen = RULES.screen(text)
    assert screen is not None and "ecs.callback_number" in screen.indicators
    assert "ecs.callback_number" not in {f.indicator for f in RULES.analyze(text, explain=True).findings}


@dataclass
class _Stack:
    intercept: float = 0.5
    w_rules: float = 0.3
    w_model: float = 0.8
    w_model_alone: float = 0.2


def _ev(indicator: str, weight: float, move: str, firm: bool) -> Evidence:
    return Evidence("scam", indicator, weight, 1.0, move, 1.0, firm)


@pytest.mark.parametrize("firm", [True, False])
def test_firm_evidence_is_lowered_by_the_margin_at_most(firm: bool) -> None:
    config = KB.fusion
    evidence = [_ev("a.contact", 2.0, "contact", firm), _ev("a.pretext", 2.4, "pretext", False)]
    rules = fuse(config, evidence)
    fused = fuse(
        config, evidence, model_logit=-6.0, stack=_Stack()
    )  # a model that has never seen the wording
    rule_logit = rules.trail["rule_logit"]
    if firm:
        assert fused.trail["logit"] == pytest.approx(rule_logit - config.firm_margin)
        assert fused.trail["firm_floor"]["indicators"] == ["a.contact"]
        assert fused.label != "safe"
    else:
        assert fused.trail["logit"] < rule_logit - config.firm_margin and "firm_floor" not in fused.trail
        assert fused.label == "safe"
    confident = fuse(config, evidence, model_logit=6.0, stack=_Stack())
    assert "firm_floor" not in confident.trail  # the floor never lowers anything


def test_firm_is_for_scam_evidence_only() -> None:
    assert {i.role for i in KB.indicators if i.firm} == {"scam"}
    with pytest.raises(ValidationError, match="only scam evidence can be firm"):
        Indicator.model_validate(
            {
                "id": "zz.bad",
                "role": "benign",
                "firm": True,
                "meaning": {"zh": "坏", "en": "bad"},
                "weight": -1,
                "terms": ["x"],
                "examples": {"positive": ["x"], "negative": ["y"]},
            }
        )


def test_official_contacts_name_their_sources() -> None:
    names = {o.name for o in KB.official}
    assert {"京东", "淘宝", "拼多多", "顺丰", "中通", "支付宝"} <= names
    assert all(o.sources for o in KB.official)
    numbers = [n for o in KB.official for n in o.hotlines]
    assert "950618" in numbers and "95338" in numbers and len(numbers) == len(set(numbers))


def test_a_victim_relaying_the_membership_claim_is_the_scam_with_the_model_fused() -> None:
    """A victim's account: "posing as JD, said I had opened a membership that will be charged, had me install
    Tencent Meeting and share the screen". The relayed claim (说我开通了会员要扣费) is the membership pretext, firm
    evidence; before it was read, the shipped model (never trained on the wording) took the rules' 0.88 to a
    safe 0.38 — with the advice to stop everything beside it."""
    detector = Detector()
    v = detector.analyze("自称京东客服说我开通了会员要扣费，让我下载腾讯会议共享屏幕")
    assert v.label == "scam" and v.variant == "membership_cancel" and v.stage == 3
    assert "ecs.membership_mistake" in {f.indicator for f in v.findings}
    own = detector.analyze("我开通了会员，每月扣费15元，想问问怎么关掉。")
    assert own.label == "safe"


def test_a_victims_account_of_paying_is_stage_three_and_alone_is_nothing() -> None:
    """实施诈骗 has happened when the victim tells of paying the card they were given; the same words without the
    scam around them are an ordinary payment."""
    told = RULES.analyze("对方自称淘宝客服说我的快递丢了要理赔，我转了3000元到卡号6222020200112233445")
    assert told.label != "safe" and told.stage == 3 and told.variant == "lost_parcel"
    assert "x.victim_paid" in {f.indicator for f in told.findings}
    alone = RULES.analyze("我转了3000元到卡号6222020200112233445")
    assert alone.label == "safe"
