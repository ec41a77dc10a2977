"""More project-owned training texts: scams of every category in several registers, and benign texts that
use the same words.

`fanzha.classify.synth` renders these templates with its slots (the extra slots are `SLOT_MORE`, which synth
merges into its own). Scam kinds, per category, are written as openings, pretexts and requests, plus whole
one-line pitches; `scam_template` composes them into one of four registers — a short SMS pitch, a polite
"尊敬的用户…" notice, a chatty WeChat/QQ message, a longer paragraph. Scammers of every category wear a
customer-service face ("交易猫客服", "贷款平台客服", "任务平台客服"); those openings are labelled with the
category they belong to, so that 客服 alone does not mean 冒充电商客服.

The benign genres (`BENIGN_MORE`) speak the same vocabulary without the scam's moves: real part-time job ads
that take no deposit, game chat and official game notices, small talk on dating apps, leaders' and teachers'
notices that ask for no transfer, licensed lenders' marketing with opt-out, credit-report and police-station
service notices, small favours between people who know each other, platforms' own customer service.

Everything here was written for fanzha from general knowledge of these scams (public anti-fraud warnings);
no text of an evaluation corpus was used. All draws come from the `numpy.random.Generator` passed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Rng = np.random.Generator


def _one(rng: Rng, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _some(rng: Rng, options: tuple[str, ...], lo: int, hi: int) -> list[str]:
    k = min(len(options), int(rng.integers(lo, hi + 1)))
    return [options[int(i)] for i in rng.choice(len(options), size=k, replace=False)]


# -- extra slots ---------------------------------------------------------------------------------------------

_SYL = "乐享赚易优米淘聚星汇通宝客盈鑫达云速悦众合信诚美嗨趣多万金福瑞豆果橙蜂蚁鲸鹿狐熊"
_APP_SUFFIX = ("", "APP", "App", "app", "平台", "", "助手", "联盟", "商城", "团")
_FAKE_TASK_APPS = ("任务大厅", "悬赏猫", "趣闲赚", "众人帮", "蚂蚁帮扶", "赏帮赚", "试玩平台")
_TRADE_PLATFORMS = (
    "交易猫", "盼之", "螃蟹账号", "7881", "5173", "氪金兽", "密马", "游戏交易平台", "账号交易平台",
    "第三方交易平台", "XX游戏交易网", "租号玩", "藏宝阁", "网易藏宝阁",
)  # fmt: skip
_DATING_APPS = (
    "世纪佳缘", "珍爱网", "百合网", "探探", "Soul", "陌陌", "伊对", "积目", "青藤之恋", "二狗", "某交友软件",
    "婚恋网", "交友App", "相亲群", "同城交友群",
)  # fmt: skip
_LOAN_APPS = (
    "微粒贷", "京东金条", "京东白条", "借呗", "有钱花", "美团借钱", "360借条", "安逸花", "招联好期贷", "拍拍贷",
    "分期乐", "中原消费金融", "马上消费金融", "度小满", "平安普惠", "宜人贷", "花呗", "网商贷", "XX贷",
)  # fmt: skip
_VIDEO = ("抖音", "快手", "小红书", "哔哩哔哩", "微博", "视频号", "淘宝直播", "大众点评")
_GAMES_MORE = (
    "王者荣耀", "和平精英", "原神", "蛋仔派对", "光遇", "崩坏：星穹铁道", "永劫无间", "CSGO", "穿越火线",
    "地下城与勇士", "梦幻西游", "我的世界", "迷你世界", "金铲铲之战", "明日方舟", "阴阳师", "第五人格",
    "英雄联盟手游", "三角洲行动", "暗区突围", "逆水寒手游", "无畏契约", "火影忍者手游", "QQ飞车", "球球大作战",
)  # fmt: skip
_GAME_ITEMS = (
    "皮肤", "装备", "账号", "游戏币", "点券", "钻石", "金币", "限定皮肤", "坐骑", "时装", "英雄", "角色", "武器",
    "典藏皮肤", "稀有道具",
)  # fmt: skip
_KIN = (
    "表哥", "表姐", "二舅", "大姨", "侄子", "外甥", "堂弟", "小叔", "姑姑", "舅妈", "表弟", "堂哥", "外甥女",
    "三叔", "小姨",
)  # fmt: skip
_BOSS_SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭")
_TITLES = ("总", "局", "主任", "校长", "经理", "处长", "书记", "董", "科长", "部长", "院长", "所长", "老板")
_NICKS = (
    "小雨", "阿杰", "甜心", "晴天", "木子", "Lily", "Kevin", "安安", "小鹿", "阿文", "一一", "思思", "Amy",
    "David", "暖暖", "小七", "阿明", "念念", "Grace", "Jason",
)  # fmt: skip
_MASKS = ("XXX", "XXXXXX", "xxx", "XX", "***", "xxxxxx", "XXXX")
_LINKS = ("[链接]", "（链接）", "http://{host}/{code}", "{host}/{code}", "xxx.com", "www.xxx.com", "[网址]")
_HOSTS = ("t.cn", "dwz.cn", "url.cn", "s.cn", "a.cn", "m.cn", "h5.cn", "app.cn")
_REGULATORS = ("银保监会", "金融监管总局", "人民银行征信中心", "互联网金融协会", "征信管理中心", "金融办")
_COMPANIES = ("传媒", "电商", "科技", "文化传播", "网络", "信息技术", "商贸", "广告", "人力资源")
_GIFTS = (
    "电饭煲",
    "空调扇",
    "养生壶",
    "酸奶两箱",
    "抽纸一箱",
    "鸡蛋",
    "电风扇",
    "不粘锅",
    "按摩仪",
    "保温杯",
)
_PAY = ("微信", "支付宝", "银行卡", "云闪付", "微信零钱", "对公账户")


def _syllables(rng: Rng, k: int) -> str:
    return "".join(_SYL[int(i)] for i in rng.integers(0, len(_SYL), k))


def _app_name(rng: Rng) -> str:
    if rng.random() < 0.15:
        return _one(rng, _FAKE_TASK_APPS)
    return _syllables(rng, int(rng.integers(2, 4))) + _one(rng, _APP_SUFFIX)


def _link(rng: Rng) -> str:
    code = "".join(
        "abcdefghjkmnpqrstuvwxyz0123456789"[int(i)] for i in rng.integers(0, 33, int(rng.integers(4, 8)))
    )
    return _one(rng, _LINKS).replace("{host}", _one(rng, _HOSTS)).replace("{code}", code)


def _maskable(rng: Rng, digits: int) -> str:
    if rng.random() < 0.3:
        return _one(rng, _MASKS)
    return "".join(str(int(d)) for d in rng.integers(0, 10, digits))


def _money(rng: Rng, lo: int, hi: int, step: int) -> str:
    return str(int(rng.integers(lo // step, hi // step + 1)) * step)


SLOT_MORE: dict[str, Callable[[Rng], str]] = {
    "xapp": _app_name,
    "xapp2": _app_name,
    "tradeplat": lambda rng: _one(rng, _TRADE_PLATFORMS),
    "dating": lambda rng: _one(rng, _DATING_APPS),
    "loanapp": lambda rng: _one(rng, _LOAN_APPS),
    "video": lambda rng: _one(rng, _VIDEO),
    "gm": lambda rng: _one(rng, _GAMES_MORE),
    "gitem": lambda rng: _one(rng, _GAME_ITEMS),
    "kin": lambda rng: _one(rng, _KIN),
    "boss": lambda rng: _one(rng, _BOSS_SURNAMES) + _one(rng, _TITLES),
    "nick": lambda rng: _one(rng, _NICKS),
    "mask": lambda rng: _one(rng, _MASKS),
    "link": _link,
    "reg": lambda rng: _one(rng, _REGULATORS),
    "company": lambda rng: _syllables(rng, 2) + _one(rng, _COMPANIES) + "公司",
    "pay": lambda rng: _one(rng, _PAY),
    "gift": lambda rng: _one(rng, _GIFTS),
    "qqm": lambda rng: _maskable(rng, int(rng.integers(8, 11))),
    "wxm": lambda rng: _maskable(rng, int(rng.integers(6, 10))),
    "telm": lambda rng: _maskable(rng, 11),
    "small": lambda rng: _money(rng, 10, 300, 10),
    "mid": lambda rng: _money(rng, 300, 5000, 100),
    "large": lambda rng: _money(rng, 5000, 200000, 1000),
    "wan": lambda rng: str(int(rng.integers(1, 51))) + "万",
    "orders": lambda rng: str(int(rng.integers(3, 31))),
    "comm": lambda rng: str(int(rng.choice([5, 8, 10, 12, 15, 20, 30]))),
    "hour": lambda rng: str(int(rng.integers(1, 24))),
    "min": lambda rng: str(int(rng.choice([5, 10, 15, 20, 30]))),
    "grade": lambda rng: _one(rng, ("一", "二", "三", "四", "五", "六", "初一", "初二", "高一")),
}

# -- scam kinds ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Kind:
    """One scam category's material: whole one-line pitches, customer-service-face openings, other openings
    (chatty or formal), pretexts and requests."""

    sms: tuple[str, ...]
    cs: tuple[str, ...]
    opener: tuple[str, ...]
    pretext: tuple[str, ...]
    request: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "task_rebate": Kind(
        sms=(
            "兼职日结，在家用手机{video}点赞关注，一单{comm}元，多劳多得，加V{wxm}",
            "【{company}】诚聘网络兼职，时间自由，宝妈学生优先，日赚{small}-{mid}元，下载{xapp}注册领任务",
            "招手机兼职打字员/点赞员，无需押金，佣金日结，感兴趣加QQ{qqm}",
            "{video}点赞关注任务，每单{n}元，做完立刻结算，进群领取任务：{link}",
            "宝妈在家兼职，每天两小时，日结{mid}，零门槛，回复1了解",
            "您好，您已取件{orders}次，为感谢您的支持送您一份礼品，加好友进群领取，需完成{n}个简单任务",
            "【福利】关注店铺返现{n}元，完成指定任务再返{small}元，添加客服微信{wxm}领取",
            "刷单兼职，垫付返本金加{comm}%佣金，信誉第一，单单秒返",
            "招募商品体验官，下单拍照好评返全款，另送佣金，名额有限",
            "网络兼职，接单员每日派单，完成即返佣金，首单体验{small}元",
            "高佣任务来了！抖音点赞{n}元/单，电影票房投资日收益{comm}%，进群了解",
            "您好，我们正在招聘线上客服兼职，在家办公，日结{mid}元，下载{xapp}报名",
        ),
        cs=(
            "您好，我是{xapp}任务平台客服",
            "您好，这里是{xapp}派单中心客服",
            "我是{company}的接待员，工号{staff_no}",
            "您好，兼职平台在线客服为您服务",
            "我是您的专属任务导师",
            "您好，我是派单员小{staff}",
            "您好，{xapp}财务客服",
        ),
        opener=(
            "亲，在吗？有个兼职想推荐给你",
            "姐妹，我最近在做一个手机兼职",
            "恭喜您通过兼职报名审核",
            "您好，我们是{company}，看到您在找兼职",
            "您好，我是快递驿站的工作人员",
            "宝妈们看过来",
            "学生党看过来",
            "在家带娃也能赚钱",
            "新人福利来啦",
            "您好，您被选为我们店铺的幸运客户",
            "我是{nick}，在群里看到你想找兼职",
            "您好，这边是{platform}商家推广部",
        ),
        pretext=(
            "只需要用手机给{video}作品点赞关注，截图发给我就能拿佣金",
            "每完成一单返{n}元，日结不拖欠",
            "第一单是体验单，马上返现{small}元",
            "帮商家刷单提升店铺信誉，本金加佣金一起返还",
            "下单垫付后，系统自动返还本金和{comm}%佣金",
            "您已完成{orders}单任务，现在进入连单任务",
            "您的任务是联单，需要连续完成{n}单才能一起结算",
            "您操作超时导致任务卡单，资金被系统冻结了",
            "您的账户信用分不够，需要做补单任务恢复",
            "这是导师派的高佣金任务，名额只有{n}个",
            "升级成VIP会员就能接更高佣金的单",
            "电影票房投资任务，充值越多返利越高",
            "给直播间刷礼物冲榜，主播会返还{comm}%",
            "在商品下面写好评，每条{n}元",
            "进群后每天有管理员派单，做完任务就返佣金",
            "前几单都是小额福利单，秒返",
            "您的佣金已到{mid}元，达到提现门槛了",
            "任务完成后要在App里提现，提现需要先充值激活",
            "您上次提交的任务信息填错了，资金暂时无法到账",
            "只要关注店铺并截图，就能免费领取礼品",
        ),
        request=(
            "请先垫付{mid}元，完成后连本带佣一起返",
            "下载{xapp}注册账号，邀请码{code}",
            "加导师微信{wxm}领第一单",
            "扫码进群，群里有派单员",
            "需要再充值{large}元才能解冻提现",
            "完成剩下{n}单才能一起提现",
            "请把付款截图发给接待员",
            "交{small}元入会费就能开始接单",
            "请用{pay}转到任务账户{mask}",
            "把任务金额转到财务提供的账户",
            "添加客服QQ{qqm}领取任务",
            "点击{link}下载App领取奖励",
            "先做完这一轮任务，不然前面的本金也拿不回来",
        ),
    ),
    "game_trade": Kind(
        sms=(
            "{gm}{gitem}低价出，私聊价格更优惠，加QQ{qqm}",
            "免费领{gm}限定皮肤，扫码登录账号即可领取：{link}",
            "{gm}账号高价回收，当天付款，联系微信{wxm}",
            "{gm}代练代充，点券五折，先付款后到账",
            "【{tradeplat}】您出售的{gm}账号已被买家下单，请登录{link}完成收款",
            "您的{gm}账号因异常交易被冻结，请联系客服解冻",
            "{gm}内部福利号，全皮肤满级号只要{small}元",
            "收{gm}号，价格好说，走{tradeplat}交易",
        ),
        cs=(
            "您好，我是{tradeplat}客服",
            "您好，这里是{tradeplat}官方客服中心",
            "{gm}官方客服您好",
            "您好，我是{gm}游戏官方客服，工号{staff_no}",
            "您好，我是{tradeplat}的交易专员",
            "您好，{tradeplat}账号交易平台客服",
            "我是{tradeplat}风控部门的",
        ),
        opener=(
            "兄弟，你的{gm}号还卖吗",
            "你好，我想买你的{gm}账号",
            "在吗？看到你在群里挂的{gm}号",
            "老板，你那个{gitem}还在不",
            "哥们，我是收号的",
            "你好，我是买家，刚在{tradeplat}拍下了你的号",
            "你好，我是你游戏里的好友",
            "我是{gm}代练工作室的",
            "免费送皮肤啦",
            "好消息，{gm}周年庆福利",
        ),
        pretext=(
            "买家已付款，但您的收款账户没有实名认证，资金被冻结",
            "您的账号交易因银行卡号填写错误，货款被冻结在平台",
            "我出价{mid}元，但是要在我常用的{tradeplat}交易",
            "私下交易不安全，走第三方交易平台有担保",
            "你的账号涉嫌违规交易，需要认证解冻",
            "您的提现操作异常，账户被系统锁定",
            "买家的钱已经付到平台，需要你缴纳保证金才能提现",
            "我在平台下单了，但平台说要卖家先充值激活账户",
            "游戏币和装备打包出，比官方便宜一半",
            "点券充值有内部折扣，五折到账",
            "这个号是满级号，{gitem}全齐",
            "你的账号被找回了，里面的{gitem}要赔偿",
            "领取{gm}皮肤需要验证账号",
            "平台显示您的交易存在风险，需要做资金验证",
            "交易需要先交押金，交易完成后退还",
        ),
        request=(
            "请缴纳{mid}元保证金解冻，解冻后和货款一起退还",
            "请在{tradeplat}注册账号挂上去，我马上下单",
            "加QQ{qqm}，我拉你进交易群",
            "把账号密码和收到的验证码发我验号",
            "扫码付款后马上发号",
            "请先充值{mid}元激活提现功能",
            "联系平台客服办理解冻",
            "按客服说的转{mid}元到认证账户",
            "点击{link}登录账号领取",
            "先付一半定金{small}元",
            "下载{xapp}，在里面完成交易",
        ),
    ),
    "romance": Kind(
        sms=(
            "亲爱的，我发现一个平台有漏洞，稳赚不赔，我带你一起赚",
            "宝贝，我舅舅在平台内部，今晚有内部消息，你充一点跟着我买",
            "哥哥你好，我是{dating}上的{nick}，加个微信{wxm}聊聊呀",
            "寂寞吗？同城美女上门服务，先交{small}元定金，加QQ{qqm}",
            "亲爱的，见面的路费还差{mid}元，你先转我一下好不好",
            "宝，我妈住院要做手术，还差{large}元，你能先借我吗",
            "老公，我在{xapp}上投资赚了好多，你也注册一个嘛",
            "你好，我是你{dating}上的好友，开通视频会员才能和我视频哦",
        ),
        cs=(
            "您好，我是{dating}的客服",
            "您好，这里是{xapp}交友平台客服",
            "您好，{dating}会员中心客服为您服务",
            "您好，我是{xapp}婚恋平台的红娘",
            "您好，我是平台的情感顾问",
        ),
        opener=(
            "亲爱的",
            "宝贝",
            "老公",
            "哥哥",
            "亲爱的，早安",
            "宝贝，晚安之前想跟你说",
            "我们在{dating}上认识也一个月了",
            "认识你之后我每天都很开心",
            "我是{nick}，我们在{dating}上聊过的",
            "你好，我在{dating}看到你的资料",
            "我一直在国外工作，很想早点回国见你",
            "我是单亲妈妈，一个人不容易",
            "我是在部队服役的军官",
        ),
        pretext=(
            "我叔叔是这个平台的技术员，知道系统漏洞",
            "这个博彩平台有漏洞，跟着我下注稳赚",
            "我在平台上做黄金和外汇，每天都有收益",
            "我们以后结婚买房需要钱，一起努力赚",
            "我给你寄了一份礼物，被海关扣了，要交清关费",
            "我的账户被冻结了，要交手续费才能取出来",
            "我想飞过去见你，但路费还差一点",
            "我家里人生病住院，急需手术费",
            "这个平台是内部的，外面的人进不来",
            "在平台充值会员才能和我视频",
            "开通VIP才能解锁我的联系方式",
            "我有一笔遗产要转到国内，需要你帮忙垫付手续费",
            "我在平台赚了很多，但是提现要交税",
            "你充得越多赚得越多，我不会骗你的",
        ),
        request=(
            "你先注册一个账号，我带你操作",
            "先充{mid}元试试水",
            "你先转我{mid}元，见面就还你",
            "帮我交一下{mid}元的清关费",
            "把钱转到平台客服给的账户",
            "下载{xapp}，注册时填我的邀请码",
            "加我微信{wxm}，我教你怎么下注",
            "这件事别告诉你家人，等赚了给他们惊喜",
            "先借我{large}元应急，下个月一定还你",
            "开通{small}元的视频会员，我们就能视频了",
        ),
    ),
    "impersonate_acquaintance": Kind(
        sms=(
            "我是{boss}，这是我的新号码，存一下，明天来我办公室一趟",
            "{rel}，我手机丢了，这是我新号，急用钱，先转我{mid}",
            "老同学，我是{name}啊，换号了，有件事想请你帮忙",
            "我是{boss}，加我新微信{wxm}，有事交代你",
            "家长您好，我是{grade}年级班主任{surname}老师，资料费请扫码缴纳",
            "我是你{kin}，在外地出了点事，急需{mid}元，别告诉家里",
            "小{surname}，我是{boss}，在开会不方便，帮我给客户转{large}元，回头还你",
            "爸，我是你儿子，手机摔坏了，这是同学的号，急需{mid}元交培训费",
        ),
        cs=(
            "我是{boss}的秘书",
            "您好，我是公司财务{surname}会计",
            "我是{boss}的司机小{surname}",
            "您好，我是学校教务处的{surname}老师",
            "您好，我是{boss}的助理",
        ),
        opener=(
            "小{surname}，我是{boss}",
            "我是{boss}，这是我的新微信",
            "猜猜我是谁",
            "老同学，还记得我吗",
            "我是你{kin}啊",
            "{rel}，是我，我换号了",
            "爸，妈，是我",
            "舅舅，我是你外甥",
            "家长您好，我是{surname}老师",
            "我是你初中同学{name}",
            "老朋友，好久不见",
            "兄弟，是我，我QQ被盗了换了新号",
            "各位家长好，我是班主任",
            "{name}你好，我是{boss}",
        ),
        pretext=(
            "我在开会，不方便接电话",
            "我在外面和领导吃饭，说话不方便",
            "有个朋友急着用钱，我这边不方便出面",
            "有一笔货款要急着付给合作方",
            "我要给领导送点礼，手头现金不够",
            "我的卡被限额了，转不出去",
            "我在医院陪护，急需交住院押金",
            "我在外地出差钱包丢了",
            "公司要订一批货，供应商要先付定金",
            "学校要统一订购{grade}年级的教辅资料",
            "我在国外被扣了，需要交罚款",
            "孩子在学校出事了，在医院抢救",
            "帮我在网上代付一笔订单",
            "我手机掉水里了，暂时用朋友的号",
            "我和朋友打赌输了，先借点周转",
        ),
        request=(
            "你先帮我转{large}元到这个卡号{card}，回头还你",
            "转好把截图发我，先别打电话",
            "这事别跟别人说，我回头跟你细说",
            "先垫付一下，明天财务报给你",
            "扫这个码缴费，不要在家长群里讨论",
            "你方便的话现在转我{mid}元",
            "帮我联系一下这个供应商，把定金付了",
            "加我这个QQ{qqm}，有事交代",
            "帮我买几张{small}元的购物卡，把卡密发我",
            "先用你的{pay}帮我付一下，我晚上还你",
        ),
    ),
    "fake_loan": Kind(
        sms=(
            "【{loanapp}】您有一笔{wan}的额度待领取，无抵押秒批，点击{link}",
            "无需征信无需抵押，黑户白户都能贷，当天放款，加V{wxm}",
            "您好，您的贷款额度{large}元已审批通过，回复1领取",
            "急用钱？身份证即可贷款，{n}分钟到账，详询{telm}",
            "【{xapp}】恭喜您获得专属借款额度{wan}，低息{rate}厘，下载App立即提现",
            "网贷逾期、征信花了也能下款，包过，前期不收费",
            "您在{loanapp}的额度已提升至{wan}，激活请联系客服",
            "企业经营贷、个人信用贷，利息低至{rate}厘，放款快",
        ),
        cs=(
            "您好，我是{loanapp}贷款平台客服",
            "您好，这里是{xapp}借款审核部客服",
            "您好，我是{loanapp}的信贷客服，工号{staff_no}",
            "您好，{xapp}放款中心客服",
            "您好，我是贷款平台的客户经理{surname}经理",
            "您好，我是{bank}信贷中心的专员",
        ),
        opener=(
            "您好，您之前在网上申请过贷款吧",
            "您好，您的借款申请已经提交到后台",
            "需要资金周转吗",
            "您好，我们是持牌金融机构",
            "老板您好，需要贷款吗",
            "兄弟，急用钱找我",
            "您好，我是信贷经理",
            "您好，您的贷款进度有更新",
        ),
        pretext=(
            "您的贷款已审批通过，但银行卡号填写错误，资金被冻结",
            "系统检测到您的流水不足，暂时不能放款",
            "您需要刷一下流水，证明还款能力",
            "放款前需要开通会员，会员费{fee}元",
            "您的贷款需要购买保险，保险费{small}元放款后退还",
            "您的账户被风控冻结，需要缴纳解冻金",
            "无抵押无担保，秒批秒到账",
            "您的征信分数不够，需要包装一下才能下款",
            "您的额度可以从{wan}提升到更高",
            "放款需要验资，卡里余额要达到{large}元",
            "您的借款合同需要公证，公证费{mid}元",
            "您的提现密码输错次数过多，账户已锁定",
            "大学生也能贷，不查征信，不需要父母同意",
        ),
        request=(
            "请先转{mid}元解冻金到财务账户",
            "请往卡里存入{large}元截图给我看",
            "交完{fee}元会员费立即放款",
            "下载{xapp}填写银行卡号和密码",
            "把收到的验证码告诉我，帮您操作放款",
            "请转{mid}元到指定账户刷流水，完成后一起退回",
            "加我微信{wxm}发您申请流程",
            "先交{small}元工本费，放款时一起退还",
            "保险费交完马上到账，不交就无法放款",
        ),
    ),
    "fake_credit": Kind(
        sms=(
            "【征信提醒】您的校园贷账户尚未注销，将影响个人征信，请联系{telm}办理",
            "您名下有{loanapp}额度未清零，按{reg}要求需注销，否则影响征信",
            "专业征信修复，逾期记录、黑名单洗白，{n}天见效",
            "您的个人征信存在不良记录，贷款买房将受影响，详询客服",
            "根据{reg}新规，学生时期开通的借贷账户需在{date}前注销",
        ),
        cs=(
            "您好，我是{loanapp}客服",
            "您好，这里是{loanapp}客服中心，工号{staff_no}",
            "您好，我是{reg}的工作人员",
            "您好，这里是个人征信服务中心",
            "您好，我是{loanapp}风控部的",
            "您好，我是{platform}金融客服",
        ),
        opener=(
            "您好，请问是{name}吗",
            "您好，打扰一下",
            "您好，我们这边系统查到",
            "您好，根据国家最新规定",
            "尊敬的{loanapp}用户",
        ),
        pretext=(
            "您上大学时开通过校园贷账户，一直没有注销",
            "国家要求清理学生贷款账户，不注销会影响征信",
            "您的{loanapp}额度没有清零，会被认定为多头借贷",
            "您的征信上有逾期记录，会影响以后买房买车",
            "您的账户利率不合规，需要调整",
            "您的白条利息过高，需要关闭",
            "您的借贷账户存在异常，会上征信黑名单",
            "您的征信分数过低，需要修复",
            "注销后账户里的额度需要全部借出来清零",
        ),
        request=(
            "请把额度借出来转到{reg}指定账户清零",
            "下载{xapp}开启屏幕共享，我指导您注销",
            "修复费用{fee}元，先交一半",
            "请在各个平台借款后转入安全账户验证",
            "加入会议号{mask}，跟着我们操作",
            "清零后资金会原路退回",
            "请提供身份证号和银行卡号办理注销",
        ),
    ),
    "impersonate_authority": Kind(
        sms=(
            "【{city}{auth}】您涉嫌一起洗钱案件，请于今日内联系{telm}配合调查",
            "您有一张法院传票未领取，请按9转人工查询",
            "您的医保卡在{city}存在违规消费，账户即将冻结，详询{telm}",
            "【通缉令】{name}，你涉嫌非法集资，请立即联系办案民警",
            "您的社保卡被他人冒用，涉及骗保案件，请联系{auth}",
        ),
        cs=(
            "您好，我是{bank}风控中心的，现在帮您转接警方",
            "您好，这里是医保中心客服",
            "您好，社保局客服中心",
            "您好，我是{operator}客服，您的号码涉嫌发送诈骗短信",
            "您好，这里是快递公司客服，您的包裹被海关扣了",
        ),
        opener=(
            "我是{city}{auth}的{surname}警官，警号{staff_no}",
            "您好，这里是{city}{auth}",
            "我是{city}检察院的工作人员",
            "您好，这里是{city}公安局刑侦支队",
            "我是反洗钱中心的调查员",
            "我是经侦大队的办案民警",
        ),
        pretext=(
            "您名下一张银行卡涉嫌洗钱，涉案金额{wan}",
            "我们在一起诈骗案中查到了您的身份证",
            "您涉嫌非法出售个人信息",
            "您的医保卡在外地被冒用",
            "您的快递里查出多张银行卡和违禁品",
            "现在对您发出通缉令，不配合将被逮捕",
            "这是机密案件，不能告诉任何人，包括家人",
            "需要对您名下的资金进行核查",
            "您需要证明自己的清白",
            "我们会给您一份保密协议",
        ),
        request=(
            "请把资金转到国家安全账户接受核查",
            "下载{xapp}视频软件配合做笔录",
            "添加办案民警QQ{qqm}查看通缉令",
            "找一个没人的房间，不要挂断电话",
            "把名下所有存款转到清查账户，核查后返还",
            "请提供银行卡号和密码配合资金核查",
            "不配合将冻结您名下所有银行卡",
        ),
    ),
    "ecommerce_cs": Kind(
        sms=(
            "【{platform}】您购买的{item}存在质量问题，可获{mult}倍赔偿，详询{telm}",
            "【{courier}】您的快递丢失，理赔{comp}元待领取，添加客服微信{wxm}",
            "您开通的{platform}会员即将自动续费{fee}元/月，如需取消请联系{telm}",
            "您的{platform}订单退款失败，请联系客服处理",
            "【{platform}】您的账户被误开通商家代理，每月扣费，取消请回电",
        ),
        cs=(
            "您好，我是{platform}客服",
            "您好，{courier}理赔中心",
            "您好，我是{platform}售后专员，工号{staff_no}",
            "亲，我是您买{item}那家店的售后",
            "您好，{platform}官方客服",
        ),
        opener=("您好，请问是{name}吗", "亲，打扰您一下", "您好，这边是售后"),
        pretext=(
            "您购买的{item}被检测出甲醛超标，已经召回",
            "您的快递在运输途中丢失了",
            "您误开通了百万保障，不关闭每月扣费",
            "给您的赔偿款已打到支付宝备用金",
            "您的退款因为信用分不足无法到账",
            "您的订单被系统冻结，影响征信",
        ),
        request=(
            "请下载{app}开启屏幕共享，我指导您退款",
            "请把备用金转回多出的{amount}元",
            "请按我说的在{lender}借款验证",
            "请报一下收到的验证码",
            "加客服QQ{qqm}办理理赔",
        ),
    ),
    "investment": Kind(
        sms=(
            "牛股推荐，{n}天翻倍，免费进群领取：{link}",
            "数字货币新项目，日收益{comm}%，导师带单，加微信{wxm}",
            "【{company}】内部原始股认购，上市即翻倍",
        ),
        cs=("您好，我是{xapp}平台客服", "您好，这里是证券投资顾问部", "您好，{coin}交易所客服"),
        opener=("您好，我是{surname}老师的助理", "欢迎加入股票交流群", "我是你的专属理财顾问"),
        pretext=(
            "老师每天在群里免费荐股",
            "平台内部数据，稳赚不赔",
            "您的账户盈利{large}元，提现需先交税",
            "跟着导师操作，一周回本",
        ),
        request=("下载{xapp}入金", "把钱转到平台指定账户", "充值越多收益越高", "先交{mid}元保证金才能提现"),
    ),
    "fake_shopping": Kind(
        sms=(
            "大牌{item}一折清仓，先付定金{small}元，加微信{wxm}",
            "演唱会门票内部渠道，先转账后出票",
            "低价二手手机，全新未拆，先付款后发货",
        ),
        cs=("您好，我是店铺客服", "您好，这里是代购客服"),
        opener=("亲，在吗", "老板，你要的货到了"),
        pretext=("货被海关扣了，需要交关税", "先付全款才能发货", "名额有限，今天不付就没了"),
        request=("先转{mid}元到我私人账户", "不走平台，私下转账便宜", "扫码付款"),
    ),
    "other": Kind(
        sms=(
            "恭喜您被抽中{platform}幸运用户，奖金{large}元，领奖请点击{link}",
            "您的ETC认证已失效，请点击{link}重新认证",
            "您的积分{comp}即将清零，可兑换现金，点击{link}",
            "您的{codeapp}账号存在异常登录，请点击{link}验证身份",
        ),
        cs=("{bank}积分兑换中心", "{operator}积分商城"),
        opener=("恭喜您中奖了", "您的ETC已过期"),
        pretext=("您被抽中二等奖{large}元和笔记本电脑一台", "您的积分可以兑换现金", "您的ETC需要重新认证"),
        request=("领奖需先交个人所得税{mid}元", "在{link}输入银行卡号和密码", "把收到的验证码告诉我"),
    ),
}


def _append(table: dict[str, Any], category: str, **more: tuple[str, ...]) -> None:
    """Add material to a category's entry of `table` (a `Kind` or a `Letter`): each field given is extended."""
    old = table[category]
    table[category] = type(old)(**{f: getattr(old, f) + more.get(f, ()) for f in type(old).__slots__})


