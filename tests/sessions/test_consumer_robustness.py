"""Bad input, access control on connect, reconnects with ``since``, idempotency, order."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from sessions import services
from sessions.actors import Actor
from sessions.models import LiveSession, Question, SessionEvent
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("immediate_tallies"),
]


@database_sync_to_async
def citizen_hall(**session_fields: Any) -> tuple[LiveSession, Any, str]:
    live_session = factories.make_live_session(**session_fields)
    citizen = factories.make_participant(live_session)
    return live_session, citizen, factories.browser_session(participants=[citizen])


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "malformed_json"),
        ("[1, 2]", "invalid_message"),
        ('{"text": "no type"}', "invalid_message"),
        ('{"type": "question.delete"}', "unknown_type"),
        ('{"type": "question.ask", "client_id": "a"}', "missing_field"),
        ('{"type": "question.ask", "text": "hi"}', "missing_field"),
        ('{"type": "question.ask", "text": 42, "client_id": "a"}', "invalid_text"),
        ('{"type": "question.ask", "text": "   ", "client_id": "a"}', "text_empty"),
        ('{"type": "question.ask", "text": "<b></b>", "client_id": "a"}', "text_empty"),
        ('{"type": "question.ask", "text": "hi", "client_id": "bad id!"}', "invalid_client_id"),
        ('{"type": "question.vote", "question_id": "x", "value": 1}', "invalid_question_id"),
        ('{"type": "question.vote", "question_id": 99999, "value": 1}', "question_not_found"),
        ('{"type": "question.vote", "question_id": 1, "value": 2}', "invalid_vote"),
        ('{"type": "question.vote", "question_id": 1, "value": true}', "invalid_vote"),
    ],
)
async def test_bad_messages_get_a_clear_error_and_change_nothing(
    connect: Any, frame: str, code: str
) -> None:
    live_session, _citizen, key = await citizen_hall()
    communicator = await connect(live_session.code, session_key=key)
    await communicator.send_to(text_data=frame)
    error = await communicator.receive_json_from(timeout=5)
    assert error["type"] == "error"
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert await database_sync_to_async(Question.objects.count)() == 0
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"


async def test_text_over_the_limit_is_refused_whole(connect: Any) -> None:
    live_session, _citizen, key = await citizen_hall()
    communicator = await connect(live_session.code, session_key=key)
    await communicator.send_json_to(
        {"type": "question.ask", "text": "پانی " * 201, "client_id": "long"}
    )
    error = await communicator.receive_json_from(timeout=5)
    assert error["code"] == "text_too_long"
    assert error["client_id"] == "long"
    assert await database_sync_to_async(Question.objects.count)() == 0


async def test_text_of_exactly_the_limit_is_accepted(connect: Any) -> None:
    live_session, _citizen, key = await citizen_hall()
    communicator = await connect(live_session.code, session_key=key)
    await communicator.send_json_to({"type": "question.ask", "text": "ا" * 1000, "client_id": "l"})
    ack = await communicator.receive_json_from(timeout=5)
    assert ack["type"] == "ack"
    assert ack["status"] == "pending"


async def test_frames_over_64_kb_are_refused_and_the_socket_stays_open(connect: Any) -> None:
    live_session, _citizen, key = await citizen_hall()
    communicator = await connect(live_session.code, session_key=key)
    big = json.dumps({"type": "question.ask", "text": "x" * 70_000, "client_id": "big"})
    await communicator.send_to(text_data=big)
    error = await communicator.receive_json_from(timeout=5)
    assert error["code"] == "frame_too_large"
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await communicator.receive_json_from(timeout=5))["code"] == "binary_not_supported"
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"


async def test_markup_in_a_question_is_stored_and_sent_as_plain_text(connect: Any) -> None:
    live_session, _citizen, key = await citizen_hall()
    communicator = await connect(live_session.code, session_key=key)
    await communicator.send_json_to(
        {
            "type": "question.ask",
            "text": 'Why <script>alert(1)</script><img src=x onerror="alert(2)"> no water & gas?',
            "client_id": "xss",
        }
    )
    await communicator.receive_json_from(timeout=5)
    update = await communicator.receive_json_from(timeout=5)
    assert update["question"]["text"] == "Why alert(1) no water & gas?"
    original = await database_sync_to_async(lambda: Question.objects.get().original_text)()
    assert "<script>" in original, "the original is kept for the audit trail"


async def test_unknown_session_code_gets_an_error_and_close_4404(connect: Any) -> None:
    communicator = await connect("nosuch", expect_state=False)
    error = await communicator.receive_json_from(timeout=5)
    assert error["code"] == "session_not_found"
    closed = await communicator.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"
    assert closed["code"] == 4404


async def test_private_session_refuses_anonymous_watchers_with_4403(connect: Any) -> None:
    live_session, _citizen, key = await citizen_hall(is_public=False)
    stranger = await connect(live_session.code, expect_state=False)
    assert (await stranger.receive_json_from(timeout=5))["code"] == "session_private"
    assert (await stranger.receive_output(timeout=5))["code"] == 4403
    member = await connect(live_session.code, session_key=key)
    assert member.state["session"]["is_public"] is False


async def test_connections_from_a_foreign_origin_are_rejected() -> None:
    from townhall.asgi import application

    live_session, _citizen, _key = await citizen_hall()
    communicator = WebsocketCommunicator(
        application,
        f"/ws/sessions/{live_session.code}/",
        headers=[(b"origin", b"https://evil.example"), (b"host", b"127.0.0.1")],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert not connected


async def test_codes_are_case_insensitive(connect: Any) -> None:
    _session, _citizen, _key = await citizen_hall(code="water")
    communicator = await connect("WaTeR")
    assert communicator.state["session"]["code"] == "water"


async def test_resending_the_same_client_id_never_creates_a_second_question(connect: Any) -> None:
    live_session, _citizen, key = await citizen_hall()
    first = await connect(live_session.code, session_key=key)
    await first.send_json_to({"type": "question.ask", "text": "Gas?", "client_id": "same"})
    ack = await first.receive_json_from(timeout=5)
    await first.disconnect()

    again = await connect(live_session.code, session_key=key)
    await again.send_json_to({"type": "question.ask", "text": "Gas?", "client_id": "same"})
    second_ack = await again.receive_json_from(timeout=5)
    assert second_ack["type"] == "ack"
    assert second_ack["question_id"] == ack["question_id"]
    assert second_ack["status"] == "pending"
    assert await database_sync_to_async(Question.objects.count)() == 1
    assert await again.receive_nothing(timeout=0.3), "no second queue event"


async def test_reconnect_with_since_replays_exactly_the_missed_visible_events(
    connect: Any,
) -> None:
    live_session, citizen, _key = await citizen_hall()

    @database_sync_to_async
    def produce(texts: list[str]) -> None:
        moderator = factories.moderator_actor(live_session)
        for text in texts:
            factories.publish(factories.ask(citizen, text), moderator)

    viewer = await connect(live_session.code)
    await produce(["one", "two"])
    seen = [await viewer.receive_json_from(timeout=5) for _ in range(2)]
    assert [e["question"]["text"] for e in seen] == ["one", "two"]
    last = seen[-1]["seq"]
    await viewer.disconnect()

    await produce(["three", "four"])
    resumed = await connect(live_session.code, since=last, expect_state=False)
    replayed = [await resumed.receive_json_from(timeout=5) for _ in range(2)]
    assert [(e["type"], e["question"]["text"]) for e in replayed] == [
        ("question.published", "three"),
        ("question.published", "four"),
    ]
    assert replayed[0]["seq"] > last
    assert replayed[1]["seq"] > replayed[0]["seq"]
    assert await resumed.receive_nothing(timeout=0.3), "held-question events are not replayed"

    await produce(["five"])
    live = await resumed.receive_json_from(timeout=5)
    assert live["question"]["text"] == "five"


async def test_reconnect_too_far_behind_gets_a_fresh_snapshot(connect: Any, settings: Any) -> None:
    settings.TOWNHALL_REPLAY_LIMIT = 2
    live_session, citizen, _key = await citizen_hall()

    @database_sync_to_async
    def produce() -> None:
        moderator = factories.moderator_actor(live_session)
        for text in ("a", "b", "c"):
            factories.publish(factories.ask(citizen, text), moderator)

    await produce()
    resumed = await connect(live_session.code, since=0)
    assert [q["text"] for q in resumed.state["questions"]] == ["a", "b", "c"]


async def test_event_that_overtakes_another_is_delivered_after_the_missing_one(
    connect: Any,
) -> None:
    """Across processes an event can reach a consumer before an earlier one."""
    from channels.layers import get_channel_layer

    from sessions.broadcast import EVENT_MESSAGE_TYPE, event_text
    from sessions.groups import session_group

    live_session, _citizen, _key = await citizen_hall()
    viewer = await connect(live_session.code)
    start = viewer.state["seq"]

    @database_sync_to_async
    def log_two_events_without_broadcast() -> list[SessionEvent]:
        # Write two events straight into the log, as two committed transactions
        # on other processes would, and deliver only the second.
        rows = []
        for offset, text in ((1, "first"), (2, "second")):
            rows.append(
                SessionEvent.objects.create(
                    live_session=live_session,
                    seq=start + offset,
                    type="stage.changed",
                    data={"question": {"text": text}},
                    audience=["public"],
                )
            )
        LiveSession.objects.filter(pk=live_session.pk).update(last_seq=start + 2)
        return rows

    rows = await log_two_events_without_broadcast()
    second = rows[1]
    await get_channel_layer().group_send(
        session_group(live_session.pk),
        {
            "type": EVENT_MESSAGE_TYPE,
            "seq": second.seq,
            "audience": second.audience,
            "text": event_text(seq=second.seq, type_=second.type, data=second.data),
        },
    )
    received = [await viewer.receive_json_from(timeout=5) for _ in range(2)]
    assert [(e["seq"], e["question"]["text"]) for e in received] == [
        (start + 1, "first"),
        (start + 2, "second"),
    ]
    # The late copy of the first event is now a duplicate and is dropped.
    first = rows[0]
    await get_channel_layer().group_send(
        session_group(live_session.pk),
        {
            "type": EVENT_MESSAGE_TYPE,
            "seq": first.seq,
            "audience": first.audience,
            "text": event_text(seq=first.seq, type_=first.type, data=first.data),
        },
    )
    assert await viewer.receive_nothing(timeout=0.3)


async def test_asking_too_fast_is_rate_limited(connect: Any, settings: Any) -> None:
    settings.TOWNHALL_ASK_RATE = (2, 60)
    live_session, _citizen, key = await citizen_hall()
    communicator = await connect(live_session.code, session_key=key)
    codes = []
    for index in range(3):
        await communicator.send_json_to(
            {"type": "question.ask", "text": f"Question {index}", "client_id": f"r{index}"}
        )
        reply = await communicator.receive_json_from(timeout=5)
        if reply["type"] == "ack":
            await communicator.receive_json_from(timeout=5)  # own question.updated
        codes.append(reply.get("code", reply["type"]))
    assert codes == ["ack", "ack", "rate_limited"]
    assert await database_sync_to_async(Question.objects.count)() == 2


async def test_vote_storm_is_coalesced_into_few_tally_events(connect: Any, settings: Any) -> None:
    settings.TOWNHALL_TALLY_WINDOW_MS = 200
    live_session, citizen, _key = await citizen_hall()

    @database_sync_to_async
    def storm() -> Question:
        question = factories.publish(
            factories.ask(citizen, "Storm"), factories.moderator_actor(live_session)
        )
        for index in range(25):
            voter = factories.make_participant(live_session, name=f"Voter {index}")
            services.question_vote(
                actor=Actor(participant=voter),
                live_session_id=live_session.pk,
                question_id=question.pk,
                value=1,
            )
        return question

    viewer = await connect(live_session.code)
    question = await storm()
    await viewer.receive_json_from(timeout=5)  # question.published
    tallies = []
    while True:
        message = await viewer.receive_json_from(timeout=3)
        assert message["type"] == "tally"
        tallies.append(message)
        if message["counts"][str(question.pk)] == 25:
            break
    # A window that closes while the last vote commits may repeat the final
    # count once; it never goes backwards and never becomes one per vote.
    while not await viewer.receive_nothing(timeout=0.5):
        late = await viewer.receive_json_from(timeout=1)
        assert late["counts"][str(question.pk)] == 25
        tallies.append(late)
    counts = [t["counts"][str(question.pk)] for t in tallies]
    assert counts == sorted(counts)
    assert len(tallies) <= 8, f"25 votes became {len(tallies)} tally messages"
