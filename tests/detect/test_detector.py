"""Detector behaviour: examples shipped in the package, conversations, verdict shape, defined verdicts on odd input."""

from __future__ import annotations

import pytest

from fanzha.cli.demo import load_examples
from fanzha.detect import Detector, Document
from fanzha.errors import InputError

EXAMPLES = load_examples()


@pytest.mark.parametrize("ex", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_shipped_examples(detector: Detector, ex: dict) -> None:
    v = detector.analyze(ex.get("turns") or ex["text"])
    assert (v.label, v.kind, v.category, v.variant, v.stage) == (
        ex["label"],
        ex["kind"],
        ex["category"],
        ex["variant"],
        ex["stage"],
    ), [(f.indicator, f.text) for f in v.findings]


def test_findings_point_at_original_text_and_explain(detector: Detector) -> None:
    text = "亲，您的快递丢 失了，平台双倍赔偿，请加V信 lp-2024 办理，再把验证码告诉我。"
    v = detector.analyze(text, explain=True)
    assert v.label == "scam" and v.variant == "lost_parcel" and v.stage == 3
    for f in v.findings:
        assert text[f.start : f.end] == f.text
        assert f.reason
    assert any(f.text == "丢 失" or "丢 失" in f.text for f in v.findings)
    assert "p_scam" in v.decision and "genre" in v.decision


def test_entities_point_at_the_original_text(detector: Detector) -> None:
    text = "客服：您好，您的快递丢失了，给您赔偿300元，请加Q Q 2846135790\n我：我的电话是138 0013 8000"
    v = detector.analyze(text)
    kinds = {m.entity.kind: text[m.entity.start : m.entity.end] for m in v.entities}
    assert kinds["amount"] == "300元" and kinds["qq"] == "2846135790" and kinds["phone"] == "138 0013 8000"
    turns = [("客服", "请加QQ 2846135790"), ("我", "我的电话是13800138000")]
    v = detector.analyze(turns)
    for m in v.entities:
        assert m.turn is not None and turns[m.turn][1][m.entity.start : m.entity.end] == m.entity.text
    assert v.to_dict()["entities"][0]["turn"] == 0


def test_english_output(detector: Detector) -> None:
    v = detector.analyze("您的快递丢失了，我们双倍赔付，请下载小鱼易连开启屏幕共享", lang="en")
    assert v.findings and all(f.reason.isascii() for f in v.findings)
    assert v.advice and all(a.text.isascii() or "96110" in a.text for a in v.advice)


def test_a_victims_account_of_a_loss_is_told_to_stop_the_payment_first(detector: Detector) -> None:
    """Whoever tells how the money went is past hanging up: the first thing to do is the urgent stop (紧急止付),
    then the report; a live scam message still starts with "stop now"."""
    told = detector.analyze("有人冒充淘宝客服说给她退款，让她把手机验证码给对方，结果卡里的钱被转走了")
    assert (told.label, told.kind) == ("scam", "narrative")
    assert [a.id for a in told.advice][:3] == ["stop_payment", "report_now", "keep_evidence"]
    live = detector.analyze("您的快递丢失了，我们双倍赔付，请下载小鱼易连开启屏幕共享，把验证码告诉我")
    assert live.kind == "attempt" and live.advice[0].id == "stop_now"


DOUBTER = "反诈中心打电话给我说我被骗了，可是对方真的是淘宝客服，他知道我的订单号，我不相信你们"
ACCOUNTS = [
    # what a victim tells a centre or the citizen page, one move the knowledge base reads in each
    ("客服发了一个二维码让我扫码，说扫了就能收到退款，结果扫完付了3000块", "ecs.proactive_refund", "no_qr"),
    (DOUBTER, "x.doubts_warning", "trust_warning"),
    ("民警让我不要转账，但客服说不转的话征信会受影响，我还是转了", "x.doubts_warning", "trust_warning"),
    (
        "我刚刚给一个说是抖音客服的人转了1.2万，他说转过去验证完就原路退回，现在电话打不通了，怎么办",
        "x.safe_account",
        "no_transfer",
    ),
    (
        "拼多多客服打电话说我误开了会员每个月要扣800，我就按照他的指导操作取消，他让我把验证码发给他，"
        "我发了以后发现支付宝少了3000",
        "ecs.membership_mistake",
        "no_membership_panic",
    ),
    (
        "昨天下午我接到一个电话，对方说是京东客服，说我开通了京东金条的学生账户，不注销会影响征信，"
        "让我下载了一个叫云视通的软件，按他说的把钱转到了一个账户，一共转了4万多",
        "x.victim_paid",
        "report_now",
    ),
]


@pytest.mark.parametrize(("text", "indicator", "advice"), ACCOUNTS)
def test_victims_accounts_are_read_with_the_words_that_prove_them(
    detector: Detector, text: str, indicator: str, advice: str
) -> None:
    v = detector.analyze(text)
    assert v.label != "safe" and v.stage == 3, (v.label, v.score)
    assert indicator in {f.indicator for f in v.findings}
    assert advice in {a.id for a in v.advice}


def test_a_bank_phishing_sms_on_a_throwaway_domain_is_not_called_safe(detector: Detector) -> None:
    """The trained model has read few of them (it says safe alone); the throwaway domain is firm evidence."""
    v = detector.analyze(
        "【中国银行】尊敬的客户，您的电子密码器已过期，请尽快登录 www.bocsz.top 进行升级，逾期账户将被冻结"
    )
    assert v.label != "safe" and "x.throwaway_login" in {f.indicator for f in v.findings}
    real = detector.analyze("【中国银行】您的积分即将到期，请登录中国银行手机银行兑换。")
    assert real.label == "safe"


def test_a_doubter_is_not_read_as_a_warning(detector: Detector) -> None:
    """反诈中心打电话给我 is the person's account of the warning call, not a notice about scams."""
    v = detector.analyze(DOUBTER)
    assert v.kind == "narrative" and v.advice[0].id == "trust_warning"  # heard before anything else
    assert not any(f.indicator.startswith("g.notice") for f in v.findings)


def test_chat_log_text_is_parsed_and_speaker_labels_are_not_evidence(detector: Detector) -> None:
    text = (
        "客服：亲，在的，请问有什么可以帮您？\n我：我的快递还没到\n客服：亲，已经帮您催促了，预计明天送达哦"
    )
    doc = Document.from_text(text)
    assert doc.conversation and [t.speaker for t in doc.turns] == ["客服", "我", "客服"]
    v = detector.analyze(text)
    assert v.label == "safe" and not v.findings


def test_turns_findings_carry_turn_and_offsets(detector: Detector) -> None:
    turns = [
        {"speaker": "客服", "text": "您好，我是京东客服，您买的外套有质量问题，给您三倍赔偿。"},
        {"speaker": "我", "text": "怎么操作？"},
        {"speaker": "客服", "text": "请下载腾讯会议，进入会议室后打开屏幕共享。"},
    ]
    v = detector.analyze(turns)
    assert v.label == "scam" and v.variant == "quality_refund" and v.stage == 3
    for f in v.findings:
        assert f.turn is not None
        assert turns[f.turn]["text"][f.start : f.end] == f.text
    assert {f.turn for f in v.findings} == {0, 2}


def test_self_turn_evidence_counts_less(detector: Detector) -> None:
    other = detector.analyze([("客服", "把验证码告诉我")], explain=True)
    mine = detector.analyze([("我", "把验证码告诉我")], explain=True)
    assert mine.score < other.score


def test_the_persons_own_wariness_does_not_make_the_call_a_warning(detector: Detector) -> None:
    """In a conversation, warning words in the protected person's own turns (保持警惕, 谨防诈骗) are their
    pushing back, not a notice: the caller's scam stays an attempt. The same words from the caller count."""
    caller = (
        "您好，这里是银行客户服务中心，检测到您的账户存在异常登录，请提供您的身份证号码和银行卡密码进行核实。"
    )
    wary = "我这人警惕性很高，要谨防诈骗，你怎么证明你是银行的？"
    v = detector.analyze([("客服", caller), ("我", wary)], explain=True)
    assert (v.label, v.kind) == ("scam", "attempt")
    assert not any(v.decision["genre_evidence"]["notice"].values())
    quoted = detector.analyze([("客服", caller + wary)], explain=True)
    assert any(quoted.decision["genre_evidence"]["notice"].values())


SCAMS_IN_WARNING_WORDS = [
    # the 公检法 script accuses the reader of a fraud case: 诈骗案件 here is not talk about scammers
    "你好，我是南京市公安局的警察，你涉嫌一起诈骗案件，请你配合我们的调查。请添加我的QQ，下载视频会议软件，不要挂断电话。",
    "您好，我是反诈中心的，为了防止您被诈骗，我们需要确认您的身份，请您下载投屏APP，并将您的资金转到安全账户上。",
    # a caller introducing themselves as 刑警大队 is not press wording
    "你好，我是哈尔滨市刑警大队的民警，你的身份证涉嫌洗钱，请你尽快加我的QQ号，下载一个安全防护APP。",
    # 千万别告诉爸妈 demands secrecy; it is not a warning
    "外公，我在外地打伤了人被派出所扣了，急需两万块钱赔偿，你先转到这个账户，千万别告诉爸妈。",
]
WARNINGS_ABOUT_THEM = [
    "警方提醒：凡是自称公安局民警让你下载会议软件、把钱转到安全账户的都是诈骗，千万不要相信。",
    "【反诈提醒】有人冒充刑警大队民警称你涉嫌洗钱，要求你添加QQ配合调查，请提高警惕，谨防上当。",
]


@pytest.mark.parametrize("model", [None, "default"], ids=["rules", "fused"])
def test_scams_that_use_warning_words_are_attempts_and_warnings_stay_notices(model: str | None) -> None:
    """Scammers accuse (你涉嫌诈骗案件), introduce themselves as police units and demand secrecy (千万别告诉) in
    the words warnings use; the genre markers must not read those as a notice — and real warnings about the
    same script stay notices (safe)."""
    det = Detector(model=model)
    for text in SCAMS_IN_WARNING_WORDS:
        v = det.analyze(text, explain=True)
        assert (v.label, v.kind) == ("scam", "attempt"), (text, v.decision["genre"])
    for text in WARNINGS_ABOUT_THEM:
        v = det.analyze(text)
        assert (v.label, v.kind) == ("safe", "notice"), text


@pytest.mark.parametrize("text", ["", "   \n\t", "😀😀🎉", "。。。", "\u200b\u200b"])
def test_empty_and_symbol_only_texts_get_a_defined_verdict(detector: Detector, text: str) -> None:
    v = detector.analyze(text)
    assert (v.label, v.kind, v.category, v.stage, v.findings) == ("safe", "other", None, None, ())


def test_bad_turns_raise_input_error(detector: Detector) -> None:
    with pytest.raises(InputError):
        detector.analyze([{"speaker": "客服"}])
    with pytest.raises(InputError):
        detector.analyze([42])


def test_verdict_dict_has_the_stable_fields(detector: Detector) -> None:
    d = detector.analyze("请把验证码发给我").to_dict()
    assert set(d) >= {"label", "kind", "category", "variant", "stage", "score", "findings", "advice"}
    assert 0.0 <= d["score"] <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "【中国邮政】您的EMS快件已由投递员派送，如有疑问请致电11183。",
        "您好，您在本店购买的商品已发货，单号SF1234567890123，请注意查收。",
        "下午腾讯会议讨论预算，会议号 123 456 789，请准时参加并共享屏幕展示报表。",
        "花呗额度怎么提高？",
        "借呗的钱可以提前还吗",
        "您的验证码为 283719，5分钟内有效，请勿泄露。",
        "请问退款多久到账？",
    ],
)
def test_benign_look_alikes_are_safe(detector: Detector, text: str) -> None:
    v = detector.analyze(text)
    assert v.label == "safe", [(f.indicator, f.text) for f in v.findings]
