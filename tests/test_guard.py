"""detect_anomaly: fetches that must never become a version (cases in tests/cases/guard.toml)."""

from __future__ import annotations

import codecs
import gzip
import random
import re
import tomllib
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from policyradar.spiders.base import decoded
from policyradar.text.charset import redecode
from policyradar.text.guard import (
    GARBLE_CHARS,
    detect_anomaly,
    garbled,
    garbled_page,
    load_rules,
    unlike_previous,
)
from policyradar.text.normalise import meaningful, normalise
from policyradar.text.pagetext import Page, PageText, page_text

CASES = tomllib.loads((Path(__file__).parent / "cases" / "guard.toml").read_text("utf-8"))["case"]

HELP_PARAGRAPH = (
    "To change the bank account that receives your disbursements, sign in to Seller Central with "
    "the email address and password of the primary user, open Settings, then Account Info, and "
    "choose Deposit Methods. If you see a captcha when you sign in, enter the characters shown. "
    "Amazon verifies the new account before the next settlement, which can take up to three days."
)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_detect_anomaly(case: dict[str, object]) -> None:
    reason = detect_anomaly(
        text=str(case.get("text", "")),
        title=str(case.get("title", "")),
        final_url=str(case.get("final_url", "")),
        previous_length=case.get("previous_length"),  # type: ignore[arg-type]
    )
    assert (reason or "") == case["reason"]


def test_long_page_mentioning_sign_in_and_captcha_is_not_flagged() -> None:
    text = "\n".join([HELP_PARAGRAPH] * 8)
    assert detect_anomaly(text=text, title="Change your deposit method") is None


def test_a_short_real_paragraph_about_passwords_and_captchas_is_not_flagged() -> None:
    # Login and captcha markers are phrases of sign-in forms and challenge pages, not topic words.
    assert detect_anomaly(text=HELP_PARAGRAPH) is None
    two_step = (
        "Starting March 28, 2024, two-step verification will be required to sign in to "
        "Seller Central. Keep your password and phone number up to date. 登录时需输入短信验证码。"
    )
    assert detect_anomaly(text=two_step) is None


def test_marker_must_be_a_whole_word() -> None:
    text = "Design insights: how to resign in a hurry and reset the Passwordless mode."
    assert detect_anomaly(text=text) is None


def test_min_length_is_the_empty_threshold() -> None:
    assert detect_anomaly(text="FBA fees up", min_length=20) == "empty page"
    assert detect_anomaly(text="FBA fees up", min_length=5) is None


def test_rules_come_from_data_and_are_cached() -> None:
    rules = load_rules()
    assert rules is load_rules()
    assert rules.short_page == 2000
    assert rules.shrink_min_previous == 400
    assert rules.shrink_ratio == pytest.approx(0.3)
    assert rules.login_url.search("https://www.amazon.com/ap/signin?x=1")
    assert not rules.login_url.search("https://sellercentral.amazon.com/help/hub/reference/G200")


def test_rules_can_be_loaded_from_another_file(tmp_path: Path) -> None:
    custom = Path(__file__).parents[1] / "data" / "guard.toml"
    text = custom.read_text("utf-8").replace("short_page = 2000", "short_page = 50")
    (tmp_path / "guard.toml").write_text(text, encoding="utf-8")
    rules = load_rules(tmp_path / "guard.toml")
    page = "Robot Check " + "real content " * 20
    assert detect_anomaly(text=page, rules=rules) is None
    assert detect_anomaly(text=page) == "captcha"


# -- content: real error shells and real pages about errors (tests/cases/guard.toml) -------------

DATA = tomllib.loads((Path(__file__).parent / "cases" / "guard.toml").read_text("utf-8"))
FIXTURES = Path(__file__).parent / "fixtures"
SHELLS = FIXTURES / "flaps" / "shells"
REAL_PAGES = sorted(  # the catalog's and the demo's pages, and the real-page corpus (OTA snapshots)
    {
        *FIXTURES.glob("sources/**/*.html"),
        *(FIXTURES.parent.parent / "data" / "demo").glob("**/*.html"),
        *(FIXTURES.parent / "corpus").glob("**/*.html"),
    }
)
_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def held_back(position: int) -> bool:
    """The rule fixed before tuning: every 3rd [[shell]] and [[keep]] (1-based) is held back."""
    return position % 3 == 0


def page_of(html: str) -> PageText:
    """A page as the crawl reads it: real extraction, normalising and the guard."""
    found = _TITLE_RE.search(html)
    title = " ".join(found.group(1).split()) if found else ""
    return page_text(Page(html=html, text="", title=title, url="https://example.org/p"))


