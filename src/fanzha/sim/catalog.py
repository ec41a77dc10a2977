"""Fixed vocabularies of the world: cities, banks, platforms, couriers, goods, apps, lenders, names.

Order matters (indices are drawn by the random streams), so entries are only ever appended.
"""

from __future__ import annotations

#: (city, relative population weight)
CITIES: tuple[tuple[str, float], ...] = (
    ("上海", 9.0),
    ("北京", 8.0),
    ("广州", 7.0),
    ("深圳", 7.0),
    ("杭州", 5.0),
    ("成都", 6.0),
    ("重庆", 6.0),
    ("武汉", 5.0),
    ("南京", 4.5),
    ("西安", 4.5),
    ("苏州", 4.0),
    ("天津", 4.0),
    ("长沙", 3.5),
    ("郑州", 4.0),
    ("青岛", 3.0),
    ("沈阳", 3.0),
    ("宁波", 2.5),
    ("东莞", 3.0),
    ("佛山", 3.0),
    ("合肥", 3.0),
    ("昆明", 2.5),
    ("福州", 2.5),
    ("厦门", 2.0),
    ("济南", 2.5),
    ("哈尔滨", 2.5),
    ("南宁", 2.0),
    ("石家庄", 2.5),
    ("贵阳", 2.0),
    ("南昌", 2.0),
    ("舟山", 0.6),
    ("涪陵", 0.6),
    ("汝州", 0.5),
)
#: cities where gangs' cash-out operators withdraw (border and big southern cities)
CASHOUT_CITIES: tuple[str, ...] = (
    "广州",
    "佛山",
    "东莞",
    "深圳",
    "南宁",
    "昆明",
    "西双版纳",
    "瑞丽",
    "东兴",
    "厦门",
)

BANKS: tuple[tuple[str, float], ...] = (
    ("工商银行", 10.0),
    ("建设银行", 9.0),
    ("农业银行", 8.0),
    ("中国银行", 6.0),
    ("招商银行", 5.0),
    ("交通银行", 3.0),
    ("邮储银行", 4.0),
    ("农村信用社", 2.5),
    ("农商银行", 2.5),
    ("平安银行", 2.0),
    ("浦发银行", 1.5),
    ("民生银行", 1.5),
    ("兴业银行", 1.5),
    ("中信银行", 1.5),
)
#: (wallet, weight): third-party payment accounts
WALLETS: tuple[tuple[str, float], ...] = (("支付宝", 6.0), ("微信支付", 6.0), ("云闪付", 1.0))

