"""Dropped connections and oversized frames against real daphne processes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode

from tests.e2e.support import event_count, questions_with_client_id, town_hall

DAPHNE_MAX_MESSAGE_BYTES = 1024 * 1024  # daphne's --websocket-max-message-size default


@pytest.mark.e2e
@pytest.mark.parametrize("drop", ["before_the_ack", "after_the_ack"])
async def test_question_resent_after_a_dropped_connection_is_created_only_once(
    servers: Any, ws: Any, drop: str
) -> None:
    a, b = servers
    hall = await town_hall(participants=1, moderators=0)
    participant, key = hall.participants[0], hall.participant_keys[0]
    ask = {"type": "question.ask", "text": "Why is there load-shedding at night?"}
    client_id = f"resend-{drop}"

    first = await ws(a, hall.code, session_key=key, label="citizen")
    await first.send({**ask, "client_id": client_id})
    first_ack = None
    if drop == "after_the_ack":
        first_ack = (await first.recv_until(lambda m: m["type"] == "ack"))[-1]
        assert first_ack["client_id"] == client_id
    first.abort()

    # The client comes back through the other process and resends what it kept.
    again = await ws(b, hall.code, session_key=key, label="citizen-again")
    ack, _ = await again.request({**ask, "client_id": client_id})
    assert ack["type"] == "ack", ack
    assert ack["for"] == "question.ask"
    assert ack["status"] == "pending"
    if first_ack is not None:
        assert ack["question_id"] == first_ack["question_id"]
    assert await questions_with_client_id(participant, client_id) == [ack["question_id"]]
    assert await event_count(hall.session.pk, "queue.added") == 1

    # Resending once more on the same socket still creates nothing.
    repeat, _ = await again.request({**ask, "client_id": client_id})
    assert repeat["question_id"] == ack["question_id"]
    assert await questions_with_client_id(participant, client_id) == [ack["question_id"]]


@pytest.mark.e2e
async def test_same_question_sent_at_once_through_both_processes_is_created_once(
    servers: Any, ws: Any
) -> None:
    """A client that resends while its first send is still in flight on the other process
    (two tabs, or a reconnect that raced the old socket) still creates one question."""
    a, b = servers
    hall = await town_hall(participants=1, moderators=0)
    participant, key = hall.participants[0], hall.participant_keys[0]
    tabs = [await ws(server, hall.code, session_key=key, label="tab") for server in (a, b)]
    ask = {"type": "question.ask", "text": "Is the health unit open at night?", "client_id": "x"}

    replies = await asyncio.gather(*(tab.request(ask) for tab in tabs))
    acks = [reply for reply, _ in replies]
    assert [ack["type"] for ack in acks] == ["ack", "ack"], acks
    assert acks[0]["question_id"] == acks[1]["question_id"]
    assert await questions_with_client_id(participant, "x") == [acks[0]["question_id"]]
    assert await event_count(hall.session.pk, "queue.added") == 1


@pytest.mark.e2e
async def test_frame_over_64_kb_gets_frame_too_large_and_the_socket_stays_usable(
    servers: Any, ws: Any
) -> None:
    a, _ = servers
    hall = await town_hall(participants=0, moderators=0)
    viewer = await ws(a, hall.code, label="viewer")
    frame = json.dumps({"type": "ping", "client_id": "big", "padding": "x" * 70_000})
    assert 65_536 < len(frame.encode()) < DAPHNE_MAX_MESSAGE_BYTES

    await viewer.connection.send(frame)
    error = await viewer.recv()
    assert error["type"] == "error"
    assert error["code"] == "frame_too_large"
    # The size check runs before parsing, so the client_id inside is not echoed.
    assert error["client_id"] is None

    await viewer.send({"type": "ping"})
    pong = await viewer.recv()
    assert pong == {"type": "pong", "seq": viewer.state["seq"]}

    # The limit is inclusive: a frame of exactly 64 KB is handled normally.
    envelope = json.dumps({"type": "ping", "padding": ""})
    exact = json.dumps({"type": "ping", "padding": "x" * (65_536 - len(envelope))})
    assert len(exact.encode()) == 65_536
    await viewer.connection.send(exact)
    assert (await viewer.recv())["type"] == "pong"


@pytest.mark.e2e
async def test_frame_over_daphnes_one_megabyte_limit_makes_daphne_drop_the_connection(
    servers: Any, ws: Any
) -> None:
    """Daphne (autobahn) refuses messages over its own limit (``--websocket-max-message-size``,
    1 MiB by default) before the application sees them. Autobahn fails such a connection
    "by drop": it aborts the TCP connection without a close frame, so the client sees an
    abnormal closure (1006) and no ``error`` message. Other connections are unaffected."""
    _, b = servers
    hall = await town_hall(participants=0, moderators=0)
    viewer = await ws(b, hall.code, label="viewer")
    frame = json.dumps({"type": "ping", "padding": "x" * DAPHNE_MAX_MESSAGE_BYTES})

    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(5):
            await viewer.connection.send(frame)
            await viewer.connection.recv()
    assert closed.value.rcvd is None  # no close frame from the server
    assert viewer.connection.close_code == CloseCode.ABNORMAL_CLOSURE

    fresh = await ws(b, hall.code, label="viewer-again")
    await fresh.send({"type": "ping"})
    assert (await fresh.recv())["type"] == "pong"
