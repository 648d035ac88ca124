"""main_text and html_to_text: the main content as plain text, one paragraph per line.

Fixtures in tests/fixtures/html/: an Amazon-help-like page (nav, sidebar, related articles,
footer), a Chinese news article (相关阅读 / 推荐 / comments / share boilerplate), and a list
page that has no article body.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policyradar.text.extraction import SelectorMissError, html_to_text, main_text
from policyradar.text.pagetext import Page, page_text

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


# -- lists, tables, definition lists: the structure a policy page's substance lives in ----------

ARTICLE = (
    "<html><body><nav><a href='/'>Home</a></nav><main>{}</main><footer>© Co</footer></body></html>"
)
PARAGRAPH = "<p>{} explains what sellers must do before the change takes effect in the store.</p>"


def page(*parts: str) -> str:
    """A page whose main element holds a paragraph before and after ``parts``."""
    return ARTICLE.format(PARAGRAPH.format("This notice") + "".join(parts) + PARAGRAPH.format("It"))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            "<ul><li>Outer one<ul><li>Inner A</li><li>Inner B<ol><li>Deep</li></ol></li></ul></li>"
            "<li>Outer two</li></ul>",
            ["- Outer one", "- - Inner A", "- - Inner B", "- - - Deep", "- Outer two"],
            id="nested lists keep their level",
        ),
        pytest.param(
            "<ol><li><p>First paragraph of item</p><p>its second paragraph</p></li>"
            "<li>Next</li></ol>",
            ["- First paragraph of item", "its second paragraph", "- Next"],
            id="the marker goes on the item's first line",
        ),
        pytest.param(
            "<dl><dt>Fulfillment fee</dt><dd>A per-unit fee.</dd><dt>Storage fee</dt>"
            "<dd>A monthly fee.</dd></dl>",
            ["Fulfillment fee", "A per-unit fee.", "Storage fee", "A monthly fee."],
            id="definition list",
        ),
        pytest.param(
            "<table><caption>Fees</caption><thead><tr><th>Tier</th><th>Weight</th><th>Fee</th></tr>"
            "</thead><tbody><tr><td>Small</td><td>4 oz</td><td>$3.22</td></tr></tbody></table>",
            ["Fees", "Tier | Weight | Fee", "Small | 4 oz | $3.22"],
            id="header row and caption kept",
        ),
        pytest.param(
            "<table><tr><td rowspan='2'>Clothing</td><td>up to $15</td><td>5%</td></tr>"
            "<tr><td>above $15</td><td>17%</td></tr><tr><td colspan='2'>Other</td><td>15%</td></tr>"
            "</table>",
            ["Clothing | up to $15 | 5%", "| above $15 | 17%", "Other | | 15%"],
            id="spanned columns stay aligned",
        ),
        pytest.param(
            "<table><tr><td>Purposes</td><td><ul><li>Ads</li><li>Analytics</li></ul>Opt out<br>"
            "any time</td></tr></table>",
            ["Purposes | - Ads - Analytics Opt out any time"],
            id="a row is one line whatever its cells hold",
        ),
        pytest.param(
            "<table><tr><td><h2>Layout</h2><p>Column text one.</p></td><td><p>Column two.</p>"
            "</td></tr></table>",
            ["Layout", "Column text one.", "Column two."],
            id="a layout table reads as blocks",
        ),
        pytest.param(
            "<ul><li><a href='/r/1'>2024 DSA Assurance Report</a></li>"
            "<li><a href='/r/2'>2025 DSA Assurance Report</a></li></ul>",
            ["- 2024 DSA Assurance Report", "- 2025 DSA Assurance Report"],
            id="a list of links is content too",
        ),
    ],
)
def test_structure_is_kept_with_and_without_a_selector(html: str, expected: list[str]) -> None:
    """The located main text and the selected one read the same, in document order."""
    whole = [
        "This notice explains what sellers must do before the change takes effect in the store.",
        *expected,
        "It explains what sellers must do before the change takes effect in the store.",
    ]
    assert main_text(page(html)).splitlines() == whole
    assert main_text(page(html), selector="main").splitlines() == whole


def test_remove_deletes_parts_before_the_body_is_read() -> None:
    html = page(
        "<div class='promo'>Join our seller summit</div>", "<p id='updated'>Updated today</p>"
    )
    text = main_text(html, selector="main", remove=[".promo", "#updated"])
    assert "summit" not in text
    assert "Updated today" not in text
    assert main_text(html, remove=[".promo"]).count("explains") == 2


def test_several_body_selectors_read_in_the_given_order_without_repeats() -> None:
    html = page(
        "<h2 class='t'>Title</h2>", "<div class='b'><p>Body</p><h2 class='t'>Inner</h2></div>"
    )
    text = main_text(html, selector=[".b", ".t"])
    assert text.splitlines() == ["Body", "Inner", "Title"]


def test_selectors_that_all_miss_name_themselves() -> None:
    with pytest.raises(SelectorMissError, match=r"\.a, \.b"):
        main_text(page(), selector=[".a", ".b"])
    assert main_text(page(), selector=[".a", "main"]).startswith("This notice")


@pytest.mark.parametrize(
    ("part", "words", "kept"),
    [
        pytest.param(
            "<div id='cookieNoticeBox'><p>We use cookies. Accept all?</p></div>",
            "Accept all?",
            False,
            id="camelCase cookie banner",
        ),
        pytest.param(
            "<div role='dialog' aria-modal='true'><p>Subscribe to our newsletter now</p></div>",
            "Subscribe",
            False,
            id="modal dialog",
        ),
        pytest.param(
            "<h2 id='cookies'>Cookies</h2>", "Cookies", True, id="a heading named cookies"
        ),
        pytest.param(
            "<section id='sharing'><p>We share data with carriers.</p></section>"
            "<a href='#sharing'>Sharing</a>",
            "We share data with carriers.",
            True,
            id="a section the page links to",
        ),
    ],
)
def test_boilerplate_names_spare_the_policy_s_own_sections(
    part: str, words: str, kept: bool
) -> None:
    assert (words in main_text(page(part), selector="main")) is kept


def test_a_boilerplate_named_wrapper_holding_the_text_is_the_text() -> None:
    html = ARTICLE.format(
        "<div class='site-content-with-sidebar'>"
        + PARAGRAPH.format("The policy") * 3
        + "</div><div class='sidebar'><p>Sign up</p></div>"
    )
    text = main_text(html, selector="main")
    assert text.count("The policy explains") == 3
    assert "Sign up" not in text


def test_page_text_applies_the_source_s_remove_and_body_selectors() -> None:
    html = page("<div class='share-this'>Share</div><p class='x'>Extra line of text.</p>")
    result = page_text(
        Page(
            html=html,
            text="",
            title="Notice",
            url="https://example.com/n",
            selector=("main p.x", "main"),
            remove=(".x",),
        )
    )
    assert result.anomaly is None
    assert "Extra line" not in result.text
    assert "Share" not in result.text
    assert result.text.startswith("This notice explains")


def test_short_blocks_beside_the_located_text_stay_out() -> None:
    """The title, meta line and tags around an article's text are not read with it (a block
    beside the located text joins it only when substantial: tests/corpus/pages/amazon-dsa-reports
    is the case of a list of reports trafilatura deletes)."""
    html = ARTICLE.format(
        "<article><h1>FBA fee update</h1><div class='meta'>2026-06-01 阅读 6825</div>"
        "<div class='article-content'>"
        + "".join(PARAGRAPH.format(f"Part {n}") for n in range(3))
        + "</div><div class='article-tags'><a href='/t/1'>EPR</a> <a href='/t/2'>FBA</a></div>"
        "</article>"
    )
    assert main_text(html).splitlines() == [
        f"Part {n} explains what sellers must do before the change takes effect in the store."
        for n in range(3)
    ]
