"""Word material for the generated site: policy and news sentences in Chinese and English."""

from __future__ import annotations

import random
from dataclasses import dataclass

SLOTS_ZH = {
    "site": ["美国站", "英国站", "德国站", "日本站", "欧洲站", "加拿大站", "墨西哥站", "澳洲站"],
    "fee": [
        "低库存水平费",
        "入库配置服务费",
        "仓储利用率附加费",
        "FBA配送费",
        "退货处理费",
        "长期仓储费",
        "销售佣金",
        "移除订单费",
    ],
    "cat": [
        "家居厨房",
        "服装鞋靴",
        "电子产品",
        "美妆个护",
        "母婴用品",
        "户外运动",
        "宠物用品",
        "汽配",
    ],
    "prog": [
        "品牌备案",
        "账户健康评级",
        "透明计划",
        "Vine计划",
        "亚马逊物流",
        "多渠道配送",
        "EPR合规",
    ],
    "doc": ["产品安全证书", "欧盟代表信息", "增值税号", "营业执照", "CPC证书", "检测报告", "发票"],
}
SLOTS_EN = {
    "site": ["US", "UK", "Germany", "Japan", "EU", "Canada", "Mexico", "Australia"],
    "fee": [
        "low-inventory-level fee",
        "inbound placement service fee",
        "storage utilization surcharge",
        "FBA fulfillment fee",
        "returns processing fee",
        "aged inventory surcharge",
        "referral fee",
        "removal order fee",
    ],
    "cat": ["Home & Kitchen", "Apparel", "Electronics", "Beauty", "Baby", "Sports", "Pet Supplies"],
    "prog": [
        "Brand Registry",
        "Account Health Rating",
        "Transparency",
        "Vine",
        "FBA",
        "Buy with Prime",
    ],
    "doc": ["Certificate of Conformity", "EU Responsible Person details", "VAT number", "invoice"],
}