def _extend(category: str, **more: tuple[str, ...]) -> None:
    """Add material to a category's kind."""
    _append(KINDS, category, **more)


# Gift lures: a courier, a shop or a supermarket "thanks" the customer with a free gift, then leads them into a
# group and an app where the gift needs "tasks" — how many rebate scams begin.
_extend(
    "task_rebate",
    sms=(
        "【{courier}】感谢您的长期支持，您已获得免费{gift}一台，添加客服好友进群即可领取",
        "您好，您是我们店的老客户，送您一份{gift}，加支付宝好友{mask}登记地址",
        "下载{xapp}签到领红包，关注公众号再送{small}元，邀请好友额外奖励",
        "【返费通知】您已获得充值返费资格，加入指定QQ群{qqm}，按管理员指引操作提现",
        "{video}带货达人招募，无需囤货，加入推广团队，佣金日结",
        "免费领{gift}啦！扫码进群，完成{n}个小任务即可包邮到家",
    ),
    cs=(
        "您好，我是{courier}回馈中心客服",
        "您好，这里是{platform}福利社客服",
        "您好，我是{xapp}的福利官",
        "您好，我是{shop}会员福利群的群管",
    ),
    opener=(
        "您好，您在我们店铺购买过{item}",
        "感谢您对{courier}的支持",
        "您好，您是我们的幸运客户",
        "您好，您在{video}上的表现很出色",
        "恭喜您获得免费礼品",
        "亲，福利来了",
    ),
    pretext=(
        "为回馈老客户，免费送您一台{gift}",
        "礼品需要进群登记，群里每天还有红包",
        "领取礼品需要先完成{n}个简单任务",
        "下载App注册后签到就能领红包",
        "关注公众号、点赞视频就有奖励",
        "群里有导师教大家做任务赚零花钱",
        "您的礼品已备好，只差最后一步",
        "邀请您加入我们的推广团队，帮商家带货",
    ),
    request=(
        "请添加客服微信{wxm}进群领取",
        "下载{xapp}，在App里完成任务领奖励",
        "添加支付宝好友，提供收货地址",
        "进群后联系管理员领取第一个任务",
        "扫描二维码加入福利群",
    ),
)
_extend(
    "game_trade",
    sms=(
        "{gm}代充值，官方渠道{n}折，转账到我微信就帮你充",
        "收购{gm}账号，价格私聊，加QQ{qqm}",
        "你好，我是你的游戏好友，想送你一套{gitem}，需要你先充值激活",
        "【{tradeplat}】您的账号订单已成交，请绑定银行卡解冻余额后提现",
    ),
    opener=(
        "你好，我是你游戏里的好友",
        "你好，我是{video}上的游戏主播",
        "兄弟，我在{gm}里加过你",
        "你好，欢迎使用{tradeplat}",
        "你好，我是{gm}工作室的",
    ),
    pretext=(
        "我想送你一套{gitem}，但是赠送需要你充值激活",
        "我可以帮你代充，比官方便宜",
        "你的账号很不错，我想收购，价格好商量",
        "平台已收到您的账号购买请求，需要绑定银行卡",
        "您的余额被冻结，需要在两小时内完成转账解冻",
        "你的账号被人找回了，得赔钱给买家",
        "私聊详谈价格，不走平台没有手续费",
    ),
    request=(
        "转{mid}元到我微信，我马上帮你充",
        "绑定银行卡并转{mid}元解冻余额",
        "去网上搜{tradeplat}注册账号，把号挂上去",
        "先付{small}元定金",
    ),
)
_extend(
    "romance",
    sms=(
        "你好，我是同城交友App的管理员，注册会员就能看到附近的人，快来下载",
        "【{dating}】您已获得新人福利，充值金币即可加好友微信，完成任务还能返现",
        "帅哥，想找个伴吗？同城约会，先交{small}元保证金，见面退还",
        "你好，我是你的网友{nick}，最近遇到困难，能借我{mid}元吗，发工资就还",
    ),
    cs=("您好，我是{dating}的管理员", "您好，欢迎使用{xapp}交友App", "您好，我是{dating}会员客服"),
    opener=(
        "你好，我是你的网友{nick}",
        "你好，我是你的女朋友",
        "我在直播间看到你，觉得你很有趣",
        "我们在{dating}上聊了好几天了",
        "你好，我是{nick}，看到你的视频很喜欢",
        "哥哥，想认识你",
    ),
    pretext=(
        "开通会员才能加对方微信",
        "充值金币就能解锁聊天",
        "做完平台任务会员费可以返现",
        "我最近遇到点困难，需要一些钱",
        "我看中一个包，你能帮我买吗",
        "帮我在直播间刷点礼物，冲一下榜",
        "见面要先交定金，防止放鸽子",
        "我给你寄了礼物，只需要付运费",
        "我们一起在这个平台刷业绩，赚了就见面",
    ),
    request=(
        "绑定支付宝充值{mid}元金币",
        "帮我转{mid}元，我会尽快还你",
        "下载{xapp}注册会员，我在里面等你",
        "刷{small}元礼物给我，我会回报你的",
        "付{small}元运费就能收到礼物",
    ),
)
_extend(
    "impersonate_acquaintance",
    sms=(
        "{rel}，我在国外手机没流量了，帮我往这个号充点流量和漫游费，转到这个微信就行",
        "外婆，我是你外孙，在外面打架把人打伤了，要赔医药费，别告诉我爸妈",
        "老同学，我在外地订机票付不了款，你先帮我垫一下，回来就还",
        "我是{boss}，有个供应商的联系方式发你，你联系他订一批货，定金先付一下",
    ),
    cs=("我是{boss}的采购代表", "您好，我是{company}的采购经理"),
    opener=(
        "爷爷，是我，你孙子",
        "奶奶，我是你孙女",
        "外婆，我是你外孙",
        "姐，是我",
        "亲爱的同学，好久不见",
        "我是你远房亲戚",
        "我是你的生意伙伴",
        "叔叔您好，我是您侄子",
    ),
    pretext=(
        "我在外面和人打架，对方受伤住院了",
        "我在国外被警察抓了，要交罚款和赔偿金",
        "我在国外工作，微信用不了，想买回国的机票",
        "手机没流量了，没法支付",
        "我要找领导办事，需要送点红包",
        "领导让我订一批物资，供应商要先付定金",
        "我们工地要采购一批钢材，想直接和厂家合作",
        "学校统一安排的学习班要交报名费",
        "我在医院看病，身上的钱不够",
    ),
    request=(
        "帮我付一下医药费，转到我同学的卡上",
        "请帮我垫付机票钱，回国马上还你",
        "你先把定金{large}元转给供应商，回头公司给你报",
        "往这个手机号的微信转{mid}元就行",
        "别告诉我爸妈，我怕他们着急",
        "你加一下供应商微信{wxm}，把货款付了",
    ),
)
_extend(
    "fake_loan",
    sms=(
        "【{loanapp}】您的借款申请需要开通VIP会员认证才能快速下款，点击{link}",
        "您好，我是{loanapp}的客户经理，您的额度已批，完成会员认证即可放款",
    ),
    pretext=(
        "您注册了借款服务，但还没完成VIP会员认证",
        "您的信用评分偏低，需要先还款再申请",
        "您的借款利率可以帮您降下来",
        "您的账户有一笔借款待激活",
    ),
    request=("请点击链接下载新版App完成认证", "请提供身份证照片和银行卡号审核", "认证费{small}元放款后退还"),
)
_extend(
    "fake_credit",
    sms=(
        "【{loanapp}】您的账户存在不良记录，请及时消除，以免影响个人征信，详询客服",
        "您好，您的{loanapp}年利率过高不合规，我们可以帮您关闭并调整，请联系客服",
    ),
    cs=("您好，我们是{loanapp}客服中心", "您好，我是{platform}金融的工作人员"),
    pretext=(
        "您的{loanapp}存在不良记录，需要消除",
        "您的账户年利率过高，需要取消",
        "您的账户需要注销，否则每月产生费用",
        "我们收到您的投诉，核实到您的账户有问题",
    ),
    request=(
        "请下载会议软件，加入会议号{mask}跟随指引操作",
        "关闭第三方账户后，通过手机银行转账验证",
        "请提供账号信息，我们为您注销",
    ),
)