def shell_anomaly(case: dict[str, object]) -> str | None:
    return page_of((SHELLS / str(case["html"])).read_text("utf-8")).anomaly


def keep_anomaly(case: dict[str, object]) -> str | None:
    return detect_anomaly(text=normalise(str(case["text"])), title=str(case.get("title", "")))


def _params(table: str) -> list[object]:
    return [
        pytest.param(case, id=f"{'held' if held_back(i) else 'tuned'}: {case['id']}")
        for i, case in enumerate(DATA[table], 1)
    ]


@pytest.mark.parametrize("case", _params("shell"))
def test_a_real_error_shell_is_an_anomaly(case: dict[str, object]) -> None:
    assert shell_anomaly(case), case["origin"]


@pytest.mark.parametrize("case", _params("keep"))
def test_a_real_page_about_errors_is_not_an_anomaly(case: dict[str, object]) -> None:
    assert keep_anomaly(case) is None, case["origin"]


def test_corpus_report(capsys: pytest.CaptureFixture[str]) -> None:
    """Both parts reported apart (run with -s to read it); each number is asserted above."""
    for part in (False, True):
        shells = [c for i, c in enumerate(DATA["shell"], 1) if held_back(i) is part]
        keeps = [c for i, c in enumerate(DATA["keep"], 1) if held_back(i) is part]
        flagged = sum(bool(shell_anomaly(c)) for c in shells)
        wrong = sum(keep_anomaly(c) is not None for c in keeps)
        name = "held back" if part else "tuned"
        print(f"{name}: shells flagged {flagged}/{len(shells)}, ", end="")
        print(f"real pages flagged {wrong}/{len(keeps)}")
    assert len(DATA["shell"]) >= 20
    assert len(DATA["keep"]) >= 20
    assert all(c.get("origin") for c in (*DATA["shell"], *DATA["keep"]))


def _text_of(ref: str) -> tuple[str, str]:
    kind, _, name = ref.partition(":")
    if kind == "keep":
        (case,) = [c for c in DATA["keep"] if c["id"] == name]
        return normalise(case["text"]), case.get("title", "")
    folder = SHELLS if kind == "shell" else FIXTURES
    page = page_of((folder / name).read_text("utf-8"))
    return page.text, page.title


@pytest.mark.parametrize(
    "pair", [pytest.param(p, id=f"{p['old']} -> {p['new']}") for p in DATA["pair"]]
)
def test_a_shell_is_unlike_the_stored_version_and_a_rewrite_is_not(pair: dict[str, str]) -> None:
    old, _ = _text_of(pair["old"])
    new, title = _text_of(pair["new"])
    assert (unlike_previous(new, old, title=title) or "") == pair["reason"]


def test_a_shell_behind_a_cookie_notice_is_an_error_page_whatever_its_length() -> None:
    # issue 15: "…technical error…Please try reloading this page." plus ~900 characters of
    # cookie text was stored as a version: neither short nor shrunk below 30 %
    html = (SHELLS / "maintenance-with-cookie-notice.html").read_text("utf-8")
    page = page_of(html)
    assert len(meaningful(page.text)) > 500
    assert page.anomaly == "error page"
    one_box = re.sub(r"</div>\s*<div id=\"notice\">", "", html)  # shell and notice in one block
    assert page_of(one_box).anomaly == "error page"


def test_the_login_rule_wants_a_form_not_prose_about_passwords() -> None:
    prose = "若忘记密码,点击“忘记密码”通过邮箱或短信重置。确认输入的邮箱/手机号和密码无误后再登录。"
    assert detect_anomaly(text=prose) is None
    assert detect_anomaly(text="登录\n手机号\n密码\n忘记密码") == "login wall"


# -- mojibake and binary ------------------------------------------------------------------------

