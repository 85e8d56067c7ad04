"""The stage and officials' answers."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from moderation.sanitize import sanitize_text
from sessions import events
from sessions.actors import Actor
from sessions.errors import Conflict, InvalidInput
from sessions.models import Answer, Commitment, LiveSession, Question
from sessions.services.log import (
    NOTE_MAX_CHARS,
    emit,
    fresh_question,
    lock_session,
    question_for_update,
    require_not_ended,
)

ANSWER_MAX_CHARS = 4000


@transaction.atomic
def stage_show(*, actor: Actor, live_session_id: int, question_id: Any) -> LiveSession:
    """Put a published question on stage, or clear the stage with ``None``."""
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    if question_id is None:
        live_session.on_stage = None
        payload = None
    else:
        question = question_for_update(live_session, question_id)
        if question.status != Question.Status.PUBLISHED:
            raise Conflict("Only published questions go on stage.", code="question_not_published")
        live_session.on_stage = question
        payload = events.question_payload(fresh_question(question.pk))
    live_session.save(update_fields=["on_stage"])
    emit(live_session, events.STAGE_CHANGED, {"question": payload}, [events.PUBLIC])
    return live_session


@transaction.atomic
def question_mark_answered(*, actor: Actor, live_session_id: int, question_id: Any) -> Question:
    if not (actor.can_moderate or actor.can_answer):
        actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    question = question_for_update(live_session, question_id)
    if question.status != Question.Status.PUBLISHED:
        raise Conflict("Only published questions can be answered.", code="question_not_published")
    if question.answered_at is None:
        question.answered_at = timezone.now()
        question.save(update_fields=["answered_at", "updated_at"])
        emit(
            live_session,
            events.QUESTION_UPDATED,
            {"question": events.question_payload(fresh_question(question.pk))},
            [events.PUBLIC],
        )
    return question


def _parse_due_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidInput("due_date must be YYYY-MM-DD.", code="invalid_due_date")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("due_date must be YYYY-MM-DD.", code="invalid_due_date") from None


@transaction.atomic
def answer_post(
    *,
    actor: Actor,
    live_session_id: int,
    question_id: Any,
    text: Any = "",
    live: Any = False,
    commitment: Any = None,
) -> Answer:
    """An official answers in writing (``text``) or marks it answered live.

    ``commitment`` is an optional ``{"text": ..., "due_date": "YYYY-MM-DD"}``.
    """
    actor.require_official()
    if not isinstance(live, bool):
        raise InvalidInput("live must be true or false.", code="invalid_answer")
    clean = sanitize_text(text) if isinstance(text, str) else ""
    if text not in (None, "") and not isinstance(text, str):
        raise InvalidInput("text must be a string.", code="invalid_answer")
    if not clean and not live:
        raise InvalidInput("Write an answer or mark it answered live.", code="answer_empty")
    if len(clean) > ANSWER_MAX_CHARS:
        raise InvalidInput("An answer has at most 4000 characters.", code="answer_too_long")
    promise_text, due = "", None
    if commitment not in (None, "", {}):
        if not isinstance(commitment, dict):
            raise InvalidInput("commitment must be an object.", code="invalid_commitment")
        raw_promise = commitment.get("text")
        promise_text = sanitize_text(raw_promise) if isinstance(raw_promise, str) else ""
        if not promise_text or len(promise_text) > NOTE_MAX_CHARS:
            raise InvalidInput(
                "A commitment needs a text of at most 500 characters.", code="invalid_commitment"
            )
        due = _parse_due_date(commitment.get("due_date"))

    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    question = question_for_update(live_session, question_id)
    if question.status != Question.Status.PUBLISHED:
        raise Conflict("Only published questions can be answered.", code="question_not_published")
    user = actor.user_or_none
    answer = Answer.objects.create(
        question=question,
        official=user,
        official_name=(user.get_full_name() or user.get_username()) if user else "",
        text=clean,
        answered_live=live,
    )
    if promise_text:
        Commitment.objects.create(answer=answer, text=promise_text, due_date=due)
    if question.answered_at is None:
        question.answered_at = timezone.now()
        question.save(update_fields=["answered_at", "updated_at"])
    answer = Answer.objects.select_related("commitment").get(pk=answer.pk)
    emit(
        live_session,
        events.ANSWER_POSTED,
        {"question_id": question.pk, "answer": events.answer_payload(answer)},
        [events.PUBLIC],
    )
    return answer