ZH_SENTENCES = [
    "自{date}起，{site}将调整{cat}类目的{fee}，每件商品的收费标准由{a1}美元调整为{a2}美元。",
    "亚马逊表示，此次调整旨在提升库存周转效率，减少仓储空间的浪费，卖家应提前规划补货节奏。",
    "卖家可以在卖家平台的“库存绩效”页面查看受影响的商品清单，并在{date}前完成调整。",
    "根据新规，未在规定时间内提交{doc}的商品将被暂时下架，直至资料审核通过。",
    "对于已加入{prog}的品牌卖家，平台将提供为期{n}天的过渡期，期间不收取额外费用。",
    "业内人士分析，{fee}的上调将使{cat}类目的平均利润率下降约{pct}个百分点。",
    "平台同时提醒，卖家需确保商品详情页中的信息与实际商品一致，否则可能影响账户健康。",
    "如果卖家对费用计算结果有异议，可以在{n}个工作日内通过卖家支持提交申诉。",
    "近期多位卖家反映，{site}的入库预约时间明显延长，部分仓库的排队时间超过{n}天。",
    "为应对旺季需求，亚马逊计划在{site}新增{n}个配送中心，预计将缩短平均配送时长。",
    "{prog}的申请流程已经简化，卖家只需上传商标注册证明和{doc}即可提交申请。",
    "数据显示，{site}今年第三季度的第三方卖家销售额同比增长{pct}%，其中{cat}增长最快。",
    "新的退货政策要求卖家在收到退货请求后{n}小时内作出回应，逾期将自动批准退货。",
    "平台将对违反定价政策的商品采取限制措施，包括取消购买按钮资格和限制广告投放。",
    "从{date}开始，所有在{site}销售{cat}产品的卖家都必须提供有效的{doc}。",
    "专家建议卖家定期检查账户健康页面，及时处理政策违规警告，避免账户被暂停。",
    "此外，亚马逊更新了关于商品评论的政策，明确禁止以任何形式诱导买家留下好评。",
    "卖家应注意，使用第三方服务商提交的资料同样需要符合平台的真实性要求。",
    "本次调整不影响已经入库的商品，但新创建的货件将按照新的费率标准计算费用。",
    "为帮助卖家适应变化，平台将在{date}举办线上说明会，解答关于{fee}的常见问题。",
    "据了解，{site}的海关近期加强了对{cat}类进口商品的抽检力度，清关时间有所延长。",
    "欧盟通用产品安全法规（GPSR）要求卖家在商品页面展示制造商和负责人的联系方式。",
    "在最新公布的费用表中，标准尺寸商品的配送费平均上涨{pct}%，大件商品涨幅更高。",
    "卖家可通过“费用预览”报告估算调整后的成本，并据此调整商品定价策略。",
    "平台方面强调，所有变更均会提前至少{n}天通知，并在卖家平台的新闻栏目中公布。",
    "对于库存绩效指标低于{n}分的卖家，系统将限制其补货数量，直至指标恢复正常。",
    "跨境物流方面，{site}头程运费近期出现波动，部分航线的海运价格上涨{pct}%。",
    "有卖家表示，新规实施后，{prog}的审核周期由原来的{n}天缩短至{n2}天。",
    "亚马逊建议卖家使用“管理库存”工具批量更新商品信息，以减少人工操作的错误。",
    "针对{cat}类目，平台新增了{n}项合规要求，涉及标签、说明书和安全警示语。",
]
EN_SENTENCES = [
    "Starting {date}, the {fee} for {cat} products in the {site} store will change from "
    "${a1} to ${a2} per unit.",
    "Amazon said the change is intended to improve inventory turnover and reduce unused "
    "storage capacity across its fulfillment network.",
    "Sellers can review the list of affected ASINs on the Inventory Performance page and "
    "should make any adjustments before {date}.",
    "Under the updated policy, listings without a valid {doc} will be temporarily "
    "deactivated until the document has been reviewed.",
    "Brand owners enrolled in {prog} will receive a {n}-day grace period during which no "
    "additional fees apply.",
    "Analysts estimate that the higher {fee} will reduce average margins in {cat} by "
    "roughly {pct} percentage points.",
    "The marketplace also reminded sellers that product detail pages must accurately "
    "describe the item being sold, or account health may be affected.",
    "If you disagree with a fee calculation, you can open a case with Selling Partner "
    "Support within {n} business days.",
    "Several sellers have reported longer inbound appointment lead times in the {site} "
    "store, with some facilities quoting waits of more than {n} days.",
    "To prepare for peak season, Amazon plans to open {n} new fulfillment centers in the "
    "{site} store, which should shorten average delivery times.",
    "The {prog} application process has been simplified: sellers now only need to upload "
    "proof of trademark registration and a {doc}.",
    "Third-party sales in the {site} store grew {pct}% year over year in the third quarter, "
    "led by the {cat} category.",
    "The new returns policy requires sellers to respond to return requests within {n} "
    "hours; requests left unanswered are approved automatically.",
    "Listings that violate the fair pricing policy may lose Featured Offer eligibility and "
    "have their advertising campaigns paused.",
    "From {date}, every seller offering {cat} products in the {site} store must provide a "
    "valid {doc}.",
    "We recommend checking the Account Health dashboard regularly and resolving policy "
    "warnings promptly to avoid a suspension.",
    "Amazon has also updated its Community Guidelines to prohibit any attempt to "
    "incentivize customers to leave positive reviews.",
    "Documents submitted through third-party service providers must meet the same "
    "authenticity requirements as those uploaded directly.",
    "Inventory that has already been received is not affected; new shipments created "
    "after the effective date will be charged at the new rate.",
    "To help sellers adapt, a live webinar on {date} will answer common questions about the {fee}.",
    "Customs authorities in the {site} have stepped up inspections of imported {cat} goods, "
    "and clearance times have increased as a result.",
    "The EU General Product Safety Regulation requires listings to display the contact "
    "details of the manufacturer and the responsible person.",
    "According to the published rate card, fulfillment fees for standard-size items rise "
    "by {pct}% on average, with larger increases for oversize items.",
    "The Revenue Calculator and the fee preview report can be used to estimate the impact "
    "on your margins before you adjust prices.",
    "Amazon stressed that sellers will be notified at least {n} days before any fee change "
    "takes effect, through Seller Central News.",
    "Sellers whose Inventory Performance Index falls below {n} may face replenishment "
    "limits until their score recovers.",
    "Ocean freight rates on several routes into the {site} rose {pct}% this month, adding "
    "pressure on first-mile logistics costs.",
    "Some sellers say the review time for {prog} applications dropped from {n} days to "
    "{n2} days after the change.",
    "Use the bulk upload templates in Manage Inventory to update listings at scale and "
    "reduce manual errors.",
    "For the {cat} category, {n} new compliance requirements cover labeling, instructions "
    "and safety warnings.",
]
ZH_HEADINGS = [
    "政策要点",
    "适用范围",
    "费用说明",
    "卖家须知",
    "常见问题",
    "实施时间",
    "合规要求",
    "后续安排",
]
EN_HEADINGS = [
    "Key points",
    "Who is affected",
    "Fee details",
    "What sellers should do",
    "FAQ",
    "Timeline",
    "Compliance requirements",
    "Next steps",
]
ZH_TITLES = [
    "{site}{fee}调整通知",
    "关于{cat}类目{doc}要求的更新",
    "{prog}政策变更说明",
    "{site}物流时效与入库安排公告",
    "重要提醒：{date}起{fee}新标准生效",
    "{cat}类目合规要求更新（{site}）",
    "卖家须知：{prog}审核流程优化",
]
EN_TITLES = [
    "Changes to the {fee} in the {site} store",
    "Update to {doc} requirements for {cat}",
    "{prog} policy update",
    "Inbound capacity and delivery speed update for the {site} store",
    "Reminder: new {fee} rates take effect {date}",
    "Compliance update for {cat} ({site})",
    "Improvements to the {prog} review process",
]
ZH_NAV = [
    "首页",
    "政策解读",
    "平台公告",
    "物流仓储",
    "费用变化",
    "合规认证",
    "品牌保护",
    "广告推广",
    "税务合规",
    "选品分析",
    "行业数据",
    "卖家故事",
    "活动报名",
    "课程培训",
    "工具导航",
]
EN_NAV = [
    "Home",
    "Policy",
    "Announcements",
    "Logistics",
    "Fees",
    "Compliance",
    "Brand Protection",
    "Advertising",
    "Tax",
    "Product Research",
    "Market Data",
    "Seller Stories",
    "Events",
    "Courses",
    "Tools",
]
ZH_FOOTER = [
    "关于我们",
    "联系我们",
    "广告合作",
    "加入我们",
    "隐私政策",
    "用户协议",
    "网站地图",
    "投稿须知",
    "友情链接",
    "意见反馈",
]
EN_FOOTER = [
    "About us",
    "Contact",
    "Advertise",
    "Careers",
    "Privacy policy",
    "Terms of use",
    "Sitemap",
    "Write for us",
    "Partners",
    "Feedback",
]