#: platforms that shops sell on
PLATFORMS: tuple[tuple[str, float], ...] = (
    ("淘宝", 9.0),
    ("天猫", 6.0),
    ("京东", 7.0),
    ("拼多多", 7.0),
    ("抖音", 4.0),
    ("快手", 2.5),
    ("唯品会", 1.0),
    ("美团", 1.5),
)
#: (courier, weight, tracking-number prefix)
COURIERS: tuple[tuple[str, float, str], ...] = (
    ("顺丰", 4.0, "SF"),
    ("中通", 6.0, "ZT"),
    ("圆通", 5.0, "YT"),
    ("韵达", 5.0, "YD"),
    ("申通", 4.0, "ST"),
    ("极兔", 4.0, "JT"),
    ("京东物流", 3.5, "JD"),
    ("EMS", 1.5, "EM"),
    ("德邦", 1.0, "DP"),
)
#: (item, category, median price in yuan)
ITEMS: tuple[tuple[str, str, float], ...] = (
    ("补水精华", "美妆", 129.0),
    ("面膜", "美妆", 79.0),
    ("口红", "美妆", 159.0),
    ("防晒霜", "美妆", 89.0),
    ("纸尿裤", "母婴", 139.0),
    ("奶粉", "母婴", 268.0),
    ("儿童外套", "母婴", 119.0),
    ("外套", "服装", 299.0),
    ("羽绒服", "服装", 499.0),
    ("运动鞋", "服装", 359.0),
    ("连衣裙", "服装", 189.0),
    ("手膜", "美妆", 39.0),
    ("蓝牙耳机", "数码", 199.0),
    ("手机壳", "数码", 29.0),
    ("充电宝", "数码", 99.0),
    ("机械键盘", "数码", 329.0),
    ("空气炸锅", "家电", 299.0),
    ("电饭煲", "家电", 259.0),
    ("吸尘器", "家电", 699.0),
    ("电动牙刷", "家电", 149.0),
    ("零食大礼包", "食品", 59.0),
    ("茶叶", "食品", 168.0),
    ("大米", "食品", 69.0),
    ("坚果", "食品", 89.0),
    ("洗衣液", "日用", 49.0),
    ("抽纸", "日用", 39.0),
    ("四件套", "家纺", 229.0),
    ("枕头", "家纺", 99.0),
    ("保温杯", "日用", 79.0),
    ("书包", "文具", 139.0),
    ("台灯", "家居", 119.0),
    ("收纳箱", "家居", 59.0),
)
SHOP_WORDS: tuple[str, ...] = (
    "旗舰店",
    "专营店",
    "官方店",
    "小铺",
    "优选",
    "严选",
    "生活馆",
    "工厂店",
    "百货",
    "超市",
)
SHOP_STEMS: tuple[str, ...] = (
    "悦颜",
    "木子",
    "优家",
    "橙意",
    "小熊",
    "云朵",
    "星河",
    "暖阳",
    "青禾",
    "拾光",
    "好物",
    "森屿",
    "鹿角",
    "米粒",
    "蓝鲸",
    "初见",
    "一品",
    "锦绣",
    "匠心",
    "花漾",
    "清风",
    "晨曦",
    "麦田",
    "果果",
)

#: lenders: (name, kind of product) — sources of loan money
LENDERS: tuple[str, ...] = (
    "蚂蚁借呗",
    "花呗",
    "支付宝备用金",
    "京东金条",
    "微粒贷",
    "度小满",
    "美团借钱",
    "360借条",
    "天星金融",
    "招联金融",
    "银行信用贷",
)
RESERVE_FUND_LENDER = 2  # index of 支付宝备用金 in LENDERS

#: employers' payroll accounts (sources of salaries and pensions)
EMPLOYERS: tuple[str, ...] = (
    "社保中心",
    "制造企业",
    "互联网公司",
    "医院",
    "学校",
    "物流公司",
    "餐饮企业",
    "建筑公司",
    "商场",
    "政府机关",
    "银行",
    "软件公司",
)

SURNAMES: tuple[str, ...] = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "罗",
    "高",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "冯",
    "邓",
    "曹",
    "彭",
    "曾",
    "田",
    "萧",
)
GIVEN: tuple[str, ...] = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "婷",
    "雪",
    "慧",
    "建华",
    "志强",
    "晓燕",
    "子涵",
    "宇轩",
    "欣怡",
    "浩然",
    "梓萱",
    "俊杰",
    "佳怡",
    "思远",
    "雨桐",
    "文博",
)
OCCUPATIONS: tuple[str, ...] = (
    "office",
    "worker",
    "service",
    "student",
    "retired",
    "self_employed",
    "homemaker",
)

#: apps a person may install; the scam uses some of them, so does ordinary life
CHAT_APPS: tuple[str, ...] = ("QQ", "TIM", "微信")
MEETING_APPS: tuple[str, ...] = ("小鱼易连", "腾讯会议", "钉钉会议", "ZOOM", "网易会议", "飞书会议")
REMOTE_APPS: tuple[str, ...] = ("向日葵", "ToDesk", "TeamViewer")
SCAM_EXTRA_APPS: tuple[str, ...] = ("退税助手", "安全中心", "云会议")
PHONE_MODELS: tuple[str, ...] = (
    "华为 Mate 60",
    "华为 nova 11",
    "小米 14",
    "Redmi K70",
    "OPPO Reno11",
    "vivo X100",
    "iPhone 15",
    "iPhone 13",
    "荣耀 90",
    "一加 12",
)

