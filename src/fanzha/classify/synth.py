"""Project-owned synthetic texts for training: benign genres and scams of every category.

The one corpus that may train the shipped model (teleantifraud) is phone calls, and its benign side is narrow
(ordering food, taxis). Real phones receive much more: operator marketing, bank balance notices, one-time codes,
parcel and food-delivery notices, family chats, users' own questions about 花呗 and 借呗, refunds that really were
made, anti-fraud campaigns. This module writes such texts — and scam texts of the categories the knowledge base
names — from templates with slots, written for fanzha from general knowledge of these genres (no text of any
evaluation corpus was used). Every draw comes from the `numpy.random.Generator` given, so a seed gives the same
texts.

`generate(rng, per_genre)` returns `Sample`s: text, label (1 scam, 0 not), category (a knowledge-base category
id for scams, else None) and group (the genre, used to hold out whole genres when fitting the fusion).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fanzha.classify import synth_more
from fanzha.sim import texts as simtexts


@dataclass(frozen=True, slots=True)
class Sample:
    """One training text."""

    text: str
    label: int
    category: str | None
    group: str
    weight: float = 1.0


# -- slot values -------------------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志强海燕鹏辉欣怡子涵浩然宇轩梓萱一诺雨桐晨阳思远嘉怡俊杰佳琪"
PLATFORMS = (
    "淘宝",
    "天猫",
    "京东",
    "拼多多",
    "抖音",
    "快手",
    "唯品会",
    "苏宁易购",
    "美团",
    "闲鱼",
    "小红书",
    "得物",
)
COURIERS = ("顺丰", "中通", "圆通", "韵达", "申通", "极兔", "京东物流", "邮政EMS", "德邦", "百世")
BANKS = (
    "工商银行",
    "建设银行",
    "农业银行",
    "中国银行",
    "交通银行",
    "招商银行",
    "邮储银行",
    "浦发银行",
    "中信银行",
    "兴业银行",
    "民生银行",
    "光大银行",
    "平安银行",
    "广发银行",
    "华夏银行",
    "北京银行",
    "宁波银行",
    "农商银行",
)
OPERATORS = ("中国移动", "中国联通", "中国电信", "中国广电")
LENDERS = (
    "借呗",
    "花呗",
    "微粒贷",
    "京东金条",
    "度小满",
    "美团借钱",
    "360借条",
    "招联金融",
    "分期乐",
    "安逸花",
)
ITEMS = (
    "羽绒服",
    "儿童保温杯",
    "面膜",
    "蓝牙耳机",
    "电动牙刷",
    "运动鞋",
    "洗发水",
    "奶粉",
    "手机壳",
    "空气炸锅",
    "连衣裙",
    "电饭煲",
    "扫地机器人",
    "猫粮",
    "口红",
    "床上四件套",
    "儿童玩具",
    "充电宝",
    "茶叶",
    "行李箱",
    "台灯",
    "洗衣液",
    "纸尿裤",
    "电热水壶",
)
CITIES = ("北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "重庆", "西安", "长沙", "郑州", "苏州", "天津", "青岛", "合肥", "福州", "昆明", "沈阳", "济南")  # fmt: skip
APPS_MEETING = ("腾讯会议", "钉钉", "飞书", "小鱼易连", "ZOOM", "瞩目", "全时云会议")
APPS_REMOTE = ("向日葵", "ToDesk", "TeamViewer", "AnyDesk")
GAMES = (
    "王者荣耀",
    "和平精英",
    "原神",
    "梦幻西游",
    "英雄联盟",
    "逆水寒",
    "第五人格",
    "穿越火线",
    "我的世界",
    "DNF",
)
COINS = ("USDT", "比特币", "以太坊", "泰达币")
SHOPS = ("星巴克", "肯德基", "麦当劳", "瑞幸咖啡", "喜茶", "海底捞", "必胜客", "蜜雪冰城", "华莱士", "老乡鸡")
HOSPITALS = ("市第一人民医院", "中医院", "妇幼保健院", "儿童医院", "口腔医院", "社区卫生服务中心")
FOODS = ("宫保鸡丁盖饭", "麻辣烫", "黄焖鸡米饭", "奶茶", "炸鸡", "螺蛳粉", "牛肉面", "沙拉", "饺子", "烤肉饭")
RELATIVES = ("妈", "爸", "老婆", "老公", "儿子", "闺女", "姐", "哥", "宝贝", "奶奶", "舅舅", "小姨")
APPS_CODE = (
    "微信",
    "支付宝",
    "淘宝",
    "京东",
    "美团",
    "抖音",
    "滴滴出行",
    "12306",
    "饿了么",
    "小红书",
    "哔哩哔哩",
    "网易云音乐",
    "携程旅行",
    "高德地图",
    "云闪付",
    "拼多多",
    "QQ",
    "钉钉",
)
LEADER = ("张总", "王局", "李主任", "刘书记", "陈校长", "赵处长", "周经理", "孙董", "马院长", "黄科长")
AUTH = ("公安局", "派出所", "检察院", "法院", "市场监管局", "社保中心", "医保局", "网警", "刑侦支队", "海关")
STATIONS = ("菜鸟驿站", "丰巢快递柜", "小区东门快递点", "兔喜生活", "妈妈驿站", "中通快递超市", "京东快递点")


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(int(d)) for d in rng.integers(0, 10, n))


def _phone(rng: np.random.Generator) -> str:
    return str(rng.choice(["13", "15", "18", "17", "19", "16"])) + _digits(rng, 9)


def _amount(rng: np.random.Generator) -> str:
    r = rng.random()
    if r < 0.3:
        return str(int(rng.integers(1, 200)))
    if r < 0.6:
        return f"{rng.integers(10, 3000)}.{rng.integers(0, 100):02d}"
    if r < 0.85:
        return str(int(rng.integers(1, 60)) * 100)
    return str(int(rng.integers(1, 50)) * 1000)


def _name(rng: np.random.Generator) -> str:
    given = GIVEN[int(rng.integers(len(GIVEN)))]
    if rng.random() < 0.6:
        given += GIVEN[int(rng.integers(len(GIVEN)))]
    return SURNAMES[int(rng.integers(len(SURNAMES)))] + given


def _pick(options: tuple[str, ...]) -> Callable[[np.random.Generator], str]:
    return lambda rng: options[int(rng.integers(len(options)))]


def _url(rng: np.random.Generator) -> str:
    letters = string.ascii_lowercase + string.digits
    code = "".join(letters[int(i)] for i in rng.integers(0, len(letters), int(rng.integers(4, 8))))
    host = ("t.cn", "dwz.cn", "u.jd.com", "m.tb.cn", "url.cn", "a.app.qq.com", "s.10086.cn", "bank.cn")[
        int(rng.integers(8))
    ]
    return f"{host}/{code}"


SLOT: dict[str, Callable[[np.random.Generator], str]] = {
    "name": _name,
    "surname": lambda rng: SURNAMES[int(rng.integers(len(SURNAMES)))],
    "platform": _pick(PLATFORMS),
    "courier": _pick(COURIERS),
    "bank": _pick(BANKS),
    "operator": _pick(OPERATORS),
    "lender": _pick(LENDERS),
    "item": _pick(ITEMS),
    "city": _pick(CITIES),
    "app": _pick(APPS_MEETING),
    "remote": _pick(APPS_REMOTE),
    "game": _pick(GAMES),
    "coin": _pick(COINS),
    "shop": _pick(SHOPS),
    "hospital": _pick(HOSPITALS),
    "food": _pick(FOODS),
    "rel": _pick(RELATIVES),
    "codeapp": _pick(APPS_CODE),
    "leader": _pick(LEADER),
    "auth": _pick(AUTH),
    "station": _pick(STATIONS),
    "amount": _amount,
    "amount2": _amount,
    "big": lambda rng: str(int(rng.integers(1, 50)) * 10000),
    "pct": lambda rng: str(int(rng.integers(3, 40))),
    "rate": lambda rng: f"{rng.integers(2, 9)}.{rng.integers(0, 10)}",
    "gb": lambda rng: str(int(rng.choice([1, 2, 5, 10, 20, 30, 40, 60, 100]))),
    "code": lambda rng: _digits(rng, int(rng.choice([4, 6, 6, 6]))),
    "code4": lambda rng: f"{rng.integers(1, 30)}-{rng.integers(1, 6)}-{_digits(rng, 4)}",
    "phone": _phone,
    "tail": lambda rng: _digits(rng, 4),
    "order": lambda rng: _digits(rng, 18),
    "order4": lambda rng: _digits(rng, 4),
    "tracking": lambda rng: rng.choice(["SF", "YT", "ZT", "JT", "75", "43"]) + _digits(rng, 12),
    "card": lambda rng: "62" + _digits(rng, 17),
    "qq": lambda rng: str(int(rng.integers(10_000_000, 3_999_999_999))),
    "wx": lambda rng: (
        "".join(rng.choice(list("abcdefghkmnpqrstwxyz")) for _ in range(int(rng.integers(3, 6))))
        + _digits(rng, int(rng.integers(2, 5)))
    ),
    "room": lambda rng: f"{rng.integers(100, 999)} {rng.integers(100, 999)} {rng.integers(100, 999)}",
    "url": _url,
    "date": lambda rng: f"{rng.integers(1, 13)}月{rng.integers(1, 29)}日",
    "time": lambda rng: f"{rng.integers(6, 23)}:{rng.choice(['00', '15', '30', '45'])}",
    "day": lambda rng: str(int(rng.integers(1, 29))),
    "month": lambda rng: str(int(rng.integers(1, 13))),
    "n": lambda rng: str(int(rng.integers(2, 9))),
    "mult": lambda rng: rng.choice(["两", "三", "3", "双", "十"]),
    "staff": lambda rng: rng.choice(list("王李张刘陈杨黄赵周吴")),
    "staff_no": lambda rng: _digits(rng, 5),
    "comp": lambda rng: str(int(rng.integers(50, 2000))),
    "fee": lambda rng: str(int(rng.choice([98, 198, 298, 399, 599, 800, 1200]))),
    "days": lambda rng: str(int(rng.integers(2, 30))),
    "plate": lambda rng: (
        rng.choice(list("京沪粤浙苏川鄂湘豫鲁")) + rng.choice(list("ABCDEF")) + _digits(rng, 5)
    ),
    "train": lambda rng: rng.choice(["G", "D", "K", "Z"]) + str(int(rng.integers(10, 9000))),
    "seat": lambda rng: f"{rng.integers(1, 17)}车{rng.integers(1, 20)}{rng.choice(list('ABCDF'))}号",
    "level": lambda rng: str(int(rng.integers(2, 30))),
}
SLOT.update(
    synth_more.SLOT_MORE
)  # app, game, dating, loan names, masked numbers … of the registers in synth_more


class _Slots(dict[str, str]):
    """A mapping that draws a value for each slot the first time it is asked for (the same slot twice in
    one text gets the same value)."""

    def __init__(self, rng: np.random.Generator) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        fn = SLOT.get(key)
        value = fn(self.rng) if fn is not None else ""
        self[key] = value
        return value


# -- benign genres -----------------------------------------------------------------------------------------

OPT_OUT = ("回T退订", "回TD退订", "拒收请回复R", "退订回N", "回复TD退订", "")
BENIGN: dict[str, tuple[str, ...]] = {
    "operator_marketing": (
        "【{operator}】尊敬的客户，您本月套餐内通用流量已使用80%，剩余{gb}GB。办理{gb}GB流量包仅需{comp}元/月，回复KTLL办理。",
        "【{operator}】您好，您的话费余额为{amount}元，为避免影响使用，请及时充值。可通过{operator}App充值，享满{comp}减5元优惠。",
        "【{operator}】尊敬的用户，您已获得宽带免费提速资格，提速至1000M，详情咨询10086或到营业厅办理。",
        "【{operator}】{month}月账单：本月消费{amount}元，其中套餐费{comp}元。查询详单请登录手机营业厅。",
        "【{operator}】5G焕新季：老用户专享合约机直降{comp}元，预存话费送好礼，点击{url}了解。",
        "【{operator}】您的积分{comp}分将于年底清零，可兑换话费、流量或视频会员，登录App积分商城兑换。",
        "【{operator}】温馨提示：您的号码已开通国际漫游，境外使用请注意资费，详询客服热线。",
        "尊敬的客户，您已成功订购{gb}GB定向流量包，资费{comp}元/月，次月生效。",
        "【{operator}】您好！本月您的套餐外语音通话{n}0分钟，费用{amount}元。升级套餐更划算，回复1了解。",
        "【{operator}】家庭宽带即将到期，续约享{n}折优惠，可登录App或到营业厅办理。",
    ),
    "ecommerce_marketing": (
        "【{platform}】双十一预售开启，定金{comp}元抵{amount}元，你收藏的{item}直降，点击{url}抢购。",
        "【{platform}】亲爱的会员，您有一张满{comp}减{n}0元优惠券即将过期，快去使用吧。",
        "【{platform}】{item}限时秒杀，今晚8点开抢，低至{n}折，打开App搜索即可参与。",
        "【{platform}】您购物车里的{item}降价了！现价{amount}元，库存紧张，速来下单。",
        "【{platform}】新人专享：首单立减{n}元，包邮到家，下载App领取。",
        "【{shop}】会员日第二杯半价，到店出示会员码享优惠，{date}截止。",
        "【{platform}】618年中大促，跨店每满300减50，红包雨每晚8点开抢。",
        "【{platform}】您关注的店铺上新了，{item}新品首发，会员享9折。",
    ),
    "bank_balance": (
        "【{bank}】您尾号{tail}的储蓄卡{date}{time}消费支出人民币{amount}元，余额{amount2}元。",
        "【{bank}】您账户{tail}于{date}{time}收到工资入账人民币{amount}元，活期余额{amount2}元。",
        "您尾号{tail}卡{date}{time}快捷支付{amount}元（财付通-微信支付），余额{amount2}元。【{bank}】",
        "【{bank}】您尾号{tail}的信用卡{date}消费{amount}元，本期账单{amount2}元，到期还款日{month}月{day}日。",
        "【{bank}】您的账户{tail}于{date}转入人民币{amount}元，付方{name}，余额{amount2}元。",
        "【{bank}】您尾号{tail}的账户{date}{time}跨行转出{amount}元，收款人{name}，如非本人操作请致电客服。",
        "【{bank}】您的信用卡本期账单已出，应还{amount}元，最低还款{amount2}元，可在手机银行自动还款。",
        "【{bank}】您的定期存款{big}元已于{date}到期，本息已转入尾号{tail}的活期账户。",
        "【{bank}】您尾号{tail}卡{date}ATM取款{amount}元，余额{amount2}元。",
        "【{bank}】您申请的信用卡已审核通过，额度{big}元，卡片将在7个工作日内寄出。",
    ),
    "otp_code": (
        "【{codeapp}】验证码{code}，用于登录，5分钟内有效。验证码提供给他人可能导致账号被盗，请勿泄露，谨防被骗。",
        "【{codeapp}】您的验证码是{code}，有效期10分钟，请勿告诉他人。",
        "【{bank}】验证码：{code}，您正在进行快捷支付签约，请勿泄露。银行工作人员不会向您索要验证码。",
        "【{codeapp}】{code}（动态验证码），您正在绑定新设备，如非本人操作请忽略本短信。",
        "验证码{code}，您正在注册成为{codeapp}用户，感谢您的支持！",
        "【{codeapp}】您正在修改登录密码，验证码{code}，切勿将验证码告知他人。",
        "【{codeapp}】{code}是您的身份验证码，15分钟内有效。",
        "【{bank}】您正在使用手机号登录手机银行，动态码{code}，不要把动态码告诉任何人。",
    ),
    "parcel_notice": (
        "【{station}】您的{courier}包裹已到站，取件码{code4}，请凭码到{station}取件，营业时间9:00-21:00。",
        "【{courier}】您的快件{tracking}正在派送中，快递员{surname}师傅，电话{phone}，请保持电话畅通。",
        "【{courier}】您的快件{tracking}已签收，如有疑问请联系派件员或官方客服。感谢使用{courier}。",
        "【丰巢】您的{courier}快递已存入{city}路{n}号丰巢柜，取件码{code}，超时将收取保管费。",
        "【{platform}】您购买的{item}已发货，{courier}单号{tracking}，可在订单详情查看物流。",
        "【{courier}】您好，您的快件因收件地址不详暂存网点，请联系快递员{phone}确认地址。",
        "您的快递已放在门口，拍照给您了，有问题打我电话{phone}。",
        "【{platform}】您的订单{order}已出库，预计{date}送达，请注意查收。",
    ),
    "food_delivery": (
        "【美团外卖】您的订单已由骑手{surname}师傅接单，预计{time}送达，骑手电话{phone}。",
        "【饿了么】您点的{food}已送达，祝您用餐愉快！给骑手打个分吧。",
        "您好，我是美团骑手，您的{food}到了，放门口了还是下来拿一下？",
        "外卖放前台了，记得拿哈。",
        "您好我是送外卖的，小区进不去，麻烦到东门拿一下。",
        "【{shop}】您的订单已制作完成，取餐号{n}{n}，请到柜台取餐。",
    ),
    "family_chat": (
        "{rel}，我到家了，别担心。",
        "{rel}，晚上回来吃饭吗？我炖了汤。",
        "这周末回老家吗？{rel}说想你了。",
        "钱收到了，别老给我转钱，你自己留着花。",
        "{rel}你血压药记得按时吃，明天我带你去{hospital}复查。",
        "孩子家长会是{date}下午，你能去吗？",
        "刚给你转了{amount}，交下物业费。",
        "我在超市，家里还缺啥？鸡蛋还有吗？",
        "明天降温了，多穿点衣服。",
        "视频打不通，信号不好，晚点再打给你。",
        "生日快乐！蛋糕已经订好了，晚上早点回来。",
        "你上次说的那个{item}我在{platform}买了，挺好用的。",
        "奶奶住院了，在{hospital}，有空去看看。",
        "周六同学聚会，在{shop}，你来不来？",
        "房租我转给房东了，你把你那份{amount}转我就行。",
        "我今天加班，孩子你去接一下。",
    ),
    "friend_chat": (
        "下班一起吃饭？新开了一家火锅店。",
        "你那个{item}哪买的？发个链接给我。",
        "明天{time}在地铁站见。",
        "我先到了，在{shop}门口等你。",
        "周末打球吗？老地方。",
        "刚看到你朋友圈，恭喜恭喜！",
        "借你的书看完了，明天还你。",
        "群里说的那个活动你报名了吗？",
        "哈哈哈笑死我了",
        "上次吃饭的钱AA一下，一人{amount}，微信转我就行。",
        "电影票买好了，{time}场，别迟到。",
        "你考试怎么样？",
    ),
    "user_question": (
        "花呗怎么提前还款",
        "借呗额度为什么突然没有了",
        "我的花呗为什么不能用了",
        "借呗还款日可以改吗",
        "花呗分期的手续费怎么算",
        "为什么我的支付宝转账到银行卡要手续费",
        "退款退到哪里了，怎么还没到账",
        "我申请的退款什么时候到",
        "网商贷怎么开通",
        "花呗逾期一天会影响征信吗",
        "借呗提前还款有没有违约金",
        "为什么我的余额宝收益变少了",
        "银行卡被冻结了怎么办",
        "怎么查看我的芝麻信用分",
        "花呗额度怎么提升",
        "我想注销花呗怎么操作",
        "支付宝绑定的银行卡怎么解绑",
        "信用卡还款可以用花呗吗",
        "借呗利息是怎么计算的",
        "转错账了能退回来吗",
        "为什么我的账户显示异常，登录不了",
        "{lender}能借多少，要什么条件",
        "我在{platform}买的{item}怎么申请退货",
        "快递显示签收了但我没收到怎么办",
        "退货运费谁出",
        "商家不同意退款怎么办",
        "怎么联系{platform}人工客服",
        "你好，我的订单{order}什么时候发货",
        "请问这个{item}有现货吗？",
        "能便宜点吗亲",
        "我的快递怎么三天了还没更新物流",
        "请问贷款利率是多少",
        "信用卡分期提前还款要手续费吗",
        "我的{bank}信用卡怎么激活",
        "为什么提示我的交易存在风险",
        "怎么修改支付密码",
    ),
    "cs_reply": (
        "亲，您好，很高兴为您服务，请问有什么可以帮您？",
        "亲，已为您登记，您可以在订单详情里申请售后，我们会尽快处理。",
        "您好，退款已经原路退回，一般1-3个工作日到账，请注意查收。",
        "亲，这款{item}目前有现货，今天下单明天发{courier}。",
        "亲，运费险已经为您申请了，退货寄回后自动理赔到您的账户。",
        "您好，您的问题已经反馈给相关部门，24小时内会有专人在App内回复您。",
        "亲亲，物流这边帮您催一下，请耐心等待哦。",
        "亲，平台不会以任何理由要求您添加私人联系方式或转账，请通过官方App办理售后。",
        "您好，您反映的质量问题我们已收到，可以直接在订单页申请退货退款，我们承担运费。",
        "亲，您的退款申请已通过，退款{amount}元将原路返回。",
        "您好，这边查询到您的快递在{city}中转，预计{date}送达。",
        "收到您的评价啦，感谢支持，祝您生活愉快！",
    ),
    "refund_notice": (
        "【{platform}】您的退款{amount}元已原路退回至支付账户，请注意查收。",
        "【{platform}】您申请的售后已完成，退款已到账，可在App订单详情查看。",
        "【{platform}】商家已同意您的退货申请，请在7天内寄回商品，退货地址请在App查看。",
        "【支付宝】您有一笔退款{amount}元已退回余额，来自{platform}订单。",
        "【{platform}】您的运费险理赔{n}元已到账。",
        "【{courier}】您的快件理赔申请已受理，理赔款将在审核后通过官方渠道支付，请勿轻信他人来电。",
        "【{platform}】您购买的{item}价保申请成功，差价{amount}元已退回。",
    ),
    "service_notice": (
        "【12306】订单E{order4}，{name}您已购{date}{train}次{seat}，{city}站{time}开，请提前到站。",
        "【{hospital}】您已成功预约{date}上午{time}内科门诊，请携带身份证按时就诊。",
        "【国家电网】您的电费余额不足{comp}元，请及时缴费，可通过网上国网App缴纳。",
        "【燃气公司】您家燃气本月用量{n}0立方，应缴{amount}元，请于{day}日前缴费。",
        "【物业通知】本周六{time}停水检修，请业主提前储水，给您带来不便敬请谅解。",
        "【交管12123】您的机动车{plate}已办理年检预约，请按时到检测站。",
        "【社保】您{month}月份养老金{amount}元已发放至社保卡，请注意查收。",
        "【携程】您预订的{city}酒店{date}入住已确认，订单号{order4}，如需取消请提前在App操作。",
        "【ETC】您的车辆{plate}{date}通行费{amount}元已扣款成功。",
        "【学校】各位家长好，本周五下午三点开家长会，请准时参加。",
        "【滴滴出行】您的行程已结束，费用{amount}元已从支付宝扣除。",
        "【{city}公积金】您的公积金账户本月缴存{amount}元，余额{big}元。",
        "【医保】您的医保个人账户{month}月划入{amount}元。",
        "【{city}税务】您{month}月个税已申报，如有疑问请登录个人所得税App查询。",
        "亲爱的车主，您的保险将于{date}到期，续保可联系您的专属顾问或登录官方App。",
        "【{city}人社】您的职业技能补贴申请已审核通过，补贴将发放至社保卡银行账户。",
        "【招聘】您投递的岗位已收到，面试定于{date}{time}，地址{city}路{n}号，请准时参加。",
        "您好，我是{name}，明天的会议改到{time}，地点不变。",
    ),
    "bank_marketing": (
        "【{bank}】尊敬的客户，您有一笔最高{big}元的信用贷款额度待激活，年化利率低至{rate}%，详询{bank}手机银行App。",
        "【{bank}】尊敬的客户，您的信用卡额度已提升，可在手机银行查看，回T退订。",
        "【{bank}】理财新品年化业绩比较基准{rate}%，起购1万元，理财非存款，产品有风险，投资须谨慎。",
        "【{lender}】尊敬的用户，您的借款额度已更新，可在官方App内查看，请理性借贷，按时还款。",
        "【{bank}】信用卡分期优惠：账单分期手续费{n}折，可通过官方App办理。",
        "【{bank}】{month}月消费达标赠积分，活动详情请登录手机银行。银行不会以任何理由要求您转账。",
        "【{lender}】您本期账单{amount}元，还款日{day}日，请确保绑定银行卡余额充足。",
        "【{bank}】您的借款{big}元已发放至尾号{tail}账户，请合理使用，按期还款。",
    ),
    "antifraud_notice": (
        "【反诈提醒】凡是自称淘宝、京东客服，以质量问题、快递丢失为由要求退款理赔的，都是诈骗！",
        "【{city}公安】温馨提示：公检法机关不会通过电话办案，更不存在安全账户，接到此类电话请立即挂断。",
        "国家反诈中心提醒您：刷单就是诈骗，任何要求垫付资金的兼职都是骗局。",
        "警方提醒：不要向陌生人透露验证码，不要下载陌生会议软件开启屏幕共享。",
        "【反诈中心】近期冒充电商客服诈骗高发，请通过官方App办理售后，切勿添加陌生QQ、微信。",
        "提醒广大市民：网络投资要通过正规渠道，“高收益、稳赚不赔”的都是诈骗。",
        "反诈宣传进社区：不听、不信、不转账，遇到可疑情况拨打96110。",
        "【{city}反诈】您好，请下载国家反诈中心App，开启来电预警功能，守护您的钱袋子。",
        "警惕！网上交友对象推荐你投资赚钱的，一定是诈骗。",
        "温馨提示：贷款前先交费的都是诈骗，正规贷款放款前不收取任何费用。",
        "谨防冒充领导诈骗：领导加你好友让你转账，务必电话核实。",
        "游戏账号交易请走官方平台，私下交易“解冻费”“保证金”都是骗局。",
        "您好，这里是96110反诈专线，近期有不法分子冒充客服实施诈骗，请提高警惕。",
    ),
    "news_report": (
        "近日，{city}市民{surname}女士接到自称{platform}客服的电话，称其购买的商品有质量问题，随后被骗{big}元。警方提醒：凡是要求下载会议软件共享屏幕的都是诈骗。",
        "记者从{city}警方获悉，一男子因轻信“刷单返利”被骗{big}元。目前，案件正在进一步侦办中。",
        "{city}警方破获一起冒充公检法诈骗案，抓获犯罪嫌疑人{n}名，涉案金额{big}余元。",
        "据了解，不法分子通过非法渠道获取网购订单信息，冒充客服以理赔为由实施诈骗。民警提示，退款请走官方渠道。",
        "本报讯 {date}，{city}反诈中心成功劝阻一起冒充客服诈骗，为群众挽回损失{big}元。",
        "案例回顾：{surname}先生在网上结识一名“女友”，对方诱导其在投资平台充值，累计被骗{big}元。",
        "{city}某高校学生遭遇“游戏账号交易”诈骗，被以解冻为由骗走{amount}元。警方表示，此类案件多发。",
        "据民警介绍，骗子冒充领导添加受害人微信，以急需用钱为由要求转账，一女子被骗{big}元。",
        "男子网购遇“假客服”，开启屏幕共享后银行卡被转走{big}元\n近日，{city}公安局通报了一起案件。",
        "{city}公安局发布预警：近期“注销校园贷”诈骗高发，请广大群众提高防范意识。",
    ),
    "work_chat": (
        "各位同事，{date}{time}在三楼会议室开周会，请准时参加。",
        "方案已经发群里了，大家看一下有问题及时反馈。",
        "{app}会议号{room}，下午两点开会，记得共享屏幕讲PPT。",
        "报销单据周五前交给财务，逾期下月处理。",
        "{name}，客户那边的合同签好了吗？",
        "今天的日报记得在钉钉上提交。",
        "收到，我马上处理。",
        "明天出差去{city}，车票已经订好了。",
        "请大家在系统里填写年度考核表，截止到本周五。",
        "IT通知：今晚系统升级，请提前保存文件。",
    ),
    "school_notice": (
        "各位家长：明天学校组织春游，请给孩子准备好午餐和水。",
        "家长您好，本学期学费请通过学校官方缴费平台缴纳，学校不会让老师私下收费。",
        "【{city}教育】中考成绩将于{date}公布，可登录官方网站查询。",
        "今天的数学作业是练习册第{n}页，请家长签字。",
        "班级群通知：周五下午放学时间调整为{time}。",
    ),
    "ads_local": (
        "【{shop}】新店开业，全场{n}折，凭短信到店再送饮品一份。回T退订",
        "{city}楼盘火热认购中，首付低至{n}成，看房热线{phone}。退订回T",
        "【健身】{city}店周年庆，年卡立减{comp}元，欢迎到店体验。",
        "装修找我们，免费上门量房设计，电话{phone}。拒收请回复R",
        "【{platform}】您的{item}评价有礼，晒图好评返{n}元无门槛券。",
        "二手房急售，{city}地铁口两室一厅，业主诚心出售，有意者联系{phone}。",
    ),
}

# -- scams -------------------------------------------------------------------------------------------------

SCAM: dict[str, tuple[str, ...]] = {
    "ecommerce_cs": (
        "您好，我是{platform}客服，您购买的{item}经检测质量不合格，我们给您{mult}倍赔偿，请加QQ{qq}办理理赔。",
        "【{platform}售后】您的{item}订单出现问题，理赔款{comp}元待领取，请添加专员微信{wx}。",
        "您好，{courier}快递理赔中心，您的快件{tracking}丢失，双倍赔付{comp}元，请下载{app}开启屏幕共享办理。",
        "您好，我是{platform}客服，您误开通了会员服务，每月扣费{fee}元，取消请按提示操作转账验证。",
        "您的退款因支付宝信用分不足无法到账，需要您按我的指导在{lender}借款刷流水，完成后一起退回。",
        "亲，您的{item}因质量问题被下架，我们将全额退款并额外补偿，请点击链接{url}填写银行卡号和验证码领取。",
        "您好，您在{platform}开通的百万保障服务即将扣费，如需关闭请添加客服QQ{qq}。",
        "您好，{platform}商家客服，您的订单{order}因系统故障被冻结，需要您配合操作解冻，否则会影响征信。",
        "您好我是{platform}理赔专员，赔偿款已存入您的支付宝备用金，请提取后转回多出的{amount}元。",
        "【{platform}】您的订单因海关抽检需缴纳关税退税，请下载退税App填写卡号及动态码。",
        "{courier}：您的包裹在运输中污损，我司按商品价格{mult}倍赔付，请扫描二维码添加理赔客服。",
        "您好，您在{platform}购买的{item}检测出甲醛超标，现在给您退款，请先下载TIM添加客服Q号{qq}。",
    ),
    "task_rebate": (
        "招兼职！在家动动手指点赞关注，一单{n}元，日结{comp}元，加QQ{qq}领任务。",
        "您好，我们是{platform}商家，招聘刷单员，先垫付后返本金加佣金{pct}%，当天到账，有意加微信{wx}。",
        "宝妈学生党兼职，抖音点赞每天{comp}元，无需押金，下载App注册领取任务。",
        "您已完成{n}单任务，第{level}单是联单任务，需要连续完成三单才能提现本金和佣金。",
        "您的任务操作超时，账户被冻结，需要再充值{big}元做解冻任务，完成后一次性返还。",
        "只需要在{platform}帮商家下单提高销量，本金加提成立刻返还，单单结算，加导师微信{wx}。",
        "恭喜您获得体验任务，关注公众号返{n}元，做完进群领取高佣任务，导师带做。",
        "高薪兼职，电影票房投资任务，充值越多返利越高，佣金{pct}%，进群了解。",
        "您好，亲，做任务赚钱的群，接单员完成任务后截图给我返佣，第一单先垫付{amount}元。",
        "系统显示您做任务时操作失误，资金被冻结，需缴纳{amount}元保证金才能解冻提现。",
    ),
    "investment": (
        "老师带你炒股，内幕消息，一个月翻倍，加入VIP群{qq}，稳赚不赔。",
        "我们的平台投资{coin}，日收益{pct}%，导师一对一指导，保本高收益，下载App注册。",
        "您好，我是证券公司的投资顾问，拉您进股票交流群，免费领取牛股。",
        "新上线的数字货币项目，现在入场年化收益{pct}0%，名额有限，把钱转到平台账户充值。",
        "您的账户盈利已达{big}元，提现需先缴纳{pct}%的个人所得税和保证金。",
        "外汇期货投资，导师带单，稳赚不亏，只要跟着操作一周回本。",
        "内部渠道原始股，马上上市，现在认购{big}元一年后翻十倍。",
        "平台检测到您的账户存在违规操作，提现被冻结，需缴纳{big}元解冻金。",
    ),
    "fake_loan": (
        "无抵押无担保，黑户可贷，秒批秒到账，最高{big}元，加微信{wx}办理。",
        "您好，您申请的贷款{big}元已审批通过，但银行卡号填写错误导致资金冻结，需缴纳{amount}元解冻费。",
        "急用钱找我们，无视征信，当天放款，只需要先交{amount}元手续费。",
        "您的贷款已到账但账户被冻结，需转{amount}元证明还款能力，验证后解冻。",
        "正规贷款平台，低息{rate}厘，下载App注册即可申请，放款前需缴纳会员费{fee}元。",
        "您好，这边是{lender}客服，您的额度可以提升到{big}元，需要先做流水验证，转{amount}元到指定账户。",
        "信用卡代办，无需工作证明，包下卡，额度{big}起，先交办卡费{fee}元。",
        "贷款审核需要查看您的还款能力，请往您的银行卡里存入{big}元并截图，或转到监管账户。",
        "恭喜您获得大学生专属低息贷款名额，无需还款证明，加QQ{qq}领取。",
    ),
    "fake_credit": (
        "您好，我是{lender}的工作人员，您在校期间开通的校园贷账户未注销，会影响征信，需要把额度借出来转到指定账户注销。",
        "您的征信有逾期记录，我们可以帮您修复征信，洗白黑名单，费用{fee}元。",
        "根据银保监会规定，学生账户需要注销，否则每年扣费，还会影响个人征信。",
        "您好，您的京东金条额度未清零，会影响征信，需要您贷出来转到银保监会账户清零。",
        "您的个人征信存在异常，不处理将无法贷款买房，请配合我们操作清除不良记录。",
    ),
    "impersonate_authority": (
        "我是{city}{auth}民警，您的身份证涉嫌一起洗钱案，需要把资金转到安全账户接受审查，否则将对您进行逮捕。",
        "您好，这里是{auth}，您名下的银行卡涉嫌非法洗钱，案件保密，不要告诉家人，请配合调查。",
        "您的社保卡在{city}被冒用，涉及医保诈骗，我现在帮您转接{auth}。",
        "{auth}通知：您有一张传票未领取，请按9查询，逾期将被强制执行。",
        "我是{city}刑侦支队警官，这是通缉令，你的账户涉及诈骗案，把钱转到国家安全账户进行资金核查。",
        "您的快递中被查出违禁品和多张银行卡，已移交{auth}，请配合做笔录，下载视频会议软件。",
        "您好，我是市场监管局工作人员，您的营业执照存在异常，需缴纳罚款{amount}元。",
        "您好，您的医保卡存在违规消费，如果不处理将冻结账户，请按提示操作。",
    ),
    "romance": (
        "宝贝，我在一个博彩平台发现了漏洞，稳赚的，你也注册一个，我带你赚钱，以后我们结婚用。",
        "亲爱的，我舅舅在做{coin}投资，内部消息，你先充一点试试，赚了我们一起买房。",
        "哥哥，我是在婚恋网上认识你的，我在国外做跨境电商，你帮我投点钱进去，赚了分你一半。",
        "宝贝，我遇到点困难，手术费还差{big}元，你先借我，下个月就还你。",
        "老公，这个平台我玩了很久了，每天都能赚，你充值{big}元试一下嘛。",
        "认识你真好，我想和你过一辈子，但我现在账户被冻结了，需要你帮我交{amount}元手续费。",
    ),
    "impersonate_acquaintance": (
        "小{surname}，我是{leader}，这是我新微信，明天到我办公室来一趟。",
        "我是{leader}，现在在开会不方便接电话，有一笔款要急着付给合作方，你先帮我转{big}元到这个账户。",
        "我是你{rel}，换新号码了，手机丢了，你先别打电话，给我转点钱应急。",
        "{leader}：你把这个钱先转给对方公司，财务那边我来说，转好截图给我。",
        "同学，我是你大学室友，在外地出了点事，急需{amount}元，你先借我，明天还你。",
        "爸，我是你儿子，我在学校打伤了人，要赔{big}元，别告诉妈。",
        "你好，我是你孩子的班主任，学校要交资料费{amount}元，扫码缴费，家长群里不要说。",
        "我是{leader}，你加一下我QQ{qq}，有事找你，别声张。",
    ),
    "game_trade": (
        "你的{game}账号卖出了，买家已付款，但你的账户被冻结了，需要缴纳{amount}元保证金解冻才能提现。",
        "{game}皮肤低价出售，全网最低，加QQ{qq}私下交易更便宜。",
        "您好，我是交易平台客服，您的账号因信息填写错误被冻结，需要充值{amount}元解冻。",
        "免费领取{game}限定皮肤，扫码添加客服，输入账号密码即可领取。",
        "你的{game}装备我收了，走第三方平台交易，你在那个网站注册一下，提现要交手续费{amount}元。",
        "{game}代练代充，八折充值点券，先付款后到账，加微信{wx}。",
    ),
    "fake_shopping": (
        "全网最低价{item}，厂家直销，先付定金{amount}元，加微信{wx}下单。",
        "代购正品大牌包包，一折出售，先付全款，海关扣货需另交关税{amount}元。",
        "低价转让演唱会门票，先转账后发票，加QQ{qq}。",
        "您好，您在我们这里订的{item}需要先交保证金{amount}元才能发货。",
    ),
    "other": (
        "恭喜您的手机号被抽中为幸运用户，获得二等奖{big}元和笔记本电脑一台，领奖需先交个人所得税{amount}元。",
        "您的ETC卡已失效，请点击链接{url}重新认证，逾期将无法使用。",
        "【{bank}】您的积分{comp}即将清零，请登录{url}兑换现金礼包。",
        "您的孩子在我们手上，马上转{big}元到这个账户，不许报警，否则后果自负。",
        "您的{codeapp}账号存在异常登录，请点击{url}验证身份，输入银行卡号和密码。",
        "尊敬的用户，您的银行卡已被冻结，请登录{url}解除冻结，填写卡号和验证码。",
        "您好，您的手机号即将停机，因为实名认证未完成，请把验证码告诉我帮您认证。",
        "恭喜您获得{platform}周年庆大奖，奖品价值{big}元，请点击{url}领取。",
    ),
}

# The scam tail: moves that many categories share (the rules know them too).
SCAM_TAILS: tuple[str, ...] = (
    "",
    "",
    "",
    "这件事要保密，不要告诉任何人。",
    "请在今天内处理，逾期后果自负。",
    "转账完成后截图给我。",
    "为了您的资金安全，请按我说的操作。",
    "名额有限，先到先得。",
    "请不要挂断电话，我一步步指导您。",
)


def _render(rng: np.random.Generator, template: str) -> str:
    return template.format_map(_Slots(rng))


def _decorate_benign(rng: np.random.Generator, text: str, genre: str) -> str:
    if (
        genre in ("operator_marketing", "ecommerce_marketing", "ads_local", "bank_marketing")
        and rng.random() < 0.6
    ):
        opt = OPT_OUT[int(rng.integers(len(OPT_OUT)))]
        if opt and opt not in text:
            text = f"{text}{opt}"
    return text


def _compose_scam(rng: np.random.Generator, category: str) -> str:
    slots = _Slots(rng)
    options = SCAM[category]
    parts = [options[int(rng.integers(len(options)))]]
    if rng.random() < 0.35:  # a second move of the same scam
        parts.append(options[int(rng.integers(len(options)))])
    parts.append(SCAM_TAILS[int(rng.integers(len(SCAM_TAILS)))])
    return "".join(parts).format_map(slots)


def _bank(rng: np.random.Generator) -> simtexts.TextBank:
    gen = rng

    class _R:
        def random(self) -> float:
            return float(gen.random())

        def integers(self, lo: int, hi: int | None = None) -> int:
            return int(gen.integers(lo, hi)) if hi is not None else int(gen.integers(lo))

    return simtexts.TextBank(_R())


# The sim's scam moves, composed into the openings and follow-ups a person receives.
_SIM_SCRIPTS: tuple[tuple[str, ...], ...] = (
    ("contact.quality_refund",),
    ("contact.lost_parcel",),
    ("contact.membership_cancel",),
    ("contact.credit_repair",),
    ("contact.reserve_fund",),
    ("contact.tax_refund",),
    ("contact.quality_refund", "move.add_qq"),
    ("contact.lost_parcel", "move.add_wechat"),
    ("move.meeting",),
    ("move.remote",),
    ("exec.credit_low",),
    ("exec.loan",),
    ("exec.bank_call",),
    ("exec.otp",),
    ("exec.transfer",),
    ("exec.reserve_open", "exec.reserve_return"),
    ("contact.membership_cancel", "exec.bank_call"),
    ("contact.credit_repair", "exec.loan", "exec.transfer"),
    ("contact.quality_refund", "move.meeting", "exec.credit_low"),
)


def generate(rng: np.random.Generator, per_genre: int) -> list[Sample]:
    """`per_genre` texts of every benign genre and scam category here, plus the sim's phrasings (scam
    scripts and ordinary life)."""
    out: list[Sample] = []
    for genre, templates in BENIGN.items():
        for _ in range(per_genre):
            text = _render(rng, templates[int(rng.integers(len(templates)))])
            out.append(Sample(_decorate_benign(rng, text, genre), 0, None, f"benign.{genre}"))
    for genre, fn in COMPOSED_BENIGN.items():
        for _ in range(per_genre * COMPOSED_WEIGHT[genre]):
            out.append(Sample(fn(rng), 0, None, f"benign.{genre}"))
    for category in SCAM:
        n = per_genre if category != "ecommerce_cs" else per_genre * 2
        for _ in range(n):
            out.append(Sample(_compose_scam(rng, category), 1, category, f"scam.{category}"))
        for _ in range(n * 2):
            out.append(Sample(composed_scam(rng, category), 1, category, f"scam.{category}"))
        for _ in range(n):
            out.append(Sample(verbose_scam(rng, category), 1, category, f"scam.{category}"))
    for category, weight in synth_more.SCAM_WEIGHT.items():  # the registers of synth_more
        for _ in range(int(per_genre * weight)):
            text = synth_more.vary(rng, _render(rng, synth_more.scam_template(rng, category)))
            out.append(Sample(text, 1, category, f"scam.{category}"))
    for genre, weight in synth_more.BENIGN_WEIGHT.items():  # their vocabulary without their moves
        for _ in range(int(per_genre * weight)):
            text = synth_more.vary(rng, _render(rng, synth_more.benign_template(rng, genre)))
            out.append(Sample(text, 0, None, f"benign.{genre}"))
    benign = [s for s in out if s.label == 0 and not s.group.endswith(".short")]
    for _ in range(per_genre * 4):  # longer benign texts: several messages of a thread or a day, together
        k = int(rng.integers(2, 5))
        picks = [benign[int(i)].text for i in rng.integers(0, len(benign), k)]
        sep = ("\n", "\n\n", " ", "")[int(rng.integers(4))]
        out.append(Sample(sep.join(picks), 0, None, "benign.mixed"))
    bank = _bank(rng)
    for family in simtexts.BENIGN:
        for _ in range(max(1, per_genre // 2)):
            slots = _all_slots(rng)
            out.append(Sample(bank.benign(family, slots), 0, None, f"sim.benign.{family}"))
    for script in _SIM_SCRIPTS:
        for _ in range(max(1, per_genre // 2)):
            slots = _all_slots(rng)
            text = "".join(bank.scam(move, slots) for move in script)
            out.append(Sample(text, 1, None, "sim.scam"))  # one category only: would bias the category head
    for _ in range(max(1, per_genre // 4)):  # the person's own words refusing: not a scam on their own
        out.append(Sample(_refusal(rng), 0, None, "sim.refusal"))
    return out


def _all_slots(rng: np.random.Generator) -> dict[str, str]:
    """A value for every slot (the sim's templates read a plain mapping)."""
    return {key: fn(rng) for key, fn in SLOT.items()}


def _refusal(rng: np.random.Generator) -> str:
    options = simtexts.SCAM["victim.refuse"]
    return _render(rng, options[int(rng.integers(len(options)))])


# -- compositional genres: many distinct texts from parts --------------------------------------------------

_Q_SUBJECTS = (
    "花呗", "借呗", "信用卡", "银行卡", "余额宝", "支付宝", "微信支付", "账户", "额度", "贷款", "分期", "网商贷",
    "备用金", "芝麻信用", "花呗账单", "借呗额度", "信用卡账单", "零钱", "余额", "提现", "还款", "自动扣款",
    "我的订单", "退款", "快递", "运费险", "会员", "优惠券", "积分", "手机号", "密码", "实名认证", "收款码",
    "转账", "银行卡绑定", "借款", "利息", "逾期", "征信", "账单", "信用分", "免密支付", "亲情卡", "车险",
)  # fmt: skip
_Q_FORMS = (
    "{s}怎么{v}",
    "{s}怎么{v}啊",
    "{s}为什么{p}",
    "为什么我的{s}{p}",
    "我的{s}{p}怎么办",
    "{s}{p}了，怎么回事",
    "{s}可以{v}吗",
    "请问{s}如何{v}",
    "{s}{p}是什么原因",
    "{s}{v}要多久",
    "{s}{v}需要手续费吗",
    "怎样才能{v}{s}",
    "{s}能不能{v}",
    "我想{v}{s}",
    "{s}{v}失败",
    "{s}{p}，能帮我查一下吗",
    "帮我看看{s}为什么{p}",
    "{s}{v}后多久到账",
    "{s}{v}有没有影响",
    "{s}",
    "{s}{p}",
    "{s}{v}",
    "你好，{s}{p}",
    "客服，{s}{p}",
    "{s}{p}？",
    "{s}到底怎么{v}",
    "{s}不小心{v}了怎么办",
    "{s}{v}了还能恢复吗",
)
_Q_VERBS = (
    "还款", "提前还款", "开通", "关闭", "注销", "提升", "使用", "查询", "修改", "解绑", "绑定", "取消",
    "分期", "退款", "提现", "充值", "激活", "冻结", "解冻", "申请", "延期", "转账", "借钱", "借款", "恢复",
    "开发票", "改地址", "退货", "换货", "投诉", "支付", "扣款", "结清", "降额", "调整",
)  # fmt: skip
_Q_PROBLEMS = (
    "不能用", "用不了", "被冻结", "突然没了", "降低了", "不见了", "还不上", "扣款失败", "显示异常", "还没到账",
    "多扣了钱", "逾期了", "额度为零", "开不了", "关不掉", "一直在审核", "提示风险", "显示错误", "被限制",
    "收不到验证码", "登录不上", "没有额度", "利息太高", "重复扣款", "不能分期", "无法绑定", "不显示",
    "被降额", "没有收到", "失败了", "变少了", "不能借了", "一直转圈", "提示身份信息有误",
)  # fmt: skip
_Q_TAILS = ("", "", "", "？", "?", "。", "啊", "呢", "呀", "，急", "，谢谢", "，在线等")


def user_question(rng: np.random.Generator) -> str:
    """A user's own question about their account, payment, loan or order (what fintech and shop
    customer-service chats are full of)."""
    form = _Q_FORMS[int(rng.integers(len(_Q_FORMS)))]
    text = form.format(
        s=_Q_SUBJECTS[int(rng.integers(len(_Q_SUBJECTS)))],
        v=_Q_VERBS[int(rng.integers(len(_Q_VERBS)))],
        p=_Q_PROBLEMS[int(rng.integers(len(_Q_PROBLEMS)))],
    )
    if rng.random() < 0.25:
        text = (
            _render(
                rng,
                ("我借了{amount}", "昨天{date}", "已经{n}天了", "我还了{amount}元", "尾号{tail}")[
                    int(rng.integers(5))
                ],
            )
            + "，"
            + text
        )
    return text + _Q_TAILS[int(rng.integers(len(_Q_TAILS)))]


_AD_BUSINESS = (
    (
        "{city}{n}号院新盘",
        "均价{comp}00元/平",
        "首付{n}万起",
        "地铁口精装两居",
        "看房热线{phone}",
        "售楼处地址{city}大道{n}号",
    ),
    (
        "{surname}氏美容养生馆",
        "面部护理体验价{n}9元",
        "办年卡送精油套盒",
        "三八节特惠",
        "名额有限，预约电话{phone}",
        "新店开业全场{n}折",
    ),
    (
        "{city}{surname}记火锅",
        "周年庆全场{n}折",
        "凭短信送果盘",
        "包间预订{phone}",
        "生日到店送长寿面",
        "会员充值{comp}送{n}0",
    ),
    (
        "{surname}老师英语培训",
        "暑期班火热报名中",
        "试听课免费",
        "小班教学",
        "报名电话{phone}",
        "老学员续费享{n}折",
    ),
    (
        "{city}车险服务中心",
        "续保享最低折扣",
        "送保养一次",
        "出险理赔快",
        "详询{phone}",
        "商业险满{comp}送行车记录仪",
    ),
    (
        "{city}{surname}记汽车4S店",
        "新车钜惠{n}万",
        "试驾送礼",
        "置换补贴{comp}元",
        "联系顾问{phone}",
        "售后保养{n}折",
    ),
    ("{surname}家装修公司", "免费上门量房", "全包套餐{comp}元/平", "环保材料", "咨询{phone}", "签约送家电"),
    (
        "{city}健身会所",
        "开业酬宾年卡{comp}元",
        "私教体验课免费",
        "带朋友送月卡",
        "地址{city}路{n}号",
        "限时{n}天",
    ),
    ("{city}商场", "周末会员日", "满{comp}减{n}0", "停车免费{n}小时", "积分换礼", "详情关注公众号"),
    ("{surname}记家政", "保洁开荒", "月嫂育儿嫂", "持证上岗", "电话{phone}", "首单立减{n}0元"),
    ("{city}旅行社", "{n}日游特价{comp}元", "纯玩无购物", "含往返机票", "报名电话{phone}", "老人小孩半价"),
    ("{surname}氏口腔", "洗牙{n}9元", "种植牙补贴", "儿童涂氟免费", "预约{phone}", "周末不休"),
)
_AD_OPENERS = ("", "", "【{b}】", "{b}：", "尊敬的客户，", "亲爱的会员，", "好消息！", "您好，")
_AD_CLOSERS = ("", "回T退订", "退订回N", "拒收请回复R", "欢迎光临！", "期待您的到来。", "详询门店。")


def local_ad(rng: np.random.Generator) -> str:
    """A local business's marketing SMS: estate, salons, restaurants, schools, insurers, car dealers …"""
    parts = _AD_BUSINESS[int(rng.integers(len(_AD_BUSINESS)))]
    name = parts[0]
    picks = [
        parts[int(i)]
        for i in rng.choice(np.arange(1, len(parts)), size=int(rng.integers(2, 5)), replace=False)
    ]
    template = _AD_OPENERS[int(rng.integers(len(_AD_OPENERS)))]
    opener = template.replace("{b}", name)
    body = "，".join(picks)
    if "{b}" not in template:
        body = f"{name}{body}"
    closer = _AD_CLOSERS[int(rng.integers(len(_AD_CLOSERS)))]
    return _render(rng, f"{opener}{body}。{closer}")


_CHAT_PARTS = (
    "在吗", "好的", "收到", "嗯嗯", "哈哈哈", "明天见", "到了没", "我快到了", "等我一下", "你吃饭了吗", "今天好累",
    "周末有空吗", "晚上几点回来", "别忘了带钥匙", "孩子睡了", "我在路上", "堵车了", "开会呢，晚点说", "行，听你的",
    "下雨了记得带伞", "妈做了你爱吃的菜", "我到公司了", "帮我取个快递", "取件码发你了", "钱我转你了", "谢谢啦",
    "不用客气", "改天请你吃饭", "你看群消息", "照片发我一下", "这个周末回家吗", "记得吃药", "路上注意安全",
    "我手机快没电了", "房租交了吗", "水电费我交了", "明天降温", "早点睡", "生日快乐", "新年快乐", "中秋快乐",
    "恭喜发财", "辛苦了", "我先忙了", "回头聊", "你定吧", "可以可以", "没问题", "我看看", "稍等", "马上",
)  # fmt: skip


def chat(rng: np.random.Generator) -> str:
    """Family and friends' everyday messages, one to four short utterances."""
    k = int(rng.integers(1, 5))
    sep = ("，", "。", " ", "\n", "！")[int(rng.integers(5))]
    return sep.join(_CHAT_PARTS[int(i)] for i in rng.integers(0, len(_CHAT_PARTS), k))


_GREETINGS = (
    "新春佳节到，祝您和家人身体健康，万事如意，阖家幸福！",
    "中秋月圆，祝您花好月圆人团圆！",
    "元旦快乐！感谢您一年来的支持与信任，新的一年我们将继续为您提供优质服务。",
    "三八节快乐，祝您永远年轻美丽！",
    "端午安康！",
    "国庆快乐，出行注意安全。",
    "祝您生日快乐，心想事成！",
    "教师节快乐，老师您辛苦了！",
    "值此新春佳节，{name}携全体员工给您拜年了！",
    "冬至到了，记得吃饺子，天冷加衣。",
)


def greeting(rng: np.random.Generator) -> str:
    """Holiday and birthday greetings, often from shops and companies."""
    text = _render(rng, _GREETINGS[int(rng.integers(len(_GREETINGS)))])
    if rng.random() < 0.4:
        text = (
            _render(rng, ("【{shop}】", "【{bank}】", "【{platform}】", "{name}：")[int(rng.integers(4))])
            + text
        )
    return text


_CS_USER = (
    "你好，我昨天买的{item}还没发货",
    "能帮我改一下收货地址吗",
    "这个{item}是正品吗",
    "尺码偏大还是偏小",
    "我要退货，怎么操作",
    "快递到哪了",
    "收到的{item}有点问题，屏幕有划痕",
    "能开发票吗",
    "什么时候能到",
    "可以便宜一点吗",
    "有优惠券吗",
    "退款什么时候到账",
    "我申请了退款，商家一直没处理",
    "好的谢谢",
    "包装破了，里面东西没坏",
    "颜色和图片不一样",
    "发什么快递",
    "能不能今天发货",
)
_CS_AGENT = (
    "亲，在的，请问有什么可以帮您？",
    "亲，今天下午五点前付款当天发货哦",
    "亲，已经给您备注了",
    "亲，我们家都是正品，支持专柜验货",
    "亲，您可以在订单页面申请退货，我们这边会尽快审核",
    "亲，退款会原路退回，一般1到3个工作日",
    "亲，给您发{courier}，一般两三天就到",
    "亲，发票可以开的，请提供抬头和税号",
    "亲，实在抱歉给您带来不便，可以申请退换货，运费我们承担",
    "亲，目前店铺有满{comp}减{n}0的活动",
    "亲，已经帮您催促快递了",
    "好的亲，还有其他问题随时联系我们哦",
    "亲，麻烦提供一下照片，我们帮您处理",
    "亲，退货地址在订单详情里可以看到",
)


def shop_dialogue(rng: np.random.Generator) -> str:
    """An in-app chat between a buyer and a shop's customer service (the real kind: it stays on the
    platform and asks for nothing)."""
    turns = []
    for i in range(int(rng.integers(2, 9))):
        pool = _CS_USER if i % 2 == 0 else _CS_AGENT
        turns.append(_render(rng, pool[int(rng.integers(len(pool)))]))
    return "\n".join(turns)


_SHORT_BENIGN = (
    "卡", "钱", "账户", "额度", "借款", "还款", "验证码", "客服", "退款", "快递", "微信", "QQ", "转账", "贷款",
    "信用卡", "银行", "支付宝", "花呗", "借呗", "冻结", "流水", "利息", "手续费", "会员", "订单", "理赔",
    "好的", "谢谢", "你好", "在吗", "人工", "转人工", "投诉", "怎么办", "为什么", "多少钱", "不需要", "是的",
)  # fmt: skip


def short_benign(rng: np.random.Generator) -> str:
    """One or two words on their own: a short text is not a scam because one of its words is the scam's."""
    k = int(rng.integers(1, 3))
    return "".join(_SHORT_BENIGN[int(i)] for i in rng.integers(0, len(_SHORT_BENIGN), k))


COMPOSED_BENIGN: dict[str, Callable[[np.random.Generator], str]] = {
    "user_question_composed": user_question,
    "local_ad": local_ad,
    "chat": chat,
    "greeting": greeting,
    "shop_dialogue": shop_dialogue,
    "short": short_benign,
}
COMPOSED_WEIGHT = {
    "user_question_composed": 4,
    "local_ad": 2,
    "chat": 2,
    "greeting": 1,
    "shop_dialogue": 1,
    "short": 1,
}


# Scams composed from a category's openings, pretexts and requests (with the shared pressure lines).
SCAM_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "ecommerce_cs": (
        (
            "您好，我是{platform}客服",
            "这边是{platform}售后中心",
            "您好，{courier}快递理赔部",
            "{platform}官方客服，工号{staff_no}",
            "亲，我是您购买{item}那家店的客服",
            "您好{name}，{platform}商城客服",
        ),
        (
            "您购买的{item}被检测出质量问题，我们给您{mult}倍赔偿",
            "您的快递在运输中丢失，给您理赔{comp}元",
            "您误开通了{platform}会员，不取消每月扣费{fee}元",
            "您的订单退款因信用分不足无法到账",
            "赔偿款已打入您的支付宝备用金",
            "您的跨境订单可以办理退税{comp}元",
            "您的店铺保证金需要更新",
            "您的账户被误设为代理商，每月要扣费",
        ),
        (
            "请添加理赔专员QQ{qq}",
            "请下载{app}开启屏幕共享，我指导您操作",
            "需要您在{lender}借一笔钱刷流水",
            "请把收到的验证码报给我",
            "请转{amount}元到验证账户，稍后退回",
            "请扫二维码填写银行卡号办理",
            "加一下微信{wx}，发您理赔流程",
        ),
    ),
    "task_rebate": (
        (
            "{platform}任务平台客服",
            "您好，我是派单员",
            "我是您的接单导师",
            "您好，这里是兼职平台客服",
            "招聘兼职",
            "宝妈兼职",
            "学生兼职",
            "您好，我们是{platform}推广部",
            "高薪日结",
            "诚招网络兼职",
        ),
        (
            "在家点赞关注就能赚钱，一单{n}元",
            "给主播刷礼物冲榜，返现{pct}%",
            "给商品写好评，每单返{n}元",
            "投票任务，每票返佣",
            "帮商家刷单提升销量，佣金{pct}%",
            "做任务返利，本金加佣金当天返还",
            "您已进入高级任务阶段，连续完成才能提现",
            "您的任务操作失误，资金被冻结",
            "看视频领红包，日赚{comp}元",
        ),
        (
            "先垫付{amount}元，完成后立即返还",
            "下载App注册领取任务",
            "加导师QQ{qq}领任务",
            "需要再充值{big}元解冻",
            "进群接单，先做体验单",
            "完成三单联单才能提现本金",
        ),
    ),
    "investment": (
        (
            "您好，投资平台客服",
            "我是您的专属理财顾问",
            "您好，这里是基金公司客服",
            "我是证券公司投资顾问",
            "您好，我是{surname}老师的助理",
            "欢迎进入股票交流群",
            "我们是专业投资平台",
            "数字货币交易所客服",
        ),
        (
            "内部消息，这只股票一个月翻倍",
            "投资{coin}日收益{pct}%",
            "导师带单，稳赚不赔",
            "原始股即将上市，现在认购翻十倍",
            "您的账户盈利{big}元，提现需缴税",
            "外汇期货高回报保本",
        ),
        (
            "请下载平台App充值入金",
            "把钱转到平台指定账户",
            "缴纳{pct}%保证金才能提现",
            "加VIP群{qq}领取牛股",
            "充值越多收益越高",
            "先交{big}元解冻金",
        ),
    ),
    "fake_loan": (
        (
            "您好，我是{lender}的客服",
            "您好，我是某贷款平台客服",
            "这里是金融公司放款部",
            "您好，信贷经理{surname}",
            "您好，{lender}贷款专员",
            "急用钱找我们",
            "正规贷款平台",
            "您好，这边是网贷客服",
            "无抵押贷款",
        ),
        (
            "无视征信黑户可贷，最高{big}元",
            "您的贷款因流水不足暂不能放款",
            "您的贷款账户被冻结，需要验证还款能力",
            "您的银行卡号填写错误导致放款失败",
            "您的贷款已审批，但卡号填错资金被冻结",
            "当天放款，低息{rate}厘",
            "您的额度可以提升到{big}元",
            "大学生专属无息贷款",
        ),
        (
            "需先交{amount}元手续费",
            "需缴纳解冻金{amount}元",
            "请转{amount}元证明还款能力",
            "放款前需交会员费{fee}元",
            "加微信{wx}办理",
            "请往卡里存入{big}元做流水验证",
        ),
    ),
    "fake_credit": (
        (
            "您好，我是{lender}客服",
            "您好，这里是个人征信服务中心",
            "我是{lender}工作人员",
            "您好，这里是银保监会",
            "征信中心客服",
            "您好，我是某金融平台客服",
        ),
        (
            "您的校园贷账户未注销，会影响征信",
            "您的征信有逾期记录",
            "学生账户需要按规定注销",
            "您的额度未清零会影响以后贷款",
        ),
        (
            "需要把额度借出来转到指定账户注销",
            "修复征信费用{fee}元",
            "请配合我们清除不良记录，开启屏幕共享",
            "请在各平台贷款后转入清零账户",
        ),
    ),
    "impersonate_authority": (
        (
            "您好，这里是疾控中心",
            "我是防疫办工作人员",
            "您好，通信管理局",
            "您好，我是银行风控部门转接的警官",
            "我是{city}{auth}民警",
            "这里是{auth}",
            "您好，我是{city}刑侦支队警官",
            "{auth}通知",
            "您好，社保中心",
        ),
        (
            "您的身份证涉嫌一起洗钱案",
            "您与新冠密接人员有过接触",
            "您的名下有一张异地办理的银行卡涉案",
            "您的手机号涉嫌发送诈骗短信将被停机",
            "您涉嫌拐卖儿童案件",
            "您名下银行卡涉嫌非法交易",
            "您有一张传票未领取",
            "您的社保卡被冒用涉及医保诈骗",
            "您的快递里查出违禁品",
        ),
        (
            "需要把资金转到安全账户接受审查",
            "案件保密，不要告诉家人",
            "请下载视频软件配合做笔录",
            "否则将对您实施逮捕",
            "请按9转人工查询",
            "把钱转到国家账户进行资金核查",
        ),
    ),
    "romance": (
        ("我们在交友软件上聊了这么久", "你是我见过最好的人", "宝贝", "亲爱的", "老公", "哥哥", "认识你真好"),
        (
            "我在一个平台发现了漏洞，稳赚的",
            "我们见面之前先一起赚点钱",
            "我在博彩网站上有内部人",
            "我舅舅做{coin}投资有内部消息",
            "我想和你一起攒钱买房",
            "我在国外做跨境电商",
            "我妈妈住院了急需手术费",
        ),
        (
            "你也注册一个，我带你赚钱",
            "你先充{big}元试试",
            "你帮我交{amount}元手续费",
            "你先借我{big}元下个月还你",
            "把钱转到这个账户",
        ),
    ),
    "impersonate_acquaintance": (
        (
            "我是你表哥",
            "老同学，还记得我吗",
            "我是公司财务{surname}主管",
            "小{surname}，我是{leader}",
            "我是{leader}，这是我新微信",
            "我是你{rel}，换号了",
            "同学，我是你老同学",
            "家长您好，我是班主任",
        ),
        (
            "明天到我办公室来一趟",
            "我儿子在外地出事了",
            "我在外地手机没电了借朋友的打",
            "领导让我找你办件事",
            "我在开会不方便接电话",
            "有一笔款要急着付给合作方",
            "我出了点事急需用钱",
            "学校要收资料费{amount}元",
        ),
        (
            "你先帮我转{big}元到这个账户",
            "转好截图给我，别声张",
            "加我QQ{qq}说",
            "扫码缴费，不要在群里说",
            "先别打电话，转点钱应急",
        ),
    ),
    "game_trade": (
        (
            "您好，游戏交易平台客服",
            "{game}官方客服",
            "我是{game}代练工作室",
            "{game}账号交易平台客服",
            "你好，我想买你的{game}账号",
            "{game}皮肤低价出售",
            "免费领取{game}限定皮肤",
        ),
        (
            "你的账号已卖出但账户被冻结",
            "你的装备买家已经下单",
            "你的游戏币交易资金被冻结",
            "买家付款了但你的收款账户未实名",
            "走第三方平台交易更安全",
            "私下交易价格更低",
            "充值点券八折",
        ),
        (
            "需缴纳{amount}元保证金解冻",
            "在那个网站注册一下，提现交手续费",
            "加QQ{qq}私聊",
            "扫码输入账号密码领取",
            "先付款后发货",
        ),
    ),
    "fake_shopping": (
        ("厂家直销", "正品代购", "低价转让", "全网最低价"),
        ("{item}一折出售", "演唱会门票低价转", "大牌包包海外直邮", "清仓甩卖"),
        ("先付定金{amount}元", "加微信{wx}下单", "海关扣货需另交关税{amount}元", "先转账后发货"),
    ),
    "other": (
        ("恭喜您", "尊敬的用户", "【{bank}】", "您好"),
        (
            "您的手机号被抽中幸运大奖",
            "您的ETC已失效",
            "您的积分即将清零",
            "您的账号存在异常登录",
            "您的孩子在我们手上",
        ),
        (
            "领奖需先交税{amount}元",
            "请点击{url}重新认证",
            "请登录{url}兑换",
            "请输入银行卡号和密码验证",
            "马上转{big}元，不许报警",
        ),
    ),
}
_SEPS = ("，", "。", "！", "，", "。")