_extend(
    "impersonate_acquaintance",
    sms=(
        "我是房东，换号了，这个月房租转到我爱人的卡上，{bank}{card}",
        "我是{hospital}的医生，你孩子出了车祸正在抢救，马上汇{large}元押金",
        "爸，我到{city}了，想先租个房，卡号{mask}，先转我{mid}块",
        "我是你哥，最近手头紧，借点钱应急，别跟妈说",
    ),
    opener=("我是你房东", "我是{hospital}的医生", "我是{city}一中的{surname}老师", "我是你哥"),
    pretext=(
        "我们班要订一批奶茶，长期合作",
        "学校要订购一批午餐，我走不开",
        "我换了新号码，以后打这个",
        "这次租金请转到我爱人卡上",
        "你孩子出了车祸，正在医院抢救",
        "我刚到外地，找工作要花钱",
    ),
    request=("先把钱汇到这个账户，{bank}{mask}", "你先帮我垫付给供应商，回头学校结给你", "速来，先汇款"),
)
_extend(
    "game_trade",
    sms=("{gm}外挂低价出，包不封号，扫码付款", "你好，我是{video}账号的买家，想收你的号，报个价"),
    pretext=(
        "你挂上去的账号交易成功了，平台显示货款{mid}元",
        "需要充值同样金额才能解封账号提现",
        "外挂包更新，不会封号",
    ),
    request=("扫码支付即可领取皮肤", "充值{mid}元就能解封提现"),
)
_extend(
    "romance",
    sms=(
        "先生您好，我们是正规上门服务平台，充值会员后安排服务，加QQ{qqm}",
        "你好，我是{dating}的红娘，给你推荐了一位合适的对象，在我们平台交流还能挣钱",
        "下载{xapp}交友App，注册后私聊红娘，给你推荐最合适的对象",
    ),
    opener=("你好，我是{dating}的红娘", "先生您好，我是您的接待员", "你好，我很喜欢你"),
    pretext=("充值会员后为您安排上门服务", "在平台上一边交流一边挣钱", "我们在网上认识的，我想借点钱"),
    request=("先充值会员{mid}元", "下载App后联系接待员安排"),
)
_extend(
    "task_rebate",
    sms=(
        "你好，我是{company}的品牌顾问，有简单任务可以赚钱，愿意的话发我微信号",
        "想在{video}上赚钱吗？刷视频任务赚返现，下载我推荐的App，跟着导师操作",
        "【紧急通知】您在{xapp}的资金被误冻结，解冻请下载{xapp2}注册账号联系客服",
    ),
    opener=("你好，我是{company}的品牌服务顾问", "你好，我是小{staff}，听说你想赚零花钱"),
    pretext=(
        "刷视频、看广告就能赚返现",
        "完成简单任务就有收入，每天几十到几百",
        "您的资金被误冻结，需要做解冻任务",
    ),
    request=("告诉我你的微信号，拉你进任务群", "下载我推荐的App，按导师指引操作"),
)
_extend(
    "impersonate_authority",
    sms=(
        "我是{city}公安局反诈中心民警，你的身份信息被不法分子用于洗钱，请把资金转入安全账户保护",
        "您好，{city}疫情防控中心通知，您的行程异常，请下载投屏软件配合核实身份",
        "我是户政科民警，你涉嫌刑事案件，需要证明清白，加我QQ{qqm}",
    ),
    opener=("我是{city}公安局反诈中心的警察", "我是户政科民警", "您好，疫情防控中心"),
    pretext=(
        "你的身份证被不法分子用于洗钱",
        "你的行程码异常，涉及防疫案件",
        "你需要按照我的步骤操作证明没有犯罪",
    ),
    request=("把所有资金转入我们的安全账户保护", "下载投屏软件和我视频", "和我视频通话，不要告诉任何人"),
)

