"""Jury, poll and speaker messages travel over the session's own WebSocket."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from juries.models import PollBallot
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("immediate_tallies"),
]


@database_sync_to_async
def poll_hall() -> dict[str, Any]:
    live_session = factories.make_live_session(languages=["en"])
    citizen = factories.make_participant(live_session)
    moderator = factories.make_role_user(live_session, "moderator")
    return {
        "code": live_session.code,
        "citizen": factories.browser_session(participants=[citizen]),
        "moderator": factories.browser_session(user=moderator),
    }


async def receive_type(communicator: Any, type_: str) -> dict[str, Any]:
    for _ in range(10):
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] == type_:
            return message
    raise AssertionError(f"no {type_}")


async def test_a_poll_opened_voted_and_closed_over_the_session_socket(connect: Any) -> None:
    hall = await poll_hall()
    moderator = await connect(hall["code"], session_key=hall["moderator"])
    citizen = await connect(hall["code"], session_key=hall["citizen"])
    viewer = await connect(hall["code"])
    await moderator.send_json_to(
        {
            "type": "poll.open",
            "question": "Which repair first?",
            "options": ["Canal", "Road"],
            "kind": "single",
            "client_id": "p",
        }
    )
    ack = await receive_type(moderator, "ack")
    assert ack["for"] == "poll.open"
    opened = await receive_type(viewer, "poll.opened")
    options = opened["poll"]["options"]
    await citizen.send_json_to(
        {"type": "poll.vote", "poll_id": ack["poll_id"], "option_ids": [options[0]["id"]]}
    )
    assert (await receive_type(citizen, "ack"))["status"] == "voted"
    tally = await receive_type(viewer, "poll.tally")
    assert tally["counts"] == {str(options[0]["id"]): 1, str(options[1]["id"]): 0}
    await citizen.send_json_to(
        {"type": "poll.vote", "poll_id": ack["poll_id"], "option_ids": [options[1]["id"]]}
    )
    assert (await receive_type(citizen, "error"))["code"] == "already_voted"
    assert await database_sync_to_async(PollBallot.objects.count)() == 1