def composed_scam(rng: np.random.Generator, category: str) -> str:
    """A scam of `category`: an opening, one or two pretexts and one or two requests, with pressure lines."""
    openers, pretexts, actions = SCAM_PARTS[category]
    slots = _Slots(rng)
    parts: list[str] = []
    if rng.random() < 0.8:
        parts.append(openers[int(rng.integers(len(openers)))])
    for i in rng.choice(len(pretexts), size=int(rng.integers(1, 3)), replace=False):
        parts.append(pretexts[int(i)])
    for i in rng.choice(len(actions), size=int(rng.integers(1, 3)), replace=False):
        parts.append(actions[int(i)])
    tail = SCAM_TAILS[int(rng.integers(len(SCAM_TAILS)))]
    text = "".join(p + _SEPS[int(rng.integers(len(_SEPS)))] for p in parts) + tail
    return text.format_map(slots)


_SALES_WHO = (
    "{city}{surname}家地产的置业顾问{name}", "{surname}记汽车4S店的销售顾问{name}", "平安保险的代理人{name}",
    "{city}{surname}氏美容院的{name}", "{surname}老师教育的课程顾问", "{city}人才网的招聘专员", "{operator}营业厅的{name}",
    "{bank}{city}分行的客户经理{name}", "{city}装修公司的设计师{name}", "{shop}的店长{name}",
)  # fmt: skip
_SALES_PITCH = (
    "本周六新楼盘加推，小三房{n}0平，首付{n}万起，带家人朋友来看房还有额外折扣",
    "现在购车送千元加油卡，置换还有补贴，欢迎您来店试驾",
    "您的车险下月到期，现在续保有礼品相送，价格比去年更优惠",
    "店里新到了护理项目，老客户体验价{n}9元，有空过来做做",
    "暑期班开始报名了，孩子可以先来免费试听一节课",
    "看到您在网上投递的简历，我们公司正在招聘销售主管和文员，方便的话来面试",
    "您的套餐可以免费升级，流量翻倍月租不变，有需要可以来营业厅办理",
    "我行有一款大额存单，利率比定期高，{date}前办理还有礼品，欢迎到网点咨询",
    "我们有免费上门量房设计的活动，您家要是有装修需要可以联系我",
    "店庆期间全场{n}折，会员积分翻倍，欢迎光临",
)
_SALES_CLOSE = (
    "",
    "有意向请回电{phone}。",
    "我的电话{phone}，微信同号。",
    "不打扰您了，祝您生活愉快！",
    "回T退订",
    "期待您的光临！",
)


