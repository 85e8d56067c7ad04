"""Questions being screened never hold up other work on the socket server.

The classifier here sleeps for a second and a half, like an overloaded model
worker; everything else a session does must go on meanwhile.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async

from sessions.models import Question
from tests import factories
from tests.conftest import services_required

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("immediate_tallies"),
]

SCREENING_DELAY_S = 1.5


@pytest.fixture(autouse=True)
def _concurrent_writers() -> None:
    """Asks now write from their own threads while others write too: an in-memory
    SQLite database refuses that ("table is locked"); PostgreSQL is what runs it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if services_required():
            pytest.fail("these tests need PostgreSQL (TOWNHALL_REQUIRE_SERVICES=1)")
        pytest.skip("concurrent writers need PostgreSQL (make test)")


@pytest.fixture
def slow_classifier(settings: Any) -> None:
    spec = {
        "kind": "tests.moderation.pipeline.backends:SlowBackend",
        "options": {"languages": ["en"], "delay_s": SCREENING_DELAY_S},
    }
    settings.TOWNHALL_MODERATION_PIPELINE = {
        "backends": {"en": spec},
        "pool_workers": 1,
        "classifier_timeout_s": 20.0,
    }


@database_sync_to_async
def hall() -> dict[str, Any]:
    live_session = factories.make_live_session(moderation_mode="automatic")
    citizens = [factories.make_participant(live_session, name=f"C{i}") for i in range(2)]
    moderator = factories.moderator_actor(live_session)
    # Made directly, not asked: an ask in this automatic session would itself
    # wait for the slow classifier and be published.
    held = Question.objects.create(
        live_session=live_session,
        author=citizens[1],
        client_id="held",
        text="Held for a human: why is the health unit closed on Fridays?",
        original_text="Held for a human: why is the health unit closed on Fridays?",
        status=Question.Status.PENDING,
    )
    return {
        "session": live_session,
        "held": held,
        "citizens": [factories.browser_session(participants=[c]) for c in citizens],
        "moderator": factories.browser_session(user=moderator.user),
    }


async def reply_to(communicator: Any, client_id: str) -> dict[str, Any]:
    for _ in range(20):
        message = await communicator.receive_json_from(timeout=20)
        if message.get("client_id") == client_id:
            return message
    raise AssertionError(f"no reply to {client_id}")


@pytest.mark.usefixtures("slow_classifier")
async def test_a_moderators_approval_does_not_wait_for_a_question_being_screened(
    connect: Any,
) -> None:
    h = await hall()
    citizen = await connect(h["session"].code, session_key=h["citizens"][0])
    moderator = await connect(h["session"].code, session_key=h["moderator"])
    await citizen.send_json_to(
        {"type": "question.ask", "text": "When will our street lights work?", "client_id": "q1"}
    )
    asked = asyncio.create_task(reply_to(citizen, "q1"))
    await asyncio.sleep(0.2)  # the ask is now inside the classifier
    await moderator.send_json_to(
        {
            "type": "moderation.decide",
            "question_id": h["held"].pk,
            "decision": "approve",
            "client_id": "a1",
        }
    )
    approval = await reply_to(moderator, "a1")
    assert approval["type"] == "ack", approval
    # The approval came back while the question was still with the classifier.
    assert not asked.done()
    ack = await asked
    assert ack["type"] == "ack" and ack["status"] == "published", ack
