"""Polls, the speaker queue and adopted recommendations, live across the three screens."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from playwright.sync_api import expect

from juries import events as juries_events
from juries import services as juries_services
from juries.models import PollBallot
from sessions import events as session_events
from sessions.services.log import emit, lock_session
from tests import factories
from tests.browser.conftest import DESKTOP, screenshot
from tests.browser.helpers import off_loop, town_hall
from tests.browser.test_live_flow import join, wait_connected


def test_moderator_launches_a_poll_citizen_votes_stage_shows_the_bar(new_context: Any) -> None:
    hall = town_hall(title="Water and roads", languages=["en"])
    moderator = new_context(session_key=hall.moderator_key, viewport=DESKTOP).new_page()
    moderator.goto(f"/s/{hall.code}/moderate/")
    wait_connected(moderator)
    stage = new_context(viewport=DESKTOP).new_page()
    stage.goto(f"/s/{hall.code}/stage/")
    wait_connected(stage)
    citizen = new_context().new_page()
    join(citizen, hall.code, name="Ayesha")
    wait_connected(citizen)

    form = moderator.locator("[data-poll-form]")
    expect(form).to_be_visible()
    form.get_by_label("Question").fill("Which repair first?")
    form.get_by_label("Options, one per line (2 to 10)").fill("Canal\nRoad\nClinic")
    form.get_by_role("button", name="Launch poll").click()
    expect(moderator.locator("[data-polls] [data-poll]")).to_contain_text("Which repair first?")

    # The citizen sees the open poll (polls.js loads lazily) and votes once.
    poll = citizen.locator("[data-polls] [data-poll]")
    expect(poll.locator(".poll-q")).to_have_text("Which repair first?")
    expect(poll.locator(".poll-q")).to_have_attribute("dir", "auto")
    poll.get_by_label("Road").check()
    poll.get_by_role("button", name="Vote").click()
    expect(poll).to_contain_text("You voted.")
    road = poll.locator(".poll-bars li").filter(has_text="Road")
    expect(road.locator("[data-n]")).to_have_text("1")
    expect(poll.get_by_role("button", name="Vote")).to_have_count(0)

    # The stage view: the question and the bars, numbers visible, in an aria-live region.
    box = stage.locator("[data-polls]")
    expect(box).to_have_attribute("aria-live", "polite")
    expect(box.locator(".poll-q")).to_have_text("Which repair first?")
    bar = box.locator(".poll-bars li").filter(has_text="Road")
    expect(bar.locator("[data-n]")).to_have_text("1")
    expect(bar.locator(".poll-pct")).to_have_text("(100%)")
    expect(box.locator(".poll-bars li").filter(has_text="Canal").locator("[data-n]")).to_have_text(
        "0"
    )
    assert PollBallot.objects.count() == 1

    # Closing it: everyone sees the closed state with the final count.
    moderator.locator("[data-polls]").get_by_role("button", name="Close poll").click()
    expect(box).to_contain_text("Poll closed")
    expect(poll).to_contain_text("Poll closed")
    expect(bar.locator("[data-n]")).to_have_text("1")
    screenshot(stage, "polls-stage-desktop-en")
    screenshot(citizen, "polls-audience-phone-en")
    screenshot(moderator, "polls-moderate-desktop-en")


@off_loop
def _raise_hand(hall: Any) -> None:
    juries_services.hand_raise(
        actor=factories.official_actor(hall.session), live_session_id=hall.session.pk
    )


@off_loop
def _adopt(hall: Any, text: str) -> None:
    # The event as juries.services emits it on adoption (the jury room flow is tested in juries/).
    with transaction.atomic():
        live_session = lock_session(hall.session.pk)
        emit(
            live_session,
            juries_events.JURY_RECOMMENDATION_ADOPTED,
            {"recommendation": {"id": 1, "version": 1, "text": text, "status": "adopted"}},
            [session_events.PUBLIC],
        )


def test_floor_countdown_and_adopted_recommendation_on_stage(new_context: Any) -> None:
    hall = town_hall(title="Water and roads", languages=["en"])
    moderator = new_context(session_key=hall.moderator_key, viewport=DESKTOP).new_page()
    moderator.goto(f"/s/{hall.code}/moderate/")
    wait_connected(moderator)
    stage = new_context(viewport=DESKTOP).new_page()
    stage.goto(f"/s/{hall.code}/stage/")
    wait_connected(stage)

    _raise_hand(hall)
    queue = moderator.locator("[data-speakers] li[data-speaker]")
    expect(queue).to_have_count(1)
    moderator.get_by_role("button", name="First-time speakers first").click()
    queue.get_by_role("button", name="Give the floor").click()
    expect(queue).to_have_count(0)

    floor = stage.locator("[data-floor]")
    expect(floor).to_be_visible()
    expect(floor.locator(".floor-name")).to_have_attribute("dir", "auto")
    expect(floor.locator("[data-timer]")).to_have_text(re.compile(r"^[12]:\d\d$"))
    moderator.get_by_role("button", name="End the floor").click()
    expect(floor).to_be_hidden()

    text = "پہلے نہر 7-R کی صفائی Clean canal 7-R first"
    _adopt(hall, text)
    rec = stage.locator("[data-rec] .rec-text")
    expect(rec).to_have_text(text)
    expect(rec).to_have_attribute("dir", "auto")
    screenshot(stage, "recommendation-stage-desktop-en")
