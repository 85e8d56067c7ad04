"""Real-time event types of a live session and the payloads they carry.

Every state change is persisted as a ``SessionEvent`` with a per-session,
strictly increasing ``seq`` and sent on the wire as one flat JSON object:
``{"type": <type>, "seq": <seq>, ...payload}``. The full schema with examples is
in docs/protocol.md; the builders below are the only places payloads are made,
and tests assert each shape.

Audiences (who may receive an event):
``public`` everyone watching; ``moderators``; ``officials``;
``participant:<id>`` one citizen (the author of a question).
"""

from __future__ import annotations

from typing import Any

from sessions.models import Answer, LiveSession, Question

# Server → client events that are logged and replayed (they carry ``seq``).
QUESTION_PUBLISHED = "question.published"  # {question}                      public
QUESTION_UPDATED = "question.updated"  # {question}                          see audience
QUESTION_REMOVED = "question.removed"  # {question_id, reason, merged_into}  public
QUEUE_ADDED = "queue.added"  # {question (with review)}                      moderators
APPEAL_ADDED = "appeal.added"  # {question (with appeal)}                    moderators
STAGE_CHANGED = "stage.changed"  # {question | null}                         public
ANSWER_POSTED = "answer.posted"  # {question_id, answer}                     public
TALLY = "tally"  # {counts: {"<question_id>": votes}}                        public
SESSION_UPDATED = "session.updated"  # {session}                             public

# Server → client messages that are replies, not logged.
SESSION_STATE = "session.state"
ACK = "ack"
ERROR = "error"
PONG = "pong"

PUBLIC = "public"
MODERATORS = "moderators"
OFFICIALS = "officials"


def participant_audience(participant_id: int) -> str:
    return f"participant:{participant_id}"


def session_payload(live_session: LiveSession) -> dict[str, Any]:
    return {
        "code": live_session.code,
        "title": live_session.title,
        "agenda": live_session.agenda,
        "status": live_session.status,
        "languages": live_session.languages,
        "moderation_mode": live_session.moderation_mode,
        "is_public": live_session.is_public,
        "scheduled_start": _iso(live_session.scheduled_start),
        "scheduled_end": _iso(live_session.scheduled_end),
    }


def answer_payload(answer: Answer) -> dict[str, Any]:
    commitment = getattr(answer, "commitment", None)
    return {
        "id": answer.pk,
        "official": answer.official_name,
        "text": answer.text,
        "live": answer.answered_live,
        "created_at": _iso(answer.created_at),
        "commitment": (
            {"text": commitment.text, "due_date": _iso(commitment.due_date)}
            if commitment is not None
            else None
        ),
    }


def question_payload(question: Question, *, private: bool = False) -> dict[str, Any]:
    """The one shape of a question on the wire.

    Precondition: ``question.author`` (and ``appeal`` when ``private``) are
    loaded with select_related, and ``answers`` with ``commitment`` prefetched.
    ``private`` adds the moderation reason and the appeal: only for payloads
    sent to the author and moderators.
    """
    appeal = getattr(question, "appeal", None) if private else None
    return {
        "id": question.pk,
        "text": question.text,
        "language": question.language,
        "source": question.source,
        "status": question.status,
        "author": {
            "id": question.author_id,
            "display_name": question.author.display_name,
            "district": question.author.district,
        },
        "votes": question.vote_count,
        "answered": question.answered_at is not None,
        "answers": [answer_payload(a) for a in question.answers.all()],
        "merged_into": question.merged_into_id,
        "reason": (
            {"code": question.reason_code, "note": question.reason_note}
            if private and question.reason_code
            else None
        ),
        "appeal": (
            {
                "status": appeal.status,
                "note": appeal.note,
                "decision_note": appeal.decision_note,
            }
            if appeal is not None
            else None
        ),
        "created_at": _iso(question.created_at),
        "published_at": _iso(question.published_at),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
