"""Events made on one daphne process reach clients of the other, once and in seq order."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from tests.e2e.support import (
    held_questions,
    public_events,
    published_question,
    seq_types,
    town_hall,
)


async def _acked(client: Any, message: dict[str, Any]) -> dict[str, Any]:
    reply, _ = await client.request(message)
    assert reply["type"] == "ack", f"{client.label}: {message} -> {reply}"
    return reply


@pytest.mark.e2e
async def test_question_asked_on_one_process_and_approved_on_another_reaches_viewers_on_both(
    servers: Any, ws: Any
) -> None:
    a, b = servers
    hall = await town_hall(participants=1, moderators=1)
    citizen = await ws(a, hall.code, session_key=hall.participant_keys[0], label="citizen")
    moderator = await ws(b, hall.code, session_key=hall.moderator_keys[0], label="moderator")
    viewer_a = await ws(a, hall.code, label="viewer")
    viewer_b = await ws(b, hall.code, label="viewer")
    assert viewer_a.state["questions"] == [] and viewer_b.state["questions"] == []

    text = "When will the canal water schedule be fixed?"
    asked = await _acked(citizen, {"type": "question.ask", "text": text, "client_id": "e2e-ask-1"})
    assert asked["status"] == "pending"
    assert asked["reason"] == "pre_moderation"
    question_id = asked["question_id"]

    queued = (await moderator.recv_until(lambda m: m["type"] == "queue.added"))[-1]
    assert queued["question"]["id"] == question_id
    assert queued["question"]["text"] == text
    # Viewers have heard nothing of the held question: a ping is answered with the
    # seq they are at, and nothing came before the pong.
    for viewer in (viewer_a, viewer_b):
        await viewer.send({"type": "ping"})
        assert (await viewer.recv())["type"] == "pong"

    decided = await _acked(
        moderator,
        {
            "type": "moderation.decide",
            "question_id": question_id,
            "decision": "approve",
            "client_id": "e2e-approve-1",
        },
    )
    assert decided["status"] == "published"

    published_a = await viewer_a.recv()
    published_b = await viewer_b.recv()
    for published in (published_a, published_b):
        assert published["type"] == "question.published", published
        assert published["question"]["id"] == question_id
        assert published["question"]["status"] == "published"
        assert published["question"]["reason"] is None
    assert published_a["seq"] == published_b["seq"]
    assert published_a["seq"] > queued["seq"]
    own = await citizen.recv_until(lambda m: m["type"] == "question.published")
    assert own[-1]["seq"] == published_a["seq"]


@pytest.mark.e2e
async def test_moderator_actions_interleaved_on_both_processes_reach_viewers_in_one_order(
    servers: Any, ws: Any
) -> None:
    a, b = servers
    hall = await town_hall(participants=2, moderators=2, officials=2)
    question_ids = await held_questions(hall, 6)
    viewer_a = await ws(a, hall.code, label="viewer")
    viewer_b = await ws(b, hall.code, label="viewer")
    start_seq = viewer_a.state["seq"]
    assert viewer_b.state["seq"] == start_seq
    moderator_a = await ws(a, hall.code, session_key=hall.moderator_keys[0], label="moderator")
    moderator_b = await ws(b, hall.code, session_key=hall.moderator_keys[1], label="moderator")
    official_a = await ws(a, hall.code, session_key=hall.official_keys[0], label="official")
    official_b = await ws(b, hall.code, session_key=hall.official_keys[1], label="official")

    async def run(moderator: Any, official: Any, ids: list[int], tag: str) -> None:
        for qid in ids:
            await _acked(
                moderator,
                {
                    "type": "moderation.decide",
                    "question_id": qid,
                    "decision": "approve",
                    "client_id": f"{tag}-approve-{qid}",
                },
            )
        for qid in ids:
            await _acked(
                moderator, {"type": "stage.show", "question_id": qid, "client_id": f"{tag}-s-{qid}"}
            )
            await _acked(
                official,
                {
                    "type": "answer.post",
                    "question_id": qid,
                    "text": f"We will fix it ({qid}).",
                    "client_id": f"{tag}-answer-{qid}",
                },
            )

    async with asyncio.timeout(20):
        await asyncio.gather(
            run(moderator_a, official_b, question_ids[0::2], "a"),
            run(moderator_b, official_a, question_ids[1::2], "b"),
        )

    expected = await public_events(hall.session.pk, after=start_seq)
    assert [t for _, t in expected].count("question.published") == 6
    assert [t for _, t in expected].count("stage.changed") == 6
    assert [t for _, t in expected].count("answer.posted") == 6
    last_seq = expected[-1][0]
    seen_a = seq_types(await viewer_a.recv_until(lambda m: m.get("seq", 0) >= last_seq, 10))
    seen_b = seq_types(await viewer_b.recv_until(lambda m: m.get("seq", 0) >= last_seq, 10))
    assert seen_a == seen_b == expected
    seqs = [seq for seq, _ in seen_a]
    assert all(earlier < later for earlier, later in itertools.pairwise(seqs))


@pytest.mark.e2e
@pytest.mark.parametrize("comes_back_to", ["the_same_process", "the_other_process"])
async def test_client_that_reconnects_with_since_receives_every_missed_event_exactly_once(
    servers: Any, ws: Any, comes_back_to: str
) -> None:
    a, b = servers
    hall = await town_hall(participants=7, moderators=1)
    question_ids = await held_questions(hall, 20)
    viewer = await ws(a, hall.code, label="viewer")
    start_seq = viewer.state["seq"]
    moderator = await ws(b, hall.code, session_key=hall.moderator_keys[0], label="moderator")

    produced = 0
    progress = asyncio.Condition()

    async def produce() -> None:
        nonlocal produced
        for qid in question_ids:
            for message in (
                {"type": "moderation.decide", "question_id": qid, "decision": "approve"},
                {"type": "stage.show", "question_id": qid},
            ):
                await _acked(moderator, {**message, "client_id": f"p-{produced}"})
                async with progress:
                    produced += 1
                    progress.notify_all()

    producer = asyncio.create_task(produce())
    try:
        before = [await viewer.recv() for _ in range(5)]
        dropped_at = produced
        viewer.abort()
        # Stay away while several more events are made, then come back mid-stream.
        async with asyncio.timeout(10), progress:
            await progress.wait_for(lambda: produced >= dropped_at + 6)
        last_seen = seq_types(before)[-1][0]
        missed_so_far = await public_events(hall.session.pk, after=last_seen)
        assert missed_so_far, "the viewer should have missed events while away"
        server = a if comes_back_to == "the_same_process" else b
        back = await ws(server, hall.code, since=last_seen, expect_state=False, label="back")
        async with asyncio.timeout(20):
            await producer
    finally:
        producer.cancel()

    expected = await public_events(hall.session.pk, after=start_seq)
    assert len(expected) == 2 * len(question_ids)
    after = await back.recv_until(lambda m: m.get("seq", 0) >= expected[-1][0], 10)
    assert all(m["type"] in ("question.published", "stage.changed") for m in after), after
    union = seq_types(before) + seq_types(after)
    assert union == expected
    assert len({seq for seq, _ in union}) == len(union)


@pytest.mark.e2e
async def test_votes_and_moderation_at_once_on_both_processes_reach_viewers_in_one_order(
    servers: Any, ws: Any
) -> None:
    a, b = servers
    hall = await town_hall(participants=10, moderators=2)
    held = await held_questions(hall, 10, per_participant=2)
    voted = [await published_question(hall, author=index) for index in range(5)]
    viewer_a = await ws(a, hall.code, label="viewer")
    viewer_b = await ws(b, hall.code, label="viewer")
    start_seq = viewer_a.state["seq"]
    moderators = [
        await ws(server, hall.code, session_key=key, label="moderator")
        for server, key in zip((a, b), hall.moderator_keys, strict=True)
    ]
    voters = [
        await ws((a, b)[index % 2], hall.code, session_key=key, label=f"voter{index}")
        for index, key in enumerate(hall.participant_keys)
    ]

    async def moderate(moderator: Any, ids: list[int]) -> None:
        for qid in ids:
            for message in (
                {"type": "moderation.decide", "question_id": qid, "decision": "approve"},
                {"type": "stage.show", "question_id": qid},
            ):
                await _acked(moderator, {**message, "client_id": f"m-{qid}-{message['type']}"})

    async def vote(voter: Any) -> None:
        for qid in voted:
            await _acked(
                voter,
                {"type": "question.vote", "question_id": qid, "value": 1, "client_id": f"v{qid}"},
            )

    async with asyncio.timeout(20):
        await asyncio.gather(
            moderate(moderators[0], held[0::2]),
            moderate(moderators[1], held[1::2]),
            *(vote(voter) for voter in voters),
        )
    # Up to the last public event logged by now, both viewers saw exactly the log.
    expected = await public_events(hall.session.pk, after=start_seq)
    assert [type_ for _, type_ in expected].count("question.published") == len(held)
    assert [type_ for _, type_ in expected].count("stage.changed") == len(held)
    last = expected[-1][0]
    seen_a = seq_types(await viewer_a.recv_until(lambda m: m.get("seq", 0) >= last, 10))
    seen_b = seq_types(await viewer_b.recv_until(lambda m: m.get("seq", 0) >= last, 10))
    assert seen_a == seen_b == expected
