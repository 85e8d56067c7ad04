"""Writes for live sessions. Each service checks the actor's right to act,
changes state in one transaction, logs the resulting events with their ``seq``
and broadcasts them only after commit."""

from __future__ import annotations

import datetime
import re
import secrets
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from moderation.models import ModerationDecision
from moderation.reasons import ReasonCode
from moderation.sanitize import sanitize_text
from moderation.screening import ScreeningRequest, screen_question
from moderation.services import decision_record, decision_record_screening
from sessions import events
from sessions.actors import Actor
from sessions.broadcast import broadcast_event
from sessions.errors import Conflict, InvalidInput, NotFound
from sessions.models import (
    Answer,
    Commitment,
    LiveSession,
    Participant,
    Question,
    SessionEvent,
    SessionRole,
    Vote,
)
from sessions.ratelimit import rate_limit_hit
from sessions.tally import tally_coalescer

# No i, l, o, 0 or 1: a code read aloud or off a projector must not be ambiguous.
JOIN_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
JOIN_CODE_LENGTH = 6
_CUSTOM_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{2,15}$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
ANSWER_MAX_CHARS = 4000
NOTE_MAX_CHARS = 500


# --- the event log -------------------------------------------------------------------------


def _lock_session(live_session_id: int) -> LiveSession:
    """Lock the session row for the rest of the transaction.

    Every service that logs events takes this lock first (and only then locks
    anything else), so ``seq`` is handed out in commit order and services never
    deadlock on each other.
    """
    try:
        return LiveSession.objects.select_for_update().get(pk=live_session_id)
    except LiveSession.DoesNotExist:
        raise NotFound("No such session.", code="session_not_found") from None


