"""Human moderation: approve, reject, request edits, hide, merge duplicates, appeals."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from moderation.models import Appeal, ModerationDecision
from moderation.reasons import ReasonCode
from moderation.sanitize import sanitize_text
from moderation.services import decision_record
from sessions import events
from sessions.actors import Actor
from sessions.errors import Conflict, Forbidden, InvalidInput
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


# decision -> (statuses it applies to, resulting status, recorded decision, needs a reason)
_DECISIONS: dict[str, tuple[frozenset[str], str, str, bool]] = {
    "approve": (
        frozenset({Question.Status.PENDING, Question.Status.REJECTED, Question.Status.HIDDEN}),
        Question.Status.PUBLISHED,
        ModerationDecision.Decision.APPROVE,
        False,
    ),
    "reject": (
        frozenset({Question.Status.PENDING}),
        Question.Status.REJECTED,
        ModerationDecision.Decision.REJECT,
        True,
    ),
    "request_edit": (
        frozenset({Question.Status.PENDING}),
        Question.Status.NEEDS_EDIT,
        ModerationDecision.Decision.REQUEST_EDIT,
        True,
    ),
    "hide": (
        frozenset({Question.Status.PUBLISHED}),
        Question.Status.HIDDEN,
        ModerationDecision.Decision.HIDE,
        True,
    ),
}


def _decide(
    *,
    actor: Actor,
    live_session: LiveSession,
    question: Question,
    decision: Any,
    reason_code: Any,
    note: Any,
) -> Question:
    """Apply one human decision. Precondition: session and question are locked."""
    if decision not in _DECISIONS:
        raise InvalidInput(
            "decision must be one of: " + ", ".join(_DECISIONS), code="invalid_decision"
        )
    allowed_from, target, recorded, needs_reason = _DECISIONS[decision]
    if question.status not in allowed_from:
        raise Conflict(
            f"Cannot {decision} a question that is {question.status}.", code="invalid_transition"
        )
    if needs_reason:
        code, clean_note = _validated_reason(reason_code, note)
    else:
        code, clean_note = "", sanitize_text(note)[:NOTE_MAX_CHARS] if isinstance(note, str) else ""
    question.status = target
    question.reason_code, question.reason_note = code, clean_note
    if target == Question.Status.PUBLISHED:
        question.published_at = question.published_at or timezone.now()
    question.save()
    decision_record(
        question_id=question.pk,
        route=ModerationDecision.Route.HUMAN,
        decision=recorded,
        actor=actor.user_or_none,
        reason_code=code,
        note=clean_note,
    )
    _emit_status(live_session, question)
    return question


def _emit_status(live_session: LiveSession, question: Question) -> None:
    """Tell everyone who may know about the question's new status."""
    fresh = fresh_question(question.pk)
    private = [events.MODERATORS, events.participant_audience(question.author_id)]
    if question.status == Question.Status.PUBLISHED:
        public_payload = {"question": events.question_payload(fresh)}
        emit(live_session, events.QUESTION_PUBLISHED, public_payload, [events.PUBLIC])
        return
    payload = {"question": events.question_payload(fresh, private=True)}
    if question.status == Question.Status.HIDDEN:
        _unstage_if_on_stage(live_session, question)
        emit(
            live_session,
            events.QUESTION_REMOVED,
            {"question_id": question.pk, "reason": "hidden", "merged_into": None},
            [events.PUBLIC],
        )
    emit(live_session, events.QUESTION_UPDATED, payload, private)


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
    """Approve, reject, request an edit of, or hide a question.

    Every decision but approve needs a reason code; ``other`` needs a note.
    """
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    question = question_for_update(live_session, question_id)
    return _decide(
        actor=actor,
        live_session=live_session,
        question=question,
        decision=decision,
        reason_code=reason_code,
        note=note,
    )


BULK_MAX = 100


@transaction.atomic
def question_moderate_bulk(
    *,
    actor: Actor,
    live_session_id: int,
    question_ids: Any,
    decision: Any,
    reason_code: Any = "",
    note: Any = "",
) -> list[Question]:
    """The same decision for several questions: all of them, or none."""
    actor.require_moderator()
    if (
        not isinstance(question_ids, list)
        or not question_ids
        or len(question_ids) > BULK_MAX
        or len(set(map(str, question_ids))) != len(question_ids)
    ):
        raise InvalidInput(
            f"question_ids must list 1-{BULK_MAX} different questions.", code="invalid_bulk"
        )
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    return [
        _decide(
            actor=actor,
            live_session=live_session,
            question=question_for_update(live_session, question_id),
            decision=decision,
            reason_code=reason_code,
            note=note,
        )
        for question_id in question_ids
    ]


