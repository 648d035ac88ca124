"""canonical_url: one spelling per document (cases in tests/cases/urls.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from policyradar.urls import canonical_url, is_tracking_param, safe_url

CASES = tomllib.loads((Path(__file__).parent / "cases" / "urls.toml").read_text("utf-8"))["case"]


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_canonical_url(case: dict[str, str]) -> None:
    assert canonical_url(case["url"]) == case["canonical"]


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_canonical_url_is_stable(case: dict[str, str]) -> None:
    once = canonical_url(case["url"])
    assert canonical_url(once) == once


def test_raw_and_encoded_chinese_paths_are_one_document() -> None:
    raw = "https://www.example.cn/政策/公告"
    encoded = "https://www.example.cn/%e6%94%bf%e7%ad%96/%E5%85%AC%E5%91%8A/"
    assert canonical_url(raw) == canonical_url(encoded)


@pytest.mark.parametrize(
    ("name", "tracking"),
    [
        ("utm_source", True),
        ("UTM_campaign", True),
        ("spm", True),
        ("ref_", True),
        ("ref", True),
        ("fbclid", True),
        ("gclid", True),
        ("page", False),
        ("refresh", False),
    ],
)
def test_is_tracking_param(name: str, tracking: bool) -> None:
    assert is_tracking_param(name) is tracking


@pytest.mark.parametrize(
    ("url", "link"),
    [
        (
            "https://sellercentral.amazon.com/x?a=1&b=%20",
            "https://sellercentral.amazon.com/x?a=1&b=%20",
        ),
        ("  http://example.com/  ", "http://example.com/"),
        ("HTTPS://Example.com/a", "HTTPS://Example.com/a"),
        ("https://e.com/a(b)", "https://e.com/a%28b%29"),  # a Markdown link ends at ")"
        ('https://e.com/"><script>', "https://e.com/%22%3E%3Cscript%3E"),
        ("https://e.com/政策", "https://e.com/%E6%94%BF%E7%AD%96"),
        ("http://[::1]:8750/changes/1", "http://[::1]:8750/changes/1"),
        ("javascript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/x", None),
        ("http:/no-host", None),
        ("https://ex ample.com/", None),
        ("https://e.com/a\x00b", None),
        ("https://e.com/a\nb", None),
        ("http://[::1/broken", None),  # urlsplit raises: not a link
        ("", None),
        (None, None),
    ],
)
def test_safe_url_links_only_http_and_escapes_what_could_end_a_link(
    url: str | None, link: str | None
) -> None:
    assert safe_url(url) == link