def sales_intro(rng: np.random.Generator) -> str:
    """A salesperson introducing themselves by name and company: estate, cars, insurance, salons,
    schools, recruiters — "您好，我是…" is how scams begin too, and how most sales messages do."""
    who = _SALES_WHO[int(rng.integers(len(_SALES_WHO)))]
    pitch = _SALES_PITCH[int(rng.integers(len(_SALES_PITCH)))]
    close = _SALES_CLOSE[int(rng.integers(len(_SALES_CLOSE)))]
    opener = ("您好，我是", "你好，我是", "{name}您好，我是", "打扰了，我是", "尊敬的客户您好，我是")[
        int(rng.integers(5))
    ]
    return _render(rng, f"{opener}{who}，{pitch}。{close}")


_Q_EXTRA = (
    "你们客服电话多少", "怎么转人工客服", "我要投诉", "开{s}结清证明", "{s}结清证明怎么开", "你们为什么降我{s}额度",
    "我以后不用{s}了", "注册要钱吗", "要收费吗", "什么时候打电话给我", "一般几点打电话确认", "今天客服打电话给我，我没接到",
    "我换手机号了{s}怎么办", "{s}绑定的手机号不用了", "一个身份证能开几个{s}", "我是商家怎么开通{s}", "{s}刷脸认证通不过",
    "为什么别人有{s}我没有", "{s}的利息是多少", "借{amount}一天多少利息", "{s}能借多久", "{s}最多能分几期",
    "我在另一个号上开的{s}", "{s}到期了没还会怎样", "{s}还款日是几号", "我已经还了{s}为什么还显示欠款",
)  # fmt: skip


