"""Real-time events of juries, polls and the speaker queue, and their payloads.

Logged through ``sessions.services.log.emit`` like every session event, so they
carry ``seq``, are replayed to reconnecting clients and broadcast after commit.
Schemas with examples: docs/juries.md.
"""

from __future__ import annotations

from typing import Any

from juries.models import (
    Jury,
    JuryDraw,
    JuryMessage,
    JuryRound,
    JurySeat,
    Poll,
    Recommendation,
    RecommendationDraft,
    RecommendationResponse,
    SpeakerRequest,
)

# Server → client events (logged, with ``seq``).
JURY_DRAW_UPDATED = "jury.draw.updated"  # {draw}                                 public
JURY_SEAT_OFFERED = "jury.seat.offered"  # {seat}                                 participant:<id>
JURY_SEAT_UPDATED = (
    "jury.seat.updated"  # {seat}                                 moderators (+ holder)
)
POLL_OPENED = "poll.opened"  # {poll}                                            public
POLL_TALLY = "poll.tally"  # {poll_id, counts, ballots}                          public
POLL_CLOSED = "poll.closed"  # {poll}                                            public
SPEAKERS_UPDATED = "speakers.updated"  # {queue, floor}                          public

# The jury room. "jury" = ``moderators`` + ``participant:<id>`` of each seated juror,
# computed when the event is logged (``juries.services.jury_audience``).
JURY_ROOM_UPDATED = "jury.room.updated"  # {room}                                 jury
JURY_ROUND_STARTED = "jury.round.started"  # {round}                              jury
JURY_ROUND_ENDED = "jury.round.ended"  # {round}                                  jury
JURY_MESSAGE_PUBLISHED = "jury.message.published"  # {message}                   jury
JURY_MESSAGE_HELD = "jury.message.held"  # {message (private)}                    moderators
JURY_MESSAGE_UPDATED = "jury.message.updated"  # {message (private)}              author (+mods)
JURY_DRAFT_SAVED = "jury.draft.saved"  # {draft}                                  jury
JURY_VOTE_OPENED = "jury.vote.opened"  # {recommendation}                         jury
JURY_VOTE_CAST = "jury.vote.cast"  # {recommendation_id, ballots}                 jury
JURY_VOTE_CLOSED = "jury.vote.closed"  # {recommendation}                         jury
JURY_RECOMMENDATION_ADOPTED = "jury.recommendation.adopted"  # {recommendation}   public
JURY_RECOMMENDATION_RESPONDED = "jury.recommendation.responded"  # {recommendation} public

# Replies (not logged) to the ``juries.state`` and ``jury.room.state`` client messages.
JURIES_STATE = "juries.state"
JURY_ROOM_STATE = "jury.room.state"


def draw_payload(draw: JuryDraw) -> dict[str, Any]:
    """What everyone may know about a draw; per-volunteer probabilities are in
    the draw's JSON record (``GET /s/<code>/jury/draws/<id>.json``)."""
    return {
        "id": draw.pk,
        "status": draw.status,
        "progress": round(draw.progress, 3),
        "phase": draw.phase,
        "algorithm": draw.algorithm,
        "solver_backend": draw.solver_backend,
        "seed": draw.seed,
        "size": draw.size,
        "alternate_count": draw.alternate_count,
        "pool_size": max(draw.people_csv.count("\n") - 1, 0),
        "inputs_sha256": draw.inputs_sha256,
        "min_probability": draw.min_probability,
        "probabilities_exact": draw.probabilities_exact,
        "error": (
            {"code": draw.error_code, "lines": draw.error_lines} if draw.error_code else None
        ),
    }


def seat_payload(seat: JurySeat) -> dict[str, Any]:
    """Precondition: ``seat.volunteer`` is loaded."""
    return {
        "id": seat.pk,
        "draw_id": seat.draw_id,
        "kind": seat.kind,
        "position": seat.position,
        "status": seat.status,
        "volunteer_id": seat.volunteer_id,
        "participant_id": seat.volunteer.participant_id,
        "replaces": seat.replaces_id,
    }