@dataclass(frozen=True, slots=True)
class Lang:
    code: str
    sentences: list[str]
    headings: list[str]
    titles: list[str]
    nav: list[str]
    footer: list[str]
    slots: dict[str, list[str]]
    joiner: str


ZH = Lang("zh", ZH_SENTENCES, ZH_HEADINGS, ZH_TITLES, ZH_NAV, ZH_FOOTER, SLOTS_ZH, "")
EN = Lang("en", EN_SENTENCES, EN_HEADINGS, EN_TITLES, EN_NAV, EN_FOOTER, SLOTS_EN, " ")


def fill(template: str, lang: Lang, rng: random.Random) -> str:
    """Fill a template's slots with values drawn from ``rng``."""
    year, month, day = 2026, rng.randint(1, 12), rng.randint(1, 28)
    date = (
        f"{year}年{month}月{day}日" if lang.code == "zh" else f"{_MONTHS[month - 1]} {day}, {year}"
    )
    a1 = rng.randint(20, 900) / 100
    values = {name: rng.choice(options) for name, options in lang.slots.items()}
    return template.format(
        date=date,
        a1=f"{a1:.2f}",
        a2=f"{a1 + rng.randint(5, 60) / 100:.2f}",
        pct=rng.randint(2, 35),
        n=rng.randint(3, 90),
        n2=rng.randint(1, 30),
        **values,
    )


def paragraph(lang: Lang, rng: random.Random) -> str:
    """Three to six sentences, in the language's way of joining them."""
    count = rng.randint(3, 6)
    return lang.joiner.join(fill(rng.choice(lang.sentences), lang, rng) for _ in range(count))


def title(lang: Lang, rng: random.Random) -> str:
    return fill(rng.choice(lang.titles), lang, rng)


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