def user_question_more(rng: np.random.Generator) -> str:
    """More of the user's own questions (complaints, phone numbers, proofs of repayment)."""
    form = _Q_EXTRA[int(rng.integers(len(_Q_EXTRA)))]
    text = _render(rng, form.replace("{s}", _Q_SUBJECTS[int(rng.integers(len(_Q_SUBJECTS)))]))
    return text + _Q_TAILS[int(rng.integers(len(_Q_TAILS)))]


COMPOSED_BENIGN["sales_intro"] = sales_intro
COMPOSED_BENIGN["user_question_more"] = user_question_more
COMPOSED_WEIGHT["sales_intro"] = 2
COMPOSED_WEIGHT["user_question_more"] = 2


# More openings, pretexts and requests for the categories whose wording varies most (written for this project).
_MORE_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "task_rebate": (
        (
            "您好，我们是{city}某传媒公司",
            "恭喜您被选为产品体验官",
            "{platform}官方合作商家",
            "招募网络推广员",
            "您好，这里是任务大厅",
            "我是接待员小{staff}",
            "亲，兼职了解一下",
        ),
        (
            "关注博主并截图就能拿佣金",
            "给酒店和商品刷好评，一条{n}元",
            "电影票房预售任务，收益稳定",
            "垫付任务佣金更高",
            "系统卡单了，需要做修复任务",
            "升级会员可以接高佣金任务",
            "前三单是福利单，马上返现",
            "操作失误导致资金冻结",
        ),
        (
            "下载App注册账号，邀请码{code}",
            "扫码进群领取第一单",
            "先垫付{amount}元，完成后返还{amount2}元",
            "联系接待员领取福利",
            "充值到任务账户才能继续",
            "提现要先交{amount}元手续费",
            "完成剩下的任务才能一起提现",
        ),
    ),
    "romance": (
        (
            "哥哥你好，我们是在交友软件上认识的",
            "亲爱的你在干嘛",
            "宝贝早安",
            "我是单身，想找个真心的人",
            "老公，想你了",
        ),
        (
            "我叔叔是平台的分析师，有内幕消息",
            "我在做外汇和彩票，收益很稳",
            "我们结婚需要先攒钱",
            "我在国外工作，马上要回国见你",
            "我给你寄了礼物，需要付清关费",
            "这个平台我赚了好几万了",
        ),
        (
            "你先注册充值试试，我带你操作",
            "转{amount}元给我周转一下",
            "我把平台链接发给你",
            "赢了钱我们一起买房",
            "帮我付一下清关费{amount}元",
            "充值越多赚得越多，别告诉别人",
        ),
    ),
    "impersonate_acquaintance": (
        (
            "我是你领导，加我QQ{qq}",
            "小{surname}，我是{leader}",
            "老同学好久不见",
            "我是你儿子的老师",
            "哥，是我，我手机坏了",
            "我是你表叔",
            "{rel}，是我",
        ),
        (
            "我在外面有个饭局，不方便",
            "有个朋友急用钱，我这边不方便转",
            "需要给客户转一笔款",
            "手机掉水里了换了号",
            "我在医院，急需交押金",
            "孩子在学校需要交费",
            "我这边卡被限额了",
        ),
        (
            "你先帮我垫付一下，回头还你",
            "转到这个卡号{card}，转完截图",
            "先别告诉别人",
            "把财务的账户信息发我",
            "帮我充个值，回头给你",
            "你现在方便转{big}元吗",
        ),
    ),
    "game_trade": (
        ("你好，我看到你在平台上卖号", "兄弟，收号", "{game}官方客服", "免费送皮肤啦", "你好，装备还在吗"),
        (
            "我出价高，但要走我说的交易平台",
            "你的账号交易被冻结了，因为银行卡信息填错了",
            "买家已经把钱付到平台，需要你提现",
            "账号涉嫌违规交易",
            "充值点券有折扣",
        ),
        (
            "需要你先充值{amount}元激活提现",
            "联系平台客服办理解冻",
            "把账号密码和验证码给我验号",
            "扫码付款",
            "保证金会和货款一起退给你",
        ),
    ),
    "fake_loan": (
        ("您好，贷款专员{surname}经理", "您好，我是{lender}放款部", "您好，您在网上申请的贷款有进度了"),
        (
            "您的征信不良，需要刷流水",
            "放款前需要交工本费和公证费",
            "您的账户被冻结，需要缴纳解冻金",
            "需要先开通会员才能放款",
            "您的额度太低，需要充值验证",
        ),
        (
            "请先转{amount}元到指定账户",
            "把银行卡余额截图发给我",
            "下载我们的App填写银行卡和密码",
            "交完费马上放款",
        ),
    ),
    "impersonate_authority": (
        ("我是{city}公安局{surname}警官", "您好，这里是反洗钱中心", "我是检察院的工作人员"),
        (
            "你涉嫌一起诈骗案",
            "你的医保卡有异常消费",
            "你的身份证被人盗用办了银行卡",
            "你的银行卡涉嫌非法资金往来",
            "你寄出的快递里有违禁品",
        ),
        (
            "添加警官QQ{qq}做笔录",
            "下载App配合调查",
            "资金清查需要转入安全账户",
            "不能告诉别人，否则妨碍公务",
            "请把名下所有存款转到指定账户核查",
        ),
    ),
}
for _cat, (_o, _p, _a) in _MORE_PARTS.items():
    _base = SCAM_PARTS[_cat]
    SCAM_PARTS[_cat] = (_base[0] + _o, _base[1] + _p, _base[2] + _a)