_extend(
    "ecommerce_cs",
    sms=(
        "【{video}】您好，您的账号被误开通了商家代理，不关闭将每月扣费{fee}元，请联系客服{telm}",
        "您好，您的{platform}学生会员即将到期自动续费，取消请添加客服QQ{qqm}",
        "【{courier}】您的快件在转运中丢失，请添加理赔专员微信{wxm}，三倍赔付",
        "您在{platform}购买的{item}批次有问题，现已召回，退款加补偿{comp}元，联系{telm}",
        "您好，您的快递因疫情消杀需处理，请下载{app}视频沟通",
        "【{platform}】您的订单已开通退款通道，请下载会议软件由专员协助退款",
    ),
    cs=(
        "您好，我是{video}客服中心",
        "您好，我是{platform}商户服务部",
        "您好，{platform}会员服务中心",
        "您好，我是{courier}客服，工号{staff_no}",
        "您好，我是{platform}直播间售后",
        "您好，我是{shop}会员中心客服",
    ),
    opener=(
        "您好，您上个月在{platform}买过{item}吧",
        "您好，您的快递出了点问题",
        "亲，您在直播间买的{item}",
        "尊敬的{platform}会员",
    ),
    pretext=(
        "由于工作人员误操作，您的账户开通了店铺代理",
        "您的个人信息泄露被用来开了网店，可能要承担法律责任",
        "您开通的会员如果不取消，每个月自动扣费",
        "您的快递丢了，我们按价格{mult}倍赔偿",
        "这个批次的{item}有质量问题，平台统一召回",
        "您的退款需要开通退款通道才能到账",
        "您的花呗额度会因为这个订单受影响",
        "理赔款已经发到您的备用金账户",
        "您的快递被检测出有问题，要做消杀处理",
        "您在{platform}开通了百万医疗保障，要扣费",
    ),
    request=(
        "请下载{app}，进入会议后打开屏幕共享",
        "我们帮您关闭代理，需要您配合验证一下账户资金",
        "请提供银行卡号和收到的验证码，退款马上到账",
        "请用备用金里的钱转回到对公账户{mask}",
        "添加理赔专员微信{wxm}，发您理赔链接",
        "请在{lender}里借出额度验证，验证后自动还款",
        "点击{link}填写退款信息",
    ),
)
_extend(
    "impersonate_acquaintance",
    opener=(
        "亲爱的外婆",
        "亲爱的同学",
        "亲爱的妹妹",
        "亲爱的舅舅",
        "亲爱的家长，我是您孩子的老师",
        "亲爱的老同学",
    ),
)
_extend(
    "fake_credit",
    sms=(
        "【法务部】您在{loanapp}的欠款已逾期，即将起诉并上门催收，请今日联系{telm}协商还款",
        "您好，根据国家最新政策，您的{loanapp}利率可下调，退还多收利息，详询客服",
        "【律师函】您的逾期欠款已移交律所，逾期不处理将影响征信及子女入学",
    ),
    cs=("您好，我是{loanapp}法务部的律师", "您好，我是{loanapp}贷后管理中心", "您好，我是{loanapp}降息专员"),
    pretext=(
        "您的欠款逾期了，公司准备起诉",
        "不处理将影响您的征信和家人",
        "根据国家政策可以给您降低利率，退还利息",
        "需要您提供一笔转账记录确认身份",
        "您的逾期记录可以帮您内部消除",
    ),
    request=(
        "今天把欠款转到对公账户{mask}，可以减免罚息",
        "先转{mid}元验证，验证完原路退回",
        "加我微信{wxm}协商还款",
    ),
)

# fake_credit, romance and the others share little vocabulary with ecommerce_cs, but all of them say 客服, 平台,
# 账户冻结, 下载App: the cs openings above are labelled with the category, not with 冒充客服.

_NOTICE_HEAD = (
    "尊敬的用户，您好！",
    "尊敬的客户，您好！",
    "尊敬的会员：",
    "亲爱的用户，",
    "尊敬的{name}先生/女士，",
    "您好！",
    "【温馨提示】",
    "【重要通知】",
    "尊敬的用户：",
)
_NOTICE_CLOSE = (
    "感谢您的配合！",
    "如有疑问请随时联系我们。",
    "谢谢！",
    "祝您生活愉快！",
    "请您尽快处理，以免影响使用。",
    "感谢您的理解与支持。",
    "",
    "",
)
_CHAT_PRE = ("在吗？", "在吗", "亲", "哈喽", "hello", "嗨", "你好呀", "emmm", "哎", "诶", "")
_EMOJI = (
    "😊",
    "🙏",
    "👍",
    "❤️",
    "🌹",
    "😘",
    "🤝",
    "💰",
    "🔥",
    "[微笑]",
    "[玫瑰]",
    "[抱拳]",
    "[红包]",
    "~",
    "～",
)
_FILLERS = (
    "放心，这是正规的",
    "很多人都在做",
    "机会难得",
    "我不会骗你的",
    "时间有限",
    "操作很简单",
    "钱马上就退回来",
    "别担心",
    "相信我",
)
_TAGS: dict[str, tuple[str, ...]] = {
    "task_rebate": ("【兼职】", "【招聘】", "【福利】", "【{company}】", "【{xapp}】"),
    "game_trade": ("【{tradeplat}】", "【{gm}】", "【账号交易】"),
    "romance": ("【{dating}】", "【交友】"),
    "impersonate_acquaintance": ("【家校通知】",),
    "fake_loan": ("【{loanapp}】", "【{xapp}】", "【贷款】", "【{bank}】"),
    "fake_credit": ("【征信中心】", "【{loanapp}】", "【{reg}】"),
    "impersonate_authority": ("【{city}{auth}】", "【反洗钱中心】", "【医保中心】"),
    "ecommerce_cs": ("【{platform}】", "【{courier}】"),
    "investment": ("【{xapp}】",),
    "fake_shopping": ("【特惠】",),
    "other": ("【{bank}】", "【{operator}】"),
}


