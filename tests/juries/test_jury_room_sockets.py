"""Over real sockets: jury-room events reach the jurors and the facilitator only."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from juries import services
from sessions.actors import Actor
from tests import factories
from tests.juries.room_helpers import seat_jury

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def room_with_sockets() -> dict[str, Any]:
    hall = factories.make_live_session()
    jurors = seat_jury(hall, jurors=2, declined=1)
    outsider = factories.make_participant(hall, name="Outsider")
    moderator = factories.make_role_user(hall, "moderator")
    official = factories.make_role_user(hall, "official")
    return {
        "hall": hall,
        "jurors": jurors,
        "keys": {
            "juror": factories.browser_session(participants=[jurors[0]]),
            "outsider": factories.browser_session(participants=[outsider]),
            "moderator": factories.browser_session(user=moderator),
            "official": factories.browser_session(user=official),
        },
        "moderator": Actor(user=moderator, roles=frozenset({"moderator"})),
    }


async def test_non_jurors_never_receive_jury_room_events(connect: Any) -> None:
    room = await room_with_sockets()
    code = room["hall"].code
    juror = await connect(code, session_key=room["keys"]["juror"])
    facilitator = await connect(code, session_key=room["keys"]["moderator"])
    outsider = await connect(code, session_key=room["keys"]["outsider"])
    official = await connect(code, session_key=room["keys"]["official"])
    viewer = await connect(code)

    await database_sync_to_async(services.jury_round_start)(
        actor=room["moderator"], live_session_id=room["hall"].pk, seconds=300, title="Round 1"
    )
    await database_sync_to_async(services.jury_message_post)(
        actor=Actor(participant=room["jurors"][0]),
        live_session_id=room["hall"].pk,
        text="Canal first, please.",
    )
    for member in (juror, facilitator):
        started = await member.receive_json_from(timeout=5)
        assert started["type"] == "jury.round.started"
        assert started["round"]["seconds"] == 300
    # Pre-moderation: held for the facilitator; the author hears it is in review.
    assert (await facilitator.receive_json_from(timeout=5))["type"] == "jury.message.held"
    assert (await juror.receive_json_from(timeout=5))["type"] == "jury.message.updated"
    for stranger in (outsider, official, viewer):
        assert await stranger.receive_nothing(timeout=0.3)
