"""Asking, editing and voting."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from moderation.models import Appeal, ModerationDecision
from moderation.reasons import ScreeningCode
from moderation.sanitize import sanitize_text
from moderation.screening import Screening, ScreeningReason, ScreeningRequest, screen_question
from moderation.selectors import review_for
from moderation.services import decision_record, decision_record_screening
from sessions import events
from sessions.actors import Actor
from sessions.errors import Conflict, Forbidden, InvalidInput, NotFound, TownhallError
from sessions.models import LiveSession, Participant, Question, SessionEvent, Vote
from sessions.ratelimit import rate_limit_hit
from sessions.services.log import (
    emit,
    fresh_question,
    lock_session,
    question_for_update,
    require_live,
)
from sessions.tally import tally_coalescer
from sessions.verification import require_verified

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


_STATUS_FOR_OUTCOME = {
    "publish": Question.Status.PUBLISHED,
    "hold": Question.Status.PENDING,
    "reject": Question.Status.REJECTED,
}


def _clean_question_text(text: Any) -> str:
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
    return clean


def _screen(
    live_session: LiveSession,
    participant: Participant,
    text: str,
    *,
    editing: Question | None = None,
) -> Screening:
    """Run screening. Call it before locking the session: a classifier may take
    up to its timeout, and other questions must not wait behind it.

    Precondition: inside a transaction. It locks the author's row, so one
    participant's asks and edits are screened one at a time (they run on a
    thread pool, in several processes): the repeat check sees the previous one.
    """
    list(Participant.objects.select_for_update().filter(pk=participant.pk).values_list("pk"))
    rate_limit_hit(
        scope="ask",
        key=str(participant.pk),
        limit=settings.TOWNHALL_ASK_RATE,
        message="You are asking very fast; wait a minute before the next question.",
    )
    earlier = Question.objects.filter(author=participant).order_by("-created_at")
    if editing is not None:
        earlier = earlier.exclude(pk=editing.pk)
    screening = screen_question(
        ScreeningRequest(
            text=text,
            moderation_mode=live_session.moderation_mode,
            agenda=live_session.agenda,
            recent=tuple(earlier.values_list("text", "created_at")[:10]),
            now=timezone.now(),
        )
    )
    resubmission = editing is not None and editing.status != Question.Status.PENDING
    if resubmission and screening.outcome == "publish":
        # An edit after a moderator's decision goes back to a human (as in
        # Coral): the automatic stages already passed the first version once.
        screening = replace(
            screening,
            outcome="hold",
            reasons=(ScreeningReason(ScreeningCode.RESUBMITTED.value, "policy"),),
        )
    return screening


def _apply_screening(question: Question, screening: Screening) -> None:
    question.status = _STATUS_FOR_OUTCOME[screening.outcome]
    reason = screening.primary_reason
    published = question.status == Question.Status.PUBLISHED
    question.reason_code = reason.code if reason and not published else ""
    question.reason_note = ""
    question.language = screening.language
    if published:
        question.published_at = question.published_at or timezone.now()


def _announce(live_session: LiveSession, question_id: int) -> Question:
    """Emit what a newly screened question means for each audience."""
    question = fresh_question(question_id)
    author = events.participant_audience(question.author_id)
    if question.status == Question.Status.PUBLISHED:
        payload = {"question": events.question_payload(question)}
        emit(live_session, events.QUESTION_PUBLISHED, payload, [events.PUBLIC])
        return question
    private = events.question_payload(question, private=True)
    if question.status == Question.Status.PENDING:
        queued = {**private, "review": review_for(question)}
        emit(live_session, events.QUEUE_ADDED, {"question": queued}, [events.MODERATORS])
    emit(live_session, events.QUESTION_UPDATED, {"question": private}, [author])
    return question


@transaction.atomic
def question_ask(
    *, actor: Actor, live_session_id: int, text: Any, client_id: Any, source: str = "web"
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
    clean = _clean_question_text(text)
    if participant.live_session_id != live_session_id:
        raise NotFound("You have not joined this session.", code="not_participant")
    live_session = LiveSession.objects.get(pk=live_session_id)
    require_live(live_session)
    screening = _screen(live_session, participant, clean)
    live_session = lock_session(live_session_id)
    require_live(live_session)
    question = Question(
        live_session=live_session,
        author=participant,
        client_id=client_id,
        source=source,
        text=clean,
        original_text=text,
    )
    _apply_screening(question, screening)
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError:
        # A concurrent resend won the race; answer with what it created.
        return Question.objects.get(author=participant, client_id=client_id), False
    decision_record_screening(question_id=question.pk, screening=screening)
    return _announce(live_session, question.pk), True


EDITABLE = frozenset(
    {Question.Status.PENDING, Question.Status.NEEDS_EDIT, Question.Status.REJECTED}
)


@transaction.atomic
def question_edit(*, actor: Actor, live_session_id: int, question_id: Any, text: Any) -> Question:
    """The author edits a question that is not published yet, and resubmits it.

    The new text is screened again; after a moderator asked for an edit or
    rejected it, the edit is held for a human whatever the automatic stages say.
    """
    participant = actor.require_participant()
    clean = _clean_question_text(text)
    live_session = LiveSession.objects.get(pk=live_session_id)
    require_live(live_session)
    question = _own_editable_question(live_session, participant, question_id)
    screening = _screen(live_session, participant, clean, editing=question)
    live_session = lock_session(live_session_id)
    require_live(live_session)
    # Locked and read again: the question may have changed during screening.
    question = _own_editable_question(live_session, participant, question_id, lock=True)
    previous_text, previous_status = question.text, question.status
    question.text, question.original_text = clean, text
    _apply_screening(question, screening)
    question.save()
    decision_record(
        question_id=question.pk,
        route=ModerationDecision.Route.AUTOMATIC,
        decision=ModerationDecision.Decision.RESUBMIT,
        details={"previous_text": previous_text, "previous_status": previous_status},
    )
    decision_record_screening(question_id=question.pk, screening=screening)
    return _announce(live_session, question.pk)


def _own_editable_question(
    live_session: LiveSession, participant: Participant, question_id: Any, *, lock: bool = False
) -> Question:
    if lock:
        question = question_for_update(live_session, question_id)
    else:
        try:
            question = Question.objects.get(pk=int(question_id), live_session=live_session)
        except (Question.DoesNotExist, TypeError, ValueError):
            raise NotFound("No such question in this session.", code="question_not_found") from None
    if question.author_id != participant.pk:
        raise Forbidden("You can only edit your own questions.")
    if question.status not in EDITABLE:
        raise Conflict(
            "Only questions in review, sent back for an edit, or not published can be edited.",
            code="not_editable",
        )
    if Appeal.objects.filter(question=question).exists():
        raise Conflict("This question is under appeal; it cannot be edited.", code="appealed")
    return question


@dataclass(frozen=True)
class VoteRequest:
    """One ``question.vote`` as it arrived: checked and applied by :func:`question_vote_batch`."""

    actor: Actor
    question_id: Any
    value: Any


def question_vote(*, actor: Actor, live_session_id: int, question_id: Any, value: Any) -> bool:
    """Give (1) or withdraw (0) this participant's vote; returns whether it changed.

    Votes are not logged one by one: they mark the question for the next
    coalesced ``tally`` event. Repeating a vote or a withdrawal changes nothing.
    """
    (outcome,) = question_vote_batch(
        live_session_id=live_session_id,
        requests=[VoteRequest(actor=actor, question_id=question_id, value=value)],
    )
    if isinstance(outcome, TownhallError):
        raise outcome
    return outcome


def _vote_parse(request: VoteRequest) -> tuple[Participant, int, int]:
    participant = request.actor.require_participant()
    value = request.value
    if type(value) is not int or value not in (0, 1):
        raise InvalidInput("value must be 1 (vote) or 0 (withdraw).", code="invalid_vote")
    try:
        pk = int(request.question_id)
    except (TypeError, ValueError):
        raise InvalidInput("question_id must be a number.", code="invalid_question_id") from None
    return participant, pk, value


def _vote_check(
    live_session: LiveSession, participant: Participant, question: Question | None
) -> None:
    """The checks of one vote, in the order a single vote always made them."""
    if question is None or participant.live_session_id != live_session.pk:
        raise NotFound("No such question in this session.", code="question_not_found")
    require_live(live_session)
    if live_session.requires_verified_voting:
        require_verified(
            participant_id=participant.pk,
            message="This town hall counts votes of verified participants only.",
        )
    if question.status != Question.Status.PUBLISHED:
        raise Conflict("Only published questions can be voted on.", code="question_not_published")
    rate_limit_hit(
        scope="vote",
        key=str(participant.pk),
        limit=settings.TOWNHALL_VOTE_RATE,
        message="You are voting very fast; slow down a little.",
    )


@transaction.atomic
def question_vote_batch(
    *, live_session_id: int, requests: Sequence[VoteRequest]
) -> list[bool | TownhallError]:
    """Apply many votes of one session in one transaction, with the outcome of each:
    whether it changed anything, or the error a single vote would have raised.

    The result is the same as applying them one by one in order. The session row
    is locked first (like every service that logs events), and every writer of
    ``Vote`` rows goes through here or the merge, which locks it too. So, under
    the lock, what is read is what is there: each vote's outcome is exact, and
    the counts of the affected questions are recounted from the ``Vote`` rows
    with one UPDATE. A participant who votes twice on a question within one batch is
    applied in two rounds, in order.
    """
    outcomes: list[bool | TownhallError] = [False] * len(requests)
    parsed: list[tuple[int, Participant, int, int]] = []
    for index, request in enumerate(requests):
        try:
            participant, pk, value = _vote_parse(request)
        except TownhallError as exc:
            outcomes[index] = exc
            continue
        parsed.append((index, participant, pk, value))
    if not parsed:
        return outcomes
    try:
        live_session = lock_session(live_session_id)
    except NotFound:
        for index, *_ in parsed:
            outcomes[index] = NotFound(
                "No such question in this session.", code="question_not_found"
            )
        return outcomes
    questions = Question.objects.in_bulk({pk for _, _, pk, _ in parsed}, field_name="pk")
    # Rounds: the n-th request of a (participant, question) pair goes to round n.
    rounds: list[list[tuple[int, int, int, int]]] = []
    seen: dict[tuple[int, int], int] = {}
    for index, participant, pk, value in parsed:
        question = questions.get(pk)
        if question is not None and question.live_session_id != live_session_id:
            question = None
        try:
            _vote_check(live_session, participant, question)
        except TownhallError as exc:
            outcomes[index] = exc
            continue
        key = (pk, participant.pk)
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n == len(rounds):
            rounds.append([])
        rounds[n].append((index, pk, participant.pk, value))
    changed_questions: set[int] = set()
    for round_ in rounds:
        changed_questions |= _vote_apply_round(round_, outcomes)
    if changed_questions:
        recount = Subquery(
            Vote.objects.filter(question_id=OuterRef("pk"))
            .order_by()
            .values("question_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Question.objects.filter(pk__in=changed_questions).update(vote_count=Coalesce(recount, 0))
        for question_id in sorted(changed_questions):
            transaction.on_commit(
                partial(
                    tally_coalescer.mark, live_session_id=live_session_id, question_id=question_id
                )
            )
    return outcomes


def _vote_apply_round(
    round_: list[tuple[int, int, int, int]], outcomes: list[bool | TownhallError]
) -> set[int]:
    """Votes with distinct (question, participant) pairs; returns the questions changed."""
    question_ids = {pk for _, pk, _, _ in round_}
    participant_ids = {pid for _, _, pid, _ in round_}
    existing = {
        (qid, pid): vote_id
        for vote_id, qid, pid in Vote.objects.filter(
            question_id__in=question_ids, participant_id__in=participant_ids
        ).values_list("pk", "question_id", "participant_id")
    }
    new_votes: list[Vote] = []
    withdrawn: list[int] = []
    changed: set[int] = set()
    for index, pk, pid, value in round_:
        vote_id = existing.get((pk, pid))
        if value == 1 and vote_id is None:
            new_votes.append(Vote(question_id=pk, participant_id=pid))
        elif value == 0 and vote_id is not None:
            withdrawn.append(vote_id)
        else:
            outcomes[index] = False
            continue
        outcomes[index] = True
        changed.add(pk)
    if new_votes:
        # No conflict can happen under the session lock; ignore_conflicts only
        # keeps a surprise from failing the whole batch (the recount stays exact).
        Vote.objects.bulk_create(new_votes, ignore_conflicts=True)
    if withdrawn:
        Vote.objects.filter(pk__in=withdrawn).delete()
    return changed


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