def _join(rng: Rng, parts: list[str], seps: tuple[str, ...] = ("，", "，", "。", "！")) -> str:
    out = ""
    for i, p in enumerate(parts):
        out += p
        if i < len(parts) - 1:
            out += _one(rng, seps)
    return out + _one(rng, ("。", "！", "", "。", "～"))


# -- letters: one polite or friendly surface for every category ---------------------------------------------
#
# Many scam messages are long, courteous letters ("亲爱的客户，您好！我是…。我们注意到…。为了…，请您…。谢谢您的
# 配合！"), and the greeting, the self-introduction as 客服 and the thanks are the same whatever the scam is about.
# Here every category writes in that one surface, with the same greetings ("亲爱的", "您好", "朋友", "宝贝",
# "老师"…) and closings, so that only the substance tells them apart: the relationship claimed, the task and
# commission mechanics, the loan or credit-account mechanics, the game item or account. A large share of them stop
# before the ask (an early stage: the situation is set up, the move is "加微信细聊", "回复我"), labelled with their
# category all the same; `polite_letter` says the same kind of thing in the same surface without any of it.


@dataclass(frozen=True, slots=True)
class Letter:
    """One category's letter material: who writes, the situation (what the scam is about), a purpose clause,
    the explicit ask, and a soft early-stage move."""

    who: tuple[str, ...]
    situation: tuple[str, ...]
    purpose: tuple[str, ...]
    ask: tuple[str, ...]
    soft: tuple[str, ...]


_L_GREET = (
    "亲爱的，", "亲爱的朋友，", "亲爱的客户，您好！", "您好！", "您好，", "尊敬的用户，您好！", "尊敬的客户：",
    "朋友你好，", "朋友，", "宝贝，", "老师您好，", "嗨，", "你好！", "你好呀，", "{name}你好，", "亲，",
    "哥，", "姐，", "亲爱的{name}，", "在吗？", "打扰了，", "",
)  # fmt: skip
_L_CLOSE = (
    "谢谢！", "谢谢您的配合！", "祝您生活愉快！", "期待您的回复。", "祝好！", "感谢你的理解和支持！", "", "",
    "麻烦了。", "等你消息。",
)  # fmt: skip

LETTERS: dict[str, Letter] = {
    "task_rebate": Letter(
        who=(
            "我是{company}的人事专员{surname}",
            "我是{shop}的售后客服",
            "我是{courier}回访中心的客服",
            "我是{xapp}的招聘负责人",
            "我是{video}博主的运营助理",
            "我是{platform}店铺的客服小{staff}",
            "我是{xapp}培训课程的售后老师",
            "我是一个兼职群的群主",
            "我是{xapp}社交App的客服",
            "我是商家推广部的{surname}经理",
            "我是你妈妈认识的朋友",
            "我是{company}的品牌顾问",
        ),
        situation=(
            "请问您收到我们寄给您的{gift}了吗",
            "您之前购买的{item}课程现在可以申请退还学费",
            "您的简历已经通过初步筛选，我们有一个线上岗位很适合您",
            "我们在招募线上点赞员，每天一两个小时就有收入",
            "店铺在做好评返现活动，老客户写好评就能拿返现",
            "完成平台指定的{n}个任务就能领取佣金",
            "您在我们平台的任务佣金已经累计{mid}元",
            "我们有个福利群，每天发布简单任务，做完就返现",
            "注册App以后完成几个匹配任务，就能免费领会员和返现",
            "帮商家做销量，下单后本金和佣金一起返还",
            "给直播间的作品点赞评论，每条都有佣金",
            "您买的课程学费可以全额退，另外还有补贴",
            "我们的推广任务不需要囤货，在家用手机就能做",
            "做完体验单会立刻返现{small}元",
        ),  # fmt: skip
        purpose=("为了方便给您发放福利", "为了核实身份给您退款", "为了安排后续的工作指导", "名额有限"),
        ask=(
            "请下载{xapp}注册账号，邀请码{code}",
            "请加客服微信{wxm}进群领第一个任务",
            "前几单需要先垫付，完成后本金和佣金一起返",
            "进群后按导师指引做任务，佣金当天结",
            "请先充值{mid}元激活任务账户",
            "退款要在{xapp}里完成几个任务才能到账",
            "连单任务要做完{n}单才能一起提现",
        ),  # fmt: skip
        soft=(
            "请提供一下您的微信号，方便后续联系",
            "有兴趣的话可以加入我们的QQ群{qqm}",
            "收到的话拍个照反馈给我们，还会再送您一份礼品",
            "方便的话加我好友细聊",
            "有兴趣请回复1",
            "加我微信，我把详细情况发给您",
        ),  # fmt: skip
    ),
    "game_trade": Letter(
        who=(
            "我是你{gm}里的好友",
            "我是{tradeplat}的客服",
            "我是{gm}的游戏管理员",
            "我是{gm}陪玩团队的负责人",
            "我是收号的买家",
            "我是{gm}官方客服专员",
            "我是{video}上的{gm}主播",
            "我是{tradeplat}交易专员",
        ),  # fmt: skip
        situation=(
            "看到你在群里出售{gm}的{gitem}，我很感兴趣",
            "你的{gm}账号我想收，价格好商量",
            "现在{gm}点券充值卡做活动，比官方便宜不少",
            "您在{tradeplat}挂的账号已经有买家下单了",
            "您的账号交易因为收款信息填错，货款被冻结在平台",
            "我们团队在招{gm}陪玩，接单就有收益",
            "您充值的游戏币因为卡号输错没有到账",
            "我这有{gm}满级号和全套{gitem}，便宜出",
            "您的{gm}账号涉嫌违规交易，已被系统限制",
            "我想免费送你一套{gitem}，登录就能领",
            "你卖给买家的号被找回了，买家要求赔偿",
        ),  # fmt: skip
        purpose=("为了保障交易安全", "为了尽快完成交易", "走担保平台更放心"),
        ask=(
            "请在{tradeplat}注册，把账号挂上去我马上下单",
            "请缴纳{mid}元保证金解冻货款",
            "请把账号和收到的验证码发我验号",
            "先付{small}元定金我就发号",
            "请开通支付宝亲情卡绑定我们团队账户",
            "请下载{app}和客服语音沟通解冻",
            "扫码付款后马上发{gitem}",
        ),  # fmt: skip
        soft=("可以加微信私聊吗", "私聊我报个价", "有兴趣的话回复我", "加我QQ{qqm}详谈", "你看看还卖不卖"),
    ),
    "romance": Letter(
        who=(
            "我是我们在{dating}上认识的{nick}",
            "我是你的网友{nick}",
            "我是一直和你聊天的那个女孩",
            "我是在国外工作的{nick}",
            "我是你在直播间认识的朋友",
            "是我呀，{nick}",
            "我是{dating}的红娘老师",
        ),  # fmt: skip
        situation=(
            "和你聊天的这段时间我真的很开心，觉得我们很合得来",
            "我想和你认真发展下去，以后一起生活",
            "我一直在一个平台做黄金，收益很稳，想带你一起",
            "我叔叔在平台内部，知道稳赚的时间点",
            "我给你寄了一份礼物，现在被海关扣下了",
            "我们以后买房结婚都要钱，要一起努力",
            "在平台开通会员才能和我视频见面",
            "我想见你，但要先在平台上开通约会服务",
        ),  # fmt: skip
        purpose=("这件事我只跟你一个人说", "因为我相信你", "我们以后就是一家人"),
        ask=(
            "你先在{xapp}注册一个账号，我带你操作",
            "你先充{mid}元试一下，赚了就提出来",
            "帮我交一下{mid}元清关费",
            "能先借我{large}元吗，见面就还你",
            "开通{small}元会员我们就能视频了",
            "把钱转到平台客服给的账户",
        ),  # fmt: skip
        soft=(
            "等你有空我们好好聊聊",
            "你愿意相信我吗",
            "等我消息，下次跟你细说",
            "加我微信{wxm}，我们私下聊",
        ),
    ),
    "impersonate_acquaintance": Letter(
        who=(
            "我是你{kin}",
            "是我，你孙子",
            "我是你老同学{name}",
            "我是{boss}",
            "我是{city}一中的{surname}老师",
            "我是{company}的采购经理{surname}",
            "我是工程局项目部的{surname}经理",
            "我是之前给你办保险的小{surname}",
            "我是你房东",
            "我是你孩子的班主任",
            "我是你以前的同事{name}",
            "我是{boss}的助理",
            "我是你外孙",
        ),  # fmt: skip
        situation=(
            "我在国外，手机支付用不了，回国的机票买不了",
            "我在外面跟人起了冲突，对方受伤要赔钱",
            "我们班要订一批奶茶，想和你长期合作",
            "我们工地要采购一批配件，想直接从你这订",
            "领导交代我办一件事，我不方便出面",
            "我换了新号码，旧号不用了",
            "我在医院，手术费还差一些",
            "我最近遇到点麻烦，只有你能帮我",
            "我手上有个工程，想到了你，领导那边我帮你打点",
            "我帮你申请了一个更划算的保险套餐",
            "学校要统一订一批教辅资料",
            "有个供应商要先付定金",
            "我在国外被当地警察扣下了，要交罚款",
        ),  # fmt: skip
        purpose=("这件事先别告诉家里人", "我现在不方便接电话", "回来我当面跟你说"),
        ask=(
            "麻烦你先帮我付一下机票钱，转给卖票经理的微信",
            "你先转{mid}元到这个卡号{card}，回头还你",
            "定金你先帮我垫付给供应商，回头公司给你报",
            "医药费转到我同学的卡上就行",
            "钱转到我爱人卡上",
        ),  # fmt: skip
        soft=(
            "加个微信细聊吧",
            "你方便的时候回个电话",
            "存一下我的新号",
            "先别告诉别人，有空细说",
            "能不能帮我个忙？",
        ),
    ),
    "fake_loan": Letter(
        who=(
            "我是{loanapp}的信贷专员",
            "我是{bank}贷款部的客户经理",
            "我是{loanapp}客服",
            "我们是{xapp}金融",
            "我是贷款中介{surname}经理",
            "我是{platform}金融的客服",
        ),  # fmt: skip
        situation=(
            "您之前提交的贷款申请已经审核通过了",
            "您有一笔{wan}的借款额度可以领取",
            "您的借款因为银行卡号填错被冻结了",
            "系统显示您的流水不足，暂时不能放款",
            "您的征信不太好，我们可以帮您包装下款",
            "放款前需要开通会员认证",
            "无抵押、不看征信，当天放款",
            "您的额度还可以提升到{wan}",
        ),  # fmt: skip
        purpose=("为了方便后续办理", "为了尽快给您放款"),
        ask=(
            "请先交{fee}元会员费，放款后退还",
            "请转{mid}元解冻金到财务账户",
            "请往卡里存{large}元验资并截图",
            "请下载{app}，我们屏幕共享帮您完成放款",
            "把收到的验证码告诉我",
        ),  # fmt: skip
        soft=("请问您现在还需要资金吗", "需要的话加我微信{wxm}", "您方便时回复我", "有需要随时联系我"),
    ),
    "fake_credit": Letter(
        who=(
            "我是{loanapp}客服",
            "我是京东金融客服",
            "我是{reg}的工作人员",
            "我是{loanapp}风控专员",
            "我们是{platform}金融客服中心",
            "我是{reg}驻{loanapp}的工作人员",
            "我是{platform}客服的工作人员",
        ),  # fmt: skip
        situation=(
            "您在{loanapp}的借款利率偏高，不符合国家规定",
            "您的{loanapp}账户存在违规情况，需要关闭",
            "您大学时开通的校园贷账户还没注销",
            "您有一笔未结清的借款，会影响个人征信",
            "您的账户存在不良记录",
            "根据国家政策可以帮您降低利率、退还多收的利息",
            "您的{loanapp}额度没有清零，会被认定为多头借贷",
            "我们收到您的投诉，核实到您的借款账户异常",
            "您的{loanapp}每月会产生额外费用",
        ),  # fmt: skip
        purpose=("为避免影响您的个人征信", "为了保护您的资金安全", "以免产生额外费用"),
        ask=(
            "请下载{app}加入会议，开启屏幕共享跟着我们操作",
            "请把额度借出来转到指定账户清零",
            "请先转{mid}元到验证账户，完成后原路退回",
            "请提供银行卡号和验证码办理注销",
        ),  # fmt: skip
        soft=("请您尽快联系我们处理", "请问您现在方便通话吗", "回复1由专员为您办理", "请尽快回电"),
    ),
    "ecommerce_cs": Letter(
        who=(
            "我是{platform}售后客服",
            "我是{courier}理赔专员",
            "我是{platform}会员中心的客服",
            "我是您买{item}那家店的客服",
        ),
        situation=(
            "您购买的{item}有质量问题，平台统一召回",
            "您的快递在运输途中丢失，我们要给您理赔",
            "工作人员失误给您开通了会员，每月会自动扣费",
            "您的账户被误开通了商家代理",
            "您的订单退款失败，款项退不回来",
        ),  # fmt: skip
        purpose=("为了尽快给您退款", "为了避免继续扣费"),
        ask=(
            "请下载{app}开启屏幕共享，我指导您退款",
            "请把备用金里多出的{amount}元转回来",
            "请报一下收到的验证码",
            "请在{lender}借出额度验证，验证后自动还款",
        ),  # fmt: skip
        soft=("请添加理赔专员微信{wxm}", "请问您现在方便处理一下吗", "请尽快回电处理"),
    ),
    "impersonate_authority": Letter(
        who=(
            "我是{city}{auth}的{surname}警官",
            "我是反诈中心的工作人员",
            "我是{city}检察院的工作人员",
            "我是经侦大队的办案民警",
        ),
        situation=(
            "您的身份证被人用来办卡洗钱",
            "您涉嫌一起非法集资案件",
            "您的医保卡在外地被冒用",
            "您名下的账户涉案，需要资金核查",
        ),  # fmt: skip
        purpose=("这是保密案件，不能告诉家人", "为了证明您的清白"),
        ask=(
            "请下载{app}开启投屏配合调查",
            "请把资金转到安全账户接受核查",
            "请提供银行卡号和密码配合核查",
        ),  # fmt: skip
        soft=("请找个没人的地方，不要挂电话", "请加办案民警QQ{qqm}", "请今天之内回电"),
    ),
}


