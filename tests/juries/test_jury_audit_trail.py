"""Jury-room messages are in the moderation audit trail like questions: what
screening decided, what the facilitator decided, by whom and why."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from juries import services
from moderation.models import AppendOnlyError, ModerationDecision
from moderation.selectors import audit_rows, labelled_rows
from moderation.services import decision_record
from sessions.actors import Actor
from tests.factories import make_live_session, moderator_actor
from tests.juries.room_helpers import seat_jury

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall() -> Any:
    return make_live_session(languages=["en", "ur"])


@pytest.fixture
def jurors(hall: Any) -> list[Any]:
    return seat_jury(hall, jurors=3, declined=1)


def post(actor: Actor, hall: Any, text: str = "The canal should be desilted first.") -> Any:
    message, _ = services.jury_message_post(actor=actor, live_session_id=hall.pk, text=text)
    return message


def test_a_jurors_screened_message_is_recorded_as_an_automatic_decision(hall, jurors):
    message = post(Actor(participant=jurors[0]), hall)  # sessions pre-moderate by default
    (decision,) = ModerationDecision.objects.filter(jury_message=message)
    assert decision.question_id is None
    assert decision.route == "automatic"
    assert decision.decision == "hold"
    assert decision.reason_code == "pre_moderation"
    assert decision.details["language"] == "en"
    assert {"code": "pre_moderation", "stage": "policy", "detail": {}} in decision.details[
        "reasons"
    ]


def test_the_facilitators_decision_on_a_held_message_is_recorded_with_who_and_why(hall, jurors):
    facilitator = moderator_actor(hall)
    kept = post(Actor(participant=jurors[0]), hall)
    removed = post(Actor(participant=jurors[1]), hall, "Another thought on the canal.")
    services.jury_message_moderate(
        actor=facilitator, live_session_id=hall.pk, message_id=kept.pk, decision="approve"
    )
    services.jury_message_moderate(
        actor=facilitator,
        live_session_id=hall.pk,
        message_id=removed.pk,
        decision="reject",
        note="Please keep it civil",
    )
    approve = ModerationDecision.objects.get(jury_message=kept, route="human")
    assert (approve.decision, approve.actor, approve.reason_code) == (
        "approve",
        facilitator.user,
        "",
    )
    reject = ModerationDecision.objects.get(jury_message=removed, route="human")
    assert (reject.decision, reject.reason_code, reject.note) == (
        "reject",
        "other",
        "Please keep it civil",
    )
    assert reject.actor == facilitator.user
    with pytest.raises(AppendOnlyError):
        reject.delete()


def test_the_facilitators_own_messages_are_not_screened_so_not_recorded(hall, jurors):
    message = post(moderator_actor(hall), hall, "Round two starts in five minutes.")
    assert message.status == "published"
    assert not ModerationDecision.objects.filter(jury_message=message).exists()


def test_jury_decisions_are_in_the_sessions_audit_export_but_not_training_labels(hall, jurors):
    facilitator = moderator_actor(hall)
    message = post(Actor(participant=jurors[0]), hall)
    services.jury_message_moderate(
        actor=facilitator, live_session_id=hall.pk, message_id=message.pk, decision="approve"
    )
    rows = [r for r in audit_rows(session_code=hall.code) if r["jury_message_id"] == message.pk]
    assert [(r["route"], r["decision"], r["session"], r["question_id"]) for r in rows] == [
        ("automatic", "hold", hall.code, None),
        ("human", "approve", hall.code, None),
    ]
    assert rows[1]["actor"] == facilitator.user.get_username()
    assert audit_rows(session_code="no-such-hall") == []
    # A facilitator's rejection carries a free note, not a toxicity reason.
    assert labelled_rows(session_code=hall.code) == []


def test_a_decision_is_on_exactly_one_question_or_jury_message(hall, jurors):
    message = post(Actor(participant=jurors[0]), hall)
    with pytest.raises(ValueError, match="exactly one"):
        decision_record(route="human", decision="approve")
    with pytest.raises(IntegrityError), transaction.atomic():
        # The database refuses it too, whatever code writes the row.
        ModerationDecision.objects.create(route="human", decision="approve")
    assert ModerationDecision.objects.filter(jury_message=message).count() == 1
