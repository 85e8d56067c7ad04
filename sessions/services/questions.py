"""Asking and voting."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from moderation.sanitize import sanitize_text
from moderation.screening import ScreeningRequest, screen_question
from moderation.services import decision_record_screening
from sessions import events
from sessions.actors import Actor
from sessions.errors import Conflict, InvalidInput, NotFound
from sessions.models import Question, SessionEvent, Vote
from sessions.ratelimit import rate_limit_hit
from sessions.services.log import emit, fresh_question, lock_session, require_live
from sessions.tally import tally_coalescer

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


@transaction.atomic
def question_ask(
    *, actor: Actor, live_session_id: int, text: Any, client_id: Any
) -> tuple[Question, bool]:
    """Submit a question; returns it and whether it was created now.

    Idempotent on ``client_id``: a resend of the same submission returns the
    question the first one created, whatever happened in between.
    """
    participant = actor.require_participant()
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise InvalidInput(
            "client_id must be 1-64 letters, digits or _ . : -", code="invalid_client_id"
        )
    existing = Question.objects.filter(author=participant, client_id=client_id).first()
    if existing is not None:
        return existing, False
    if not isinstance(text, str):
        raise InvalidInput("text must be a string.", code="invalid_text")
    limit = settings.TOWNHALL_QUESTION_MAX_CHARS
    if len(text) > limit * 4:
        raise InvalidInput(f"A question has at most {limit} characters.", code="text_too_long")
    clean = sanitize_text(text)
    if not clean:
        raise InvalidInput("The question is empty.", code="text_empty")
    if len(clean) > limit:
        raise InvalidInput(f"A question has at most {limit} characters.", code="text_too_long")

    live_session = lock_session(live_session_id)
    if participant.live_session_id != live_session.pk:
        raise NotFound("You have not joined this session.", code="not_participant")
    require_live(live_session)
    rate_limit_hit(
        scope="ask",
        key=str(participant.pk),
        limit=settings.TOWNHALL_ASK_RATE,
        message="You are asking very fast; wait a minute before the next question.",
    )
    recent = tuple(
        Question.objects.filter(author=participant)
        .order_by("-created_at")
        .values_list("text", flat=True)[:5]
    )
    screening = screen_question(
        ScreeningRequest(
            text=clean,
            moderation_mode=live_session.moderation_mode,
            agenda=live_session.agenda,
            recent_texts=recent,
        )
    )
    status = {
        "publish": Question.Status.PUBLISHED,
        "hold": Question.Status.PENDING,
        "reject": Question.Status.REJECTED,
    }[screening.outcome]
    reason = screening.primary_reason
    try:
        with transaction.atomic():
            question = Question.objects.create(
                live_session=live_session,
                author=participant,
                client_id=client_id,
                text=clean,
                original_text=text,
                language=screening.language,
                status=status,
                reason_code=reason.code if reason and status != Question.Status.PUBLISHED else "",
                published_at=timezone.now() if status == Question.Status.PUBLISHED else None,
            )
    except IntegrityError:
        # A concurrent resend won the race; answer with what it created.
        return Question.objects.get(author=participant, client_id=client_id), False
    decision_record_screening(question_id=question.pk, screening=screening)
    question = fresh_question(question.pk)
    payload = {"question": events.question_payload(question)}
    author = events.participant_audience(participant.pk)
    if status == Question.Status.PUBLISHED:
        emit(live_session, events.QUESTION_PUBLISHED, payload, [events.PUBLIC])
    elif status == Question.Status.PENDING:
        emit(live_session, events.QUEUE_ADDED, payload, [events.MODERATORS])
        emit(live_session, events.QUESTION_UPDATED, payload, [author])
    else:
        emit(live_session, events.QUESTION_UPDATED, payload, [author])
    return question, True


@transaction.atomic
def question_vote(*, actor: Actor, live_session_id: int, question_id: Any, value: Any) -> bool:
    """Give (1) or withdraw (0) this participant's vote; returns whether it changed.

    Votes are not logged one by one: they mark the question for the next
    coalesced ``tally`` event. Repeating a vote or a withdrawal changes nothing.
    """
    participant = actor.require_participant()
    if type(value) is not int or value not in (0, 1):
        raise InvalidInput("value must be 1 (vote) or 0 (withdraw).", code="invalid_vote")
    try:
        pk = int(question_id)
    except (TypeError, ValueError):
        raise InvalidInput("question_id must be a number.", code="invalid_question_id") from None
    question = (
        Question.objects.select_related("live_session")
        .filter(pk=pk, live_session_id=live_session_id)
        .first()
    )
    if question is None or participant.live_session_id != live_session_id:
        raise NotFound("No such question in this session.", code="question_not_found")
    require_live(question.live_session)
    if question.status != Question.Status.PUBLISHED:
        raise Conflict("Only published questions can be voted on.", code="question_not_published")
    rate_limit_hit(
        scope="vote",
        key=str(participant.pk),
        limit=settings.TOWNHALL_VOTE_RATE,
        message="You are voting very fast; slow down a little.",
    )
    if value == 1:
        try:
            with transaction.atomic():
                Vote.objects.create(question=question, participant=participant)
        except IntegrityError:
            return False
        Question.objects.filter(pk=question.pk).update(vote_count=F("vote_count") + 1)
    else:
        deleted, _ = Vote.objects.filter(question=question, participant=participant).delete()
        if not deleted:
            return False
        Question.objects.filter(pk=question.pk, vote_count__gt=0).update(
            vote_count=F("vote_count") - 1
        )
    transaction.on_commit(
        partial(tally_coalescer.mark, live_session_id=live_session_id, question_id=question.pk)
    )
    return True


@transaction.atomic
def tally_publish(*, live_session_id: int, question_ids: set[int]) -> SessionEvent | None:
    """Log one ``tally`` event with the current counts of these questions."""
    live_session = lock_session(live_session_id)
    counts = dict(
        Question.objects.filter(
            live_session=live_session, pk__in=question_ids, status=Question.Status.PUBLISHED
        ).values_list("pk", "vote_count")
    )
    if not counts:
        return None
    return emit(
        live_session,
        events.TALLY,
        {"counts": {str(pk): n for pk, n in sorted(counts.items())}},
        [events.PUBLIC],
    )
