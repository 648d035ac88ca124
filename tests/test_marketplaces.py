"""Marketplaces per change: what the text names (strongly, weakly, by money) against the source's
own marketplace, regions expanded; stored, shown in --json and the API, re-applied by reclassify,
and a subscription's `marketplaces` filter, through a real crawl of tests/fixtures/markets.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import TYPE_CHECKING

import pytest
from starlette.testclient import TestClient

from policyradar.tagging.marketplaces import (
    GLOBAL,
    covers,
    load_table,
    marketplaces_of,
    named_places,
)
from policyradar.web.app import create_app
from tests.markets_site import EU_FEES, EU_ZH, FBM, US_SAFETY, crawl_markets

if TYPE_CHECKING:
    from tests.conftest import Home

EU = ["DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE", "IE"]

# (text, the source's marketplace, the places it is about as named). Real headlines and
# sentences: SOURCES.md (§1.1, §1.3, §2, §3.1) and tests/corpus/news (ids in the comments).
CASES = [
    # a US source: only a strong sign (a store phrase, a domain, X站) overrides it
    ("Upcoming changes to Referral and FBA fees in our European stores", "US", ("EU",)),
    ("Effective August 8, 2022, Amazon is updating its Product safety alerts, recalls, stop "
     "sales, and market withdrawal policy.", "US", ("US",)),
    ("Compliance updates for e-mobility devices and e-mobility accessories in New York state",
     "US", ("US",)),
    ("Effective March 11, 2022, we are not accepting registrations from Russia or Belarus.", "CA",
     ("CA",)),
    ("We are making changes to the European VAT Calculation Services methodology Program Policy",
     "US", ("US",)),  # "European" without a store word is a weak sign: the source's stands
    ("see sellercentral-europe.amazon.com for the rate card", "US", ("EU",)),
    ("Buy on amazon.co.jp", "US", ("JP",)),
    # a GLOBAL source: any sign, money last
    ("3/31起生效!亚马逊FBA商品贴标政策变更，将终止共享库存!", "GLOBAL", ("GLOBAL",)),
    ("亚马逊正式公布2026年FBA费用与销售佣金调整细则:欧洲站1月5日、美国站1月15日起生效", "GLOBAL",
     ("EU", "US")),  # media_zh: the 2026 fee notice
    ("存窒息风险，美国CPSC紧急召回超7万件牙胶玩具", "GLOBAL", ("US",)),
    ("eBay调整欧盟直邮清关规则：7月1日起≤150欧订单须DDP申报", "GLOBAL", ("EU",)),
    ("亚马逊自有品牌Amazon Basics进军巴西市场", "GLOBAL", ("BR",)),
    ("Shopee在巴西测试快速配送服务", "GLOBAL", ("BR",)),
    ("亞馬遜歐洲站發布了最新的公告信息", "GLOBAL", ("EU",)),  # Traditional script (bjfgd)
    ("德國EPR包裝法將于2022年7月1日正式生效", "GLOBAL", ("DE",)),  # f0089, Traditional
    ("标准尺寸商品的配送费平均每件上涨0.15美元", "GLOBAL", ("US",)),  # money only
    ("印度尼西亚站点", "GLOBAL", ("ID",)),  # 印度尼西亚 is not 印度
    ("TikTok Shop美区调整佣金结构，部分类目上涨至8%", "GLOBAL", ("US",)),
    ("", "SEA", ("SEA",)),
    ("", "CN", (GLOBAL,)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "source", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_the_places_a_text_names(text: str, source: str, expected: tuple[str, ...]) -> None:
    assert named_places([text], source) == expected


def test_regions_expand_and_global_concerns_everyone() -> None:
    table = load_table()
    assert list(table.expand(["EU"])) == EU
    assert marketplaces_of("欧洲站卖家注意") == EU
    assert marketplaces_of("北美站") == ["US", "CA", "MX"]
    assert table.shown(["US", *EU]) == ("EU", "US")
    assert table.name("EU") == "欧洲站"
    assert table.name("DE", "en") == "Germany"
    assert covers(["GLOBAL"], ["US"])
    assert covers(["US"], ["US", "EU"])
    assert covers(["DE"], ["EU"])
    assert not covers(EU, ["US"])


def test_a_long_text_is_read_for_places_in_its_opening_only() -> None:
    # a notice names its marketplace early; the rest of a long page is not read for places
    # (bench/ measures what that saves per page)
    from policyradar.tagging.marketplaces import MARKET_CHARS

    body = "Starting August 1, 2024, we will implement changes in Referral fees. " * 2000
    assert named_places(["Fees in our European stores. " + body], "US") == ("EU",)
    assert len(body) > MARKET_CHARS
    assert named_places([body + " in our European stores"], "US") == ("US",)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, dict[str, dict]]:
    from tests.conftest import Home

    home = Home(tmp_path_factory.mktemp("markets") / "home")
    config = (
        "[[subscription]]\n"
        'name = "us-team"\nurl = "json://127.0.0.1:9/hook"\nmarketplaces = ["us"]\n\n'
        "[[subscription]]\n"
        'name = "everyone"\nurl = "json://127.0.0.1:9/hook"\n'
    )
    return home, crawl_markets(home, date.today(), config)


def test_each_change_is_about_what_its_text_names_else_its_source(crawled) -> None:
    _, found = crawled
    assert found[EU_FEES]["marketplaces"] == EU  # a US source, "in our European stores"
    assert found[EU_FEES]["marketplace"] == "US"  # the source's own stays beside it
    assert found[US_SAFETY]["marketplaces"] == ["US"]
    assert found[EU_ZH]["marketplaces"] == EU  # a GLOBAL source's notice about 欧洲站
    assert found[FBM]["marketplaces"] == ["GLOBAL"]


def test_a_us_subscription_gets_us_and_global_changes_never_european_ones(crawled) -> None:
    home, _found = crawled
    for name, wanted in (
        ("us-team", {US_SAFETY, FBM}),
        ("everyone", {US_SAFETY, FBM, EU_FEES, EU_ZH}),
    ):
        data = json.loads(home.run("digest", "--subscription", name, "--format", "json").stdout)
        items = [*data["urgent"], *(i for s in data["sections"] for i in s["items"])]
        assert {i["url"].rsplit("/", 1)[-1] for i in items} == wanted, name
        eu = next((i for i in items if i["url"].endswith(EU_FEES)), None)
        if eu is not None:
            assert eu["marketplaces"] == EU
    # left out, not gone: the European changes stay undelivered and searchable
    hits = home.json("search", "European")
    assert any(h["url"].endswith(EU_FEES) for h in hits)


def test_the_api_carries_marketplaces_and_reclassify_reapplies_them(crawled) -> None:
    home, found = crawled
    client = TestClient(create_app(home.path / "policyradar.db"), base_url="http://127.0.0.1")
    by_id = {c["id"]: c for c in client.get("/api/changes?limit=100").json()}
    assert by_id[found[EU_FEES]["id"]]["marketplaces"] == EU
    con = sqlite3.connect(home.path / "policyradar.db")
    con.execute("UPDATE changes SET marketplaces = '[\"JP\"]'")
    con.commit()
    con.close()
    assert {c["marketplaces"][0] for c in home.changes()} == {"JP"}
    home.run("reclassify")
    again = {c["url"].rsplit("/", 1)[-1]: c for c in home.changes()}
    assert again[EU_FEES]["marketplaces"] == EU
    assert again[US_SAFETY]["marketplaces"] == ["US"]
    assert again[EU_ZH]["marketplaces"] == EU
    assert again[FBM]["marketplaces"] == ["GLOBAL"]


def test_an_unknown_subscription_marketplace_is_an_error_naming_the_choices(tmp_path) -> None:
    from tests.conftest import Home

    home = Home(tmp_path / "home").sources(
        '[[source]]\nid = "x"\nkind = "page"\nurl = "https://example.com/"\n'
    )
    path = home.path / "config.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '[[subscription]]\nname = "t"\nurl = "json://127.0.0.1:9/h"\nmarketplaces = ["UKK"]\n',
        encoding="utf-8",
    )
    proc = home.run("sources", check=False)
    assert proc.returncode == 2
    assert "subscription 't'" in proc.stderr
    assert "field 'marketplaces'" in proc.stderr
    assert "unknown marketplace 'UKK' (did you mean 'UK'?)" in proc.stderr
    assert "known: US, CA" in proc.stderr