GBK_PAGE = (FIXTURES / "site" / "s1" / "charset" / "gbk.html").read_text("utf-8")
GBK_TEXT = (  # the fixture site's GBK notice (GBK-only characters 喆, 堃)
    "退货企业应当在商品自出口放行之日起1年内原状运抵原监管场所，并向海关申报退货申报清单。"
    "联系人：王喆、李堃"
)
FR_TEXT = (  # tests/fixtures/sources/amazon-policy-changes-fr has the whole page
    "Les vendeurs doivent vérifier leurs frais d’expédition à partir du 15 février : "
    "« Expédié par Amazon »."
)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            GBK_TEXT.encode("gbk").decode("utf-8", "replace"), id="GBK read as UTF-8 (����)"
        ),
        pytest.param(
            GBK_TEXT.encode("utf-8").decode("gbk", "replace"), id="UTF-8 read as GBK (鍦ㄧ嚎)"
        ),
        pytest.param(
            GBK_TEXT.encode("utf-8").decode("gb18030", "replace"), id="UTF-8 read as GB18030"
        ),
        pytest.param(GBK_TEXT.encode("utf-8").decode("latin-1"), id="UTF-8 read as Latin-1"),
        pytest.param(
            FR_TEXT.encode("utf-8").decode("cp1252", "replace"), id="UTF-8 read as cp1252 (Ã©)"
        ),
        pytest.param(
            random.Random(15).randbytes(2000).decode("utf-8", "replace"), id="random bytes"
        ),
        pytest.param(
            gzip.compress(GBK_PAGE.encode(), mtime=0).decode("latin-1"), id="gzip as Latin-1"
        ),
    ],
)
def test_mis_decoded_and_binary_text_is_garbled(text: str) -> None:
    assert garbled(text)
    assert detect_anomaly(text=text) == "garbled text"


def test_a_garbled_title_alone_is_enough() -> None:
    title = "Policy notice p01 " + "政策通知".encode("gbk").decode("utf-8", "replace")
    assert detect_anomaly(text="Notice text " * 30, title=title) == "garbled text"


@pytest.mark.parametrize("text", [GBK_TEXT, FR_TEXT])
def test_clean_text_in_any_script_is_not_garbled(text: str) -> None:
    assert not garbled(text)


def test_no_real_page_reads_as_garbled_as_html_or_as_text() -> None:
    htmls = [p.read_text("utf-8") for p in REAL_PAGES]
    assert len(htmls) > 100
    assert [p for p, h in zip(REAL_PAGES, htmls, strict=True) if garbled(h)] == []
    texts = [page_of(h).text for h in htmls]
    assert [p for p, t in zip(REAL_PAGES, texts, strict=True) if garbled(t)] == []


def test_a_long_page_is_read_from_its_start_to_its_end() -> None:
    """A page is read in pieces spread over it: markup longer than `GARBLE_CHARS` before a
    mis-decoded body does not hide it, and a long clean page stays clean.
    """
    head = "<head>" + '<link rel="stylesheet" href="/a.css">' * (GARBLE_CHARS // 20) + "</head>"
    body = "<p>" + GBK_TEXT * 40 + "</p>"
    mis_decoded = body.encode("gbk").decode("utf-8", "replace")
    assert len(head) > GARBLE_CHARS
    assert garbled_page(head + mis_decoded)
    assert not garbled_page(head + body)
    assert [p for p in REAL_PAGES if garbled_page(p.read_text("utf-8"))] == []


def test_a_gbk_body_labelled_utf8_is_read_as_gbk() -> None:
    body = GBK_PAGE.replace('<meta charset="gbk">', "").encode("gbk")  # nothing declares it
    found = redecode(body, "utf-8", accept=lambda text: not garbled(text))
    assert found is not None
    assert codecs.lookup(found[0]).name in {"gbk", "gb18030", "gb2312"}
    assert "王喆" in found[1]


def test_a_utf8_body_labelled_gbk_is_read_as_utf8() -> None:
    body = GBK_PAGE.encode("utf-8")
    found = redecode(body, "gbk", accept=lambda text: not garbled(text))
    assert found is not None
    assert codecs.lookup(found[0]).name == "utf-8"


def test_random_bytes_have_no_charset() -> None:
    body = random.Random(15).randbytes(3000)
    assert redecode(body, "utf-8", accept=lambda text: not garbled(text)) is None


def test_the_spider_reads_a_mislabelled_response_in_its_real_charset() -> None:
    url = "https://example.org/notice"
    body = GBK_PAGE.encode("gbk")  # <meta charset="gbk">, header says utf-8
    response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    assert "\ufffd" in response.text
    fixed = decoded(response)
    assert "王喆" in fixed.text
    assert codecs.lookup(fixed.encoding).name in {"gbk", "gb18030"}
    clean = HtmlResponse(url, body=GBK_PAGE.replace('"gbk"', '"utf-8"').encode(), headers={})
    assert decoded(clean) is clean
    lying_meta = HtmlResponse(url, body=GBK_PAGE.encode(), headers={})  # UTF-8 saying gbk
    assert "王喆" in decoded(lying_meta).text
    junk = HtmlResponse(
        url, body=random.Random(1).randbytes(900), headers={"Content-Type": "text/html"}
    )
    assert decoded(junk) is junk
