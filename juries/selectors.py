"""Reads for juries, polls and the speaker queue."""

from __future__ import annotations

from typing import Any

from juries import events
from juries.models import (
    Jury,
    JuryDraw,
    JuryMessage,
    JurySeat,
    Poll,
    PollBallot,
    Recommendation,
    RecommendationVote,
    SpeakerRequest,
)
from juries.services import is_seated_juror, poll_counts, seated_jurors
from sessions.actors import Actor
from sessions.errors import Forbidden, NotFound
from sessions.models import LiveSession


def jury_get(*, live_session: LiveSession) -> Jury | None:
    return Jury.objects.filter(live_session=live_session).first()


def draw_latest(*, jury: Jury) -> JuryDraw | None:
    return jury.draws.order_by("-created_at", "-pk").first()


def draw_get(*, live_session: LiveSession, draw_id: int) -> JuryDraw:
    draw = JuryDraw.objects.filter(pk=draw_id, jury__live_session=live_session).first()
    if draw is None:
        raise NotFound("No such draw in this session.", code="draw_not_found")
    return draw


def draw_record(*, draw: JuryDraw) -> dict[str, Any]:
    """The public audit record of a draw: everything needed to re-run it."""
    seats = draw.seats.select_related("volunteer").order_by("kind", "position")
    return {
        **events.draw_payload(draw),
        "library": f"sortition-algorithms {draw.library_version}".strip(),
        "features_csv": draw.features_csv,
        "people_csv": draw.people_csv,
        "panel": draw.panel,
        "alternates": draw.alternates,
        "probabilities": draw.probabilities,
        "seats": [events.seat_payload(seat) for seat in seats],
        "created_at": draw.created_at.isoformat(),
        "started_at": draw.started_at.isoformat() if draw.started_at else None,
        "finished_at": draw.finished_at.isoformat() if draw.finished_at else None,
    }


def speakers_current(*, live_session_id: int) -> tuple[list[SpeakerRequest], SpeakerRequest | None]:
    requests = SpeakerRequest.objects.filter(
        live_session_id=live_session_id,
        status__in=[SpeakerRequest.Status.WAITING, SpeakerRequest.Status.SPEAKING],
    ).order_by("position", "pk")
    queue = [r for r in requests if r.status == SpeakerRequest.Status.WAITING]
    floor = next((r for r in requests if r.status == SpeakerRequest.Status.SPEAKING), None)
    return queue, floor


def polls_with_counts(*, live_session: LiveSession) -> list[dict[str, Any]]:
    polls = Poll.objects.filter(live_session=live_session).prefetch_related("options")
    return [events.poll_payload(poll, poll_counts(poll)) for poll in polls.order_by("pk")]


def polls_export(*, live_session: LiveSession) -> list[dict[str, Any]]:
    """Polls with their final (or current) results, for the archive export."""
    return [
        {**poll, "ballots": PollBallot.objects.filter(poll_id=poll["id"]).count()}
        for poll in polls_with_counts(live_session=live_session)
    ]


def juries_state(*, live_session: LiveSession, actor: Actor) -> dict[str, Any]:
    """What the jury, poll and speaker widgets need after (re)connecting."""
    jury = jury_get(live_session=live_session)
    jury_state: dict[str, Any] | None = None
    if jury is not None:
        draw = draw_latest(jury=jury)
        mine = None
        my_seat = None
        if actor.participant is not None:
            volunteer = jury.volunteers.filter(participant=actor.participant).first()
            if volunteer is not None:
                mine = {"id": volunteer.pk, "attributes": volunteer.attributes}
                seat = (
                    JurySeat.objects.filter(volunteer=volunteer)
                    .select_related("volunteer")
                    .order_by("-pk")
                    .first()
                )
                my_seat = events.seat_payload(seat) if seat is not None else None
        jury_state = {
            "attributes": jury.attributes,
            "size": jury.size,
            "volunteering_open": jury.volunteering_open,
            "draw": events.draw_payload(draw) if draw is not None else None,
            "me": mine,
            "my_seat": my_seat,
        }
    queue, floor = speakers_current(live_session_id=live_session.pk)
    my_ballots: dict[str, list[int]] = {}
    if actor.participant is not None:
        for ballot in PollBallot.objects.filter(participant=actor.participant).prefetch_related(
            "options"
        ):
            my_ballots[str(ballot.poll_id)] = sorted(o.pk for o in ballot.options.all())
    return {
        "type": events.JURIES_STATE,
        "seq": live_session.last_seq,
        "jury": jury_state,
        "polls": polls_with_counts(live_session=live_session),
        "my_ballots": my_ballots,
        "speakers": events.speakers_payload(queue, floor),
    }