def _emit(
    live_session: LiveSession, type_: str, data: dict[str, Any], audience: list[str]
) -> SessionEvent:
    """Log one event and broadcast it after commit.

    Precondition: ``live_session`` was locked by ``_lock_session`` in this transaction.
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


def _fresh_question(question_id: int) -> Question:
    return (
        Question.objects.select_related("author")
        .prefetch_related("answers__commitment")
        .get(pk=question_id)
    )


def _question_in_session(live_session: LiveSession, question_id: Any) -> Question:
    try:
        pk = int(question_id)
    except (TypeError, ValueError):
        raise InvalidInput("question_id must be a number.", code="invalid_question_id") from None
    question = Question.objects.select_for_update().filter(pk=pk, live_session=live_session).first()
    if question is None:
        raise NotFound("No such question in this session.", code="question_not_found")
    return question


def _require_not_ended(live_session: LiveSession) -> None:
    if live_session.status == LiveSession.Status.ENDED:
        raise Conflict("This session has ended; its archive is read-only.", code="session_ended")


def _require_live(live_session: LiveSession) -> None:
    _require_not_ended(live_session)
    if live_session.status == LiveSession.Status.SCHEDULED:
        raise Conflict("This session has not opened yet.", code="session_not_open")
    if live_session.status == LiveSession.Status.PAUSED:
        raise Conflict("This session is paused; try again in a moment.", code="session_paused")


# --- sessions and roles ----------------------------------------------------------------------


def join_code_normalize(code: str) -> str:
    normalized = code.strip().lower()
    if not _CUSTOM_CODE.match(normalized):
        raise InvalidInput(
            "A join code has 3-16 letters, digits or dashes.", code="invalid_join_code"
        )
    return normalized


def _join_code_generate() -> str:
    for _ in range(20):
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if not LiveSession.objects.filter(code=code).exists():
            return code
    raise Conflict("Could not find a free join code; try again.", code="join_code_exhausted")


@transaction.atomic
def live_session_create(
    *,
    title: str,
    agenda: str = "",
    code: str | None = None,
    languages: list[str] | None = None,
    is_public: bool = True,
    moderation_mode: str = LiveSession.ModerationMode.PRE,
    scheduled_start: datetime.datetime | None = None,
    scheduled_end: datetime.datetime | None = None,
    created_by: Any = None,
) -> LiveSession:
    title = sanitize_text(title)
    if not title:
        raise InvalidInput("A session needs a title.", code="title_required")
    if moderation_mode not in LiveSession.ModerationMode.values:
        raise InvalidInput("Unknown moderation mode.", code="invalid_moderation_mode")
    if scheduled_start and scheduled_end and scheduled_end <= scheduled_start:
        raise InvalidInput("The session must end after it starts.", code="invalid_schedule")
    final_code = join_code_normalize(code) if code else _join_code_generate()
    if LiveSession.objects.filter(code=final_code).exists():
        raise Conflict("That join code is taken.", code="join_code_taken")
    known = {lang for lang, _ in settings.LANGUAGES}
    chosen = languages or ["en", "ur"]
    if not set(chosen) <= known:
        raise InvalidInput("Unsupported session language.", code="invalid_language")
    return LiveSession.objects.create(
        title=title[:200],
        agenda=sanitize_text(agenda) if agenda else "",
        code=final_code,
        languages=chosen,
        is_public=is_public,
        moderation_mode=moderation_mode,
        scheduled_start=scheduled_start,
        scheduled_end=scheduled_end,
        created_by=created_by,
    )


@transaction.atomic
def session_role_assign(*, live_session: LiveSession, user: Any, role: str) -> SessionRole:
    if role not in SessionRole.Role.values:
        raise InvalidInput("Unknown role.", code="invalid_role")
    assigned, _ = SessionRole.objects.get_or_create(live_session=live_session, user=user, role=role)
    return assigned


_TRANSITIONS = {
    "open": ({LiveSession.Status.SCHEDULED, LiveSession.Status.PAUSED}, LiveSession.Status.LIVE),
    "pause": ({LiveSession.Status.LIVE}, LiveSession.Status.PAUSED),
    "end": (
        {LiveSession.Status.SCHEDULED, LiveSession.Status.LIVE, LiveSession.Status.PAUSED},
        LiveSession.Status.ENDED,
    ),
}


@transaction.atomic
def live_session_control(*, actor: Actor, live_session_id: int, action: str) -> LiveSession:
    """Open, pause or end a session (organizers only)."""
    actor.require_organizer()
    if action not in _TRANSITIONS:
        raise InvalidInput("action must be open, pause or end.", code="invalid_action")
    live_session = _lock_session(live_session_id)
    allowed_from, target = _TRANSITIONS[action]
    if live_session.status not in allowed_from:
        raise Conflict(
            f"Cannot {action} a session that is {live_session.status}.", code="invalid_transition"
        )
    live_session.status = target
    now = timezone.now()
    if target == LiveSession.Status.LIVE and live_session.opened_at is None:
        live_session.opened_at = now
    if target == LiveSession.Status.ENDED:
        live_session.ended_at = now
    live_session.save(update_fields=["status", "opened_at", "ended_at"])
    _emit(
        live_session,
        events.SESSION_UPDATED,
        {"session": events.session_payload(live_session)},
        [events.PUBLIC],
    )
    return live_session


# --- participants and questions ------------------------------------------------------------------


@transaction.atomic
def participant_join(
    *, live_session: LiveSession, display_name: str, district: str = ""
) -> Participant:
    _require_not_ended(live_session)
    name = sanitize_text(display_name or "")
    if not name:
        raise InvalidInput("Choose a display name (a pseudonym is fine).", code="name_required")
    if len(name) > 60:
        raise InvalidInput("A display name has at most 60 characters.", code="name_too_long")
    place = sanitize_text(district or "")
    if len(place) > 80:
        raise InvalidInput("A district has at most 80 characters.", code="district_too_long")
    return Participant.objects.create(live_session=live_session, display_name=name, district=place)


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

    live_session = _lock_session(live_session_id)
    if participant.live_session_id != live_session.pk:
        raise NotFound("You have not joined this session.", code="not_participant")
    _require_live(live_session)
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
    question = _fresh_question(question.pk)
    payload = {"question": events.question_payload(question)}
    author = events.participant_audience(participant.pk)
    if status == Question.Status.PUBLISHED:
        _emit(live_session, events.QUESTION_PUBLISHED, payload, [events.PUBLIC])
    elif status == Question.Status.PENDING:
        _emit(live_session, events.QUEUE_ADDED, payload, [events.MODERATORS])
        _emit(live_session, events.QUESTION_UPDATED, payload, [author])
    else:
        _emit(live_session, events.QUESTION_UPDATED, payload, [author])
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
    _require_live(question.live_session)
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
    live_session = _lock_session(live_session_id)
    counts = dict(
        Question.objects.filter(
            live_session=live_session, pk__in=question_ids, status=Question.Status.PUBLISHED
        ).values_list("pk", "vote_count")
    )
    if not counts:
        return None
    return _emit(
        live_session,
        events.TALLY,
        {"counts": {str(pk): n for pk, n in sorted(counts.items())}},
        [events.PUBLIC],
    )


# --- moderation ----------------------------------------------------------------------------------


def _validated_reason(reason_code: Any, note: Any) -> tuple[str, str]:
    if reason_code not in ReasonCode.values:
        raise InvalidInput(
            "reason must be one of: " + ", ".join(ReasonCode.values), code="invalid_reason"
        )
    clean_note = sanitize_text(note) if isinstance(note, str) else ""
    if len(clean_note) > NOTE_MAX_CHARS:
        raise InvalidInput("The note has at most 500 characters.", code="note_too_long")
    if reason_code == ReasonCode.OTHER and not clean_note:
        raise InvalidInput("Reason 'other' needs a note.", code="note_required")
    return str(reason_code), clean_note


def _unstage_if_on_stage(live_session: LiveSession, question: Question) -> None:
    if live_session.on_stage_id == question.pk:
        live_session.on_stage = None
        live_session.save(update_fields=["on_stage"])
        _emit(live_session, events.STAGE_CHANGED, {"question": None}, [events.PUBLIC])


@transaction.atomic
def question_moderate(
    *,
    actor: Actor,
    live_session_id: int,
    question_id: Any,
    decision: Any,
    reason_code: Any = "",
    note: Any = "",
) -> Question:
    """Approve, reject or hide a question, with a reason for the last two."""
    actor.require_moderator()
    live_session = _lock_session(live_session_id)
    _require_not_ended(live_session)
    question = _question_in_session(live_session, question_id)
    Status = Question.Status
    author = events.participant_audience(question.author_id)
    if decision == "approve":
        if question.status not in (Status.PENDING, Status.REJECTED, Status.HIDDEN):
            raise Conflict(
                "Only held, rejected or hidden questions can be approved.",
                code="invalid_transition",
            )
        question.status = Status.PUBLISHED
        question.published_at = question.published_at or timezone.now()
        question.reason_code, question.reason_note = "", ""
        recorded = ModerationDecision.Decision.APPROVE
        code, clean_note = "", sanitize_text(note) if isinstance(note, str) else ""
    elif decision in ("reject", "hide"):
        code, clean_note = _validated_reason(reason_code, note)
        if decision == "reject" and question.status != Status.PENDING:
            raise Conflict(
                "Only held questions can be rejected; hide published ones.",
                code="invalid_transition",
            )
        if decision == "hide" and question.status != Status.PUBLISHED:
            raise Conflict("Only published questions can be hidden.", code="invalid_transition")
        question.status = Status.REJECTED if decision == "reject" else Status.HIDDEN
        question.reason_code, question.reason_note = code, clean_note
        recorded = (
            ModerationDecision.Decision.REJECT
            if decision == "reject"
            else ModerationDecision.Decision.HIDE
        )
    else:
        raise InvalidInput("decision must be approve, reject or hide.", code="invalid_decision")
    question.save()
    decision_record(
        question_id=question.pk,
        route=ModerationDecision.Route.HUMAN,
        decision=recorded,
        actor=actor.user_or_none,
        reason_code=code,
        note=clean_note[:NOTE_MAX_CHARS],
    )
    payload = {"question": events.question_payload(_fresh_question(question.pk))}
    if question.status == Status.PUBLISHED:
        _emit(live_session, events.QUESTION_PUBLISHED, payload, [events.PUBLIC])
    elif question.status == Status.HIDDEN:
        _unstage_if_on_stage(live_session, question)
        _emit(
            live_session,
            events.QUESTION_REMOVED,
            {"question_id": question.pk, "reason": "hidden", "merged_into": None},
            [events.PUBLIC],
        )
        _emit(live_session, events.QUESTION_UPDATED, payload, [events.MODERATORS, author])
    else:
        _emit(live_session, events.QUESTION_UPDATED, payload, [events.MODERATORS, author])
    return question


@transaction.atomic
def question_merge(
    *, actor: Actor, live_session_id: int, question_id: Any, into_question_id: Any
) -> Question:
    """Merge a duplicate into another published question; votes combine.

    Voters of both keep one vote each on the surviving question.
    """
    actor.require_moderator()
    live_session = _lock_session(live_session_id)
    _require_not_ended(live_session)
    duplicate = _question_in_session(live_session, question_id)
    target = _question_in_session(live_session, into_question_id)
    Status = Question.Status
    if duplicate.pk == target.pk:
        raise InvalidInput("A question cannot be merged into itself.", code="invalid_merge")
    if target.status != Status.PUBLISHED:
        raise Conflict("Merge into a published question.", code="invalid_merge")
    if duplicate.status not in (Status.PENDING, Status.PUBLISHED):
        raise Conflict("Only held or published questions can be merged.", code="invalid_merge")
    was_public = duplicate.status == Status.PUBLISHED

    already = Vote.objects.filter(question=target).values_list("participant_id", flat=True)
    Vote.objects.filter(question=duplicate, participant_id__in=already).delete()
    Vote.objects.filter(question=duplicate).update(question=target)
    target.vote_count = Vote.objects.filter(question=target).count()
    target.save(update_fields=["vote_count", "updated_at"])

    duplicate.status = Status.MERGED
    duplicate.merged_into = target
    duplicate.vote_count = 0
    duplicate.reason_code = ReasonCode.DUPLICATE
    duplicate.save()
    decision_record(
        question_id=duplicate.pk,
        route=ModerationDecision.Route.HUMAN,
        decision=ModerationDecision.Decision.MERGE,
        actor=actor.user_or_none,
        reason_code=ReasonCode.DUPLICATE,
        details={"merged_into": target.pk},
    )
    if live_session.on_stage_id == duplicate.pk:
        live_session.on_stage = target
        live_session.save(update_fields=["on_stage"])
    if was_public:
        _emit(
            live_session,
            events.QUESTION_REMOVED,
            {"question_id": duplicate.pk, "reason": "merged", "merged_into": target.pk},
            [events.PUBLIC],
        )
    _emit(
        live_session,
        events.QUESTION_UPDATED,
        {"question": events.question_payload(_fresh_question(duplicate.pk))},
        [events.MODERATORS, events.participant_audience(duplicate.author_id)],
    )
    target_payload = events.question_payload(_fresh_question(target.pk))
    _emit(live_session, events.QUESTION_UPDATED, {"question": target_payload}, [events.PUBLIC])
    if live_session.on_stage_id == target.pk:
        _emit(live_session, events.STAGE_CHANGED, {"question": target_payload}, [events.PUBLIC])
    return duplicate


# --- stage and answers --------------------------------------------------------------------------


@transaction.atomic
def stage_show(*, actor: Actor, live_session_id: int, question_id: Any) -> LiveSession:
    """Put a published question on stage, or clear the stage with ``None``."""
    actor.require_moderator()
    live_session = _lock_session(live_session_id)
    _require_not_ended(live_session)
    if question_id is None:
        live_session.on_stage = None
        payload = None
    else:
        question = _question_in_session(live_session, question_id)
        if question.status != Question.Status.PUBLISHED:
            raise Conflict("Only published questions go on stage.", code="question_not_published")
        live_session.on_stage = question
        payload = events.question_payload(_fresh_question(question.pk))
    live_session.save(update_fields=["on_stage"])
    _emit(live_session, events.STAGE_CHANGED, {"question": payload}, [events.PUBLIC])
    return live_session


@transaction.atomic
def question_mark_answered(*, actor: Actor, live_session_id: int, question_id: Any) -> Question:
    if not (actor.can_moderate or actor.can_answer):
        actor.require_moderator()
    live_session = _lock_session(live_session_id)
    _require_not_ended(live_session)
    question = _question_in_session(live_session, question_id)
    if question.status != Question.Status.PUBLISHED:
        raise Conflict("Only published questions can be answered.", code="question_not_published")
    if question.answered_at is None:
        question.answered_at = timezone.now()
        question.save(update_fields=["answered_at", "updated_at"])
        _emit(
            live_session,
            events.QUESTION_UPDATED,
            {"question": events.question_payload(_fresh_question(question.pk))},
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

    live_session = _lock_session(live_session_id)
    _require_not_ended(live_session)
    question = _question_in_session(live_session, question_id)
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
    _emit(
        live_session,
        events.ANSWER_POSTED,
        {"question_id": question.pk, "answer": events.answer_payload(answer)},
        [events.PUBLIC],
    )
    return answer