#: the first six digits of each bank's debit cards, in the order of BANKS (card numbers of the world are made from
#: them: `fanzha.sim.world.card_number`)
BANK_BINS: tuple[str, ...] = (
    "622202",
    "621700",
    "622848",
    "621661",
    "622588",
    "622262",
    "621799",
    "622682",
    "623066",
    "622155",
    "622521",
    "622622",
    "622909",
    "622690",
)
#: telephone area codes, in the order of CITIES (courier outlets' landlines)
AREA_CODES: tuple[str, ...] = (
    "021",
    "010",
    "020",
    "0755",
    "0571",
    "028",
    "023",
    "027",
    "025",
    "029",
    "0512",
    "022",
    "0731",
    "0371",
    "0532",
    "024",
    "0574",
    "0769",
    "0757",
    "0551",
    "0871",
    "0591",
    "0592",
    "0531",
    "0451",
    "0771",
    "0311",
    "0851",
    "0791",
    "0580",
    "023",
    "0375",
)
#: words of the phishing domains gangs register (tuikuan-x7k2.top)
DOMAIN_WORDS: tuple[str, ...] = (
    "tuikuan",
    "lipei",
    "kefu",
    "tuishui",
    "refund",
    "shouhou",
    "pay-safe",
    "jd-kf",
    "tb-kf",
    "pdd-lp",
)
DOMAIN_TLDS: tuple[str, ...] = ("top", "xyz", "vip", "cc", "icu", "shop")
MAIL_HOSTS: tuple[str, ...] = ("163.com", "126.com", "qq.com", "sina.com")

# -- issue 19: ordinary life that looks like a scam, third parties, the seeds' behaviours -------------------------

#: lenders outside the world's first list (and outside the knowledge base's lexicon): small consumer-loan apps
OUTSIDE_LENDERS: tuple[str, ...] = ("洋钱罐", "省呗", "宜享花", "小赢卡贷", "豆豆钱", "极融借款")
#: payment processors (聚合支付 / 第三方支付) whose clearing accounts the gangs route money through
PROCESSORS: tuple[str, ...] = (
    "拉卡拉",
    "汇付天下",
    "易宝支付",
    "连连支付",
    "通联支付",
    "快钱",
    "随行付",
    "乐刷",
)
#: small businesses whose collection QR codes (收款码) victims are made to pay
QR_SHOPS: tuple[str, ...] = ("便利店", "水果店", "奶茶店", "小吃店", "五金店", "烟酒店", "花店", "理发店")
#: shops a peel chain buys from (goods that resell)
SELLERS: tuple[str, ...] = ("金店", "手机店", "烟酒行", "电器城", "奢侈品回收", "数码城")
#: sinks of the new cash-outs: (account kind, label)
GIFT_CARD_PLATFORMS: tuple[str, ...] = ("购物卡回收", "京东E卡", "话费充值卡", "游戏点卡", "加油卡")
OVERSEAS: tuple[str, ...] = ("缅甸", "柬埔寨", "老挝", "香港", "越南", "菲律宾")
#: car dealers and letting agencies that call people (their genuine business)
DEALERS: tuple[str, ...] = ("比亚迪4S店", "大众4S店", "丰田4S店", "吉利4S店", "长安汽车4S店", "瓜子二手车")
CARS: tuple[str, ...] = ("秦PLUS", "朗逸", "卡罗拉", "星瑞", "CS75", "宋PRO", "速腾", "轩逸")
AGENCIES: tuple[str, ...] = ("链家", "我爱我家", "贝壳找房", "中原地产", "麦田房产", "自如")