def seat_of(*, live_session: LiveSession, actor: Actor) -> JurySeat | None:
    """This participant's latest seat (offered, accepted, declined or waiting)."""
    if actor.participant is None:
        return None
    return (
        JurySeat.objects.filter(
            draw__jury__live_session=live_session, volunteer__participant=actor.participant
        )
        .select_related("volunteer", "draw")
        .order_by("-pk")
        .first()
    )


def room_may_enter(*, jury: Jury, actor: Actor) -> bool:
    return actor.can_moderate or is_seated_juror(jury, actor)


def room_messages(*, jury: Jury, actor: Actor) -> list[JuryMessage]:
    """Published messages; plus your own in review or rejected; facilitators see all."""
    messages = JuryMessage.objects.filter(jury=jury).order_by("created_at", "pk")
    if actor.can_moderate:
        return list(messages)
    if actor.participant is None:
        return list(messages.filter(status=JuryMessage.Status.PUBLISHED))
    return [
        m
        for m in messages
        if m.status == JuryMessage.Status.PUBLISHED or m.author_id == actor.participant.pk
    ]


def threads(messages: list[JuryMessage]) -> list[tuple[JuryMessage, int]]:
    """Messages in thread order (each reply after its parent), with their depth."""
    children: dict[int | None, list[JuryMessage]] = {}
    ids = {m.pk for m in messages}
    for message in messages:
        parent = message.parent_id if message.parent_id in ids else None
        children.setdefault(parent, []).append(message)
    ordered: list[tuple[JuryMessage, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for message in children.get(parent, []):
            ordered.append((message, depth))
            walk(message.pk, depth + 1)

    walk(None, 0)
    return ordered


def recommendation_current(*, jury: Jury) -> Recommendation | None:
    return Recommendation.objects.filter(jury=jury).select_related("draft").order_by("-pk").first()


def jury_room_state(*, live_session: LiveSession, actor: Actor) -> dict[str, Any]:
    """Everything the jury room needs after (re)connecting; members only."""
    jury = jury_get(live_session=live_session)
    if jury is None:
        raise NotFound("This session has no jury.", code="jury_not_configured")
    if not room_may_enter(jury=jury, actor=actor):
        raise Forbidden(
            "Only the jurors and the facilitator may use the jury room.", code="not_juror"
        )
    round_ = jury.rounds.order_by("-number").first()
    recommendation = recommendation_current(jury=jury)
    my_vote = None
    if recommendation is not None and actor.participant is not None:
        my_vote = (
            RecommendationVote.objects.filter(
                recommendation=recommendation, participant=actor.participant
            )
            .values_list("choice", flat=True)
            .first()
        )
    private = actor.can_moderate
    return {
        "type": events.JURY_ROOM_STATE,
        "seq": live_session.last_seq,
        "room": events.room_payload(jury),
        "jurors": [
            {"participant_id": p.pk, "display_name": p.display_name} for p in seated_jurors(jury)
        ],
        "round": events.round_payload(round_) if round_ is not None else None,
        "messages": [
            events.message_payload(
                m, private=private or m.author_id == getattr(actor.participant, "pk", None)
            )
            for m in room_messages(jury=jury, actor=actor)
        ],
        "drafts": [events.draft_payload(d) for d in jury.drafts.order_by("version")],
        "recommendation": (
            events.recommendation_payload(recommendation) if recommendation is not None else None
        ),
        "ballots": recommendation.votes.count() if recommendation is not None else 0,
        "my_vote": my_vote,
    }


def recommendations_public(*, live_session: LiveSession) -> list[dict[str, Any]]:
    """Adopted recommendations with the official's response and commitment (archive)."""
    adopted = (
        Recommendation.objects.filter(
            jury__live_session=live_session, status=Recommendation.Status.ADOPTED
        )
        .select_related("draft")
        .order_by("closed_at", "pk")
    )
    return [events.recommendation_payload(r, with_response=True) for r in adopted]
