"""Votes applied in batches: each voter's own outcome, exact counts under concurrency."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.db import connection

from sessions import bridge
from sessions.actors import Actor
from sessions.errors import TownhallError
from sessions.models import LiveSession, Question, Vote
from sessions.services.questions import VoteRequest, question_vote_batch
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("immediate_tallies"),
]


def _hall(voters: int, questions: int = 2) -> tuple[LiveSession, list[Actor], list[Question]]:
    live_session = factories.make_live_session()
    moderator = factories.moderator_actor(live_session)
    author = factories.make_participant(live_session, name="Author")
    published = [
        factories.publish(factories.ask(author, f"Question {i} about the canal?"), moderator)
        for i in range(questions)
    ]
    actors = [
        Actor(participant=factories.make_participant(live_session, name=f"Voter {i}"))
        for i in range(voters)
    ]
    return live_session, actors, published


def _codes(outcomes: list[bool | TownhallError]) -> list[Any]:
    return [o.code if isinstance(o, TownhallError) else o for o in outcomes]


def _assert_counts_match_rows(live_session: LiveSession) -> dict[int, int]:
    counts = dict(
        Question.objects.filter(live_session=live_session).values_list("pk", "vote_count")
    )
    for pk, count in counts.items():
        assert Vote.objects.filter(question_id=pk).count() == count, pk
    return counts


def test_a_batch_gives_each_vote_the_outcome_it_would_have_had_alone(settings: Any) -> None:
    settings.TOWNHALL_VOTE_RATE = (3, 60)
    live_session, (a, b, c), (q1, q2) = _hall(3)
    held = factories.ask(a.participant, "Held for review?")  # pre-moderation holds it
    other_session = factories.make_live_session()
    stranger = Actor(participant=factories.make_participant(other_session))
    requests = [
        VoteRequest(a, q1.pk, 1),  # True
        VoteRequest(a, q1.pk, 1),  # a repeat: False
        VoteRequest(a, q1.pk, 0),  # withdrawn: True
        VoteRequest(a, q1.pk, 1),  # rate limited (a's fourth vote)
        VoteRequest(b, q1.pk, 1),  # True
        VoteRequest(b, q2.pk, 0),  # nothing to withdraw: False
        VoteRequest(c, "x", 1),
        VoteRequest(c, q1.pk, 2),
        VoteRequest(c, 999999, 1),
        VoteRequest(c, held.pk, 1),
        VoteRequest(stranger, q1.pk, 1),
        VoteRequest(Actor(), q1.pk, 1),
        VoteRequest(c, q2.pk, 1),  # True
    ]
    outcomes = question_vote_batch(live_session_id=live_session.pk, requests=requests)
    assert _codes(outcomes) == [
        True,
        False,
        True,
        "rate_limited",
        True,
        False,
        "invalid_question_id",
        "invalid_vote",
        "question_not_found",
        "question_not_published",
        "question_not_found",
        outcomes[11].code,  # type: ignore[union-attr]
        True,
    ]
    assert isinstance(outcomes[11], TownhallError)
    counts = _assert_counts_match_rows(live_session)
    assert counts[q1.pk] == 1 and counts[q2.pk] == 1  # b on q1, c on q2; a withdrew


def test_verified_voting_is_checked_per_voter() -> None:
    live_session, (a,), (q1,) = _hall(1, questions=1)
    LiveSession.objects.filter(pk=live_session.pk).update(requires_verified_voting=True)
    outcomes = question_vote_batch(
        live_session_id=live_session.pk, requests=[VoteRequest(a, q1.pk, 1)]
    )
    assert _codes(outcomes) == ["verification_required"]
    assert Vote.objects.count() == 0


def test_votes_in_a_session_that_is_not_live_are_refused() -> None:
    live_session, (a,), (q1,) = _hall(1, questions=1)
    LiveSession.objects.filter(pk=live_session.pk).update(status=LiveSession.Status.ENDED)
    (outcome,) = question_vote_batch(
        live_session_id=live_session.pk, requests=[VoteRequest(a, q1.pk, 1)]
    )
    assert isinstance(outcome, TownhallError)
    assert Vote.objects.count() == 0


def test_concurrent_batches_from_many_threads_count_exactly() -> None:
    """Several 'processes' (threads with their own connections) apply overlapping
    batches at once: every pair counts once, and the counts match the rows."""
    live_session, actors, questions = _hall(60, questions=3)
    wins: list[tuple[int, int]] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            # Every thread votes for every voter on every question, in its own order.
            order = actors[offset:] + actors[:offset]
            for start in range(0, len(order), 15):
                chunk = order[start : start + 15]
                requests = [VoteRequest(a, q.pk, 1) for a in chunk for q in questions]
                outcomes = question_vote_batch(live_session_id=live_session.pk, requests=requests)
                with lock:
                    wins.extend(
                        (r.actor.participant.pk, r.question_id)  # type: ignore[union-attr]
                        for r, o in zip(requests, outcomes, strict=True)
                        if o is True
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i * 7,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(wins) == len(set(wins)) == 60 * 3, "each vote changed things exactly once"
    counts = _assert_counts_match_rows(live_session)
    assert all(counts[q.pk] == 60 for q in questions)


async def test_many_tasks_voting_at_once_are_batched_and_exact() -> None:
    live_session, actors, questions = await database_sync_to_async(_hall)(200, questions=2)
    batcher = bridge.vote_batcher()
    before = batcher.batches

    async def vote(actor: Actor, index: int) -> tuple[bool, bool]:
        question = questions[index % 2]
        first = await bridge.question_vote(
            actor=actor, live_session_id=live_session.pk, question_id=question.pk, value=1
        )
        again = await bridge.question_vote(
            actor=actor, live_session_id=live_session.pk, question_id=question.pk, value=1
        )
        return first, again

    results = await asyncio.gather(*(vote(a, i) for i, a in enumerate(actors)))
    assert results == [(True, False)] * 200
    assert batcher.batches - before < 200, "votes that arrive together share a transaction"
    counts = await database_sync_to_async(_assert_counts_match_rows)(live_session)
    assert counts[questions[0].pk] == 100 and counts[questions[1].pk] == 100

    withdrawals = await asyncio.gather(
        *(
            bridge.question_vote(
                actor=a, live_session_id=live_session.pk, question_id=questions[0].pk, value=0
            )
            for a in actors
        )
    )
    assert sum(withdrawals) == 100  # only the voters of question 0 had a vote to withdraw
    counts = await database_sync_to_async(_assert_counts_match_rows)(live_session)
    assert counts[questions[0].pk] == 0 and counts[questions[1].pk] == 100


async def test_a_failed_vote_fails_only_its_voter() -> None:
    live_session, (a, b), (q1, _q2) = await database_sync_to_async(_hall)(2)
    good, bad = await asyncio.gather(
        bridge.question_vote(actor=a, live_session_id=live_session.pk, question_id=q1.pk, value=1),
        bridge.question_vote(actor=b, live_session_id=live_session.pk, question_id=q1.pk, value=7),
        return_exceptions=True,
    )
    assert good is True
    assert isinstance(bad, TownhallError) and bad.code == "invalid_vote"


async def test_the_vote_ack_says_whether_it_changed_anything(connect: Any) -> None:
    def hall() -> tuple[LiveSession, Question, str]:
        live_session, (voter,), (question,) = _hall(1, questions=1)
        assert voter.participant is not None
        return live_session, question, factories.browser_session(participants=[voter.participant])

    live_session, question, key = await database_sync_to_async(hall)()
    client = await connect(live_session.code, session_key=key)
    replies = []
    for value in (1, 1, 0):
        await client.send_json_to(
            {"type": "question.vote", "question_id": question.pk, "value": value, "client_id": "v"}
        )
        while True:
            message = await client.receive_json_from(timeout=5)
            if message["type"] == "ack":
                break
        replies.append((message["status"], message["changed"]))
    assert replies == [("voted", True), ("voted", False), ("withdrawn", True)]
