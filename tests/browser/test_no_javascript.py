"""The whole flow with JavaScript disabled: plain forms and server-rendered lists."""

from __future__ import annotations

import datetime
from typing import Any

from playwright.sync_api import expect

from sessions.models import Answer, Question
from tests.browser.conftest import DESKTOP, screenshot
from tests.browser.helpers import town_hall

TEXT = "سڑک کی مرمت کب ہوگی؟"


def test_join_ask_approve_vote_stage_and_answer_without_javascript(new_context: Any) -> None:
    hall = town_hall()
    citizen = new_context(javascript=False).new_page()
    citizen.goto(f"/s/{hall.code}/")
    citizen.locator("#display_name").fill("Bilal")
    citizen.get_by_role("button", name="Join").click()
    citizen.locator("#text").fill(TEXT)
    citizen.get_by_role("button", name="Send").click()
    mine = citizen.locator("#mine li[data-id]").filter(has_text=TEXT)
    expect(mine.locator(".badge")).to_have_text("In review")
    expect(citizen.locator(".messages")).to_contain_text("In review")

    moderator = new_context(
        session_key=hall.moderator_key, javascript=False, viewport=DESKTOP
    ).new_page()
    moderator.goto(f"/s/{hall.code}/moderate/")
    held = moderator.locator("[data-queue] li[data-id]").filter(has_text=TEXT)
    expect(held.locator("[data-reason]")).to_have_text("Waiting for a moderator")
    held.get_by_role("button", name="Approve").click()
    published = moderator.locator("[data-questions] li[data-id]").filter(has_text=TEXT)
    expect(published).to_be_visible()
    published.get_by_role("button", name="Put on stage").click()
    expect(moderator.locator("[data-stage] .text")).to_have_text(TEXT)

    citizen.reload()
    listed = citizen.locator("[data-questions] li[data-id]").filter(has_text=TEXT)
    listed.get_by_role("button", name="Upvote").click()
    listed = citizen.locator("[data-questions] li[data-id]").filter(has_text=TEXT)
    expect(listed.get_by_role("button", name="Withdraw vote")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(listed.locator("[data-votes]")).to_have_text("1 vote")
    expect(citizen.locator("[data-stage] .text")).to_have_text(TEXT)

    official = new_context(
        session_key=hall.official_key, javascript=False, viewport=DESKTOP
    ).new_page()
    official.goto(f"/s/{hall.code}/official/")
    item = official.locator("[data-questions] li[data-id]").filter(has_text=TEXT)
    item.locator("summary").click()
    item.get_by_label("Written answer").fill("اگلے ہفتے")
    item.get_by_label("Commitment", exact=True).fill("Road repaired")
    item.get_by_label("Due date").fill("2027-01-15")
    item.get_by_role("button", name="Post answer").click()
    item = official.locator("[data-questions] li[data-id]").filter(has_text=TEXT)
    expect(item.locator(".answer")).to_contain_text("اگلے ہفتے")
    expect(item.locator(".answer")).to_contain_text("Road repaired")
    screenshot(official, "nojs-official-desktop-en")
    screenshot(citizen, "nojs-audience-phone-en")

    question = Question.objects.get()
    assert question.status == Question.Status.PUBLISHED
    assert question.vote_count == 1
    assert question.answered_at is not None
    answer = Answer.objects.get(question=question)
    assert answer.text == "اگلے ہفتے"
    assert answer.commitment.due_date == datetime.date(2027, 1, 15)
    assert hall.session.__class__.objects.get(pk=hall.session.pk).on_stage_id == question.pk