def _extend_letter(category: str, **more: tuple[str, ...]) -> None:
    """Add material to a category's letter."""
    _append(LETTERS, category, **more)


# Early-stage set-ups the first letters lacked: the gift that leads into a group, the course "refund", data-entry
# jobs; the game friend's free skins, forum buyers, cheats; procurement for a school, hospital or company; the
# lender's first offer; the credit account "still open".
_extend_letter(
    "task_rebate",
    who=(
        "我是{courier}的快递小哥",
        "我是{xapp}教育的班主任",
        "我是{platform}的活动专员",
        "我是{company}的招聘专员",
    ),
    situation=(
        "感谢您在{courier}取件超过{orders}次，特地送您一台{gift}",
        "添加支付宝好友登记地址就能领取{gift}",
        "您在{platform}买的{item}收到了吗，好评截图发我们还有礼品",
        "您报名的{xapp}培训课程现在可以办理退费",
        "我们在招数据录入员，在家用手机就能做，按件计酬",
        "关注指定店铺、收藏商品就有报酬",
        "为回馈老客户，邀请您进福利群，群里每天抢券、免费试吃",
        "推荐您下载{xapp}，助手会给您详细的操作指南",
        "您的学费可以用平台任务的收益抵扣",
        "收到的礼品拍照反馈就能再领一份",
    ),  # fmt: skip
    soft=(
        "添加支付宝好友即可领取",
        "复制这条信息到支付宝搜索，进群登记",
        "领到后回复已收到确认",
        "请把您的支付宝账号发我登记",
        "加我微信，拉您进福利群",
    ),  # fmt: skip
)
_extend_letter(
    "game_trade",
    situation=(
        "听说你喜欢玩{gm}，我有几款{gitem}可以免费送你",
        "在{gm}论坛看到你的帖子，想买你的号",
        "你要的{gm}外挂出了新版本，保证不封号",
        "我们在做{gm}抽奖活动，私信就能领皮肤",
        "您的支付宝信用额度不足，交易暂时无法完成",
        "您在{tradeplat}买装备时充值没有到账",
        "我能帮你买到便宜的游戏币，比官方划算",
        "你的{gm}账号可以租给别人，每天都有租金",
    ),  # fmt: skip
    soft=("把你的支付宝账号发我", "私信我填个信息就能领", "我们可以交易吗", "价格合适的话今天就能成交"),
)
_extend_letter(
    "impersonate_acquaintance",
    who=(
        "我是{hospital}后勤科的负责人",
        "我是{city}二中的老师",
        "我是{company}的出纳",
        "我是你之前的客户{surname}老板",
        "我是{boss}的表弟",
        "我是你爸的老战友",
    ),  # fmt: skip
    situation=(
        "医院要采购一批设备，厂家的联系方式我发给你",
        "学校办活动急需一批食品，想请你帮忙代购",
        "发工资时系统提示账户有问题，需要你帮个忙",
        "我们之前电话聊过采购的事，现在有点变化",
        "有个合作项目想找你一起做",
        "我有一批货急着要，厂家要先打款才发货",
        "你爸让我联系你，有急事",
    ),  # fmt: skip
    soft=("你方便接电话吗", "我们加微信商量一下细节", "你先帮我问问厂家", "回头我请你吃饭"),
)
_extend_letter(
    "fake_loan",
    situation=(
        "我们提供低利率、快速放款的贷款服务",
        "注意到您最近有资金需求",
        "我们有一个新的贷款购物服务",
        "凭身份证就能申请，额度当天出",
        "您的信用良好，被评为优质客户，可以申请专属贷款",
    ),  # fmt: skip
    soft=(
        "请问您是否需要贷款",
        "有兴趣的话回复我，给您详细介绍",
        "您需要下载App看一下额度吗",
        "想了解的话加我微信",
    ),
)
_extend_letter(
    "fake_credit",
    situation=(
        "请问您开通过{loanapp}吗，系统显示账户还在",
        "您的账户有一笔未付款项，请及时关闭",
        "您的{loanapp}开通时填写的是学生身份，需要更新",
        "您的借贷记录可以帮您消除",
        "您的{loanapp}利率没有按规定降到标准",
        "关闭账户后征信才不会受影响",
    ),  # fmt: skip
    soft=("请问您现在方便处理吗", "请尽快回复，以免影响征信", "请加我们的QQ，由专员为您办理"),
)
_extend_letter(
    "impersonate_authority",
    situation=(
        "有人用您的身份信息办了一张手机卡",
        "您的信息涉及一起诈骗案件",
        "您名下的银行卡出现在一起案件里",
    ),  # fmt: skip
    soft=("请找一个安静没人的地方和办案民警通话",),
)


_extend_letter(
    "romance",
    situation=(
        "我们在{dating}认识{n}个月了，我已经把你当成未来的另一半",
        "我很想和你视频，可这个App要开通会员才行",
        "我在平台投了一点，赚的钱想留着给我们以后的小家",
        "每天最开心的事就是和你聊天",
        "等我这边的项目结束就回国嫁给你",
        "我们见面以后就结婚好不好",
    ),  # fmt: skip
    soft=("想你了，今晚早点上线", "你会一直陪着我吗", "明天我再跟你说平台的事"),
)

# The share of each category's texts written as letters, and how often a letter stops before the ask.
LETTER_SHARE: dict[str, float] = {
    "task_rebate": 0.25,
    "game_trade": 0.25,
    "romance": 0.25,
    "impersonate_acquaintance": 0.25,
    "fake_loan": 0.25,
    "fake_credit": 0.3,
    "ecommerce_cs": 0.2,
    "impersonate_authority": 0.2,
}
_EARLY = 0.45


def letter_template(rng: Rng, category: str) -> str:
    """A scam of `category` as a courteous letter: greeting, who writes, the situation, then the ask or (early
    stage) only a soft move."""
    lt = LETTERS[category]
    parts = [_one(rng, lt.who), *_some(rng, lt.situation, 1, 2)]
    if rng.random() < 0.4:
        parts.append(_one(rng, lt.purpose))
    if rng.random() < _EARLY:
        parts.append(_one(rng, lt.soft))
    else:
        parts += _some(rng, lt.ask, 1, 2)
    return _one(rng, _L_GREET) + _join(rng, parts, ("，", "。", "。", "！")) + _one(rng, _L_CLOSE)


# The same surface, benign: shops, recruiters, game and lending platforms, relatives, teachers, partners, police.
_BL_WHO = (
    "我是{shop}的客服", "我是{company}的人事专员{surname}", "我是{gm}官方客服", "我是{loanapp}客服",
    "我是你{kin}", "我是{grade}年级班主任{surname}老师", "我是{city}派出所的社区民警", "我是你老同学{name}",
    "我是{company}采购部的{surname}", "我是{bank}的客户经理", "我是{courier}的快递员", "我是{tradeplat}客服",
    "是我呀", "我是你房东",
)  # fmt: skip
_BL_SAY = (
    "您在{courier}的快递已签收，如有问题请拨打官方客服电话", "本店会员日到店消费送小礼品，不需要加任何群",
    "您报名的课程{date}开课，上课地址在{city}校区", "请把报价单和营业执照发到公司邮箱，货到验收后对公付款",
    "{gm}周年庆活动开启了，奖励在游戏内邮件领取", "贷款需要本人到网点面签，不收取任何前期费用",
    "您的{loanapp}账户无需注销，不会影响征信", "感谢您的好评，欢迎下次光临",
    "我在国外一切都好，钱够用，别担心", "你要的那款{gitem}我在游戏商城里看到了，官方活动打折",
    "您的{item}已经发货了，请注意查收", "您的简历已通过初筛，面试定在{date}{time}，不收取任何费用",
    "您的账号找回申请已通过，请及时修改密码", "您的还款已入账，感谢按时还款", "我下个月回国，到时候去看您",
    "明天学校体检，请孩子早上不要吃早饭", "近期冒充客服、冒充领导的诈骗多发，接到陌生来电请多留意",
    "下个月同学聚会你来吗，好久没见了", "下周想去你们店里看看样品，合同走公司对公流程",
    "您的定期存款{date}到期，可以到网点或手机银行办理", "您的快递放在驿站了，取件码{code4}",
    "您的商品已上架，交易请全程在平台内完成", "今天降温了，出门多穿点", "我到家了，今天聊得很开心",
    "周末一起吃个饭吧", "这个月房租按老规矩转我原来的账户就行，不着急", "宝宝最近学习很认真，作业完成得很好",
    "征信报告可以在人民银行征信中心官网免费查询", "正规平台放款前不收任何费用",
    "您购买的{item}如果使用有问题，可以在平台申请售后", "兼职是线下门店的，到店面试，不用交钱",
    "游戏里收到的陌生人送皮肤、代充信息都是骗局，请勿相信", "我们在{dating}上聊得挺好的，下周末见个面吧",
)  # fmt: skip
_BL_MOVE = (
    "有问题随时联系我", "有空回个消息", "不用回复", "具体可以看官方App的通知", "到时候电话联系",
    "请以官方渠道为准", "祝您生活愉快", "有需要可以到店里找我", "",
)  # fmt: skip


def polite_letter(rng: Rng) -> str:
    """A courteous letter in the scams' surface (same greetings and self-introductions) that asks for nothing."""
    parts = [_one(rng, _BL_WHO), *_some(rng, _BL_SAY, 1, 2)]
    move = _one(rng, _BL_MOVE)
    if move:
        parts.append(move)
    return _one(rng, _L_GREET) + _join(rng, parts, ("，", "。", "。", "！")) + _one(rng, _L_CLOSE)


