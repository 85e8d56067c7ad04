"""Reads: sessions, actors, question lists, snapshots and the event log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from moderation.selectors import reviews_for
from sessions import events
from sessions.actors import MODERATOR, OFFICIAL, ORGANIZER, Actor
from sessions.errors import NotFound
from sessions.models import (
    Answer,
    LiveSession,
    Participant,
    Question,
    SessionEvent,
    SessionRole,
    Vote,
)


def live_session_get_by_code(code: str) -> LiveSession:
    """Codes are case-insensitive; they are stored in lower case."""
    try:
        return LiveSession.objects.get(code=code.strip().lower())
    except LiveSession.DoesNotExist:
        raise NotFound(f"No session has the code {code!r}.", code="session_not_found") from None


def live_sessions_listed() -> QuerySet[LiveSession]:
    return LiveSession.objects.filter(is_public=True).order_by("-scheduled_start", "-created_at")


def actor_resolve(*, live_session: LiveSession, user: Any, participant_id: int | None) -> Actor:
    roles: set[str] = set()
    if user is not None and getattr(user, "is_authenticated", False):
        if user.is_staff or user.is_superuser:
            roles.add(ORGANIZER)
        roles.update(
            SessionRole.objects.filter(live_session=live_session, user=user).values_list(
                "role", flat=True
            )
        )
    participant = None
    if participant_id is not None:
        participant = Participant.objects.filter(
            pk=participant_id, live_session=live_session
        ).first()
    return Actor(user=user, participant=participant, roles=frozenset(roles))


def actor_may_watch(*, live_session: LiveSession, actor: Actor) -> bool:
    if live_session.is_public:
        return True
    return actor.participant is not None or bool(
        actor.roles & {ORGANIZER, MODERATOR, OFFICIAL, SessionRole.Role.JUROR}
    )


def _questions(live_session: LiveSession) -> QuerySet[Question]:
    return (
        Question.objects.filter(live_session=live_session)
        .select_related("author", "appeal")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("commitment")))
    )


def questions_published(*, live_session: LiveSession) -> QuerySet[Question]:
    return (
        _questions(live_session)
        .filter(status=Question.Status.PUBLISHED)
        .order_by("-vote_count", "published_at", "pk")
    )


def questions_pending(*, live_session: LiveSession) -> QuerySet[Question]:
    return (
        _questions(live_session).filter(status=Question.Status.PENDING).order_by("created_at", "pk")
    )


def questions_appealed(*, live_session: LiveSession) -> QuerySet[Question]:
    """Questions with an appeal waiting for a moderator, oldest appeal first."""
    return (
        _questions(live_session).filter(appeal__status="open").order_by("appeal__created_at", "pk")
    )


def questions_of_participant(*, participant: Participant) -> QuerySet[Question]:
    return (
        _questions(participant.live_session)
        .filter(author=participant)
        .order_by("-created_at", "-pk")
    )


def question_get(*, live_session: LiveSession, question_id: Any) -> Question:
    try:
        return _questions(live_session).get(pk=int(question_id))
    except (Question.DoesNotExist, TypeError, ValueError):
        raise NotFound("No such question in this session.", code="question_not_found") from None


def question_ids_voted(*, participant: Participant) -> list[int]:
    return list(Vote.objects.filter(participant=participant).values_list("question_id", flat=True))


def session_snapshot(*, live_session: LiveSession, actor: Actor) -> dict[str, Any]:
    """Everything this actor may see now, with the ``seq`` it is current to.

    Precondition: ``live_session`` was just read, so ``last_seq`` is fresh.
    """
    stage = None
    if live_session.on_stage_id is not None:
        stage = events.question_payload(
            question_get(live_session=live_session, question_id=live_session.on_stage_id)
        )
    snapshot: dict[str, Any] = {
        "type": events.SESSION_STATE,
        "seq": live_session.last_seq,
        "session": events.session_payload(live_session),
        "you": {
            "capabilities": actor.capabilities,
            "participant": (
                {
                    "id": actor.participant.pk,
                    "display_name": actor.participant.display_name,
                    "district": actor.participant.district,
                }
                if actor.participant
                else None
            ),
        },
        "questions": [
            events.question_payload(q) for q in questions_published(live_session=live_session)
        ],
        "stage": stage,
        "my_questions": [],
        "my_votes": [],
        "queue": None,
        "appeals": None,
    }
    if actor.participant is not None:
        snapshot["my_questions"] = [
            events.question_payload(q, private=True)
            for q in questions_of_participant(participant=actor.participant)
        ]
        snapshot["my_votes"] = question_ids_voted(participant=actor.participant)
    if actor.can_moderate:
        queue = list(questions_pending(live_session=live_session))
        reviews = reviews_for(queue)
        snapshot["queue"] = [
            {**events.question_payload(q, private=True), "review": reviews[q.pk]} for q in queue
        ]
        snapshot["appeals"] = [
            events.question_payload(q, private=True)
            for q in questions_appealed(live_session=live_session)
        ]
    return snapshot


def events_visible_since(
    *, live_session_id: int, since: int, until: int, audiences: frozenset[str]
) -> list[dict[str, Any]] | None:
    """Logged events with ``since < seq <= until`` that these audiences may see.

    Returns None when the gap is larger than the replay limit: the caller should
    send a fresh snapshot instead.
    """
    if until - since > settings.TOWNHALL_REPLAY_LIMIT:
        return None
    rows = SessionEvent.objects.filter(
        live_session_id=live_session_id, seq__gt=since, seq__lte=until
    )
    return [
        {"seq": seq, "type": type_, "audience": audience, "data": data}
        for seq, type_, audience, data in rows.order_by("seq").values_list(
            "seq", "type", "audience", "data"
        )
        if audiences.intersection(audience)
    ]


def archive_rows(*, live_session: LiveSession) -> list[dict[str, Any]]:
    """Published questions with their answers and commitments, for the archive."""
    return [events.question_payload(q) for q in questions_published(live_session=live_session)]
