"""The AMZ123 快讯 adapter: the POST it sends and the records it reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from policyradar.spiders.adapters import ADAPTERS, AdapterError

ANSWER = {
    "status": 0,
    "data": {
        "row_map": {
            "2026-06-20": [
                {
                    "kx_content": [
                        {
                            "id": "Y7Uk3LdE",
                            "resource_id": 1,
                            "title": "亚马逊MFN备货时间新规6月29日生效，严禁虚报时效",
                            "description": "<p>自6月29日起，MFN备货时间将自动计算。</p>",
                            "published_at": 1781942400,
                        },
                        {
                            "id": "GD1eihMR",
                            "resource_id": 2,
                            "title": "eBay调整欧盟直邮清关规则：7月1日起≤150欧订单须DDP申报",
                            "content": "7月1日起生效。",
                            "published_at": 1781946000,
                        },
                    ]
                }
            ]
        }
    },
}


def adapter(**params: object):
    return ADAPTERS["amz123-kx"]("https://api.amz123.com/ugc/v1/user_content/kx_list", params)


def test_the_request_is_a_json_post_over_the_lookback_window() -> None:
    now = datetime(2026, 6, 20, 12, tzinfo=UTC)
    (req,) = adapter(lookback_hours=24).requests(now)
    assert req.method == "POST"
    assert req.headers["app-id"] == "3"
    body = json.loads(req.body)
    assert body["end_time"] - body["start_time"] == 24 * 3600
    assert body["is_important"] == -1


def test_records_carry_link_title_text_and_utc_time() -> None:
    records = adapter().parse(json.dumps(ANSWER).encode())
    assert [r.url for r in records] == [
        "https://www.amz123.com/kx/Y7Uk3LdE",
        "https://www.amz123.com/kx/GD1eihMR",
    ]
    assert records[0].text.startswith("亚马逊MFN备货时间新规6月29日生效")
    assert "MFN备货时间将自动计算" in records[0].text
    assert records[0].published_at == datetime.fromtimestamp(1781942400, UTC)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>", "not JSON"),
        (json.dumps({"status": 1, "info": "too many requests"}).encode(), "too many requests"),
        (json.dumps({"status": 0, "data": {}}).encode(), "unexpected JSON shape"),
    ],
    ids=["html instead of json", "api error status", "unknown shape"],
)
def test_bad_answers_are_adapter_errors(body: bytes, message: str) -> None:
    with pytest.raises(AdapterError, match=message):
        adapter().parse(body)