def poll_payload(poll: Poll, counts: dict[int, int] | None = None) -> dict[str, Any]:
    """Precondition: ``options`` are prefetched. ``counts`` adds the tally."""
    return {
        "id": poll.pk,
        "question": poll.question,
        "kind": poll.kind,
        "status": poll.status,
        "options": [{"id": o.pk, "label": o.label} for o in poll.options.all()],
        "counts": (
            {str(o.pk): counts.get(o.pk, 0) for o in poll.options.all()}
            if counts is not None
            else None
        ),
        "opened_at": _iso(poll.opened_at),
        "closed_at": _iso(poll.closed_at),
    }


def speaker_payload(request: SpeakerRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "name": request.display_name,
        "participant_id": request.participant_id,
        "kind": request.kind,
        "status": request.status,
        "raised_at": _iso(request.raised_at),
    }


def floor_payload(request: SpeakerRequest) -> dict[str, Any]:
    return {
        **speaker_payload(request),
        "started_at": _iso(request.started_at),
        "allotted_seconds": request.allotted_seconds,
    }


def speakers_payload(queue: list[SpeakerRequest], floor: SpeakerRequest | None) -> dict[str, Any]:
    return {
        "queue": [speaker_payload(r) for r in queue],
        "floor": floor_payload(floor) if floor is not None else None,
    }


def room_payload(jury: Jury) -> dict[str, Any]:
    return {
        "agenda": jury.room_agenda,
        "briefings": jury.briefings,
        "threshold": jury.adoption_threshold,
        "quorum": jury.quorum,
    }


def round_payload(round_: JuryRound) -> dict[str, Any]:
    """Clients count down to ``started_at + seconds`` (server time)."""
    return {
        "id": round_.pk,
        "number": round_.number,
        "title": round_.title,
        "started_at": _iso(round_.started_at),
        "seconds": round_.seconds,
        "ended_at": _iso(round_.ended_at),
    }


def message_payload(message: JuryMessage, *, private: bool = False) -> dict[str, Any]:
    """``private`` adds the screening reason: only for the author and moderators."""
    return {
        "id": message.pk,
        "parent_id": message.parent_id,
        "author": {
            "participant_id": message.author_id,
            "display_name": message.display_name,
            "facilitator": message.author_id is None,
        },
        "text": message.text,
        "language": message.language,
        "status": message.status,
        "reason": (
            {"code": message.reason_code, "note": message.reason_note}
            if private and message.reason_code
            else None
        ),
        "created_at": _iso(message.created_at),
        "published_at": _iso(message.published_at),
    }


def draft_payload(draft: RecommendationDraft) -> dict[str, Any]:
    return {
        "id": draft.pk,
        "version": draft.version,
        "text": draft.text,
        "note": draft.note,
        "author": {"participant_id": draft.author_id, "display_name": draft.display_name},
        "created_at": _iso(draft.created_at),
    }


def response_payload(response: RecommendationResponse) -> dict[str, Any]:
    return {
        "id": response.pk,
        "official": response.official_name,
        "text": response.text,
        "commitment": (
            {
                "text": response.commitment,
                "status": response.commitment_status,
                "due_date": _iso(response.due_date),
                "completed_date": _iso(response.completed_date),
            }
            if response.commitment_status != RecommendationResponse.CommitmentStatus.NONE
            else None
        ),
        "created_at": _iso(response.created_at),
        "updated_at": _iso(response.updated_at),
    }


def recommendation_payload(
    recommendation: Recommendation, *, with_response: bool = False
) -> dict[str, Any]:
    """Counts are ``null`` while the vote is open (only the number of ballots shows)."""
    closed = recommendation.status != Recommendation.Status.VOTING
    payload: dict[str, Any] = {
        "id": recommendation.pk,
        "version": recommendation.draft.version,
        "text": recommendation.text,
        "status": recommendation.status,
        "threshold": recommendation.threshold,
        "quorum": recommendation.quorum,
        "counts": (
            {
                "agree": recommendation.agree,
                "disagree": recommendation.disagree,
                "pass": recommendation.abstain,
            }
            if closed
            else None
        ),
        "opened_at": _iso(recommendation.opened_at),
        "closed_at": _iso(recommendation.closed_at),
    }
    if with_response:
        response = RecommendationResponse.objects.filter(recommendation=recommendation).first()
        payload["response"] = response_payload(response) if response is not None else None
    return payload


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
