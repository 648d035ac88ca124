"""detect_anomaly: fetches that must never become a version (cases in tests/cases/guard.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from policyradar.text.guard import detect_anomaly, load_rules

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
