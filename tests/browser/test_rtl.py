"""The Urdu interface is right-to-left: the whole layout mirrors, and the choice is remembered."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.helpers import town_hall


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


def test_switching_to_urdu_mirrors_the_layout_and_is_remembered(new_context: Any) -> None:
    hall = town_hall(title="پانی اور سڑکیں")
    page = new_context().new_page()
    page.goto(f"/s/{hall.code}/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    brand_en = box(page, ".brand")
    join_en = box(page, "form[action$='/join'] button")
    assert join_en["x"] < PHONE["width"] / 2, join_en
    assert brand_en["x"] + brand_en["width"] < PHONE["width"] / 2, brand_en
    screenshot(page, "rtl-before-session-phone-en")

    page.get_by_role("button", name="اردو").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    # Mirrored: the brand sits at the right edge now, and labels start on the right.
    brand_ur = box(page, ".brand")
    assert brand_ur["x"] > PHONE["width"] / 2, brand_ur
    join_ur = box(page, "form[action$='/join'] button")
    assert join_ur["x"] + join_ur["width"] > PHONE["width"] / 2 > join_ur["x"] - 1 or (
        join_ur["x"] > PHONE["width"] / 2
    ), join_ur
    assert join_ur["x"] > join_en["x"], (join_en, join_ur)
    # Translated, and the Urdu font stack applies.
    expect(page.locator("#list-h")).to_have_text("سوالات")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Nastaliq" in font, font
    screenshot(page, "rtl-session-phone-ur")

    # Remembered: another page in the same browser is still in Urdu.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("django_language") == "ur"
    # And back to English.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
