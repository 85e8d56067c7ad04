"""Real-time events of juries, polls and the speaker queue, and their payloads.

Logged through ``sessions.services.log.emit`` like every session event, so they
carry ``seq``, are replayed to reconnecting clients and broadcast after commit.
Schemas with examples: docs/juries.md.
"""

from __future__ import annotations

from typing import Any

from juries.models import JuryDraw, JurySeat, Poll, SpeakerRequest

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

# Reply (not logged) to the ``juries.state`` client message.
JURIES_STATE = "juries.state"


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


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
