"""Pages and forms: joining, the no-JavaScript path, staff consoles, archive, health."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from moderation.models import ModerationDecision
from sessions.models import Participant, Question
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall() -> Any:
    live_session = factories.make_live_session(code="water")
    return live_session


def joined_client(live_session: Any, name: str = "Ayesha") -> Client:
    browser = Client()
    response = browser.post(
        f"/s/{live_session.code}/join", {"display_name": name, "district": "Vehari"}
    )
    assert response.status_code == 302
    return browser


def test_healthz_reports_database_and_channel_layer(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["channel_layer"]["ok"] is True
    assert body["channel_layer"]["backend"]


def test_session_page_renders_for_anyone_with_a_join_form(client: Client, hall: Any) -> None:
    response = client.get("/s/WATER/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-ws="/ws/sessions/water/"' in page
    assert 'action="/s/water/join"' in page


def test_unknown_code_is_a_clear_404(client: Client) -> None:
    response = client.get("/s/nothere/")
    assert response.status_code == 404
    assert "session_not_found" in response.content.decode()


def test_joining_makes_the_browser_a_participant(hall: Any) -> None:
    browser = joined_client(hall)
    participant = Participant.objects.get()
    assert participant.display_name == "Ayesha"
    assert participant.district == "Vehari"
    page = browser.get("/s/water/").content.decode()
    assert 'action="/s/water/ask"' in page
    assert f'data-participant="{participant.pk}"' in page
    # Joining twice from the same browser keeps one participant.
    browser.post("/s/water/join", {"display_name": "Ayesha again"})
    assert Participant.objects.count() == 1


def test_joining_without_a_name_is_refused(client: Client, hall: Any) -> None:
    response = client.post("/s/water/join", {"display_name": "  "})
    assert response.status_code == 400
    assert "name_required" in response.content.decode()
    assert Participant.objects.count() == 0


def test_join_answers_json_when_asked(client: Client, hall: Any) -> None:
    response = client.post(
        "/s/water/join", {"display_name": "Karim"}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"participant_id": Participant.objects.get().pk}


def test_forms_require_a_csrf_token(hall: Any) -> None:
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/s/water/join", {"display_name": "Ayesha"})
    assert response.status_code == 403
    assert Participant.objects.count() == 0


def test_citizen_asks_and_votes_without_javascript(hall: Any) -> None:
    browser = joined_client(hall)
    response = browser.post("/s/water/ask", {"text": "Where is the water?", "client_id": "nojs1"})
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.status == "pending"
    page = browser.get("/s/water/").content.decode()
    assert "Where is the water?" in page
    assert "In review" in page

    factories.publish(question, factories.moderator_actor(hall))
    voter = joined_client(hall, "Karim")
    voter.post(f"/s/water/questions/{question.pk}/vote", {"value": "1"})
    question.refresh_from_db()
    assert question.vote_count == 1
    voter.post(f"/s/water/questions/{question.pk}/vote", {"value": "0"})
    question.refresh_from_db()
    assert question.vote_count == 0


def test_user_text_is_escaped_in_pages(hall: Any) -> None:
    moderator = factories.moderator_actor(hall)
    participant = factories.make_participant(hall, name="Ali &lt;img src=x onerror=alert(1)&gt;")
    question = factories.ask(participant, "Why &lt;script&gt;alert(1)&lt;/script&gt; no water?")
    factories.publish(question, moderator)
    page = Client().get("/s/water/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "Ali &lt;img src=x onerror=alert(1)&gt;" in page


def test_moderator_console_needs_the_moderator_role(hall: Any) -> None:
    stranger = factories.make_user()
    browser = Client()
    assert browser.get("/s/water/moderate/").status_code == 302  # to the login page
    browser.force_login(stranger)
    assert browser.get("/s/water/moderate/").status_code == 403
    moderator = factories.make_role_user(hall, "moderator")
    browser.force_login(moderator)
    assert browser.get("/s/water/moderate/").status_code == 200


def test_moderator_approves_and_rejects_without_javascript(hall: Any) -> None:
    participant = factories.make_participant(hall)
    first = factories.ask(participant, "First")
    second = factories.ask(participant, "Second")
    browser = Client()
    browser.force_login(factories.make_role_user(hall, "moderator"))
    page = browser.get("/s/water/moderate/").content.decode()
    assert "First" in page and "Second" in page
    browser.post(f"/s/water/moderate/{first.pk}", {"decision": "approve"})
    browser.post(f"/s/water/moderate/{second.pk}", {"decision": "reject", "reason": "off_topic"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "published"
    assert (second.status, second.reason_code) == ("rejected", "off_topic")
    decisions = list(
        ModerationDecision.objects.filter(route="human").values_list("decision", flat=True)
    )
    assert decisions == ["approve", "reject"]


def test_official_console_needs_the_official_role(hall: Any) -> None:
    browser = Client()
    browser.force_login(factories.make_role_user(hall, "moderator"))
    assert browser.get("/s/water/official/").status_code == 403
    browser.force_login(factories.make_role_user(hall, "official"))
    assert browser.get("/s/water/official/").status_code == 200


def test_stage_view_shows_the_question_on_stage(client: Client, hall: Any) -> None:
    from sessions import services

    moderator = factories.moderator_actor(hall)
    question = factories.publish(
        factories.ask(factories.make_participant(hall, name="Bilal"), "Load-shedding?"),
        moderator,
    )
    services.stage_show(actor=moderator, live_session_id=hall.pk, question_id=question.pk)
    page = client.get("/s/water/stage/").content.decode()
    assert "Load-shedding?" in page
    assert "Bilal" in page


def _archived_session() -> Any:
    from sessions import services

    live_session = factories.make_live_session(code="past")
    moderator = factories.moderator_actor(live_session)
    official = factories.official_actor(live_session)
    answered = factories.publish(
        factories.ask(factories.make_participant(live_session), "=HYPERLINK(evil) roads?"),
        moderator,
    )
    factories.ask(factories.make_participant(live_session, name="Karim"), "Still held")
    services.answer_post(
        actor=official,
        live_session_id=live_session.pk,
        question_id=answered.pk,
        text="سڑک جنوری میں بنے گی",
        commitment={"text": "Road rebuilt", "due_date": "2027-01-31"},
    )
    organizer = factories.make_user(staff=True)
    from sessions.actors import Actor

    services.live_session_control(
        actor=Actor(user=organizer, roles=frozenset({"organizer"})),
        live_session_id=live_session.pk,
        action="end",
    )
    return live_session


def test_archive_exports_published_questions_answers_and_commitments_as_json(
    client: Client,
) -> None:
    _archived_session()
    response = client.get("/s/past/archive.json")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["session"]["status"] == "ended"
    assert [q["text"] for q in body["questions"]] == ["=HYPERLINK(evil) roads?"]
    answer = body["questions"][0]["answers"][0]
    assert answer["text"] == "سڑک جنوری میں بنے گی"
    assert answer["commitment"] == {"text": "Road rebuilt", "due_date": "2027-01-31"}


def test_archive_csv_is_utf8_and_safe_for_spreadsheets(client: Client) -> None:
    _archived_session()
    response = client.get("/s/past/archive.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["question"] == "'=HYPERLINK(evil) roads?"
    assert rows[0]["answer"] == "سڑک جنوری میں بنے گی"
    assert rows[0]["commitment_due"] == "2027-01-31"
    assert client.get("/s/past/archive.xml").status_code == 404


def test_ended_session_page_offers_no_join_or_ask(client: Client) -> None:
    _archived_session()
    page = client.get("/s/past/").content.decode()
    assert 'action="/s/past/join"' not in page
    assert client.post("/s/past/join", {"display_name": "Late"}).status_code == 409


def test_organizer_creates_and_opens_a_session(client: Client) -> None:
    organizer = factories.make_user(staff=True)
    client.force_login(organizer)
    client.post(
        "/organizer/",
        {
            "form": "create",
            "title": "Budget hearing",
            "code": "Budget",
            "moderation_mode": "automatic",
            "languages": ["ur", "en"],
            "scheduled_start": "2026-12-01T10:00",
            "scheduled_end": "2026-12-01T12:00",
            "is_public": "on",
        },
    )
    from sessions.models import LiveSession

    created = LiveSession.objects.get(code="budget")
    assert created.status == "scheduled"
    assert created.moderation_mode == "automatic"
    assert created.languages == ["ur", "en"]
    assert created.scheduled_start is not None
    assert created.scheduled_start.isoformat() == "2026-12-01T05:00:00+00:00"
    bad = client.post(
        "/organizer/",
        {"form": "create", "title": "X", "scheduled_start": "tomorrow"},
    )
    assert bad.status_code == 400
    client.post("/organizer/", {"code": "budget", "action": "open"})
    created.refresh_from_db()
    assert created.status == "live"


def test_organizer_page_is_for_staff_only(client: Client) -> None:
    client.force_login(factories.make_user())
    assert client.get("/organizer/").status_code == 403


def test_landing_lists_live_sessions(client: Client, hall: Any) -> None:
    page = client.get("/").content.decode()
    assert "/s/water/" in page


def test_transparency_page_and_json_show_figures_without_personal_data(client: Client) -> None:
    live_session = factories.make_live_session(code="open")
    moderator = factories.moderator_actor(live_session)
    participant = factories.make_participant(live_session, name="Zainab")
    factories.publish(factories.ask(participant, "Why no gas?"), moderator)
    page = client.get("/s/open/transparency/").content.decode()
    assert "Zainab" not in page and "Why no gas?" not in page
    body = client.get("/s/open/transparency.json").json()
    assert body["questions"] == 1
    assert body["by_outcome"] == {"published": 1}
    assert body["by_route"] == {"automatic": 0, "human": 1}


def test_every_page_links_privacy_terms_and_the_citizens_own_data(client: Client) -> None:
    factories.make_live_session(code="links")
    for path in ("/", "/s/links/", "/s/links/archive/", "/accounts/login/"):
        page = client.get(path).content.decode()
        for target in ("/privacy/", "/terms/", "/me/data", "/me/delete"):
            assert f'href="{target}"' in page, (path, target)
    session_page = client.get("/s/links/").content.decode()
    assert 'href="/s/links/jury/"' in session_page
