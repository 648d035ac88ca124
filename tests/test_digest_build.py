"""build_digest: filters, clusters shown once, watch hits and deadlines first, promos dropped."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from policyradar.digest.build import build_digest, excerpt
from policyradar.digest.subscriptions import Subscription
from tests.test_digest_support import NOW, Rows, make_rows

if TYPE_CHECKING:
    from pathlib import Path

SUB = Subscription(name="daily", url="json://localhost/hook")


def hit(keyword: str, watchlist: str = "费用关注", category: str = "fees") -> dict:
    return {
        "watchlist": watchlist,
        "category": category,
        "keyword": keyword,
        "snippet": f"……{keyword}……",
    }


@pytest.fixture
def rows(tmp_path: Path) -> Rows:
    return make_rows(tmp_path)


def build(rows: Rows, sub: Subscription = SUB, **kw: object):
    return build_digest(rows.storage.undelivered(sub.name), sub, now=NOW, **kw)  # type: ignore[arg-type]


def test_watch_hits_then_urgent_by_deadline_then_sections_in_category_order(rows: Rows) -> None:
    other = rows.change("其他新闻", categories=[])
    compliance = rows.change("合规更新", categories=["compliance"], urgency="medium")
    fees = rows.change("费用调整", categories=["fees", "compliance"])
    late = rows.change("4月生效的强制要求", urgency="high", effective_dates=["2026-04-20"])
    soon = rows.change("3月生效的强制要求", urgency="high", effective_dates=["2026-03-10"])
    watched = rows.change(
        "低库存费说明", keywords=["低库存费"], watch_hits=[hit("低库存费")], urgency="high"
    )
    digest = build(rows)
    assert digest is not None
    assert [i.change_id for i in digest.urgent] == [watched, soon, late]
    assert [s.category for s in digest.sections] == ["fees", "compliance", "other"]
    assert [i.change_id for i in digest.items] == [
        watched,
        soon,
        late,
        fees,
        compliance,
        other,
    ]
    assert digest.urgent[1].deadline(NOW.date()).isoformat() == "2026-03-10"
    assert digest.counts["urgent"] == 3
    assert digest.counts["items"] == 6


def test_a_cluster_is_shown_once_with_also_reported_by(rows: Rows) -> None:
    rows.source("amz123", "AMZ123")
    rows.source("cifnews", "雨果网")
    first = rows.change("亚马逊上调FBA配送费", source="amz123", cluster="c1")
    second = rows.change(
        "FBA配送费上调0.15美元",
        source="cifnews",
        cluster="c1",
        urgency="medium",
        watch_hits=[hit("配送费")],
    )
    digest = build(rows)
    assert digest is not None
    (item,) = digest.items
    assert item.change_ids == (second, first)  # the more urgent report leads
    assert item.source_name == "雨果网"
    assert item.also_reported_by == ("AMZ123",)
    assert digest.change_ids == (second, first)


def test_promotions_are_dropped_unless_they_hit_a_watchlist(rows: Rows) -> None:
    promo = rows.change("跨境峰会报名开启", is_promo=1)
    watched_promo = rows.change("品牌备案直播课", is_promo=1, watch_hits=[hit("品牌备案")])
    news = rows.change("政策新闻")
    digest = build(rows)
    assert digest is not None
    assert [i.change_id for i in digest.items] == [watched_promo, news]
    assert digest.skipped_ids == (promo,)


def test_filters_by_category_watchlist_and_urgency(rows: Rows) -> None:
    fees_low = rows.change("费用（低）", urgency=None)
    fees_high = rows.change("费用（高）", urgency="high")
    brand = rows.change(
        "品牌",
        categories=["brand_ip"],
        urgency="medium",
        watch_hits=[hit("商标", "品牌词", "brand_ip")],
    )
    uncategorised = rows.change("未分类", categories=[])

    def ids(**kw: object) -> list[int]:
        digest = build(rows, replace(SUB, **kw))  # type: ignore[arg-type]
        return sorted(i.change_id for i in digest.items) if digest else []

    assert ids(categories=("fees",)) == [fees_low, fees_high]
    assert ids(categories=("other",)) == [uncategorised]
    assert ids(watchlists=("品牌词",)) == [brand]
    assert ids(watchlists=("没有的",)) == []
    assert ids(min_urgency="medium") == [fees_high, brand]
    assert ids(categories=("fees",), min_urgency="high") == [fees_high]
    digest = build(rows, replace(SUB, categories=("fees",)))
    assert digest is not None
    assert set(digest.skipped_ids) == {brand, uncategorised}


def test_nothing_wanted_builds_nothing(rows: Rows) -> None:
    assert build(rows) is None
    rows.change("只有广告", is_promo=1)
    assert build(rows) is None


def test_changes_older_than_max_age_are_left_out(rows: Rows) -> None:
    old = rows.change("旧闻", detected=NOW - timedelta(days=20))
    new = rows.change("新闻")
    digest = build(rows)
    assert digest is not None
    assert digest.change_ids == (new,)
    assert old not in digest.skipped_ids
    wider = build(rows, replace(SUB, max_age_days=30))
    assert wider is not None
    assert wider.change_ids == (new, old)  # newest first within a section


def test_urgent_only_keeps_high_items_and_no_health(rows: Rows) -> None:
    rows.change("普通")
    high = rows.change("紧急", urgency="high")
    health = [{"source_id": "x", "name": "X", "runs": 3, "errors": 3, "anomalous": 0}]
    digest = build(rows, health=health, urgent_only=True)
    assert digest is not None
    assert digest.mode == "alert"
    assert [i.change_id for i in digest.items] == [high]
    assert digest.health == ()
    assert len(build(rows, health=health).health) == 1  # type: ignore[union-attr]


def test_an_item_carries_excerpt_dates_links_and_removed_text(rows: Rows) -> None:
    changed = rows.change(
        "帮助页",
        text="新规定：卖家必须在3月31日前完成验证。",
        previous="旧规定。",
        effective_dates=["2026-03-31"],
    )
    digest = build(rows, web_base="http://127.0.0.1:8750/")
    assert digest is not None
    (item,) = digest.items
    assert item.change_id == changed
    assert item.kind == "changed"
    assert item.excerpt == "新规定：卖家必须在3月31日前完成验证。"
    assert item.effective_dates == ("2026-03-31",)
    assert item.diff_url == f"http://127.0.0.1:8750/changes/{changed}"
    assert item.source_name == "亚马逊全球开店"


def test_excerpt_is_short_and_moves_to_the_first_hit() -> None:
    text = "开头" * 300 + "入库配置费" + "结尾" * 100
    short = excerpt(text, ["入库配置费"])
    assert len(short) <= 200
    assert "入库配置费" in short
    assert short.startswith("…")
    assert short.endswith("…")
    assert excerpt("短文本\n第二段\x1b[31m", []) == "短文本 第二段 [31m"
