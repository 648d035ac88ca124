"""The seller's [profile]: validated with the valid choices named; it leaves out of digests the
changes about only marketplaces or programmes the seller does not use (they stay searchable),
and puts first what fits them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from policyradar.config import ConfigError, Profile, load_config
from policyradar.digest.build import build_digest
from policyradar.digest.subscriptions import Subscription
from policyradar.tagging.profile import left_out, programmes_of, relevance
from tests.test_digest_support import NOW, make_rows

if TYPE_CHECKING:
    from pathlib import Path

SOURCES = '[[source]]\nid = "x"\nkind = "page"\nurl = "https://example.com/"\n'


def load(tmp_path: Path, profile: str) -> Profile:
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "config.toml").write_text(f"[profile]\n{profile}\n", encoding="utf-8")
    return load_config(tmp_path).profile


def test_a_profile_loads_with_its_codes_in_their_canonical_case(tmp_path: Path) -> None:
    profile = load(
        tmp_path,
        'marketplaces = ["us", "EU"]\nfulfilment = ["fba"]\n'
        'product_categories = ["Apparel", "toys"]\nbrand_registered = true',
    )
    assert profile == Profile(
        marketplaces=("US", "EU"),
        fulfilment=("FBA",),
        product_categories=("apparel", "toys"),
        brand_registered=True,
    )
    assert load(tmp_path, "") == Profile()


@pytest.mark.parametrize(
    ("line", "field", "says"),
    [
        ('marketplaces = ["UKK"]', "profile.marketplaces", "(did you mean 'UK'?); valid: US, CA"),
        ('fulfilment = ["SFP"]', "profile.fulfilment", "unknown value 'SFP'; valid: FBA, FBM"),
        ('product_categories = ["toy"]', "profile.product_categories", "did you mean 'toys'?"),
        ('brand_registered = "yes"', "profile.brand_registered", "must be true or false"),
        ("colour = 1", "profile.colour", "unknown key 'colour'"),
    ],
)
def test_unknown_values_name_the_key_and_the_choices(
    tmp_path: Path, line: str, field: str, says: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, line)
    assert f"field '{field}'" in str(caught.value)
    assert says in str(caught.value)


# Real titles: tests/corpus/news/media_zh.toml (10100-digest-amazon-fbm-refund-safet) and
# SOURCES.md §2 / the demo's gs.amazon.cn notices.
def test_programmes_come_from_the_title_else_the_only_specific_category() -> None:
    assert programmes_of("亚马逊FBM退款政策调整:超时自动退款,丧失SAFE-T保障") == {"FBM"}
    assert programmes_of("3/31起生效!亚马逊FBA商品贴标政策变更，将终止共享库存!") == {"FBA"}
    # what every seller pays makes it everyone's
    assert programmes_of("2026年美国站亚马逊物流费用及销售佣金变更通知") == frozenset()
    assert programmes_of("Capacity update", "", ["fees", "fba"]) == {"FBA"}
    assert programmes_of("Capacity update", "", ["fba", "compliance"]) == frozenset()
    assert programmes_of("Brand Registry: new Transparency program features") == {"BRAND"}


def test_left_out_only_when_every_place_or_programme_is_unused() -> None:
    fba_us = Profile(marketplaces=("US",), fulfilment=("FBA",), brand_registered=False)
    common = {"text": "", "categories": ["returns"], "profile": fba_us}
    fbm = "亚马逊FBM退款政策调整:超时自动退款,丧失SAFE-T保障"
    assert left_out(title=fbm, marketplaces=["GLOBAL"], **common)
    assert not left_out(title=fbm, marketplaces=["GLOBAL"], **{**common, "profile": Profile()})
    assert left_out(title="x", marketplaces=["DE", "FR"], **common)
    assert not left_out(title="x", marketplaces=["US", "DE"], **common)
    assert left_out(title="Brand Registry update", marketplaces=["US"], **common)
    assert not left_out(title="x", marketplaces=["DE"], **common, wanted_marketplaces=["EU"])


def test_the_digest_leaves_out_and_orders_by_the_profile(tmp_path: Path) -> None:
    rows = make_rows(tmp_path)
    rows.source("forum", "Seller Forums", marketplace="US")
    plain = rows.change("Inbound placement fee update", source="forum", marketplaces=["US"])
    toys = rows.change(
        "美国CPSC加强儿童产品eFiling电子申报，卖家需提前准备证书",
        "美国站 儿童产品 玩具",
        source="forum",
        marketplaces=["US"],
    )
    europe = rows.change("欧洲站EPR合规要求更新", marketplaces=["DE", "FR"])
    fbm = rows.change("亚马逊FBM退款政策调整:超时自动退款", marketplaces=["GLOBAL"])
    sub = Subscription(name="team", url="json://127.0.0.1:9/h")
    changes = rows.storage.undelivered("team")
    everyone = build_digest(changes, sub, now=NOW)
    assert everyone is not None
    assert set(everyone.change_ids) == {plain, toys, europe, fbm}
    profile = Profile(marketplaces=("US",), fulfilment=("FBA",), product_categories=("toys",))
    mine = build_digest(changes, sub, now=NOW, profile=profile)
    assert mine is not None
    assert [i.change_id for i in mine.items] == [toys, plain]  # toys first: what they sell
    assert set(mine.skipped_ids) == {europe, fbm}  # stay undelivered, searchable
    assert (
        relevance(title="玩具", text="", categories=[], marketplaces=["US"], profile=profile) == 3
    )
