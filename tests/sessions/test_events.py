"""The exact shape of every payload builder in sessions/events.py (docs/protocol.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sessions import events, services
from sessions.models import SessionEvent
from tests import factories

pytestmark = pytest.mark.django_db

QUESTION_KEYS = {
    "id",
    "text",
    "language",
    "source",
    "status",
    "author",
    "votes",
    "answered",
    "answers",
    "merged_into",
    "reason",
    "appeal",
    "created_at",
    "published_at",
}


def test_question_payload_has_the_documented_fields_and_hides_private_ones() -> None:
    live_session = factories.make_live_session()
    question = factories.ask(factories.make_participant(live_session), "Water?")
    public = events.question_payload(question)
    private = events.question_payload(question, private=True)
    assert set(public) == QUESTION_KEYS
    assert public["author"] == {
        "id": question.author_id,
        "display_name": "Ayesha",
        "district": "Vehari",
    }
    assert public["reason"] is None
    assert public["appeal"] is None
    assert private["reason"] == {"code": "pre_moderation", "note": ""}
    assert (public["status"], public["votes"], public["answered"]) == ("pending", 0, False)


def test_answer_and_session_payloads_have_the_documented_fields() -> None:
    live_session = factories.make_live_session(code="shape")
    question = factories.publish(
        factories.ask(factories.make_participant(live_session), "Roads?"),
        factories.moderator_actor(live_session),
    )
    answer = services.answer_post(
        actor=factories.official_actor(live_session),
        live_session_id=live_session.pk,
        question_id=question.pk,
        text="Next month",
    )
    assert set(events.answer_payload(answer)) == {
        "id",
        "official",
        "text",
        "live",
        "created_at",
        "commitment",
    }
    assert set(events.session_payload(live_session)) == {
        "code",
        "title",
        "agenda",
        "status",
        "languages",
        "moderation_mode",
        "is_public",
        "scheduled_start",
        "scheduled_end",
    }


def test_every_logged_event_type_is_a_documented_one() -> None:
    documented = {
        events.QUESTION_PUBLISHED,
        events.QUESTION_UPDATED,
        events.QUESTION_REMOVED,
        events.QUEUE_ADDED,
        events.APPEAL_ADDED,
        events.STAGE_CHANGED,
        events.ANSWER_POSTED,
        events.TALLY,
        events.SESSION_UPDATED,
    }
    protocol = Path("docs/protocol.md").read_text(encoding="utf-8")
    for event_type in documented:
        assert f"`{event_type}`" in protocol
    live_session = factories.make_live_session()
    factories.publish(
        factories.ask(factories.make_participant(live_session), "Gas?"),
        factories.moderator_actor(live_session),
    )
    assert set(SessionEvent.objects.values_list("type", flat=True)) <= documented
