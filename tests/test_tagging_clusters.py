"""Near-duplicate clustering: one story on AMZ123, 雨果网 and 亿邦 is one cluster; others are not.

The stories below are realistic rewrites: each source writes its own title and sentences around
the same facts. The distractors are different stories on the same topic (two FBA fee notices,
two CPSC stories, two eBay changes, two verification rules), which must stay apart.
"""

from __future__ import annotations

import itertools

import pytest

from policyradar.tagging import THRESHOLD, assign_cluster, signature, similarity
from policyradar.tagging.clusters import SIGNATURE_SIZE

STORIES: dict[str, list[str]] = {
    "mfn-handling-time": [
        # AMZ123 快讯
        "亚马逊MFN备货时间新规6月29日生效，严禁虚报时效\n"
        "亚马逊美国站更新自配送备货时间政策：自6月29日起，系统将根据卖家实际发货表现校验备货时间设置，"
        "虚报备货时间的卖家可能面临商品停售或账户绩效警告。",
        # 雨果网
        "亚马逊美国站自配送备货时间新规下周生效，虚报时效或致商品停售\n"
        "雨果网从亚马逊美国站获悉，自6月29日起，亚马逊将根据卖家过去的实际发货表现，自动校验自配送商品的"
        "备货时间设置。亚马逊表示，虚报备货时间的卖家可能收到账户绩效警告，严重者商品将被停售。"
        "业内人士建议自发货卖家尽快核对配送模板中的备货时间。",
        # 亿邦动力
        "6月29日起，亚马逊将校验自发货卖家的备货时间\n"
        "亿邦动力获悉，亚马逊美国站近日通知自配送（MFN）卖家，6月29日起系统将按实际发货表现校验备货时间，"
        "对虚报备货时间的卖家采取商品停售、账户绩效警告等措施。",
    ],
    "cpsc-efiling": [
        "美国CPSC：7月15日起儿童产品进口须通过eFiling电子申报证书\n"
        "美国消费品安全委员会（CPSC）发布提醒，自2026年7月15日起，进口至美国的儿童产品须通过eFiling系统"
        "以电子方式提交儿童产品证书（CPC），未按要求申报的货物可能在清关时被扣留。",
        "美国CPSC加强儿童产品eFiling电子申报，卖家需提前准备证书\n"
        "美国消费品安全委员会（CPSC）宣布，自2026年7月15日起，进口至美国的儿童产品须通过eFiling系统以电子"
        "方式提交儿童产品证书（CPC）。卖家需要确保证书信息与商品、检测报告一致，并由进口商在报关时提交。"
        "未按要求申报的货物可能在清关时被扣留。",
        "CPSC电子申报7月15日起强制执行，儿童产品卖家如何准备？\n"
        "7月15日起，出口美国的儿童产品需要在进口报关时通过CPSC的eFiling系统提交儿童产品证书（CPC）"
        "电子数据，否则货物可能在清关环节被扣留。亿邦动力梳理了卖家需要准备的检测报告和证书信息。",
    ],
    "ebay-ddp": [
        "eBay调整欧盟直邮清关规则：7月1日起≤150欧订单须DDP申报\n"
        "eBay通知跨境卖家，自7月1日起，发往欧盟且货值不超过150欧元的直邮订单须以DDP（完税后交货）方式申报，"
        "由平台代收代缴进口增值税。",
        "eBay欧盟直邮新规：7月1日起150欧元以下订单须DDP申报\n"
        "eBay近日通知跨境卖家，自7月1日起，发往欧盟且货值不超过150欧元的直邮订单须以DDP方式申报。"
        "平台将在买家下单时代收进口增值税，并通过IOSS向欧盟成员国申报缴纳。卖家需在发货时使用平台提供的"
        "IOSS编号。未按要求申报的包裹可能在目的国被要求补缴税款或退回。",
        "eBay：欧盟150欧元以下直邮订单7月起改为DDP\n"
        "eBay宣布，7月1日起，卖家发往欧盟的直邮订单中，货值不超过150欧元的包裹将统一按DDP方式申报，"
        "进口增值税由eBay在结账时代收并通过IOSS缴纳，卖家需使用平台提供的IOSS编号。",
    ],
    "two-step-verification": [
        "Two-step verification will be required for all Seller Central sign-ins starting "
        "July 15, 2024\n"
        "To help protect your account, two-step verification will be required for all Seller "
        "Central sign-ins starting July 15, 2024. After this date, users who have not turned on "
        "two-step verification will not be able to sign in until they set it up.",
        "Amazon makes two-step verification mandatory for Seller Central from July 15\n"
        "Amazon told sellers that two-step verification will be required for every Seller "
        "Central sign-in starting July 15, 2024. Users who have not turned it on by then will not "
        "be able to sign in until they set it up with an authenticator app or a phone number.",
        "Seller Central sign-ins to require two-step verification from July 15, 2024\n"
        "Starting July 15, 2024, Amazon will require two-step verification for all sign-ins to "
        "Seller Central. Account owners should ask every secondary user to set up their own "
        "verification method before that date, Amazon said.",
    ],
}

