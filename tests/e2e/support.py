"""Data helpers for the end-to-end tests (ORM calls wrapped for async tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async

from sessions.actors import Actor
from sessions.models import LiveSession, Participant, Question, SessionEvent
from tests import factories

# Logged event types (they carry a seq); replies such as ack, pong and session.state do not count.
EVENT_TYPES = frozenset(
    {
        "question.published",
        "question.updated",
        "question.removed",
        "queue.added",
        "stage.changed",
        "answer.posted",
        "tally",
        "session.updated",
    }
)


@dataclass
class Hall:
    """A live session with people in it, and the session keys their browsers would hold."""

    session: LiveSession
    participants: list[Participant] = field(default_factory=list)
    participant_keys: list[str] = field(default_factory=list)
    moderator_keys: list[str] = field(default_factory=list)
    official_keys: list[str] = field(default_factory=list)
    moderator_users: list[Any] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.session.code


@database_sync_to_async
def town_hall(*, participants: int = 1, moderators: int = 1, officials: int = 0) -> Hall:
    live_session = factories.make_live_session()
    hall = Hall(session=live_session)
    for index in range(participants):
        participant = factories.make_participant(
            live_session, name=f"Citizen {index}", district="Vehari"
        )
        hall.participants.append(participant)
        hall.participant_keys.append(factories.browser_session(participants=[participant]))
    for _ in range(moderators):
        user = factories.make_role_user(live_session, "moderator")
        hall.moderator_users.append(user)
        hall.moderator_keys.append(factories.browser_session(user=user))
    for _ in range(officials):
        user = factories.make_role_user(live_session, "official")
        hall.official_keys.append(factories.browser_session(user=user))
    return hall


@database_sync_to_async
def held_questions(hall: Hall, count: int, *, per_participant: int = 3) -> list[int]:
    """Ask ``count`` questions through the real service (held for pre-moderation)."""
    ids = []
    for index in range(count):
        author = hall.participants[index // per_participant]
        question = factories.ask(author, text=f"Question number {index} about the canal?")
        assert question.status == Question.Status.PENDING
        ids.append(question.pk)
    return ids


@database_sync_to_async
def published_question(hall: Hall, *, author: int = 0) -> int:
    question = factories.ask(hall.participants[author], text="When will the road be repaired?")
    moderator = Actor(user=hall.moderator_users[0], roles=frozenset({"moderator"}))
    factories.publish(question, moderator)
    return int(question.pk)


@database_sync_to_async
def public_events(live_session_id: int, *, after: int = 0) -> list[tuple[int, str]]:
    """The logged events everyone may see, as ``(seq, type)``, in seq order."""
    rows = SessionEvent.objects.filter(live_session_id=live_session_id, seq__gt=after).order_by(
        "seq"
    )
    return [(row.seq, row.type) for row in rows if "public" in row.audience]


@database_sync_to_async
def questions_with_client_id(participant: Participant, client_id: str) -> list[int]:
    return list(
        Question.objects.filter(author=participant, client_id=client_id).values_list(
            "pk", flat=True
        )
    )


@database_sync_to_async
def event_count(live_session_id: int, type_: str) -> int:
    return SessionEvent.objects.filter(live_session_id=live_session_id, type=type_).count()


@database_sync_to_async
def vote_count(question_id: int) -> int:
    return int(Question.objects.get(pk=question_id).vote_count)


def seq_types(messages: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """``(seq, type)`` of the logged events among received messages."""
    return [(m["seq"], m["type"]) for m in messages if m.get("type") in EVENT_TYPES]
