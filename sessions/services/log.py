"""The event log: every service that changes what clients see goes through here.

Services take the session-row lock first (``lock_session``), then change state,
then ``emit`` events: ``seq`` is handed out in commit order and broadcast only
after commit.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from sessions.broadcast import broadcast_event
from sessions.errors import Conflict, InvalidInput, NotFound
from sessions.models import LiveSession, Question, SessionEvent

NOTE_MAX_CHARS = 500


def lock_session(live_session_id: int) -> LiveSession:
    """Lock the session row for the rest of the transaction.

    Every service that logs events takes this lock first (and only then locks
    anything else), so ``seq`` is handed out in commit order and services never
    deadlock on each other.
    """
    try:
        return LiveSession.objects.select_for_update().get(pk=live_session_id)
    except LiveSession.DoesNotExist:
        raise NotFound("No such session.", code="session_not_found") from None


def emit(
    live_session: LiveSession, type_: str, data: dict[str, Any], audience: list[str]
) -> SessionEvent:
    """Log one event and broadcast it after commit.

    Precondition: ``live_session`` was locked by ``lock_session`` in this transaction.
    """
    live_session.last_seq += 1
    LiveSession.objects.filter(pk=live_session.pk).update(last_seq=live_session.last_seq)
    event = SessionEvent.objects.create(
        live_session=live_session,
        seq=live_session.last_seq,
        type=type_,
        data=data,
        audience=audience,
    )
    transaction.on_commit(
        partial(
            broadcast_event,
            live_session_id=live_session.pk,
            seq=event.seq,
            type_=type_,
            data=data,
            audience=audience,
        )
    )
    return event


def fresh_question(question_id: int) -> Question:
    return (
        Question.objects.select_related("author", "appeal")
        .prefetch_related("answers__commitment")
        .get(pk=question_id)
    )


def question_for_update(live_session: LiveSession, question_id: Any) -> Question:
    try:
        pk = int(question_id)
    except (TypeError, ValueError):
        raise InvalidInput("question_id must be a number.", code="invalid_question_id") from None
    question = Question.objects.select_for_update().filter(pk=pk, live_session=live_session).first()
    if question is None:
        raise NotFound("No such question in this session.", code="question_not_found")
    return question


def require_not_ended(live_session: LiveSession) -> None:
    if live_session.status == LiveSession.Status.ENDED:
        raise Conflict("This session has ended; its archive is read-only.", code="session_ended")


def require_live(live_session: LiveSession) -> None:
    require_not_ended(live_session)
    if live_session.status == LiveSession.Status.SCHEDULED:
        raise Conflict("This session has not opened yet.", code="session_not_open")
    if live_session.status == LiveSession.Status.PAUSED:
        raise Conflict("This session is paused; try again in a moment.", code="session_paused")
