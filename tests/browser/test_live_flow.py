"""A citizen on a phone asks in Urdu; a moderator approves and stages it; everyone sees it live."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from sessions.models import Question
from tests.browser.conftest import DESKTOP, screenshot
from tests.browser.helpers import town_hall

URDU_QUESTION = "نہری پانی کا شیڈول کب ٹھیک ہوگا؟ Canal 7-R"


def join(page: Any, code: str, name: str = "عائشہ") -> None:
    page.goto(f"/s/{code}/")
    page.get_by_label(re.compile("Display name|نام")).fill(name)
    page.get_by_label(re.compile("District|ضلع")).fill("وہاڑی")
    page.locator("form[action$='/join'] button[type=submit]").click()
    expect(page.locator("form[data-ask]")).to_be_visible()


def wait_connected(page: Any) -> None:
    expect(page.locator("[data-conn]").first).to_have_attribute("data-state", "connected")


def test_citizen_asks_in_urdu_moderator_approves_and_everyone_sees_it_live(
    new_context: Any,
) -> None:
    hall = town_hall(title="پانی اور سڑکیں")
    citizen = new_context().new_page()
    join(citizen, hall.code)
    wait_connected(citizen)

    moderator = new_context(session_key=hall.moderator_key, viewport=DESKTOP).new_page()
    moderator.goto(f"/s/{hall.code}/moderate/")
    wait_connected(moderator)
    stage = new_context(viewport=DESKTOP).new_page()
    stage.goto(f"/s/{hall.code}/stage/")
    wait_connected(stage)

    citizen.locator("#text").fill(URDU_QUESTION)
    citizen.locator("form[data-ask] button[type=submit]").click()
    mine = citizen.locator("[data-mine] li[data-id]").filter(has_text=URDU_QUESTION)
    expect(mine.locator(".badge")).to_have_text("In review")

    held = moderator.locator("[data-queue] li[data-id]").filter(has_text=URDU_QUESTION)
    expect(held).to_be_visible()
    held.get_by_role("button", name="Approve").click()
    published = moderator.locator("[data-questions] li[data-id]").filter(has_text=URDU_QUESTION)
    expect(published).to_be_visible()
    expect(held).to_have_count(0)

    # The citizen sees it published, live, in the list and in "My questions".
    listed = citizen.locator("[data-questions] li[data-id]").filter(has_text=URDU_QUESTION)
    expect(listed).to_be_visible()
    expect(listed.locator(".text")).to_have_attribute("dir", "auto")
    expect(mine.locator(".badge")).to_have_text("Published")
    expect(mine).to_have_text(re.compile(r"^[^<>]*Published\s*$"))  # no stray controls or text

    published.get_by_role("button", name="Put on stage").click()
    expect(stage.locator("[data-stage] .stage-text")).to_have_text(URDU_QUESTION)
    expect(stage.locator("[data-stage] .stage-text")).to_have_attribute("dir", "auto")
    expect(citizen.locator("[data-stage] .text")).to_have_text(URDU_QUESTION)

    # A vote from the citizen reaches the stage view's tally.
    listed.get_by_role("button", name="Upvote").click()
    expect(stage.locator("[data-votes]")).to_have_text("1 vote")
    expect(listed.locator("[data-votes]")).to_have_text("1 vote")

    question = Question.objects.get()
    assert question.status == Question.Status.PUBLISHED
    assert question.vote_count == 1
    screenshot(citizen, "flow-audience-phone-en")
    screenshot(stage, "flow-stage-desktop-en")
    screenshot(moderator, "flow-moderate-desktop-en")