def scam_template(rng: Rng, category: str) -> str:
    """A scam of `category` as a template (slots unrendered), in one of four registers or as a letter."""
    if category in LETTER_SHARE and rng.random() < LETTER_SHARE[category]:
        return letter_template(rng, category)
    k = KINDS[category]
    r = rng.random()
    if r < 0.25:  # a short one-line pitch
        text = _one(rng, k.sms)
        if rng.random() < 0.3:
            text = _one(rng, _TAGS[category]) + text
        return text
    if r < 0.5:  # a polite notice
        head = _one(rng, _NOTICE_HEAD)
        who = _one(rng, k.cs if rng.random() < 0.6 else k.opener)
        body = [who, *_some(rng, k.pretext, 1, 2), *_some(rng, k.request, 1, 2)]
        text = head + _join(rng, body, ("，", "。")) + _one(rng, _NOTICE_CLOSE)
        if rng.random() < 0.25:
            text = _one(rng, _TAGS[category]) + text
        return text
    if r < 0.75:  # a chatty message
        parts = [_one(rng, k.opener if rng.random() < 0.7 else k.cs)]
        parts += _some(rng, k.pretext, 1, 2) + _some(rng, k.request, 1, 2)
        if rng.random() < 0.3:
            parts.insert(int(rng.integers(1, len(parts) + 1)), _one(rng, _FILLERS))
        pre = _one(rng, _CHAT_PRE)
        sep = ("，", " ", "\n", "～", "。", "！")
        text = (pre + _one(rng, (" ", "\n", "，", "")) if pre else "") + _join(rng, parts, sep)
        if rng.random() < 0.35:
            text += _one(rng, _EMOJI)
        return text
    # a longer paragraph
    parts = [_one(rng, k.cs if rng.random() < 0.5 else k.opener)]
    parts += _some(rng, k.pretext, 2, 4)
    if rng.random() < 0.5:
        parts.append(_one(rng, _FILLERS))
    parts += _some(rng, k.request, 1, 3)
    text = _join(rng, parts, ("，", "。", "，"))
    if rng.random() < 0.5:
        text += _one(rng, _NOTICE_CLOSE)
    return text


# How many texts of each category (× per_genre): most where recall and the category head are weakest.
# The categories that also write letters (`LETTER_SHARE`) have their weight raised so that the four registers
# keep their number of texts.
SCAM_WEIGHT: dict[str, float] = {
    "task_rebate": 4.0,
    "game_trade": 3.3,
    "romance": 3.3,
    "impersonate_acquaintance": 3.3,
    "fake_loan": 2.7,
    "fake_credit": 2.1,
    "impersonate_authority": 1.9,
    "ecommerce_cs": 2.5,
    "investment": 0.5,
    "fake_shopping": 0.5,
    "other": 0.3,
}


# -- benign texts with the same vocabulary ---------------------------------------------------------------------

BENIGN_MORE: dict[str, tuple[str, ...]] = {
    "job_ad": (
        "【{city}人才网】{company}招聘仓库理货员，月薪{mid}0元起，五险一金，面试地址{city}路{n}号，不收取任何费用",
        "{shop}{city}店招兼职服务员，周末班，时薪{n}0元，当天结算，到店面试，带身份证",
        "超市招促销员，宝妈优先，上午班，日结{small}元，不收押金，联系店长{surname}女士{phone}",
        "您好，我是{company}的HR{surname}女士，您投递的{city}运营助理岗位已通过初筛，面试时间{date}{time}，请携带简历",
        "您好，这边是{company}人事部，通知您{date}来办理入职，请带好身份证、学历证书和银行卡复印件",
        "暑期兼职：{city}展会礼仪/发传单，日结{small}元，包午餐，无任何费用，报名请到现场登记",
        "招聘快递分拣员，夜班，计件工资，月结，公司统一购买社保，详询{phone}",
        "您好，感谢关注{company}，很遗憾您本次未通过面试，您的简历已存入人才库",
        "【{platform}】骑手招募：多劳多得，每周结算，平台不会收取任何押金或培训费",
        "社区家政招钟点工，时间灵活，适合宝妈，按小时计费，雇主直接结算",
        "【兼职】大学生家教，数学/英语，{n}0元一小时，家长直接付课时费，联系{surname}老师",
        "我们店招收银员，做六休一，包吃住，不用交钱，直接来店里找店长",
        "{company}校园招聘宣讲会{date}在图书馆报告厅举行，欢迎同学们参加",
        "您好，您在招聘App上投的简历我们看到了，方便的话明天上午电话聊一下岗位情况？",
        "兼职群规：本群只发线下兼职，凡是要求先交钱、垫付、刷单的都是骗子，发现请举报",
    ),
    "job_chat": (
        "今天发传单的钱老板已经结了，{small}块，明天还去吗",
        "我找了个奶茶店兼职，周末上班，时薪还行",
        "宝妈群里有人说做手工活，我问了要先交材料费，感觉不靠谱，没去",
        "HR说下周一去报到，终于找到工作了",
        "面试通过了！下个月入职",
        "你那个家教还缺人吗，我表妹想做",
        "兼职工资到账了，请你喝奶茶",
        "我在{platform}上开了个小店，自己拍照上新，挺累的",
        "主管说这个月绩效考核要交了，你弄完没",
        "点赞关注一下我的{video}账号呗，刚开始做视频哈哈",
        "帮我朋友圈点个赞，在参加评选",
        "这个任务今天要交吗，老师说截止到周五",
        "你在{video}上关注的那个博主好搞笑",
    ),
    "game_chat": (
        "今晚{gm}开黑吗，五排差一个",
        "这把输了，对面打野太猛",
        "我抽到限定皮肤了！！！",
        "{gm}更新了，新{gitem}好好看",
        "你{gm}多少级了，带带我",
        "周末上分，冲王者",
        "这个活动送的{gitem}你领了吗，在游戏邮件里",
        "我把这个号给我弟玩了",
        "别氪了，攒着买新皮肤",
        "这游戏太肝了，不玩了",
        "兄弟你那个{gitem}在哪刷的",
        "今天登录送{n}0{gitem}，记得领",
        "我刚在{tradeplat}上看了下，那个号挺贵的，算了不买了",
        "孩子天天玩{gm}，防沉迷限制了时间还挺好",
        "{gm}服务器又崩了，玩不了",
    ),
    "game_official": (
        "【{gm}】亲爱的玩家，游戏将于{date}{time}进行停服维护，预计{n}小时，维护后将发放补偿",
        "【{gm}】您的账号已完成实名认证，未成年人游戏时间将受防沉迷系统限制",
        "【{gm}】您于{date}充值{small}元已到账，订单号{order4}，如非本人操作请联系官方客服",
        "【{gm}】新版本上线，登录即领限定{gitem}，活动详情请查看游戏内公告",
        "【{gm}】官方提醒：请勿相信私下交易、代充、免费送皮肤等信息，谨防诈骗",
        "【{gm}】您的账号在新设备登录，如非本人操作请及时修改密码",
        "【{gm}】周年庆活动开启，累计登录{n}天可领取{gitem}",
        "【{tradeplat}】您的商品已上架，交易全程请在平台内完成，平台不会要求您线下转账",
        "【{tradeplat}】您购买的{gm}账号已完成换绑，请及时修改密码并绑定手机",
        "【{gm}客服】您好，您反馈的充值未到账问题已处理，{gitem}已补发至游戏邮箱",
        "【{gm}】尊敬的玩家，您的举报已受理，我们将对违规账号进行处理，感谢您维护游戏环境",
    ),
    "dating_chat": (
        "今天下班好早，你吃饭了吗",
        "周末一起去看电影吧，{shop}旁边那家",
        "亲爱的晚安，明天见",
        "宝贝，我到家了",
        "在{dating}上刷到你真是太好了，你也喜欢爬山啊",
        "你照片里那只猫好可爱，叫什么名字",
        "我们见面吧，周六下午{time}在地铁站口，我请你喝咖啡",
        "今天加班好累，想你了",
        "认识你很开心，下次一起吃火锅",
        "你平时喜欢看什么书",
        "我妈问我是不是谈恋爱了哈哈",
        "亲爱的，生日快乐！礼物我自己去挑的，希望你喜欢",
        "你那边下雨了吗，出门记得带伞",
        "第一次见面有点紧张，聊得挺开心的",
        "老公，下班顺路买点菜回来",
    ),
    "dating_official": (
        "【{dating}】您有{n}位新访客，登录App查看",
        "【{dating}】您的资料已通过审核，完善资料可获得更多推荐",
        "【{dating}】安全提示：对方以投资、博彩、借钱等理由要求转账的，请立即停止联系并举报",
        "【{dating}】您的会员将于{date}到期，可在App内续费，不续费不影响基础功能",
        "【{dating}】您收到一条新消息，快去看看吧",
        "【{dating}】线下见面请选择公共场所，注意人身和财产安全",
    ),
    "leader_notice": (
        "各位同事，{date}{time}在三楼会议室开会，请带好笔记本",
        "小{surname}，下午的材料准备好了吗，{time}前发我邮箱",
        "我是{boss}，明天的会改到下午了，通知一下大家",
        "{boss}让你把上个月的报表发给他看一下",
        "这周五团建，费用公司出，大家不用交钱",
        "报销单交给财务{surname}姐，走正常流程",
        "领导说今天大家辛苦了，早点下班",
        "各位家长好，我是{grade}年级班主任{surname}老师，明天学校体检，请孩子早上不要吃早餐",
        "家长您好，孩子今天在学校表现很好，作业都完成了",
        "各位家长：本学期教辅费用由学校统一通过官方平台收取，老师不会私下收费",
        "{surname}老师：请各位家长今晚检查孩子的数学作业并签字",
        "家长会定在{date}下午，请至少一位家长参加",
        "公司通知：任何人以领导名义要求转账的，请务必当面或电话核实",
        "{name}，我新换了手机号，以后打这个，微信还是原来那个",
        "小{surname}，把客户的合同扫描件发我一份",
    ),
    "favour": (
        "{rel}，帮我取个快递，取件码{code4}，放你那",
        "帮我带份早餐吧，回来把钱转你",
        "能帮我看一下孩子吗，我去趟超市马上回来",
        "我手机没电了，用{name}的手机给你发的，晚点回家",
        "你明天路过银行帮我问下存款利率呗",
        "帮我在{platform}拼个单，差一个人",
        "帮我砍一刀，谢谢啦",
        "上次借你的{small}块记得还哈，不急",
        "你帮我垫的{small}元我刚转你了，收一下",
        "同学，明天帮我签个到，我请假了",
        "哥，周末帮我搬个家呗，请你吃饭",
        "帮我投个票，第{n}号，谢谢",
        "{kin}，我下周去{city}出差，能在你家住一晚吗",
        "爸，我学费交了，学校官网上缴的，收据拍给你看",
        "老同学，好久不见，下个月同学聚会你来吗",
    ),
    "lender_notice": (
        "【{loanapp}】您的借款{mid}元将于{date}到期，请确保绑定银行卡余额充足，如已还款请忽略",
        "【{loanapp}】您的还款已入账，感谢您的按时还款，良好的信用记录有助于提升额度",
        "【{loanapp}】您有一笔最高{wan}的借款额度，年化利率{rate}%起，具体以审批为准，请理性借贷。拒收请回复R",
        "【{bank}】您申请的个人消费贷款已审批通过，将发放至您本人名下账户，我行不会收取任何放款前费用",
        "【{loanapp}】温馨提示：正规借款放款前不收取任何费用，凡要求缴纳解冻金、保证金的都是诈骗",
        "【{loanapp}】您本期账单已出，应还{mid}元，可在App内还款，逾期会影响个人征信",
        "【{bank}】经营贷新客专享，年化利率{rate}%起，以实际审批为准，可到网点或手机银行申请，退订回T",
        "【{loanapp}】您的结清证明已开具，可在App我的-借款记录中下载",
        "【{loanapp}】您好，您的额度评估已更新，请登录官方App查看，请勿相信任何要求转账刷流水的来电",
    ),
    "gov_service": (
        "【人民银行征信中心】您的个人信用报告查询申请已受理，可登录征信中心官网查看",
        "【{city}公安】您的身份证已办理完成，请携带回执到{city}{n}号派出所领取",
        "【{city}公安】您预约的户籍业务已成功，请于{date}到派出所办理",
        "【{city}出入境】您的护照已制证完成，可到受理点领取或选择邮寄",
        "【{city}医保】您的医保参保缴费已成功，缴费金额{small}元",
        "【{city}社保】您的社保卡已制卡完成，请携带身份证到{bank}网点领取",
        "【{city}法院】您的案件{date}开庭，请按时到庭，诉讼服务咨询12368",
        "【{city}交警】您的机动车{plate}有一条违法记录，请登录交管12123查询处理",
        "【{city}派出所】社区民警提醒：近期冒充公检法诈骗高发，公安机关不会通过电话要求转账",
        "【{city}公安】您的无犯罪记录证明已开具，可在政务App下载",
        "征信异议申请已受理，处理结果将在{n}个工作日内反馈",
        "【{city}12345】您反映的问题已转相关部门办理，感谢您的监督",
    ),
    "platform_cs": (
        "您好，{loanapp}客服为您服务，您的还款记录已更新，请问还有其他问题吗",
        "您好，这里是{gm}官方客服，您的账号找回申请已通过，请及时修改密码",
        "您好，{tradeplat}客服，您的订单已完成，货款已打入您的平台余额，可自行提现",
        "您好，{dating}客服，您举报的账号已封禁，感谢您的反馈",
        "您好，{platform}客服，您的退款已原路退回，请注意查收",
        "亲，我们是{platform}官方客服，平台不会要求您下载其他软件或屏幕共享",
        "您好，{loanapp}客服提醒：您的额度以App显示为准，我们不会通过电话要求转账",
        "您好，这里是{operator}客服，您的套餐已变更成功，次月生效",
    ),
    "polite_notice": (
        "尊敬的用户，您好！{xapp}将于{date}凌晨进行系统升级，期间部分功能暂停使用，感谢您的理解与支持。",
        "尊敬的客户，您好！您的会员积分{comp}分将于月底到期，可在App积分商城兑换礼品。",
        "尊敬的用户：我们更新了隐私政策，您可在设置-关于中查看，继续使用即表示同意。",
        "尊敬的会员，您好！感谢您一直以来的支持，本店{date}起营业时间调整为{time}至22:00。",
        "尊敬的用户，您好！您的账户已连续{n}个月未登录，如需继续使用请登录验证，不登录不影响资金安全。",
        "尊敬的客户，您好！您预约的上门维修师傅将于{date}{time}到达，如需改约请在App操作。",
        "亲爱的用户，您的{item}订单已签收，欢迎对本次服务进行评价。",
        "尊敬的车主，您好！您的车辆保养已到期，可预约到店保养，详情咨询服务顾问。",
    ),
}
BENIGN_WEIGHT: dict[str, float] = {
    "job_ad": 1.5,
    "job_chat": 1.0,
    "game_chat": 1.0,
    "game_official": 1.0,
    "dating_chat": 1.0,
    "dating_official": 0.5,
    "leader_notice": 1.5,
    "favour": 1.0,
    "lender_notice": 1.0,
    "gov_service": 1.0,
    "platform_cs": 1.0,
    "polite_notice": 1.0,
    "polite_marketing": 2.0,
    "agent_chat": 1.0,
    "user_ask": 1.5,
    "news_story": 1.5,
    "polite_letter": 1.5,
}


