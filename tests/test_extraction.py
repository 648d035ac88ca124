"""main_text and html_to_text: the main content as plain text, one paragraph per line.

Fixtures in tests/fixtures/html/: an Amazon-help-like page (nav, sidebar, related articles,
footer), a Chinese news article (相关阅读 / 推荐 / comments / share boilerplate), and a list
page that has no article body.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policyradar.text.extraction import SelectorMissError, html_to_text, main_text

HTML = Path(__file__).parent / "fixtures" / "html"

AMAZON_LINES = [
    "Changes to FBA fulfillment fees for 2025",
    "Starting January 15, 2025, the FBA fulfillment fee for standard-size products will increase "
    "by an average of $0.15 per unit. The change applies to all sellers in the US store.",
    "Products in the small standard-size tier priced below $10 keep the reduced Small and Light "
    "rate.",
    "What you need to do",
    "Review the fee preview report in Seller Central before the effective date and update your "
    "prices if needed.",
    "- Check the dimensions of your largest ASINs.",
    "- Confirm the product size tier for each listing.",
    "New fee table",
    "Size tier | Shipping weight | Fee per unit",
    "Small standard | 4 oz or less | $3.22",
    "Large standard | 1 to 1.5 lb | $4.99",
    "For questions, contact Selling Partner Support.",
]
AMAZON_BOILERPLATE = [
    "Inventory",
    "Orders",
    "Search help",
    "In this section",
    "FBA inventory storage fees",
    "Related articles",
    "FBA Prep Service fees",
    "Share",
    "Print",
    "Privacy Notice",
    "Amazon.com, Inc.",
    "window.ue_t0",
    "margin",
]
CHINESE_BODY = [
    "据亚马逊卖家平台公告，自2025年1月15日起，美国站标准尺寸商品的FBA配送费平均每件上涨0.15美元。",
    "亚马逊表示，此次调整是为了应对物流成本的上升，小号标准尺寸且售价低于10美元的商品仍可享受低价配送费率。",
    "卖家需要做什么",
    "卖家应在生效日期前查看费用预览报告，核对商品尺寸分段，并视情况调整售价。",
    "- 检查最大尺寸ASIN的包装尺寸；",
    "- 确认每个商品的尺寸分段。",
    "另外，3/31起生效的入库配置费规则保持不变。",
]
CHINESE_BOILERPLATE = [
    "首页",
    "相关阅读",
    "亚马逊欧洲站调整仓储费",
    "推荐",
    "跨境卖家峰会报名开启",
    "评论",
    "暂无评论",
    "热门文章",
    "分享到",
    "微博",
    "版权所有",
    "关于我们",
]


def read(name: str) -> str:
    return (HTML / name).read_text("utf-8")


def test_extractor_keeps_headings_and_one_paragraph_per_line() -> None:
    assert main_text(read("amazon_help.html")).splitlines() == AMAZON_LINES


def test_extractor_drops_nav_sidebar_related_links_and_footer() -> None:
    text = main_text(read("amazon_help.html"), url="https://sellercentral.amazon.com/help/G1")
    for boilerplate in AMAZON_BOILERPLATE:
        assert boilerplate not in text


def test_chinese_article_paragraphs_without_stray_spaces() -> None:
    # The source wraps "美国站 / 标准尺寸" across two lines: no space may appear between them.
    assert main_text(read("chinese_news.html")).splitlines() == CHINESE_BODY


def test_chinese_article_drops_related_and_recommended_blocks() -> None:
    text = main_text(read("chinese_news.html"))
    for boilerplate in CHINESE_BOILERPLATE:
        assert boilerplate not in text


def test_inline_related_reading_lines_are_dropped() -> None:
    html = read("chinese_news.html").replace(
        '<div class="share">',
        "<p><strong>相关阅读：</strong></p><p>推荐阅读：<a href='/n/9'>2025年费用全解读</a></p>"
        '<div class="share">',
    )
    assert main_text(html).splitlines() == CHINESE_BODY


def test_selector_gives_the_same_text_as_the_extractor_on_a_clean_article() -> None:
    assert main_text(read("amazon_help.html"), selector="article").splitlines() == AMAZON_LINES


def test_selector_drops_boilerplate_inside_the_selected_element() -> None:
    text = main_text(read("chinese_news.html"), selector="div.article-main")
    lines = text.splitlines()
    assert lines[0] == "亚马逊美国站将上调FBA配送费"
    assert lines[1] == "来源：跨境资讯 2025-01-10 09:30"
    assert lines[2:] == CHINESE_BODY
    for boilerplate in CHINESE_BOILERPLATE:
        assert boilerplate not in text


def test_selector_matching_several_elements_joins_them_in_order() -> None:
    text = main_text(read("no_article.html"), selector="div.notice-item")
    assert text.splitlines() == ["2025-02-01 Holiday schedule", "2025-01-20 Fee update"]


def test_selector_that_matches_nothing_raises_and_names_itself() -> None:
    with pytest.raises(SelectorMissError, match=r"div\.article-content") as info:
        main_text(read("no_article.html"), selector="div.article-content")
    assert info.value.selector == "div.article-content"
    assert isinstance(info.value, ValueError)


def test_falls_back_to_the_body_when_the_extractor_finds_nothing() -> None:
    html = (
        "<html><body><nav>首页</nav>"
        "<div><a href='/a'>通知一</a><br><a href='/b'>通知二</a></div></body></html>"
    )
    assert main_text(html) == "通知一\n通知二"


def test_empty_page_gives_empty_text() -> None:
    assert main_text("") == ""
    assert main_text("<html><body><nav>Home</nav></body></html>") == ""


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            "<p>配送费\n<b>上涨</b>0.30美元</p>", "配送费上涨0.30美元", id="inline chinese"
        ),
        pytest.param("<p>FBA <b>fees</b> rise</p>", "FBA fees rise", id="inline english"),
        pytest.param("<p>one</p><p>two</p>", "one\ntwo", id="paragraphs"),
        pytest.param("first<br>second<br/>third", "first\nsecond\nthird", id="line breaks"),
        pytest.param("<h2>标题</h2>正文", "标题\n正文", id="heading then text"),
        pytest.param("<ul><li>a</li><li></li><li>b</li></ul>", "- a\n- b", id="list items"),
        pytest.param(
            "<table><tr><td>尺寸</td><td>费用</td></tr></table>", "尺寸 | 费用", id="table cells"
        ),
        pytest.param("<div>a<div>b</div>c</div>", "a\nb\nc", id="nested blocks"),
        pytest.param("<p>x&nbsp;&amp;&nbsp;y</p>", "x & y", id="entities"),
        pytest.param("plain text, no tags", "plain text, no tags", id="plain text"),
        pytest.param("", "", id="empty"),
        pytest.param(
            "<p>Text</p><script>var a = 1;</script><style>p{}</style><button>Buy</button>",
            "Text",
            id="scripts and buttons dropped",
        ),
        pytest.param(
            '<p>Text</p><div class="ad-slot">Ad</div><div id="share">Share</div>'
            '<div class="related_posts">More</div><div class="comments">Nice</div>',
            "Text",
            id="ads share related comments dropped",
        ),
        pytest.param(
            '<div class="header">Head</div><p class="download">kept</p>',
            "Head\nkept",
            id="class names are matched as whole parts",
        ),
    ],
)
def test_html_to_text(html: str, expected: str) -> None:
    assert html_to_text(html) == expected
