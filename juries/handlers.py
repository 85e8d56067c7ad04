"""Client messages of juries, polls and the speaker queue, for the session consumer.

``HANDLERS`` maps a message type to ``handler(consumer, message)``; the session
consumer merges it into its own table. Each handler checks its required fields,
calls one bridge coroutine and replies with an ``ack`` (errors are raised as
``TownhallError`` and turned into ``error`` replies by the consumer).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from juries import bridge
from juries.tally import poll_tally_coalescer
from sessions.errors import InvalidInput, require_fields

Handler = Callable[[Any, dict[str, Any]], Awaitable[None]]


async def juries_state(consumer: Any, message: dict[str, Any]) -> None:
    state = await bridge.juries_state(
        actor=consumer.actor, live_session_id=consumer.live_session_id
    )
    client_id = message.get("client_id")
    state["client_id"] = client_id if isinstance(client_id, str) else None
    await consumer.send(text_data=json.dumps(state, ensure_ascii=False))


async def jury_volunteer(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "attributes")
    volunteer = await bridge.jury_volunteer(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        attributes=message["attributes"],
    )
    await consumer._ack(message, volunteer_id=volunteer.pk, status="volunteered")


async def jury_respond(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "accept")
    seat, replacement = await bridge.jury_seat_respond(
        actor=consumer.actor, live_session_id=consumer.live_session_id, accept=message["accept"]
    )
    await consumer._ack(
        message,
        seat_id=seat.pk,
        status=seat.status,
        replacement_seat_id=replacement.pk if replacement is not None else None,
    )


async def poll_open(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "question", "options")
    poll = await bridge.poll_open(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        question=message["question"],
        options=message["options"],
        kind=message.get("kind", "single"),
    )
    await consumer._ack(message, poll_id=poll.pk, status=poll.status)


async def poll_vote(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "poll_id", "option_ids")
    # Tally windows run on this loop, like the session's question tallies.
    poll_tally_coalescer.bind_loop(asyncio.get_running_loop())
    ballot = await bridge.poll_vote(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        poll_id=message["poll_id"],
        option_ids=message["option_ids"],
    )
    await consumer._ack(message, poll_id=ballot.poll_id, status="voted")


async def poll_close(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "poll_id")
    poll = await bridge.poll_close(
        actor=consumer.actor, live_session_id=consumer.live_session_id, poll_id=message["poll_id"]
    )
    await consumer._ack(message, poll_id=poll.pk, status=poll.status)


async def hand_raise(consumer: Any, message: dict[str, Any]) -> None:
    request = await bridge.hand_raise(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        kind=message.get("kind", "speak"),
    )
    await consumer._ack(message, request_id=request.pk, status=request.status)


async def hand_lower(consumer: Any, message: dict[str, Any]) -> None:
    request = await bridge.hand_lower(
        actor=consumer.actor, live_session_id=consumer.live_session_id
    )
    await consumer._ack(message, request_id=request.pk, status=request.status)


async def speakers_order(consumer: Any, message: dict[str, Any]) -> None:
    if "request_ids" not in message and "first_time_first" not in message:
        raise InvalidInput("Give request_ids or first_time_first.", code="missing_field")
    ordered = await bridge.speakers_order(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        request_ids=message.get("request_ids"),
        first_time_first=message.get("first_time_first", False),
    )
    await consumer._ack(message, request_ids=[r.pk for r in ordered], status="ordered")


async def floor_grant(consumer: Any, message: dict[str, Any]) -> None:
    request = await bridge.floor_grant(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        request_id=message.get("request_id"),
        seconds=message.get("seconds"),
    )
    await consumer._ack(
        message,
        request_id=request.pk,
        status=request.status,
        started_at=request.started_at.isoformat() if request.started_at else None,
        allotted_seconds=request.allotted_seconds,
    )


async def floor_end(consumer: Any, message: dict[str, Any]) -> None:
    await bridge.floor_end(actor=consumer.actor, live_session_id=consumer.live_session_id)
    await consumer._ack(message, status="ended")


async def jury_room_state(consumer: Any, message: dict[str, Any]) -> None:
    state = await bridge.jury_room_state(
        actor=consumer.actor, live_session_id=consumer.live_session_id
    )
    client_id = message.get("client_id")
    state["client_id"] = client_id if isinstance(client_id, str) else None
    await consumer.send(text_data=json.dumps(state, ensure_ascii=False))


async def jury_round_start(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "seconds")
    round_ = await bridge.jury_round_start(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        seconds=message["seconds"],
        title=message.get("title", ""),
    )
    await consumer._ack(message, round_id=round_.pk, status="started")


async def jury_round_end(consumer: Any, message: dict[str, Any]) -> None:
    round_ = await bridge.jury_round_end(
        actor=consumer.actor, live_session_id=consumer.live_session_id
    )
    await consumer._ack(message, round_id=round_.pk, status="ended")


async def jury_message_post(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "text")
    posted, _created = await bridge.jury_message_post(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        text=message["text"],
        parent_id=message.get("parent_id"),
        client_id=message.get("client_id") or "",
    )
    await consumer._ack(message, message_id=posted.pk, status=posted.status)


async def jury_message_moderate(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "message_id", "decision")
    decided = await bridge.jury_message_moderate(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        message_id=message["message_id"],
        decision=message["decision"],
        note=message.get("note", ""),
    )
    await consumer._ack(message, message_id=decided.pk, status=decided.status)


async def jury_draft_save(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "text")
    draft = await bridge.jury_draft_save(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        text=message["text"],
        base_version=message.get("base_version"),
        note=message.get("note", ""),
    )
    await consumer._ack(message, draft_id=draft.pk, version=draft.version, status="saved")


async def jury_recommendation_finalise(consumer: Any, message: dict[str, Any]) -> None:
    recommendation = await bridge.jury_recommendation_finalise(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        version=message.get("version"),
    )
    await consumer._ack(message, recommendation_id=recommendation.pk, status=recommendation.status)


async def jury_recommendation_vote(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "recommendation_id", "choice")
    vote = await bridge.jury_recommendation_vote(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        recommendation_id=message["recommendation_id"],
        choice=message["choice"],
    )
    await consumer._ack(message, recommendation_id=vote.recommendation_id, status="voted")


async def jury_recommendation_close(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "recommendation_id")
    recommendation = await bridge.jury_recommendation_close(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        recommendation_id=message["recommendation_id"],
    )
    await consumer._ack(message, recommendation_id=recommendation.pk, status=recommendation.status)


async def recommendation_respond(consumer: Any, message: dict[str, Any]) -> None:
    require_fields(message, "recommendation_id", "text")
    response = await bridge.recommendation_respond(
        actor=consumer.actor,
        live_session_id=consumer.live_session_id,
        recommendation_id=message["recommendation_id"],
        text=message["text"],
        commitment=message.get("commitment", ""),
        commitment_status=message.get("commitment_status", "none"),
        due_date=message.get("due_date"),
        completed_date=message.get("completed_date"),
    )
    await consumer._ack(message, response_id=response.pk, status="responded")


HANDLERS: dict[str, Handler] = {
    "juries.state": juries_state,
    "jury.volunteer": jury_volunteer,
    "jury.respond": jury_respond,
    "poll.open": poll_open,
    "poll.vote": poll_vote,
    "poll.close": poll_close,
    "hand.raise": hand_raise,
    "hand.lower": hand_lower,
    "speakers.order": speakers_order,
    "floor.grant": floor_grant,
    "floor.end": floor_end,
    "jury.room.state": jury_room_state,
    "jury.round.start": jury_round_start,
    "jury.round.end": jury_round_end,
    "jury.message.post": jury_message_post,
    "jury.message.moderate": jury_message_moderate,
    "jury.draft.save": jury_draft_save,
    "jury.recommendation.finalise": jury_recommendation_finalise,
    "jury.recommendation.vote": jury_recommendation_vote,
    "jury.recommendation.close": jury_recommendation_close,
    "recommendation.respond": recommendation_respond,
}
