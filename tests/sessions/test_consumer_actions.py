"""Every client message type, for every role, over the real ASGI application."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from sessions.models import Answer, LiveSession, Question, Vote
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("immediate_tallies"),
]


class Hall:
    """A live session with one of each role, and browser session keys for each."""

    def __init__(self) -> None:
        self.session = factories.make_live_session()
        self.code = self.session.code
        self.citizen = factories.make_participant(self.session, name="Ayesha")
        self.other = factories.make_participant(self.session, name="Karim", district="Skardu")
        self.moderator = factories.moderator_actor(self.session)
        self.official = factories.official_actor(self.session)
        self.organizer = factories.make_user(staff=True)
        self.keys = {
            "citizen": factories.browser_session(participants=[self.citizen]),
            "other": factories.browser_session(participants=[self.other]),
            "moderator": factories.browser_session(user=self.moderator.user),
            "official": factories.browser_session(user=self.official.user),
            "organizer": factories.browser_session(user=self.organizer),
        }

    def published_question(self, text: str = "Why no water?", author: Any = None) -> Question:
        return factories.publish(factories.ask(author or self.citizen, text), self.moderator)


@database_sync_to_async
def hall() -> Hall:
    return Hall()


@database_sync_to_async
def published(h: Hall, text: str = "Why no water?", author: Any = None) -> Question:
    return h.published_question(text, author)


async def receive_until(communicator: Any, type_: str, limit: int = 10) -> dict[str, Any]:
    for _ in range(limit):
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] == type_:
            return message
    raise AssertionError(f"no {type_} message")


async def test_snapshot_shows_each_role_what_it_may_see(connect: Any) -> None:
    h = await hall()
    await published(h, "Published one")
    await database_sync_to_async(factories.ask)(h.other, "Held one")

    viewer = await connect(h.code)
    citizen = await connect(h.code, session_key=h.keys["other"])
    moderator = await connect(h.code, session_key=h.keys["moderator"])

    assert viewer.state["you"] == {"capabilities": ["watch"], "participant": None}
    assert [q["text"] for q in viewer.state["questions"]] == ["Published one"]
    assert viewer.state["queue"] is None
    assert viewer.state["my_questions"] == []
    assert citizen.state["you"]["capabilities"] == ["watch", "ask", "vote"]
    assert [q["text"] for q in citizen.state["my_questions"]] == ["Held one"]
    assert citizen.state["my_questions"][0]["reason"] == {"code": "pre_moderation", "note": ""}
    assert [q["text"] for q in moderator.state["queue"]] == ["Held one"]
    assert moderator.state["you"]["capabilities"] == ["watch", "moderate", "stage"]
    assert moderator.state["seq"] == viewer.state["seq"] > 0
    assert viewer.state["session"]["code"] == h.code


async def test_rejected_question_is_never_broadcast_and_author_sees_reason(connect: Any) -> None:
    h = await hall()
    question = await database_sync_to_async(factories.ask)(h.citizen, "Something rude")
    viewer = await connect(h.code)
    author = await connect(h.code, session_key=h.keys["citizen"])
    moderator = await connect(h.code, session_key=h.keys["moderator"])

    await moderator.send_json_to(
        {
            "type": "moderation.decide",
            "question_id": question.pk,
            "decision": "reject",
            "reason": "offensive",
            "note": "Please keep it civil",
            "client_id": "m1",
        }
    )
    ack = await receive_until(moderator, "ack")
    assert ack == {
        "type": "ack",
        "for": "moderation.decide",
        "client_id": "m1",
        "question_id": question.pk,
        "status": "rejected",
    }
    update = await author.receive_json_from(timeout=5)
    assert update["type"] == "question.updated"
    assert update["question"]["status"] == "rejected"
    assert update["question"]["reason"] == {"code": "offensive", "note": "Please keep it civil"}
    assert await viewer.receive_nothing(timeout=0.3)


async def test_vote_and_withdrawal_update_the_tally(connect: Any) -> None:
    h = await hall()
    question = await published(h)
    viewer = await connect(h.code)
    voter = await connect(h.code, session_key=h.keys["other"])

    await voter.send_json_to({"type": "question.vote", "question_id": question.pk, "value": 1})
    ack = await receive_until(voter, "ack")
    assert ack["status"] == "voted"
    tally = await viewer.receive_json_from(timeout=5)
    assert tally == {"type": "tally", "seq": tally["seq"], "counts": {str(question.pk): 1}}

    await voter.send_json_to({"type": "question.vote", "question_id": question.pk, "value": 1})
    assert (await receive_until(voter, "ack"))["status"] == "voted"
    assert await viewer.receive_nothing(timeout=0.3), "a repeated vote changes nothing"

    await voter.send_json_to({"type": "question.vote", "question_id": question.pk, "value": 0})
    assert (await receive_until(voter, "ack"))["status"] == "withdrawn"
    tally = await viewer.receive_json_from(timeout=5)
    assert tally["counts"] == {str(question.pk): 0}
    assert await database_sync_to_async(Vote.objects.count)() == 0


async def test_voting_on_an_unpublished_question_is_refused(connect: Any) -> None:
    h = await hall()
    held = await database_sync_to_async(factories.ask)(h.citizen, "Held")
    voter = await connect(h.code, session_key=h.keys["other"])
    await voter.send_json_to(
        {"type": "question.vote", "question_id": held.pk, "value": 1, "client_id": "v"}
    )
    error = await voter.receive_json_from(timeout=5)
    assert error["type"] == "error"
    assert error["code"] == "question_not_published"
    assert error["client_id"] == "v"


async def test_hidden_question_is_removed_for_everyone_and_leaves_the_stage(connect: Any) -> None:
    h = await hall()
    question = await published(h)
    moderator = await connect(h.code, session_key=h.keys["moderator"])
    viewer = await connect(h.code)
    await moderator.send_json_to({"type": "stage.show", "question_id": question.pk})
    staged = await viewer.receive_json_from(timeout=5)
    assert staged["type"] == "stage.changed"
    assert staged["question"]["id"] == question.pk

    await moderator.send_json_to(
        {
            "type": "moderation.decide",
            "question_id": question.pk,
            "decision": "hide",
            "reason": "personal_data",
        }
    )
    cleared = await viewer.receive_json_from(timeout=5)
    assert cleared == {"type": "stage.changed", "seq": staged["seq"] + 1, "question": None}
    removed = await viewer.receive_json_from(timeout=5)
    assert removed == {
        "type": "question.removed",
        "seq": staged["seq"] + 2,
        "question_id": question.pk,
        "reason": "hidden",
        "merged_into": None,
    }
    assert await viewer.receive_nothing(timeout=0.3), "the hidden text is not re-sent"


async def test_merging_a_duplicate_combines_votes_and_tells_the_author(connect: Any) -> None:
    h = await hall()
    target = await published(h, "When will the road be fixed?")
    duplicate = await published(h, "Road repair date?", author=h.other)

    @database_sync_to_async
    def votes() -> None:
        from sessions import services
        from sessions.actors import Actor

        for p in (h.citizen, h.other):
            services.question_vote(
                actor=Actor(participant=p),
                live_session_id=h.session.pk,
                question_id=duplicate.pk,
                value=1,
            )
        services.question_vote(
            actor=Actor(participant=h.citizen),
            live_session_id=h.session.pk,
            question_id=target.pk,
            value=1,
        )

    await votes()
    dup_author = await connect(h.code, session_key=h.keys["other"])
    viewer = await connect(h.code)
    moderator = await connect(h.code, session_key=h.keys["moderator"])
    await moderator.send_json_to(
        {"type": "moderation.merge", "question_id": duplicate.pk, "into_question_id": target.pk}
    )
    assert (await receive_until(moderator, "ack"))["status"] == "merged"

    removed = await viewer.receive_json_from(timeout=5)
    assert removed["type"] == "question.removed"
    assert removed["merged_into"] == target.pk
    updated_target = await viewer.receive_json_from(timeout=5)
    assert updated_target["type"] == "question.updated"
    assert updated_target["question"]["id"] == target.pk
    assert updated_target["question"]["votes"] == 2, "Ayesha's two votes count once"

    await receive_until(dup_author, "question.removed")
    told = await dup_author.receive_json_from(timeout=5)
    assert told["type"] == "question.updated"
    assert told["question"]["status"] == "merged"
    assert told["question"]["merged_into"] == target.pk


async def test_official_posts_an_answer_with_a_commitment(connect: Any) -> None:
    h = await hall()
    question = await published(h)
    official = await connect(h.code, session_key=h.keys["official"])
    viewer = await connect(h.code)
    assert official.state["you"]["capabilities"] == ["watch", "answer"]

    await official.send_json_to(
        {
            "type": "answer.post",
            "question_id": question.pk,
            "text": "The canal will be desilted in January.",
            "commitment": {"text": "Desilting finished", "due_date": "2027-01-31"},
            "client_id": "a1",
        }
    )
    ack = await receive_until(official, "ack")
    assert ack["status"] == "answered"
    posted = await viewer.receive_json_from(timeout=5)
    assert posted["type"] == "answer.posted"
    assert posted["question_id"] == question.pk
    answer = posted["answer"]
    assert answer["text"] == "The canal will be desilted in January."
    assert answer["live"] is False
    assert answer["commitment"] == {"text": "Desilting finished", "due_date": "2027-01-31"}
    assert answer["id"] == ack["answer_id"]


async def test_official_can_mark_answered_live(connect: Any) -> None:
    h = await hall()
    question = await published(h)
    official = await connect(h.code, session_key=h.keys["official"])
    await official.send_json_to({"type": "answer.post", "question_id": question.pk, "live": True})
    posted = await receive_until(official, "answer.posted")
    assert posted["answer"]["live"] is True
    assert posted["answer"]["text"] == ""
    answered = await database_sync_to_async(
        lambda: Question.objects.get(pk=question.pk).answered_at
    )()
    assert answered is not None


async def test_moderator_marks_a_question_answered(connect: Any) -> None:
    h = await hall()
    question = await published(h)
    moderator = await connect(h.code, session_key=h.keys["moderator"])
    viewer = await connect(h.code)
    await moderator.send_json_to({"type": "question.mark_answered", "question_id": question.pk})
    update = await viewer.receive_json_from(timeout=5)
    assert update["type"] == "question.updated"
    assert update["question"]["answered"] is True


async def test_organizer_pauses_and_ends_the_session(connect: Any) -> None:
    h = await hall()
    organizer = await connect(h.code, session_key=h.keys["organizer"])
    citizen = await connect(h.code, session_key=h.keys["citizen"])
    await organizer.send_json_to({"type": "session.control", "action": "pause"})
    event = await citizen.receive_json_from(timeout=5)
    assert event["type"] == "session.updated"
    assert event["session"]["status"] == "paused"

    await citizen.send_json_to({"type": "question.ask", "text": "Hello?", "client_id": "p1"})
    error = await citizen.receive_json_from(timeout=5)
    assert error["code"] == "session_paused"

    await organizer.send_json_to({"type": "session.control", "action": "end"})
    assert (await citizen.receive_json_from(timeout=5))["session"]["status"] == "ended"
    await citizen.send_json_to({"type": "question.ask", "text": "Hello?", "client_id": "p2"})
    error = await citizen.receive_json_from(timeout=5)
    assert error["code"] == "session_ended"
    status = await database_sync_to_async(lambda: LiveSession.objects.get(pk=h.session.pk).status)()
    assert status == "ended"


@pytest.mark.parametrize(
    ("role", "message", "code"),
    [
        ("viewer", {"type": "question.ask", "text": "Hi", "client_id": "x"}, "not_participant"),
        ("viewer", {"type": "question.vote", "question_id": 1, "value": 1}, "not_participant"),
        (
            "citizen",
            {"type": "moderation.decide", "question_id": 1, "decision": "approve"},
            "forbidden",
        ),
        (
            "citizen",
            {"type": "moderation.merge", "question_id": 1, "into_question_id": 2},
            "forbidden",
        ),
        ("citizen", {"type": "stage.show", "question_id": 1}, "forbidden"),
        ("citizen", {"type": "answer.post", "question_id": 1, "text": "x"}, "forbidden"),
        ("moderator", {"type": "answer.post", "question_id": 1, "text": "x"}, "forbidden"),
        ("official", {"type": "stage.show", "question_id": 1}, "forbidden"),
        ("moderator", {"type": "session.control", "action": "end"}, "forbidden"),
        ("viewer", {"type": "question.mark_answered", "question_id": 1}, "forbidden"),
    ],
)
async def test_actions_outside_the_role_are_refused_and_the_socket_stays_open(
    connect: Any, role: str, message: dict[str, Any], code: str
) -> None:
    h = await hall()
    key = {"viewer": None}.get(role, h.keys.get(role))
    communicator = await connect(h.code, session_key=key)
    await communicator.send_json_to({**message, "client_id": "c"})
    error = await communicator.receive_json_from(timeout=5)
    assert error["type"] == "error"
    assert error["code"] == code
    assert error["client_id"] == "c"
    assert error["message"]
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    assert await database_sync_to_async(Answer.objects.count)() == 0
