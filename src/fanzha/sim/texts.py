"""What is said and written in the world: varied phrasings for every scam move and for ordinary life.

Each family has several phrasings with slots (`{platform}`, `{item}` …). Scam texts are further varied with
evasive spellings (V信, 扣扣, 退 款) and typos, so no single template identifies them. All draws come from
the `numpy.random.Generator` passed in, so texts are reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

# --- scam moves ------------------------------------------------------------------------------------------
SCAM: dict[str, tuple[str, ...]] = {
    # stage 1: contact, quoting the leaked order
    "contact.quality_refund": (
        "您好，请问是{name}吗？我是{platform}客服，您在我们店铺购买的{item}，订单尾号{order4}，经检测存在质量问题，被监管部门抽检不合格，现在给您办理{mult}倍赔偿。",
        "喂，{name}您好，这边是{platform}售后，您{days}天前买的{item}这批次有质量问题要召回，我们主动给您退款，另外赔偿{comp}元。",
        "{name}你好，我是{platform}商家客服小{staff}，您买的{item}甲醛超标了，平台要求我们做理赔，退您{comp}元，您看方便配合一下吗？",
        "您好，{platform}官方客服，工号{staff_no}。您订单号{order}的{item}出现质量问题，我们这边要给您做{mult}倍退款理赔。",
        "亲，您在{platform}买的{item}因为质检不合格已经下架了，我们要给您{mult}倍的赔付，请问您现在方便处理一下吗",
    ),
    "contact.lost_parcel": (
        "您好{name}，我是{courier}快递理赔专员，您的快递单号{tracking}在运输途中丢失了，我们这边给您双倍理赔。",
        "喂，是{name}吗？{courier}客服，您从{platform}买的{item}快递在中转站弄丢了，现在给您办理理赔，赔偿{comp}元。",
        "【{courier}速运】您的快件{tracking}因运输破损无法派送，理赔专员将与您联系，请保持电话畅通。",
        "{name}您好，您在{platform}下单的{item}，包裹在分拣时遗失，我们是{courier}的售后，按规定给您{mult}倍赔偿。",
        "你好，我这边是{courier}快递的，你的件丢了，电话一直打不通，加一下你微信给你走理赔流程。",
    ),
    "contact.membership_cancel": (
        "您好{name}，我是{platform}客服，由于我们工作人员失误，给您的账号开通了{platform}会员，每个月会自动扣费{fee}元，请问需要帮您取消吗？",
        "喂，{name}吗？{platform}的，您上次买{item}的时候被误开通了代理商权限，如果不关闭每月会从您银行卡扣{fee}元。",
        "您好，这里是{platform}商城，系统显示您开通了VIP会员，年费{fee}元明天扣除，如果不是本人操作，我们帮您注销。",
        "{name}你好，{platform}客服中心。您的账户被误开通了扣费项目，分三期扣每期{fee}元，需要取消的话要按流程操作。",
    ),
    "contact.credit_repair": (
        "您好{name}，我是{platform}客服，您购买的{item}有质量问题要给您退款，但是系统显示您的信用积分不足，退款无法到账。",
        "喂，{name}是吧，{platform}售后，退款给您退不过去，系统提示您的芝麻信用分太低，需要先把信用分提上来。",
        "您好，我是{platform}金融服务的，您的征信记录显示有异常，会影响您以后贷款买房，我们可以帮您修复。",
        "{name}您好，{platform}客服。您上次的{item}理赔款{comp}元因为您的信用额度不够打不过去，我们教您提高一下额度。",
    ),
    "contact.reserve_fund": (
        "您好{name}，我是{platform}客服，您的{item}有质量问题，赔偿款{comp}元已经存到您支付宝备用金里了，您打开看一下。",
        "喂，{name}您好，{courier}理赔中心。您的快递丢失，理赔款放在支付宝备用金，您需要先开通备用金才能领取。",
        "您好，{platform}售后，我们给您的赔付是通过支付宝备用金发放的，您点开备用金提取一下就到账了。",
        "{name}你好，系统显示你开通了支付宝备用金，这个不关闭的话每个月会收取手续费，我们帮你关掉。",
    ),
    "contact.tax_refund": (
        "【{platform}】尊敬的用户，您的购物订单{order}符合退税条件，退税金额{comp}元，请于24小时内下载退税助手办理。",
        "您好{name}，我是税务局工作人员，您去年网购的进口{item}可以办理关税退税，退您{comp}元，需要您配合操作一下。",
        "{name}您好，您的个人所得税有一笔退税{comp}元未领取，逾期作废，请添加办税员微信办理。",
        "您好，{platform}跨境购客服，您订单{order}的关税多收了，现在给您退税{comp}元。",
    ),
    # stage 2: moving the person to another channel
    "move.add_qq": (
        "退款要走专门的通道，您下载一个TIM，添加我们理赔专员的QQ：{qq}，他会一步步指导您。",
        "您加一下我们客服扣扣{qq}，拉您进理赔群，在群里办理退款。",
        "电话里说不清楚，您下载TIM加这个Q号{qq}，备注订单号，我们专员跟您对接。",
        "麻烦您加一下企鹅号{qq}，我们的售后经理会发您退款流程。",
    ),
    "move.add_wechat": (
        "您先加一下我的微信{wx}，我把理赔流程发给您。",
        "加一下V信{wx}吧，截图给你看理赔单。",
        "您添加微信号{wx}，我是负责您这单的客服专员。",
        "方便的话加我vx：{wx}，后面的退款在微信上办理。",
    ),
    "move.meeting": (
        "您下载一个{app}，进入会议室{room}，打开屏幕共享，我看着您的屏幕指导您操作，不然您容易操作错。",
        "为了您的资金安全，请下载{app}进入会议号{room}，开启共享屏幕，我们远程协助您退款。",
        "你在应用商店搜{app}，输入房间号{room}，点一下共享屏幕，我一步一步带你弄。",
        "麻烦您打开{app}，会议号是{room}，然后点共享，这样我能看到您哪里操作不对。",
    ),
    "move.remote": (
        "您下载一个{app}，把识别码和验证码发给我，我们技术人员远程帮您操作。",
        "手机上装个{app}，开一下远程协助，我直接帮您把退款点出来。",
    ),
    # stage 3: execution
    "exec.credit_low": (
        "您这边的信用积分不够，退款打不进来，需要您在支付宝里刷一下流水把信用分提上去，钱会原路退回。",
        "系统显示您的芝麻信用分低于要求，需要转一笔钱到我们的验证账户做流水，完成后连同赔偿一起退给您。",
        "您的账户信用额度不足，要先往安全账户存一笔保证金，验证完马上返还。",
        "现在退款失败了，原因是您的征信分不够，您需要把余额转到指定账户刷一下信用。",
    ),
    "exec.test_transfer": (
        "我们先测试一下通道是否正常，您转{amount}元到这个账户，马上给您退回来。",
        "先转个{amount}元试一下，到账了我们立刻原路返还，您就知道是正规的了。",
        "为了验证您的账户，先转{amount}元，一分钟内退回。",
    ),
    "exec.test_returned": (
        "您看{amount}元已经退回给您了吧？说明通道是正常的，现在我们继续办理。",
        "刚才的{amount}元给您返还了，您查收一下，接下来按我说的做就行。",
    ),
    "exec.reserve_open": (
        "您打开支付宝，搜索备用金，点开通，里面的{amount}元就是我们给您的赔偿金，您先提取出来。",
        "您进入支付宝备用金页面，点击立即领取，把{amount}元提到余额里。",
        "把支付宝备用金打开，额度是{amount}，您点提取就行，这个不用您还。",
    ),
    "exec.reserve_return": (
        "您取多了，实际赔偿只有{comp}元，多出来的{amount}元要退回给我们，不然会影响您的征信。",
        "您提的金额超了，请把多出的{amount}元转回公司账户，备用金才能关闭。",
        "系统显示您多领了{amount}元，麻烦原路退回到这个账户，不退会产生逾期记录。",
    ),
    "exec.loan": (
        "您的信用还差一点，需要在{lender}上借一笔{amount}元，刷一下流水，借出来转到安全账户，系统会自动还款。",
        "您打开{lender}，申请{amount}元额度，这个是走流程用的，不用您自己还。",
        "现在要做一笔贷款流水，您在{lender}借{amount}，到账后马上转到我给您的账户，半小时就退回来。",
        "您下载{lender}，贷{amount}元出来验证还款能力，验证通过钱原路退回，不会产生利息。",
    ),
    "exec.bank_call": (
        "您好，这里是{bank}客服中心，刚才{platform}的同事已经跟我说了您的情况，取消会员需要您把卡里余额转到我们的监管账户，拿到回执单后退还。",
        "{bank}客户服务，您好。为了注销扣费项目，需要把您名下银行卡的资金归集到一张卡上再转入核验账户。",
        "这边是{bank}风控部门，您的银行卡关联了扣费协议，请把余额转到安全账户{card}，我们冻结扣费后退还。",
    ),
    "exec.otp": (
        "您收到一个验证码，请念给我，这是退款的确认码。",
        "把手机上刚收到的六位数验证码告诉我，我给您把退款提交了。",
        "验证码发一下，系统需要核验您本人身份。",
    ),
    "exec.transfer": (
        "您现在把{amount}元转到这个账户：{bank} {card}，户名是我们的财务，到账后马上给您退回来。",
        "请通过手机银行转{amount}元到安全账户{card}（{bank}），转完截图给我。",
        "转{amount}到下面这个卡号，{card} {bank}，这是平台的验证账户，钱不会损失。",
        "还差一笔{amount}元的流水，您转到{card}，转完就可以退款了。",
        "扫这个二维码付款{amount}元，是退款的保证金，完成后一起退给您。",
    ),
    "exec.more": (
        "流水还差一点，您再转一次就完成了，钱都会退回来。",
        "系统显示还没达标，您把剩下的余额也转过来，马上处理完。",
        "这一步没有成功，需要重新做一遍，您再转一笔。",
        "您别着急，这是最后一步了，再转这一笔就全部到账。",
    ),
    "close": (
        "已经帮您处理好了，所有款项会在24小时内原路退回，请耐心等待。",
        "好了，流程走完了，您关掉屏幕共享，钱晚点到账。",
        "您这边已经提交成功，财务审核后统一打款。",
    ),
    # the person's own words when they stop
    "victim.refuse": (
        "我不需要退款了，谢谢。",
        "你们正规客服不会让我下载别的软件吧？我不弄了。",
        "我还是去{platform}官方App上问一下吧。",
        "算了，我不转了，我问问家里人。",
        "这个我得先核实一下，你别打了。",
    ),
}

# --- ordinary life, including benign look-alikes --------------------------------------------------------
BENIGN: dict[str, tuple[str, ...]] = {
    "courier_sms": (
        "【{courier}】您的快件{tracking}已到{station}，凭取件码{code}取件，营业时间8:00-21:00。",
        "【{courier}速运】您好，您的快递{tracking}今天派送，快递员{staff}，电话{phone}，如有问题请联系。",
        "【菜鸟驿站】您的{courier}包裹已到{station}，取件码{code}，请及时领取。",
        "【{courier}】您的包裹已签收，签收人：{station}。如有疑问请拨打官方客服电话。",
        "【{courier}】您的快件{tracking}因地址不详暂存网点，请回复正确地址或联系派送员。",
    ),
    "courier_call": (
        "喂，您好，{courier}快递，您的快递到了，家里有人吗？我放门口还是放驿站？",
        "您好，我是{courier}的快递员，你的件放{station}了，记得去拿。",
        "喂，是{name}吗，{courier}的，你的快递我到楼下了，你下来取一下。",
        "您好，{courier}快递，您这个件需要本人签收，您什么时候在家？",
        "你好，{courier}的，你的包裹外包装有点破损，你收的时候先验一下货，有问题直接拒收就行。",
    ),
    "refund_notice": (
        "【{platform}】您申请的退款{amount}元已退回原支付账户，请注意查收。",
        "【{platform}】您的退款申请商家已同意，款项将在1-3个工作日内原路退回。",
        "【{platform}】亲，您购买的{item}退货已签收，退款{amount}元已到账。",
        "【{platform}】您的售后申请已处理，补偿{amount}元已发放至您的账户余额。",
    ),
    "cs_chat": (
        "亲，您好，这里是{platform}官方客服，您的退款申请已经提交，请在订单页面查看进度哦。",
        "您好，您反馈的{item}质量问题我们已经登记，您可以在App里申请退货退款，运费我们承担。",
        "亲亲，物流显示包裹还在路上，如果三天内没到可以在订单里申请理赔，平台不会私下联系您转账哦。",
        "您好，退款已按原路退回，请在App订单详情中查看，有问题随时在这里留言。",
        "亲，您的快递超时未更新，已为您催件，如确认丢失可以直接在App里点申请售后。",
    ),
    "bank_otp": (
        "【{bank}】您的验证码为{code}，您正在进行网上支付，请勿泄露给他人。",
        "【{bank}】动态密码{code}，用于转账，有效期5分钟。工作人员不会向您索取，切勿告知他人。",
        "【{bank}】验证码{code}，您正在登录手机银行，如非本人操作请忽略。",
        "【支付宝】验证码{code}，您正在修改支付密码，打死也不要告诉别人。",
    ),
    "bank_call": (
        "您好，这里是{bank}信用卡中心，您本期账单{amount}元，到期还款日是下月5号，请按时还款。",
        "{name}您好，{bank}的客户经理，您的定期下周到期，需要的话可以来网点续存。",
        "您好，{bank}客服回访，您昨天在网点办理的业务还满意吗？",
        "您好，{bank}提醒您，您的银行卡近期有一笔异地交易，如是本人操作请忽略。",
    ),
    "work_meeting": (
        "下午三点开周会，腾讯会议号{room}，大家提前进，小{staff}共享屏幕讲一下方案。",
        "{app}会议{room}，十分钟后开始，记得共享你的PPT。",
        "客户那边要看演示，一会儿在{app}上共享屏幕，会议号{room}。",
        "明天上午十点项目评审，会议室{room}，线上的同事用{app}入会。",
    ),
    "remote_help": (
        "爸，你手机装个{app}，我远程帮你把健康码弄好。",
        "你电脑装一下{app}，把识别码发我，我帮你装打印机驱动。",
        "IT部通知：需要远程维护的同事请安装{app}，并把设备码发到工单系统。",
    ),
    "loan_sms": (
        "【{lender}】您的借款{amount}元已到账，请按时还款，保持良好信用。",
        "【{lender}】尊敬的用户，您的额度已提升至{amount}元，可随时借款。",
        "【{lender}】您本期应还{amount}元，还款日为{day}日，请确保账户余额充足。",
    ),
    "reserve_fund_notice": (
        "【支付宝】您已开通备用金，可用额度{amount}元，请按期归还。",
        "【支付宝】您使用的备用金{amount}元将于7天后到期，请及时还款。",
    ),
    "family_chat": (
        "妈，这个月生活费不够了，转我{amount}吧。",
        "儿子，钱转你了，{amount}，省着点花。",
        "老婆，房租{amount}我转你卡上了。",
        "哥，上次借你的{amount}还你了，查收一下。",
        "爸，给你转了{amount}，买点好吃的。",
        "晚上回家吃饭吗？我买了菜。",
        "周末带孩子回来看看你们。",
    ),
    "marketing_sms": (
        "【{platform}】年中大促开启！满300减50，点击领取优惠券，回T退订。",
        "【{platform}】您关注的{item}降价啦，限时特惠，回TD退订。",
        "【{platform}】会员日福利：积分兑好礼，详情打开App查看。",
        "【{bank}】您有一笔积分即将过期，可兑换话费，详询官方App。",
    ),
    "friend_add": (
        "你好，我是{courier}快递员{staff}师傅，加个微信，以后你的快递放哪里方便跟你说。",
        "我是{platform}店铺的售后小{staff}，加您微信把赠品的发货单号发给您。",
        "你好，我是新来的同事小{staff}，王经理让我加你一下。",
        "您好，我是小区团购群的团长，加一下拉您进群。",
    ),
    "friend_chat": (
        "周末去爬山吗？",
        "我到{station}了，你出来吧。",
        "那个{item}你在哪买的？链接发我一下。",
        "今晚加班，不回去吃饭了。",
        "收到，明天见。",
    ),
}

#: evasive spellings used by the scam texts (a pair is applied with some probability)
EVASIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("微信", ("V信", "薇信", "vx", "威信", "wx")),
    ("QQ", ("扣扣", "Q Q", "qq", "企鹅")),
    ("退款", ("退 款", "退kuan", "t款", "退-款")),
    ("客服", ("客 服", "kf", "客.服")),
    ("赔偿", ("赔 偿", "陪偿", "赔chang")),
    ("转账", ("转 账", "zhuan账", "转帐")),
    ("银行卡", ("银 行 卡", "yhk", "银hang卡")),
    ("验证码", ("验 证 码", "yzm", "驗證碼")),
    ("屏幕共享", ("屏幕 共享", "共 享屏幕", "屏幕gong享")),
    ("共享屏幕", ("共享 屏幕", "共享屏 幕")),
    ("备用金", ("备 用 金", "备用jin")),
    ("账户", ("帐户", "账 户", "zhang户")),
    ("安全账户", ("安全帐户", "安 全 账 户")),
    ("贷款", ("贷 款", "dai款")),
)
TYPOS: tuple[tuple[str, str], ...] = (
    ("您", "你"),
    ("账", "帐"),
    ("再", "在"),
    ("的", "地"),
    ("已经", "以经"),
    ("马上", "马尚"),
    ("操作", "操做"),
    ("赔付", "陪付"),
    ("流水", "流氺"),
)

# --- reports (victims' and officers' narratives) --------------------------------------------------------
REPORT_OPEN_VICTIM = (
    "我叫{name}，{date}{hour}点左右接到一个电话，对方自称是{who}。",
    "{date}我接到一个陌生电话，{phone}打来的，说是{who}。",
    "本人{name}，今年{age}岁。{date}下午有人打电话给我，说他是{who}。",
    "{date}晚上，一个自称{who}的人联系我。",
)
REPORT_OPEN_POLICE = (
    "{date}，事主{name}（{gender}，{age}岁）接到自称{who}的电话（{phone}）。",
    "报警人{name}称：{date}{hour}时许，其接到一陌生来电，对方冒充{who}。",
    "经询问，受害人{name}于{date}接到冒充{who}的诈骗电话。",
)
REPORT_PRETEXT = {
    "quality_refund": (
        "对方说我买的{item}有质量问题，要给我{mult}倍赔偿。",
        "称其购买的{item}存在质量问题，可以退款赔偿。",
    ),
    "lost_parcel": ("对方说我的快递丢了，要给我理赔。", "称其快递在运输中丢失，要进行理赔。"),
    "membership_cancel": (
        "对方说我被误开通了会员，不取消每月要扣费。",
        "称其账户误开通会员，不取消将每月扣费。",
    ),
    "credit_repair": (
        "对方说我的信用分不够，退款到不了账，要帮我提高信用。",
        "以其信用积分不足为由，要求刷流水提高信用。",
    ),
    "reserve_fund": (
        "对方让我打开支付宝备用金，说赔偿款在里面。",
        "以支付宝备用金赔付为由，诱导其开通备用金。",
    ),
    "tax_refund": ("对方说我有一笔退税可以领。", "称其可办理退税。"),
}
REPORT_STEPS = {
    "app": ("他让我下载了{app}，", "后诱导其下载{app}，"),
    "meeting": ("进了一个会议室，开了屏幕共享，", "进入会议并开启屏幕共享，"),
    "loan": ("又让我在{lender}上借了{loan}元，", "并诱导其在{lender}贷款{loan}元，"),
    "test": ("先让我转了{test}元试一下，很快退回来了，", "先以测试为由让其转账{test}元并返还，"),
}
REPORT_LOSS = (
    "我前后一共转了{n}笔，总共{amount}元，转到{bank}的卡上，后来对方就联系不上了。",
    "按对方要求转账{n}次，共计{amount}元，然后对方把我拉黑了。",
    "我通过手机银行转了{amount}元，转完发现被骗了，马上报警。",
)
REPORT_LOSS_POLICE = (
    "事主先后{n}次向对方提供的账户转账，共计损失人民币{amount}元。",
    "受害人共被骗{amount}元，涉案账户为{bank}卡。",
)
REPORT_STOPPED = (
    "后来我觉得不对劲就挂了，没有转钱，想报个案提醒大家。",
    "家里人提醒我可能是骗子，我没有转账。",
    "事主察觉异常未转账，未造成损失。",
)


class _Rng(Protocol):
    def random(self) -> float: ...

    def integers(self, lo: int, hi: int | None = None) -> int: ...


class TextBank:
    """Renders phrasings with slots, evasive spellings and typos."""

    def __init__(self, rng: _Rng) -> None:
        self.rng = rng

    def pick(self, options: tuple[str, ...]) -> str:
        return options[int(self.rng.integers(len(options)))]

    def scam(
        self, family: str, slots: Mapping[str, object], *, evasion: float = 0.3, typo: float = 0.12
    ) -> str:
        text = self.pick(SCAM[family]).format_map(_Slots(slots))
        return self.vary(text, evasion=evasion, typo=typo)

    def benign(self, family: str, slots: Mapping[str, object], *, typo: float = 0.05) -> str:
        text = self.pick(BENIGN[family]).format_map(_Slots(slots))
        return self.vary(text, evasion=0.0, typo=typo)

    def vary(self, text: str, *, evasion: float, typo: float) -> str:
        rng = self.rng
        if evasion > 0:
            for word, alts in EVASIONS:
                if word in text and rng.random() < evasion:
                    text = text.replace(word, alts[int(rng.integers(len(alts)))], 1)
        if typo > 0 and rng.random() < typo:
            src, dst = TYPOS[int(rng.integers(len(TYPOS)))]
            text = text.replace(src, dst, 1)
        return text


class _Slots(dict[str, object]):
    """format_map helper: a missing slot renders as an empty string rather than failing."""

    def __init__(self, values: Mapping[str, object]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return ""
