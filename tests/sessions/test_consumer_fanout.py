"""The process-local fan-out hub (sessions/fanout.py) and the consumers behind it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from sessions import fanout
from sessions.broadcast import EVENT_MESSAGE_TYPE, event_text
from sessions.consumers import SessionConsumer
from sessions.groups import session_group
from sessions.models import LiveSession, SessionEvent
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("immediate_tallies"),
]


@database_sync_to_async
def hall() -> tuple[LiveSession, Any, str]:
    live_session = factories.make_live_session()
    citizen = factories.make_participant(live_session)
    return live_session, citizen, factories.browser_session(participants=[citizen])


@database_sync_to_async
def log_events(live_session: LiveSession, entries: list[tuple[str, list[str]]]) -> list[int]:
    """Append events straight to the log (as committed transactions elsewhere would)."""
    live_session.refresh_from_db()
    seqs = []
    for offset, (text, audience) in enumerate(entries, start=1):
        seq = live_session.last_seq + offset
        SessionEvent.objects.create(
            live_session=live_session,
            seq=seq,
            type="stage.changed",
            data={"question": {"text": text}},
            audience=audience,
        )
        seqs.append(seq)
    LiveSession.objects.filter(pk=live_session.pk).update(last_seq=seqs[-1])
    return seqs


async def send_event(live_session: LiveSession, seq: int, text: str, audience: list[str]) -> None:
    await get_channel_layer().group_send(
        session_group(live_session.pk),
        {
            "type": EVENT_MESSAGE_TYPE,
            "seq": seq,
            "audience": audience,
            "text": event_text(seq=seq, type_="stage.changed", data={"question": {"text": text}}),
        },
    )


async def test_one_layer_message_per_process_reaches_each_socket_once(connect: Any) -> None:
    live_session, _citizen, _key = await hall()
    first = await connect(live_session.code)
    second = await connect(live_session.code)
    hub = fanout.hub()
    assert hub is not None
    assert hub.subscriber_count(live_session.pk) == 2
    before = hub.received

    [seq] = await log_events(live_session, [("hello", ["public"])])
    await send_event(live_session, seq, "hello", ["public"])
    for viewer in (first, second):
        event = await viewer.receive_json_from(timeout=5)
        assert (event["seq"], event["question"]["text"]) == (seq, "hello")
        assert await viewer.receive_nothing(timeout=0.3), "delivered once"
    assert hub.received - before == 1, "the process read the event once, not once per socket"


async def test_events_reach_only_their_audience(connect: Any) -> None:
    live_session, citizen, key = await hall()
    author = await connect(live_session.code, session_key=key)
    viewer = await connect(live_session.code)
    seqs = await log_events(
        live_session,
        [("mine", [f"participant:{citizen.pk}", "moderators"]), ("all", ["public"])],
    )
    await send_event(live_session, seqs[0], "mine", [f"participant:{citizen.pk}", "moderators"])
    await send_event(live_session, seqs[1], "all", ["public"])
    got_author = [await author.receive_json_from(timeout=5) for _ in range(2)]
    assert [e["question"]["text"] for e in got_author] == ["mine", "all"]
    got_viewer = await viewer.receive_json_from(timeout=5)
    assert got_viewer["question"]["text"] == "all"
    assert await viewer.receive_nothing(timeout=0.3)
    # The viewer's seq moved past the event it may not see: no gap repair, no replay.
    await viewer.send_json_to({"type": "ping"})
    assert (await viewer.receive_json_from(timeout=5)) == {"type": "pong", "seq": seqs[1]}


async def test_gap_is_repaired_from_the_log_in_order(connect: Any) -> None:
    live_session, _citizen, _key = await hall()
    viewer = await connect(live_session.code)
    seqs = await log_events(live_session, [(t, ["public"]) for t in ("a", "b", "c")])
    await send_event(live_session, seqs[2], "c", ["public"])  # a and b overtaken
    got = [await viewer.receive_json_from(timeout=5) for _ in range(3)]
    assert [(e["seq"], e["question"]["text"]) for e in got] == list(zip(seqs, "abc", strict=True))
    for seq, text in zip(seqs[:2], "ab", strict=True):  # the late copies are duplicates
        await send_event(live_session, seq, text, ["public"])
    assert await viewer.receive_nothing(timeout=0.3)


async def test_a_slow_socket_does_not_hold_up_the_others(
    connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    live_session, _citizen, _key = await hall()
    slow = await connect(live_session.code)
    fast = await connect(live_session.code)
    hub = fanout.hub()
    assert hub is not None
    consumers = list(hub._feeds[live_session.pk].subscribers)
    stuck = asyncio.Event()
    # Make one consumer's send block until released, as a stalled network would.
    slow_consumer = consumers[0]
    assert isinstance(slow_consumer, SessionConsumer)
    original_send = slow_consumer.send

    async def blocked_send(*args: Any, **kwargs: Any) -> None:
        await stuck.wait()
        await original_send(*args, **kwargs)

    monkeypatch.setattr(slow_consumer, "send", blocked_send)
    seqs = await log_events(live_session, [(f"e{i}", ["public"]) for i in range(5)])
    for i, seq in enumerate(seqs):
        await send_event(live_session, seq, f"e{i}", ["public"])
    sockets = [slow, fast]
    # Whichever communicator belongs to the blocked consumer, the other gets everything.
    received: dict[int, list[int]] = {0: [], 1: []}
    for index, socket in enumerate(sockets):
        while not await socket.receive_nothing(timeout=0.5):
            received[index].append((await socket.receive_json_from(timeout=1))["seq"])
    assert sorted(map(len, received.values())) == [0, 5]
    stuck.set()
    blocked = 0 if not received[0] else 1
    late = [(await sockets[blocked].receive_json_from(timeout=5))["seq"] for _ in range(5)]
    assert late == seqs, "the slow socket still gets every event, in order, once"


async def test_a_socket_too_far_behind_resynchronises_from_the_log(
    connect: Any, settings: Any
) -> None:
    settings.TOWNHALL_WS_BACKLOG = 3
    live_session, _citizen, _key = await hall()
    viewer = await connect(live_session.code)
    hub = fanout.hub()
    assert hub is not None
    [consumer] = list(hub._feeds[live_session.pk].subscribers)
    assert isinstance(consumer, SessionConsumer)
    seqs = await log_events(live_session, [(f"e{i}", ["public"]) for i in range(8)])
    # Offer everything at once while the writer cannot run: the backlog overflows.
    for i, seq in enumerate(seqs):
        consumer.offer(
            seq,
            frozenset({"public"}),
            event_text(seq=seq, type_="stage.changed", data={"question": {"text": f"e{i}"}}),
        )
    got = [(await viewer.receive_json_from(timeout=5))["seq"] for _ in range(8)]
    assert got == seqs
    assert await viewer.receive_nothing(timeout=0.3)


async def test_last_socket_leaving_ends_the_process_subscription(connect: Any) -> None:
    live_session, _citizen, _key = await hall()
    viewer = await connect(live_session.code)
    hub = fanout.hub()
    assert hub is not None and hub.is_listening(live_session.pk)
    await viewer.disconnect()
    assert not hub.is_listening(live_session.pk)
    again = await connect(live_session.code)
    assert hub.is_listening(live_session.pk)
    [seq] = await log_events(live_session, [("back", ["public"])])
    await send_event(live_session, seq, "back", ["public"])
    assert (await again.receive_json_from(timeout=5))["seq"] == seq
