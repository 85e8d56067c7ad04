"""The heart of a town hall over WebSockets: ask, moderate, publish, vote, stage, answer."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from sessions.models import Question
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("immediate_tallies")]


@database_sync_to_async
def _town_hall() -> dict[str, Any]:
    live_session = factories.make_live_session()
    citizen = factories.make_participant(live_session, name="Ayesha")
    other = factories.make_participant(live_session, name="Karim", district="Skardu")
    moderator = factories.make_role_user(live_session, "moderator")
    official = factories.make_role_user(live_session, "official")
    return {
        "session": live_session,
        "citizen_key": factories.browser_session(participants=[citizen]),
        "other_key": factories.browser_session(participants=[other]),
        "moderator_key": factories.browser_session(user=moderator),
        "official_key": factories.browser_session(user=official),
        "citizen": citizen,
    }


async def test_asked_question_is_held_and_reaches_only_moderators_and_author(connect: Any) -> None:
    hall = await _town_hall()
    code = hall["session"].code
    citizen = await connect(code, session_key=hall["citizen_key"])
    moderator = await connect(code, session_key=hall["moderator_key"])
    viewer = await connect(code)

    await citizen.send_json_to(
        {"type": "question.ask", "text": "When will the canal be desilted?", "client_id": "c-1"}
    )
    ack = await citizen.receive_json_from(timeout=5)
    assert ack["type"] == "ack"
    assert ack["client_id"] == "c-1"
    assert ack["status"] == "pending"
    own = await citizen.receive_json_from(timeout=5)
    assert own["type"] == "question.updated"
    assert own["question"]["status"] == "pending"

    queued = await moderator.receive_json_from(timeout=5)
    assert queued["type"] == "queue.added"
    assert queued["question"]["id"] == ack["question_id"]
    assert queued["question"]["text"] == "When will the canal be desilted?"
    assert queued["seq"] == own["seq"] - 1

    assert await viewer.receive_nothing(timeout=0.3)


async def test_approved_question_is_published_to_everyone(connect: Any) -> None:
    hall = await _town_hall()
    code = hall["session"].code
    citizen = await connect(code, session_key=hall["citizen_key"])
    moderator = await connect(code, session_key=hall["moderator_key"])
    viewer = await connect(code)
    await citizen.send_json_to({"type": "question.ask", "text": "Road?", "client_id": "c-2"})
    ack = await citizen.receive_json_from()
    await citizen.receive_json_from()
    await moderator.receive_json_from()

    await moderator.send_json_to(
        {"type": "moderation.decide", "question_id": ack["question_id"], "decision": "approve"}
    )
    assert (await moderator.receive_json_from())["type"] in {"ack", "question.published"}
    published = await viewer.receive_json_from(timeout=5)
    assert published["type"] == "question.published"
    assert published["question"]["status"] == "published"
    assert published["question"]["author"]["display_name"] == "Ayesha"
    assert published["question"]["reason"] is None
    assert (await citizen.receive_json_from())["type"] == "question.published"
    status = await database_sync_to_async(
        lambda: Question.objects.get(pk=ack["question_id"]).status
    )()
    assert status == "published"
