"""The jury pages, without JavaScript: forms post to the same services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from juries import services
from juries.models import Jury, JuryDraw, JuryMessage, JurySeat, Recommendation
from sessions.actors import Actor
from tests import factories
from tests.juries.conftest import ATTRIBUTES, QUOTAS, volunteer_pool
from tests.juries.room_helpers import ORGANIZER, seat_jury

pytestmark = pytest.mark.django_db


def browser(participant: Any = None, user: Any = None, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.cookies["sessionid"] = factories.browser_session(
        user=user, participants=[participant] if participant else []
    )
    return client


@pytest.fixture
def hall() -> Any:
    return factories.make_live_session(code="canal", languages=["en", "ur"])


@pytest.fixture
def staff() -> Client:
    return browser(user=factories.make_user(staff=True))


@pytest.fixture
def command_runner(settings: Any) -> None:
    settings.TOWNHALL_JURY_DRAW_RUNNER = "command"


# --- volunteering and the seat ------------------------------------------------------------------


def test_a_participant_volunteers_with_the_attributes_the_organizer_asks_for(hall):
    services.jury_configure(
        actor=ORGANIZER, live_session_id=hall.pk, attributes=ATTRIBUTES, size=6, quotas=QUOTAS
    )
    citizen = factories.make_participant(hall)
    page = browser(citizen).get("/s/canal/jury/").content.decode()
    assert 'name="gender" value="female"' in page
    assert "Gender" in page
    response = browser(citizen).post("/s/canal/jury/", {"gender": "female", "area": "rural"})
    assert response.status_code == 302
    assert Jury.objects.get().volunteers.get().attributes == {"gender": "female", "area": "rural"}
    page = browser(citizen).get("/s/canal/jury/").content.decode()
    assert 'value="female" required checked' in page


def test_the_volunteer_form_needs_a_csrf_token(hall):
    services.jury_configure(actor=ORGANIZER, live_session_id=hall.pk, attributes=ATTRIBUTES, size=6)
    citizen = factories.make_participant(hall)
    response = browser(citizen, csrf=True).post(
        "/s/canal/jury/", {"gender": "female", "area": "rural"}
    )
    assert response.status_code == 403
    assert not Jury.objects.get().volunteers.exists()


def test_a_wrong_answer_shows_the_error_page(hall):
    services.jury_configure(actor=ORGANIZER, live_session_id=hall.pk, attributes=ATTRIBUTES, size=6)
    citizen = factories.make_participant(hall)
    response = browser(citizen).post("/s/canal/jury/", {"gender": "x", "area": "rural"})
    assert response.status_code == 400
    assert "invalid_attributes" in response.content.decode()


def test_a_drawn_juror_accepts_the_seat_on_the_seat_page(hall, command_runner):
    services.jury_configure(
        actor=ORGANIZER,
        live_session_id=hall.pk,
        attributes=ATTRIBUTES,
        size=6,
        alternate_count=2,
        quotas=QUOTAS,
    )
    volunteer_pool(hall)
    draw = services.jury_draw_start(actor=ORGANIZER, live_session_id=hall.pk, seed=5)
    services.jury_draw_run(draw_id=draw.pk)
    seat = JurySeat.objects.filter(kind="juror").select_related("volunteer__participant").first()
    juror = browser(seat.volunteer.participant)
    assert "Accept the seat" in juror.get("/s/canal/jury/seat").content.decode()
    assert juror.post("/s/canal/jury/seat", {"accept": "yes"}).status_code == 302
    seat.refresh_from_db()
    assert seat.status == "accepted"
    assert "Enter the jury room" in juror.get("/s/canal/jury/seat").content.decode()


# --- the organizer and the draw -----------------------------------------------------------------


def test_only_staff_open_the_organizer_page(hall):
    services.jury_configure(actor=ORGANIZER, live_session_id=hall.pk, attributes=ATTRIBUTES, size=6)
    assert Client().get("/s/canal/jury/organize").status_code == 302  # to sign in
    assert browser(user=factories.make_user()).get("/s/canal/jury/organize").status_code == 403


def test_the_organizer_configures_the_jury_and_watches_the_draw(hall, staff, command_runner):
    response = staff.post(
        "/s/canal/jury/organize",
        {
            "form": "configure",
            "size": "6",
            "alternate_count": "4",
            "attributes": "gender | en=Gender; ur=جنس | female, male\narea | Area | urban, rural",
            "quotas": "gender=female 2-3\ngender=male 3-4 (2-5)\narea=rural 2-4",
            "volunteering_open": "on",
        },
    )
    assert response.status_code == 302
    jury = Jury.objects.get()
    assert jury.attributes[0] == {
        "key": "gender",
        "label": {"en": "Gender", "ur": "جنس"},
        "values": ["female", "male"],
    }
    male = jury.quotas.get(attribute="gender", value="male")
    assert (male.min, male.max, male.min_flex, male.max_flex) == (3, 4, 2, 5)
    page = staff.get("/s/canal/jury/organize").content.decode()
    assert "gender=male 3-4 (2-5)" in page  # the form shows what was saved

    volunteer_pool(hall)
    staff.post("/s/canal/jury/organize", {"form": "draw", "seed": "99", "algorithm": "maximin"})
    draw = JuryDraw.objects.get()
    assert (draw.status, draw.seed) == ("queued", 99)
    page = staff.get("/s/canal/jury/organize").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "<progress" in page
    status = staff.get("/s/canal/jury/status.json").json()
    assert status["draw"]["status"] == "queued"
    assert status["volunteers"] == 16

    services.jury_draw_run(draw_id=draw.pk)
    page = staff.get("/s/canal/jury/organize").content.decode()
    assert 'http-equiv="refresh"' not in page
    assert staff.get("/s/canal/jury/status.json").json()["draw"]["status"] == "done"


def test_the_published_draw_shows_probabilities_minimum_seed_and_inputs(hall, command_runner):
    services.jury_configure(
        actor=ORGANIZER,
        live_session_id=hall.pk,
        attributes=ATTRIBUTES,
        size=6,
        alternate_count=2,
        quotas=QUOTAS,
    )
    volunteer_pool(hall)
    draw = services.jury_draw_start(actor=ORGANIZER, live_session_id=hall.pk, seed=1234)
    services.jury_draw_run(draw_id=draw.pk)
    draw.refresh_from_db()
    page = Client().get(f"/s/canal/jury/draws/{draw.pk}/").content.decode()
    assert "<code>1234</code>" in page
    assert f"{draw.min_probability:.4f}" in page
    assert f"/s/canal/jury/draws/{draw.pk}/features.csv" in page
    assert f"/s/canal/jury/draws/{draw.pk}/people.csv" in page
    assert f"/s/canal/jury/draws/{draw.pk}.json" in page
    assert page.count("<tr><td>") == 16
    assert page.count(">juror</td>") == 6


# --- the jury room ------------------------------------------------------------------------------


def test_outsiders_cannot_open_or_post_in_the_jury_room(hall):
    seat_jury(hall, jurors=2)
    outsider = browser(factories.make_participant(hall, name="Outsider"))
    assert outsider.get("/s/canal/jury/room/").status_code == 403
    response = outsider.post("/s/canal/jury/room/", {"action": "message", "text": "hi"})
    assert response.status_code == 403
    assert Client().get("/s/canal/jury/room/").status_code == 403
    assert not JuryMessage.objects.exists()


def test_a_jury_deliberates_and_adopts_a_recommendation_without_javascript(hall):
    jurors = seat_jury(hall, jurors=3)
    services.jury_room_configure(
        actor=ORGANIZER,
        live_session_id=hall.pk,
        agenda="Canal water first",
        briefings=[{"title": "Irrigation report", "url": "https://example.org/r.pdf"}],
        threshold=0.6,
    )
    moderator = factories.make_role_user(hall, "moderator")
    facilitator = browser(user=moderator)
    first = browser(jurors[0])

    page = first.get("/s/canal/jury/room/").content.decode()
    assert "Canal water first" in page
    assert 'href="https://example.org/r.pdf"' in page

    facilitator.post("/s/canal/jury/room/", {"action": "round", "minutes": "10", "title": "One"})
    page = first.get("/s/canal/jury/room/").content.decode()
    assert 'data-ends-at="' in page and "juries/room.js" in page

    first.post("/s/canal/jury/room/", {"action": "message", "text": "Desilt the canal."})
    message = JuryMessage.objects.get()
    assert message.status == "pending"  # pre-moderation
    assert "In review" in first.get("/s/canal/jury/room/").content.decode()
    assert "Desilt the canal." not in browser(jurors[1]).get("/s/canal/jury/room/").content.decode()
    facilitator.post(
        "/s/canal/jury/room/",
        {"action": "moderate", "message_id": message.pk, "decision": "approve"},
    )
    assert "Desilt the canal." in browser(jurors[1]).get("/s/canal/jury/room/").content.decode()
    browser(jurors[1]).post(
        "/s/canal/jury/room/", {"action": "message", "text": "Yes", "parent_id": message.pk}
    )
    assert JuryMessage.objects.get(text="Yes").parent_id == message.pk

    first.post(
        "/s/canal/jury/room/", {"action": "draft", "text": "Desilt by March.", "base_version": "0"}
    )
    facilitator.post("/s/canal/jury/room/", {"action": "finalise", "version": "1"})
    recommendation = Recommendation.objects.get()
    for juror, choice in zip(jurors, ["agree", "agree", "disagree"], strict=True):
        browser(juror).post(
            "/s/canal/jury/room/",
            {"action": "vote", "recommendation_id": recommendation.pk, "choice": choice},
        )
    assert "You voted" in first.get("/s/canal/jury/room/").content.decode()
    facilitator.post(
        "/s/canal/jury/room/", {"action": "close", "recommendation_id": recommendation.pk}
    )
    recommendation.refresh_from_db()
    assert recommendation.status == "adopted"

    public = Client().get("/s/canal/jury/recommendations/").content.decode()
    assert "Desilt by March." in public
    assert "Awaiting the official response." in public

    official = browser(user=factories.make_role_user(hall, "official"))
    response = official.post(
        f"/s/canal/jury/recommendations/{recommendation.pk}/respond",
        {
            "text": "Accepted.",
            "commitment": "Desilting",
            "commitment_status": "planned",
            "due_date": "2027-03-01",
        },
    )
    assert response.status_code == 302
    listed = Client().get("/s/canal/jury/recommendations.json").json()["recommendations"]
    assert listed[0]["response"]["commitment"] == {
        "text": "Desilting",
        "status": "planned",
        "due_date": "2027-03-01",
        "completed_date": None,
    }
    assert "planned" in Client().get("/s/canal/jury/recommendations/").content.decode()


def test_a_citizen_cannot_respond_for_the_official(hall):
    jurors = seat_jury(hall, jurors=1)
    response = browser(jurors[0]).post("/s/canal/jury/recommendations/1/respond", {"text": "x"})
    assert response.status_code == 302  # to the sign-in page


def test_user_text_in_the_room_is_escaped(hall, monkeypatch):
    from moderation.screening import Screening

    monkeypatch.setattr(
        services, "screen_question", lambda r: Screening(outcome="publish", reasons=())
    )
    jurors = seat_jury(hall, jurors=1)
    services.jury_message_post(
        actor=Actor(participant=jurors[0]),
        live_session_id=hall.pk,
        text="<script>alert(1)</script> canal",
    )
    page = browser(jurors[0]).get("/s/canal/jury/room/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert 'dir="auto"' in page