DISTRACTORS: list[tuple[str, str]] = [
    (  # two FBA fee notices for the US store
        "亚马逊美国站FBA入库配置服务费调整，最低配置选项费用上涨\n"
        "雨果网从亚马逊美国站获悉，亚马逊物流入库配置服务费将于近期更新费率。新费率下，选择亚马逊优化的"
        "多地点入库配置可免除该费用；选择最少配置选项的卖家，每件标准尺寸商品的费用最高上涨至0.68美元。",
        "亚马逊美国站7月15日起调整低库存水平费，新增季节性商品豁免\n"
        "雨果网从亚马逊美国站获悉，亚马逊将自2026年7月15日起调整低库存水平费的计算方式。季节性商品在旺季前"
        "的备货期内将不再被计入低库存水平费的计算范围；上架不满365天的新品继续享受豁免。",
    ),
    (  # two CPSC stories
        "存窒息风险，美国CPSC紧急召回超7万件牙胶玩具\n"
        "美国消费品安全委员会（CPSC）近日发布召回通知，一款婴儿牙胶玩具因硅胶部件可能脱落，存在导致婴幼儿"
        "窒息的风险，召回数量超过7万件。亚马逊已下架相关商品。",
        STORIES["cpsc-efiling"][0],
    ),
    (  # two eBay changes
        STORIES["ebay-ddp"][0],
        "eBay英国站10月起上调成交费，部分类目涨幅达1个百分点\n"
        "eBay通知英国站卖家，自10月1日起，服装、家居等部分类目的成交费将上调0.5至1个百分点，店铺订阅卖家"
        "的月租保持不变。",
    ),
    (  # two verification rules
        STORIES["two-step-verification"][0],
        "Identity verification: sellers in Japan must complete a video call\n"
        "Starting January 2026, some sellers in the Amazon Japan store will need to submit their "
        "identity documents again and complete a video call. Accounts that are not verified "
        "within 30 days may have their selling privileges suspended.",
    ),
    (  # same source, same week, different Amazon stories
        STORIES["mfn-handling-time"][0],
        "亚马逊欧洲站9月1日起强制填写MRN/EORI，未完善将影响泛欧库存调拨\n"
        "亚马逊欧洲站通知卖家，自2026年9月1日起，参与泛欧计划的卖家须在卖家平台中提供有效的EORI号码，"
        "跨境调拨货件须填写MRN，信息不完整的商品将暂停跨国调拨。",
    ),
]


def _pairs_within_stories() -> list[tuple[str, str, str]]:
    return [
        (name, a, b) for name, texts in STORIES.items() for a, b in itertools.combinations(texts, 2)
    ]


def test_signature_is_stable_sorted_and_bounded() -> None:
    text = STORIES["ebay-ddp"][1]
    sig = signature(text)
    assert sig == signature(text)  # no per-process hash seed
    assert sig == sorted(sig)
    assert 0 < len(sig) <= SIGNATURE_SIZE
    assert all(0 <= h < 2**63 for h in sig)


def test_similarity_bounds() -> None:
    sig = signature(STORIES["cpsc-efiling"][0])
    assert similarity(sig, sig) == 1.0
    assert similarity(sig, []) == 0.0
    assert similarity(signature("完全无关的一句话"), sig) < 0.1


def test_traditional_and_simplified_rewrites_are_near_duplicates() -> None:
    simplified = STORIES["mfn-handling-time"][0]
    traditional = (
        "亞馬遜MFN備貨時間新規6月29日生效，嚴禁虛報時效\n"
        "亞馬遜美國站更新自配送備貨時間政策：自6月29日起，系統將根據賣家實際發貨表現校驗備貨時間設置，"
        "虛報備貨時間的賣家可能面臨商品停售或賬戶績效警告。"
    )
    assert similarity(signature(simplified), signature(traditional)) > 0.8


@pytest.mark.parametrize(("story", "a", "b"), _pairs_within_stories())
def test_same_story_on_two_sources_is_similar(story: str, a: str, b: str) -> None:
    score = similarity(signature(a), signature(b))
    print(f"{story}: {score:.2f}")
    assert score >= THRESHOLD


@pytest.mark.parametrize(("a", "b"), DISTRACTORS)
def test_different_stories_on_one_topic_are_not(a: str, b: str) -> None:
    score = similarity(signature(a), signature(b))
    print(f"distractor: {score:.2f}")
    assert score < THRESHOLD


def test_one_story_on_three_sources_becomes_one_cluster() -> None:
    """Feed the changes in arrival order, as the pipeline does, and keep each one's cluster."""
    arrivals = [
        (101, STORIES["mfn-handling-time"][0]),
        (102, DISTRACTORS[4][1]),  # another story, same week
        (103, STORIES["mfn-handling-time"][1]),
        (104, STORIES["ebay-ddp"][0]),
        (105, STORIES["mfn-handling-time"][2]),
        (106, DISTRACTORS[2][1]),  # another eBay story
    ]
    seen: dict[int, tuple[str | None, list[int]]] = {}
    for change_id, text in arrivals:
        sig = signature(text)
        candidates = [(cid, cluster, other) for cid, (cluster, other) in seen.items()]
        cluster = assign_cluster(sig, candidates)
        if cluster is not None and cluster.startswith("c"):
            # the first member gets the cluster id too when it had none
            for cid, (old, other) in list(seen.items()):
                if old is None and cluster == f"c{cid}":
                    seen[cid] = (cluster, other)
        seen[change_id] = (cluster, sig)
    clusters = {cid: cluster for cid, (cluster, _) in seen.items()}
    assert clusters[101] == clusters[103] == clusters[105] == "c101"
    assert clusters[102] is None
    assert clusters[104] is None
    assert clusters[106] is None


def test_assign_cluster_prefers_the_most_similar_candidate() -> None:
    story = STORIES["cpsc-efiling"]
    candidates = [
        (1, "c1", signature(DISTRACTORS[1][0])),  # the recall story
        (2, "c7", signature(story[0])),
        (3, None, signature(story[2])),
    ]
    assert assign_cluster(signature(story[1]), candidates) == "c7"
    assert assign_cluster(signature(story[1]), candidates[2:]) == "c3"
    assert assign_cluster(signature(story[1]), candidates[:1]) is None
    assert assign_cluster(signature(story[1]), []) is None