@transaction.atomic
def appeal_submit(*, actor: Actor, live_session_id: int, question_id: Any, note: Any) -> Appeal:
    """The author appeals a rejection or hiding, once, with a note."""
    participant = actor.require_participant()
    clean_note = sanitize_text(note) if isinstance(note, str) else ""
    if not clean_note:
        raise InvalidInput("Say briefly why the decision should change.", code="note_required")
    if len(clean_note) > NOTE_MAX_CHARS:
        raise InvalidInput("The note has at most 500 characters.", code="note_too_long")
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    question = question_for_update(live_session, question_id)
    if question.author_id != participant.pk:
        raise Forbidden("You can only appeal decisions on your own questions.")
    if question.status not in (Question.Status.REJECTED, Question.Status.HIDDEN):
        raise Conflict("Only rejected or hidden questions can be appealed.", code="not_appealable")
    if Appeal.objects.filter(question=question).exists():
        raise Conflict("A question can be appealed once.", code="already_appealed")
    appealed = (
        ModerationDecision.objects.filter(
            question=question,
            decision__in=[ModerationDecision.Decision.REJECT, ModerationDecision.Decision.HIDE],
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if appealed is None:
        raise Conflict("There is no decision to appeal.", code="not_appealable")
    appeal = Appeal.objects.create(question=question, note=clean_note, appealed_decision=appealed)
    payload = {"question": events.question_payload(fresh_question(question.pk), private=True)}
    emit(live_session, events.APPEAL_ADDED, payload, [events.MODERATORS])
    emit(
        live_session,
        events.QUESTION_UPDATED,
        payload,
        [events.participant_audience(question.author_id)],
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *, actor: Actor, live_session_id: int, question_id: Any, outcome: Any, note: Any = ""
) -> Appeal:
    """A moderator other than the one who decided upholds or overturns it."""
    actor.require_moderator()
    if outcome not in ("uphold", "overturn"):
        raise InvalidInput("outcome must be uphold or overturn.", code="invalid_outcome")
    clean_note = sanitize_text(note)[:NOTE_MAX_CHARS] if isinstance(note, str) else ""
    live_session = lock_session(live_session_id)
    question = question_for_update(live_session, question_id)
    appeal = Appeal.objects.select_for_update().filter(question=question).first()
    if appeal is None or appeal.status != Appeal.Status.OPEN:
        raise Conflict("This question has no open appeal.", code="no_open_appeal")
    user = actor.user_or_none
    first_decider = appeal.appealed_decision.actor_id
    if user is None or (first_decider is not None and first_decider == user.pk):
        raise Forbidden(
            "An appeal goes to a different moderator than the one who decided.",
            code="appeal_needs_other_moderator",
        )
    overturn = outcome == "overturn"
    appeal.status = Appeal.Status.OVERTURNED if overturn else Appeal.Status.UPHELD
    appeal.decided_by = user
    appeal.decision_note = clean_note
    appeal.decided_at = timezone.now()
    appeal.save()
    decision_record(
        question_id=question.pk,
        route=ModerationDecision.Route.HUMAN,
        decision=(
            ModerationDecision.Decision.APPEAL_OVERTURNED
            if overturn
            else ModerationDecision.Decision.APPEAL_UPHELD
        ),
        actor=user,
        reason_code=question.reason_code,
        note=clean_note,
        details={"appeal_note": appeal.note},
    )
    if overturn:
        question.status = Question.Status.PUBLISHED
        question.published_at = question.published_at or timezone.now()
        question.reason_code, question.reason_note = "", ""
        question.save()
        _emit_status(live_session, question)
    # The author and the other moderators learn the outcome either way.
    emit(
        live_session,
        events.QUESTION_UPDATED,
        {"question": events.question_payload(fresh_question(question.pk), private=True)},
        [events.MODERATORS, events.participant_audience(question.author_id)],
    )
    return appeal


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
        {"question": events.question_payload(fresh_question(duplicate.pk), private=True)},
        [events.MODERATORS, events.participant_audience(duplicate.author_id)],
    )
    target_payload = events.question_payload(fresh_question(target.pk))
    emit(live_session, events.QUESTION_UPDATED, {"question": target_payload}, [events.PUBLIC])
    if live_session.on_stage_id == target.pk:
        emit(live_session, events.STAGE_CHANGED, {"question": target_payload}, [events.PUBLIC])
    return duplicate
