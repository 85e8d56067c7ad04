"""Votes through both processes become a few coalesced ``tally`` events with true counts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.e2e.support import published_question, town_hall, vote_count

VOTERS = 30


def _tallies(messages: list[dict[str, Any]], question_id: int) -> list[tuple[int, int]]:
    return [
        (m["seq"], m["counts"][str(question_id)])
        for m in messages
        if m["type"] == "tally" and str(question_id) in m["counts"]
    ]


@pytest.mark.e2e
async def test_votes_on_both_processes_reach_viewers_as_few_coalesced_tallies_with_true_counts(
    servers: Any, ws: Any
) -> None:
    a, b = servers
    hall = await town_hall(participants=VOTERS, moderators=1)
    question_id = await published_question(hall)
    viewer_a = await ws(a, hall.code, label="viewer")
    viewer_b = await ws(b, hall.code, label="viewer")
    voters = await asyncio.gather(
        *(
            ws((a, b)[index % 2], hall.code, session_key=key, label=f"voter{index}")
            for index, key in enumerate(hall.participant_keys)
        )
    )

    async def vote(voter: Any, value: int) -> None:
        reply, _ = await voter.request(
            {
                "type": "question.vote",
                "question_id": question_id,
                "value": value,
                "client_id": f"v{value}",
            }
        )
        assert reply["type"] == "ack", reply
        assert reply["status"] == ("voted" if value else "withdrawn")

    async with asyncio.timeout(15):
        await asyncio.gather(*(vote(voter, 1) for voter in voters))
    assert await vote_count(question_id) == VOTERS

    def reached(count: int) -> Any:
        return lambda m: m["type"] == "tally" and m["counts"].get(str(question_id)) == count

    seen_a = _tallies(await viewer_a.recv_until(reached(VOTERS), 10), question_id)
    seen_b = _tallies(await viewer_b.recv_until(reached(VOTERS), 10), question_id)
    assert seen_a == seen_b

    await vote(voters[0], 0)
    # Each process coalesces on its own, so windows still open when the count reached
    # VOTERS may repeat it; the withdrawal then brings it down by one.
    seen_a += _tallies(await viewer_a.recv_until(reached(VOTERS - 1), 10), question_id)
    seen_b += _tallies(await viewer_b.recv_until(reached(VOTERS - 1), 10), question_id)
    assert seen_a == seen_b
    counts = [count for _, count in seen_a]
    assert counts[-1] == VOTERS - 1
    voting = counts[:-1]
    # Far fewer tally messages than votes; counts only grow while votes only come in.
    assert len(voting) <= VOTERS // 3, seen_a
    assert voting == sorted(voting)
    assert voting[-1] == VOTERS
    assert await vote_count(question_id) == VOTERS - 1
