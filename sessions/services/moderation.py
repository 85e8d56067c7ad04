"""Human moderation: approve, reject, hide, merge duplicates."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from moderation.models import ModerationDecision
from moderation.reasons import ReasonCode
from moderation.sanitize import sanitize_text
from moderation.services import decision_record
from sessions import events
from sessions.actors import Actor
from sessions.errors import Conflict, InvalidInput
from sessions.models import LiveSession, Question, Vote
from sessions.services.log import (
    NOTE_MAX_CHARS,
    emit,
    fresh_question,
    lock_session,
    question_for_update,
    require_not_ended,
)


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
        emit(live_session, events.STAGE_CHANGED, {"question": None}, [events.PUBLIC])


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
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    question = question_for_update(live_session, question_id)
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
    payload = {"question": events.question_payload(fresh_question(question.pk))}
    if question.status == Status.PUBLISHED:
        emit(live_session, events.QUESTION_PUBLISHED, payload, [events.PUBLIC])
    elif question.status == Status.HIDDEN:
        _unstage_if_on_stage(live_session, question)
        emit(
            live_session,
            events.QUESTION_REMOVED,
            {"question_id": question.pk, "reason": "hidden", "merged_into": None},
            [events.PUBLIC],
        )
        emit(live_session, events.QUESTION_UPDATED, payload, [events.MODERATORS, author])
    else:
        emit(live_session, events.QUESTION_UPDATED, payload, [events.MODERATORS, author])
    return question


@transaction.atomic
def question_merge(
    *, actor: Actor, live_session_id: int, question_id: Any, into_question_id: Any
) -> Question:
    """Merge a duplicate into another published question; votes combine.

    Voters of both keep one vote each on the surviving question.
    """
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    duplicate = question_for_update(live_session, question_id)
    target = question_for_update(live_session, into_question_id)
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
        emit(
            live_session,
            events.QUESTION_REMOVED,
            {"question_id": duplicate.pk, "reason": "merged", "merged_into": target.pk},
            [events.PUBLIC],
        )
    emit(
        live_session,
        events.QUESTION_UPDATED,
        {"question": events.question_payload(fresh_question(duplicate.pk))},
        [events.MODERATORS, events.participant_audience(duplicate.author_id)],
    )
    target_payload = events.question_payload(fresh_question(target.pk))
    emit(live_session, events.QUESTION_UPDATED, {"question": target_payload}, [events.PUBLIC])
    if live_session.on_stage_id == target.pk:
        emit(live_session, events.STAGE_CHANGED, {"question": target_payload}, [events.PUBLIC])
    return duplicate
