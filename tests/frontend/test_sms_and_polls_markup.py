"""Server-rendered markup: the "via SMS" badge (never the number) and the poll/speaker shells."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sessions import services
from sessions.actors import Actor
from tests import factories

pytestmark = pytest.mark.django_db

PHONE = "+923001234567"


def _sms_question(live_session: Any, text: str) -> Any:
    participant = factories.make_participant(live_session, name="Bilal")
    question, _ = services.question_ask(
        actor=Actor(participant=participant),
        live_session_id=live_session.pk,
        text=text,
        client_id="sms-1",
        source="sms",
    )
    factories.publish(question, factories.moderator_actor(live_session))
    question.refresh_from_db()
    return question


def test_sms_question_shows_the_badge_on_every_page(client: Client) -> None:
    live_session = factories.make_live_session(code="smsbadge")
    sms = _sms_question(live_session, "Canal water by SMS?")
    web = factories.ask(factories.make_participant(live_session), "Road repairs from the web?")
    factories.publish(web, factories.moderator_actor(live_session))
    assert sms.source == "sms"
    services.stage_show(
        actor=factories.moderator_actor(live_session),
        live_session_id=live_session.pk,
        question_id=sms.pk,
    )

    pages = {
        "audience": client.get("/s/smsbadge/").content.decode(),
        "stage": client.get("/s/smsbadge/stage/").content.decode(),
        "archive": client.get("/s/smsbadge/archive/").content.decode(),
    }
    moderator = factories.make_role_user(live_session, "moderator")
    staff = Client()
    staff.force_login(moderator)
    pages["moderate"] = staff.get("/s/smsbadge/moderate/").content.decode()

    for name, html in pages.items():
        assert '<span class="badge sms">via SMS</span>' in html, name
        assert PHONE not in html, name
    # One badge per SMS question in the list (the web question has none).
    audience = pages["audience"]
    sms_item = audience[audience.index(f'id="q{sms.pk}"') :]
    assert "via SMS" in sms_item[: sms_item.index("</li>")]
    web_item = audience[audience.index(f'id="q{web.pk}"') :]
    assert "via SMS" not in web_item[: web_item.index("</li>")]


def test_live_client_strings_and_poll_shells_are_rendered(client: Client) -> None:
    live_session = factories.make_live_session(code="pollshell")
    audience = client.get("/s/pollshell/").content.decode()
    assert 'data-k="via_sms"' in audience
    assert 'data-k="poll_ballots.one"' in audience
    assert "data-polls-section hidden" in audience
    stage = client.get("/s/pollshell/stage/").content.decode()
    for hook in ("data-polls", "data-floor", "data-rec"):
        assert hook in stage
    moderator = factories.make_role_user(live_session, "moderator")
    staff = Client()
    staff.force_login(moderator)
    console = staff.get("/s/pollshell/moderate/").content.decode()
    for hook in ("data-poll-form", "data-speakers", 'data-sp="first"', 'data-sp="end"'):
        assert hook in console
