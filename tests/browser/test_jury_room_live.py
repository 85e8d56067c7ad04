"""The jury room, live: two jurors and the facilitator in separate browsers, no reloads.

Juror A posts (pre-moderation holds it: A sees "In review"), the facilitator approves it
from the held list, juror B sees it appear and replies in its thread; a round started by
the facilitator counts down on both jurors' pages; a draft, the vote and the adoption
reach everyone from events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import expect

from juries import services
from juries.models import JuryMessage, Recommendation
from sessions.actors import Actor
from tests import factories
from tests.browser.conftest import DESKTOP, screenshot
from tests.browser.helpers import off_loop
from tests.juries.room_helpers import seat_jury

MESSAGE = "Desilt the canal first — پہلے نہر کی بھل صفائی"
REPLY = "Agreed, before the sowing season."


@dataclass
class Room:
    code: str
    session_id: int
    juror_keys: list[str]
    facilitator_key: str
    facilitator: Actor


@off_loop
def jury_room() -> Room:
    hall = factories.make_live_session(title="پانی اور سڑکیں", moderation_mode="pre")
    jurors = seat_jury(hall, jurors=2)
    moderator = factories.make_role_user(hall, "moderator")
    return Room(
        code=hall.code,
        session_id=hall.pk,
        juror_keys=[factories.browser_session(participants=[j]) for j in jurors],
        facilitator_key=factories.browser_session(user=moderator),
        facilitator=Actor(user=moderator, roles=frozenset({"moderator"})),
    )


@off_loop
def approve(room: Room, text: str) -> None:
    message = JuryMessage.objects.get(text=text)
    services.jury_message_moderate(
        actor=room.facilitator,
        live_session_id=room.session_id,
        message_id=message.pk,
        decision="approve",
    )


@off_loop
def recommendation_status() -> str:
    return Recommendation.objects.get().status


def enter(new_context: Any, room: Room, key: str, **kwargs: Any) -> Any:
    page = new_context(session_key=key, **kwargs).new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.goto(f"/s/{room.code}/jury/room/")
    expect(page.locator("[data-conn]")).to_have_attribute("data-state", "connected")
    expect(page.locator("#app")).to_have_attribute("data-ready", "")
    # Set once: still there at the end means the page never reloaded.
    page.evaluate("window.__sameDocument = true")
    return page


def same_document(page: Any) -> bool:
    """Never reloaded, and no script error on the way."""
    assert page.js_errors == []
    return page.evaluate("window.__sameDocument === true")


def test_jurors_see_messages_and_rounds_live(new_context: Any) -> None:
    room = jury_room()
    a = enter(new_context, room, room.juror_keys[0])
    b = enter(new_context, room, room.juror_keys[1])
    facilitator = enter(new_context, room, room.facilitator_key, viewport=DESKTOP)

    a.locator("form[data-post] textarea").fill(MESSAGE)
    a.locator("form[data-post] button[type=submit]").click()
    mine = a.locator("[data-messages] li[data-id]").filter(has_text=MESSAGE)
    expect(mine.locator(".badge")).to_have_text("In review")
    expect(mine.locator(".text")).to_have_attribute("dir", "auto")
    expect(a.locator("form[data-post] textarea")).to_have_value("")
    expect(b.locator("[data-messages]")).not_to_contain_text(MESSAGE)

    # The facilitator sees it held, live, and approves it over the socket.
    held = facilitator.locator("[data-messages] li[data-id]").filter(has_text=MESSAGE)
    expect(held.get_by_role("button", name="Approve")).to_be_visible()
    held.get_by_role("button", name="Approve").click()
    expect(held).to_have_attribute("data-status", "published")

    seen = b.locator("[data-messages] li[data-id]").filter(has_text=MESSAGE)
    expect(seen).to_be_visible()
    expect(seen.locator(".text")).to_have_text(MESSAGE)
    expect(seen.locator(".text")).to_have_attribute("dir", "auto")
    expect(b.locator("[data-announce]")).to_contain_text(MESSAGE)
    expect(mine).to_have_attribute("data-status", "published")
    expect(mine.locator(".badge")).to_have_count(0)

    # B replies in the thread; once approved, A sees it right under the parent.
    seen.locator("summary").click()
    seen.locator("form[data-reply] textarea").fill(REPLY)
    seen.locator("form[data-reply] button[type=submit]").click()
    my_reply = b.locator("[data-messages] li[data-id]").filter(has_text=REPLY)
    expect(my_reply.locator(".badge")).to_have_text("In review")
    approve(room, REPLY)
    parent_id = mine.get_attribute("data-id")
    reply = a.locator("[data-messages] li[data-id]").filter(has_text=REPLY)
    expect(reply).to_have_attribute("data-parent", parent_id or "")
    items = a.locator("[data-messages] li[data-id]")
    expect(items).to_have_count(2)
    assert items.nth(1).get_attribute("data-parent") == parent_id

    # The facilitator starts a round: both jurors see it and its countdown.
    facilitator.locator("form[data-round-start] input[name=title]").fill("Roads")
    facilitator.locator("form[data-round-start] input[name=minutes]").fill("10")
    facilitator.locator("form[data-round-start] button[type=submit]").click()
    for page in (a, b):
        expect(page.locator("[data-round]")).to_contain_text("Round 1: Roads")
        expect(page.locator("#round-left")).to_have_text(re.compile(r"^\((10:00|9:[0-5]\d)\)$"))
        expect(page.locator("#round")).to_have_attribute("data-ends-at", re.compile(r"^\d{4}-"))
        expect(page.locator("[data-announce]")).to_contain_text("Round started.")
    expect(facilitator.locator("form[data-round-end]")).to_be_visible()
    facilitator.locator("form[data-round-end] button").click()
    for page in (a, b):
        expect(page.locator("[data-round]")).to_contain_text("ended")
        expect(page.locator("#round-left")).to_have_count(0)

    assert all(same_document(page) for page in (a, b, facilitator))
    screenshot(a, "jury-room-live-phone-en")
    screenshot(facilitator, "jury-room-live-facilitator-desktop-en")


def test_a_draft_goes_to_the_vote_and_is_adopted_live(new_context: Any) -> None:
    room = jury_room()
    a = enter(new_context, room, room.juror_keys[0])
    b = enter(new_context, room, room.juror_keys[1])
    facilitator = enter(new_context, room, room.facilitator_key, viewport=DESKTOP)

    a.locator("form[data-draft] textarea").fill("Desilt canal 7-R by March.")
    a.locator("form[data-draft] button[type=submit]").click()
    expect(a.locator("[data-flash]")).to_have_text("Draft saved.")
    # B had not typed anything: the new version replaces the empty text.
    expect(b.locator("[data-draft-h]")).to_contain_text("version 1")
    expect(b.locator("form[data-draft] textarea")).to_have_value("Desilt canal 7-R by March.")
    expect(b.locator("form[data-draft] input[name=base_version]")).to_have_value("1")

    facilitator.get_by_role("button", name="Put version 1 to the vote").click()
    for page in (a, b):
        expect(page.locator("[data-rec]")).to_have_attribute("data-status", "voting")
        expect(page.locator("[data-drafting]")).to_be_hidden()
    a.locator("[data-rec]").get_by_role("button", name="Agree", exact=True).click()
    expect(a.locator("#my-vote")).to_have_text("You voted: Agree")
    b.locator("[data-rec]").get_by_role("button", name="Agree", exact=True).click()
    for page in (a, b, facilitator):
        expect(page.locator("[data-ballots]")).to_contain_text("2 ballots so far")

    facilitator.get_by_role("button", name="Close the vote").click()
    for page in (a, b):
        expect(page.locator("[data-rec]")).to_have_attribute("data-status", "adopted")
        expect(page.locator("[data-rec]")).to_contain_text("Agree 2 · Disagree 0 · Pass 0")
        public = page.get_by_role("link", name="Public record and the official response")
        expect(public).to_be_visible()
    assert recommendation_status() == "adopted"
    assert all(same_document(page) for page in (a, b, facilitator))