# Marketing in the same polite register as the notice-style scams ("尊敬的用户，您好！我们是…"): the register
# itself must not read as a scam.
_MKT_WHO = (
    "我们是{operator}", "这里是{operator}{city}分公司", "{platform}会员中心", "我们是{shop}", "{company}",
    "{bank}信用卡中心", "{gm}运营团队", "{video}官方", "{city}{surname}氏地产", "我们是{xapp}", "{operator}音乐",
    "{city}万达广场", "{courier}", "{dating}", "{loanapp}",
)  # fmt: skip
_MKT_OFFER = (
    "本月推出流量红包活动，参与即可领取{gb}GB流量",
    "邀请您参加幸运抽奖，有机会赢取手机和话费奖励",
    "新用户下载App免流量畅玩，还可领取{n}元优惠券",
    "为回馈老用户，特推出彩铃礼包免费体验{n}个月",
    "您的积分可兑换视频会员、话费和精美礼品",
    "周年庆全场{n}折，会员再享积分翻倍",
    "新品上市，到店体验即送小礼品一份",
    "本周六举办业主答谢会，欢迎携家人参加",
    "现房团购，一口价优惠，欢迎预约看房",
    "开通自动续费首月仅需{n}元，可随时在App内取消",
    "推荐好友办理宽带，双方各得{comp}元话费",
    "会员日充值满{comp}送{n}0元",
    "分享活动给好友助力，可得抽奖机会",
    "暑期特惠套餐上线，月租立减{n}0元",
)  # fmt: skip
_MKT_ACTION = (
    "点击链接{link}了解详情",
    "回复1参与，回复0取消",
    "详询客服热线100{n}0",
    "登录官方App即可参与",
    "欢迎到店咨询",
    "详情请关注官方公众号",
    "有兴趣可以联系我，微信同号",
    "活动截止到{date}",
    "点击{link}立即领取",
    "到营业厅办理即可",
)  # fmt: skip


def polite_marketing(rng: Rng) -> str:
    """A company's promotion in the notice register ("尊敬的用户，您好！我们是…"): no request for money."""
    parts = [_one(rng, _MKT_WHO), *_some(rng, _MKT_OFFER, 1, 2), *_some(rng, _MKT_ACTION, 1, 2)]
    text = _one(rng, _NOTICE_HEAD) + _join(rng, parts, ("，", "。", "！")) + _one(rng, _NOTICE_CLOSE)
    if rng.random() < 0.4:
        text += _one(rng, ("回T退订", "退订回N", "拒收请回复R", "回复TD退订", "如需取消接收请回复QX"))
    return text


_AGENT_WHO = (
    "我是{city}{surname}氏地产的置业顾问{name}", "我是{surname}记二手房的经纪人", "我是{shop}的店长",
    "我是{city}车行的销售{name}", "我是保险公司的{surname}经理", "我是装修公司的设计师{surname}",
    "我是小区门口房产中介的{name}", "我是{city}{surname}记4S店的顾问",
)  # fmt: skip
_AGENT_OFFER = (
    "楼下有个车位低于市场价出售", "手上有一批团购房源，一口价，不限楼层", "店里新到了一批车，试驾送礼品",
    "您家车险下个月到期，续保有优惠", "咱们小区有套两居室要出租", "最近房价有调整，可以了解一下",
    "您上次看的那套房业主降价了", "免费上门量房出设计图",
)  # fmt: skip
_AGENT_CLOSE = (
    "有兴趣的话联系我，微信同号", "欢迎到店里喝茶", "期待为您服务！", "有需要随时找我", "不打扰了，祝您生活愉快",
    "电话{phone}", "您可以先了解一下",
)  # fmt: skip


def agent_chat(rng: Rng) -> str:
    """An estate, car or insurance agent's message: introduces himself, offers, leaves a number."""
    parts = [_one(rng, ("您好，", "你好，", "{name}您好，", "打扰了，", "")) + _one(rng, _AGENT_WHO)]
    parts += _some(rng, _AGENT_OFFER, 1, 2) + [_one(rng, _AGENT_CLOSE)]
    text = _join(rng, parts, ("，", "。", "！", "～"))
    if rng.random() < 0.2:
        text += _one(rng, _EMOJI)
    return text


_ASK_FORMS = (
    "我想关闭{loanapp}", "我想注销{loanapp}怎么操作", "我的{loanapp}账号是别人的身份证，联系不上他了怎么办",
    "我之前的号给别人用了，现在想关掉{loanapp}", "{loanapp}提额活动要分享才生效，怎么分享", "{loanapp}能提现金吗",
    "我换了个支付宝，{loanapp}怎么迁过去", "{loanapp}开通的账号是QQ号登录的，现在找不到了", "是你们的号码吗",
    "刚才打电话给我的是你们的号码吗", "我的银行卡换了，还款卡怎么改", "我想把欠款转到另一个账号还可以吗",
    "{gm}账号被盗了怎么找回", "{gm}充值没到账", "{gm}怎么解除防沉迷", "我在{tradeplat}买的号被找回了，能退款吗",
    "{dating}会员怎么取消自动续费", "{dating}怎么注销账号", "兼职工资什么时候发", "面试要带什么材料",
    "结清证明在哪里下载", "征信报告怎么查", "我的{loanapp}额度怎么没了", "{loanapp}逾期一天有事吗",
    "身份证过期了，{loanapp}还能用吗", "怎么把{loanapp}的自动扣款关掉", "取现金", "我要关闭",
)  # fmt: skip


def user_ask(rng: Rng) -> str:
    """A user's own first-person question about their loan, game, dating or job account (the fintech and
    app customer-service chats are full of them)."""
    text = _one(rng, _ASK_FORMS)
    if rng.random() < 0.3:
        text = _one(rng, ("你好，", "客服你好，", "请问", "您好，", "问一下，")) + text
    return text + _one(rng, ("", "", "？", "?", "。", "，谢谢", "啊"))


# News and police reports retell each kind of scam in the third person: the same vocabulary, told, not asked.
_NEWS_WHO = (
    "近日，{city}市民{surname}女士", "{date}，{city}的{surname}先生", "据{city}警方通报，一名大学生", "{city}一名宝妈",
    "记者从{city}公安局获悉，{surname}某", "{city}反诈中心近日接到报案，市民{surname}先生", "家住{city}的{surname}阿姨",
)  # fmt: skip
_NEWS_HOOK = (
    "在网上看到一则“点赞关注日结”的兼职广告", "在{dating}上结识了一名自称在国外工作的“男友”",
    "接到自称{tradeplat}客服的电话，称其出售的游戏账号被冻结", "收到一条自称是公司领导的好友申请",
    "接到自称{loanapp}客服的电话，称其校园贷账户需要注销", "接到自称{city}公安局民警的电话，称其涉嫌洗钱",
    "在{video}上看到低息无抵押贷款的广告", "收到“老同学”的微信，称在外地急需用钱",
    "接到自称快递公司客服的电话，称其快递丢失要理赔", "被拉进一个“免费领礼品”的微信群",
)  # fmt: skip
_NEWS_TURN = (
    "对方以完成任务返佣金为由，让其先垫付", "对方称平台有漏洞可以稳赚，诱导其充值", "对方以解冻账户为由要求缴纳保证金",
    "对方称需要刷流水证明还款能力", "对方要求其将资金转入所谓的安全账户", "对方以开会不方便为由让其先转账给“合作方”",
    "对方指导其下载会议软件并开启屏幕共享", "对方以手术费、路费等理由多次借钱",
)  # fmt: skip
_NEWS_END = (
    "先后转账{large}元后才发现被骗，随即报警", "累计被骗{large}元", "在民警劝阻下及时止损",
    "民警提醒：凡是要求先交钱、垫付、转账到陌生账户的，都是诈骗",
    "目前，案件正在进一步侦办中", "警方提示：遇到此类情况请拨打96110咨询",
)  # fmt: skip


def news_story(rng: Rng) -> str:
    """A news or police report retelling a scam of one of these kinds (third person, after the fact)."""
    parts = [
        _one(rng, _NEWS_WHO) + _one(rng, _NEWS_HOOK),
        _one(rng, _NEWS_TURN),
        *_some(rng, _NEWS_END, 1, 2),
    ]
    return _join(rng, parts, ("，", "。"))


COMPOSED: dict[str, Callable[[Rng], str]] = {
    "news_story": news_story,
    "polite_marketing": polite_marketing,
    "agent_chat": agent_chat,
    "user_ask": user_ask,
    "polite_letter": polite_letter,
}


def benign_template(rng: Rng, genre: str) -> str:
    """A benign text of `genre` (a template; sometimes two messages of the same genre together)."""
    if genre in COMPOSED:
        return COMPOSED[genre](rng)
    options = BENIGN_MORE[genre]
    text = _one(rng, options)
    if rng.random() < 0.15:
        text += _one(rng, ("\n", " ", "。", "，")) + _one(rng, options)
    return text


# -- surface variety -----------------------------------------------------------------------------------------

_PUNCT = re.compile(r"[，。！？、；：,.!?;:～~]")
_LONG_DIGITS = re.compile(r"\d{5,}")


def vary(rng: Rng, text: str) -> str:
    """The same text as phones show it: no punctuation, half-width punctuation, masked numbers, emoji,
    spaces. Applied alike to scams and benign texts, so none of it tells one from the other."""
    r = rng.random()
    if r < 0.08:
        text = _PUNCT.sub(_one(rng, ("", " ")), text)
    elif r < 0.16:
        text = text.replace("，", ",").replace("！", "!").replace("？", "?").replace("：", ":")
    if rng.random() < 0.15:
        mask = _one(rng, _MASKS)
        text = _LONG_DIGITS.sub(mask, text)
    if rng.random() < 0.06:
        text += _one(rng, _EMOJI)
    if rng.random() < 0.04:
        text = text.replace("。", "。\n")
    return text