# Lines every kind of scam talk uses: shared across categories, so they tell scam from not, not one scam from another.
SCAM_FILLERS: tuple[str, ...] = (
    "请您放心，这是正规流程",
    "为了您的资金安全",
    "我们会全程指导您",
    "请您配合一下",
    "这是为了保护您的权益",
    "时间有限，请尽快处理",
    "操作很简单，几分钟就好",
    "您不用担心，钱会退回来的",
    "这件事请不要告诉其他人",
    "我这边是正规的，您可以放心",
)


def verbose_scam(rng: np.random.Generator, category: str) -> str:
    """A longer scam of `category` (an opening, up to three pretexts and requests, fillers between)."""
    openers, pretexts, actions = SCAM_PARTS[category]
    parts = [openers[int(rng.integers(len(openers)))]]
    for pool, most in ((pretexts, 3), (actions, 3)):
        for i in rng.choice(len(pool), size=int(rng.integers(1, most + 1)), replace=False):
            parts.append(pool[int(i)])
            if rng.random() < 0.4:
                parts.append(SCAM_FILLERS[int(rng.integers(len(SCAM_FILLERS)))])
    return "".join(p + _SEPS[int(rng.integers(len(_SEPS)))] for p in parts).format_map(_Slots(rng))


# Loan and credit scams wear a customer-service face too (贷款平台客服, 金融客服): more of their wording.
_LOAN_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "fake_loan": (
        (
            "您好，我是{lender}贷款平台的客服",
            "您好，这里是借款审核中心",
            "我是网贷平台的信贷客服",
            "您好，我是{bank}信贷部的",
            "您好，您的借款申请已提交",
        ),
        (
            "您的借款已审核通过，但银行卡信息填错，资金被冻结在系统里",
            "系统显示您的还款能力不足，需要验证流水",
            "您的账户存在异常，放款失败",
            "您申请的{big}元额度已批下来，需要激活",
            "无需征信、无需抵押，当天放款",
            "您的贷款需要购买保险才能放款",
        ),
        (
            "请缴纳{amount}元解冻金，解冻后连同贷款一起到账",
            "请先存入{big}元到您的卡里证明还款能力",
            "请转{amount}元工本费到财务账户",
            "请下载借款App完成认证",
            "交{fee}元会员费后马上放款",
            "交完保证金立即放款，保证金可退",
        ),
    ),
    "fake_credit": (
        (
            "您好，我是{lender}客服",
            "您好，这里是征信修复中心",
            "我是金融监管部门的工作人员",
            "您好，我是贷款平台的客服",
        ),
        (
            "您大学时注册的校园贷账户还没有注销",
            "您的征信上有一笔逾期，会影响贷款买房",
            "国家要求清理学生贷款账户，不注销会影响征信",
            "您的借呗额度需要清零",
        ),
        (
            "需要把各个平台的额度借出来转到指定账户清零",
            "修复征信需要先交{fee}元服务费",
            "请开启屏幕共享，我指导您注销",
            "清零后钱会原路退回",
        ),
    ),
}
for _cat, (_o, _p, _a) in _LOAN_PARTS.items():
    _base = SCAM_PARTS[_cat]
    SCAM_PARTS[_cat] = (_base[0] + _o, _base[1] + _p, _base[2] + _a)
