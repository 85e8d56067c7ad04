"""Live polls (one ballot each, coalesced tallies) and the speaker queue."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from django.db import connection

from juries import handlers, services
from juries.models import PollBallot
from sessions.actors import Actor
from sessions.errors import Conflict, Forbidden, InvalidInput
from tests.factories import make_participant, moderator_actor, official_actor
from tests.juries.conftest import FakeConsumer, events_of, wire

pytestmark = pytest.mark.django_db

QUESTION = {"en": "Which repair first?", "ur": "پہلے کون سی مرمت؟"}
OPTIONS = [
    {"en": "Canal", "ur": "نہر"},
    {"en": "Road", "ur": "سڑک"},
    {"en": "Clinic", "ur": "ہسپتال"},
]


def _poll(live_session: Any, moderator: Actor, kind: str = "single") -> Any:
    return services.poll_open(
        actor=moderator,
        live_session_id=live_session.pk,
        question=QUESTION,
        options=OPTIONS,
        kind=kind,
    )


def test_a_moderator_opens_a_poll_in_every_session_language(live_session, immediate_tallies):
    poll = _poll(live_session, moderator_actor(live_session))
    (event,) = events_of(live_session, "poll.opened")
    assert event.audience == ["public"]
    payload = wire(event)["poll"]
    assert payload["question"] == QUESTION
    assert [o["label"]["ur"] for o in payload["options"]] == ["نہر", "سڑک", "ہسپتال"]
    assert payload["status"] == "open" and payload["kind"] == "single"
    assert payload["counts"] == {str(o.pk): 0 for o in poll.options.all()}


def test_a_poll_without_a_text_in_each_language_is_refused(live_session):
    with pytest.raises(InvalidInput) as error:
        services.poll_open(
            actor=moderator_actor(live_session),
            live_session_id=live_session.pk,
            question={"en": "Which?"},
            options=OPTIONS,
        )
    assert error.value.code == "invalid_poll"


def test_each_participant_votes_once_and_the_tally_is_published(
    live_session, immediate_tallies, django_capture_on_commit_callbacks
):
    poll = _poll(live_session, moderator_actor(live_session))
    canal, road, _ = poll.options.all()
    ayesha, bilal = make_participant(live_session), make_participant(live_session, name="Bilal")
    for participant, option in ((ayesha, canal), (bilal, canal)):
        with django_capture_on_commit_callbacks(execute=True):
            services.poll_vote(
                actor=Actor(participant=participant),
                live_session_id=live_session.pk,
                poll_id=poll.pk,
                option_ids=[option.pk],
            )
    with pytest.raises(Conflict) as error:
        services.poll_vote(
            actor=Actor(participant=ayesha),
            live_session_id=live_session.pk,
            poll_id=poll.pk,
            option_ids=[road.pk],
        )
    assert error.value.code == "already_voted"
    tally = wire(events_of(live_session, "poll.tally")[-1])
    assert tally["poll_id"] == poll.pk and tally["ballots"] == 2
    assert tally["counts"] == {str(canal.pk): 2, str(road.pk): 0, str(poll.options.last().pk): 0}


def test_a_single_choice_poll_takes_exactly_one_option(live_session):
    poll = _poll(live_session, moderator_actor(live_session))
    ids = [o.pk for o in poll.options.all()]
    with pytest.raises(InvalidInput):
        services.poll_vote(
            actor=Actor(participant=make_participant(live_session)),
            live_session_id=live_session.pk,
            poll_id=poll.pk,
            option_ids=ids[:2],
        )


def test_closing_a_poll_publishes_final_results_and_stops_votes(
    client, live_session, immediate_tallies
):
    moderator = moderator_actor(live_session)
    poll = _poll(live_session, moderator, kind="multiple")
    canal, road, clinic = poll.options.all()
    services.poll_vote(
        actor=Actor(participant=make_participant(live_session)),
        live_session_id=live_session.pk,
        poll_id=poll.pk,
        option_ids=[canal.pk, clinic.pk],
    )
    services.poll_close(actor=moderator, live_session_id=live_session.pk, poll_id=poll.pk)
    closed = wire(events_of(live_session, "poll.closed")[-1])["poll"]
    assert closed["status"] == "closed"
    assert closed["counts"] == {str(canal.pk): 1, str(road.pk): 0, str(clinic.pk): 1}
    with pytest.raises(Conflict):
        services.poll_vote(
            actor=Actor(participant=make_participant(live_session, name="Late")),
            live_session_id=live_session.pk,
            poll_id=poll.pk,
            option_ids=[road.pk],
        )
    export = client.get(f"/s/{live_session.code}/polls.json").json()["polls"]
    assert export[0]["counts"] == closed["counts"] and export[0]["ballots"] == 1
    csv_rows = client.get(f"/s/{live_session.code}/polls.csv").content.decode().splitlines()
    assert csv_rows[0].startswith("poll_id,status,question")
    assert len(csv_rows) == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_by_one_participant_count_once(live_session, immediate_tallies):
    poll = _poll(live_session, moderator_actor(live_session))
    option = poll.options.first()
    participant = make_participant(live_session)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def vote() -> None:
        barrier.wait()
        try:
            services.poll_vote(
                actor=Actor(participant=participant),
                live_session_id=live_session.pk,
                poll_id=poll.pk,
                option_ids=[option.pk],
            )
            outcomes.append("voted")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_voted"] * 7 + ["voted"]
    assert PollBallot.objects.filter(poll=poll).count() == 1


@pytest.mark.django_db(transaction=True)
async def test_poll_votes_from_a_socket_are_coalesced_into_one_tally_per_window(
    live_session, settings
):
    from asgiref.sync import sync_to_async

    settings.TOWNHALL_TALLY_WINDOW_MS = 1000
    moderator = await sync_to_async(moderator_actor)(live_session)
    poll = await sync_to_async(_poll)(live_session, moderator)
    option = await sync_to_async(lambda: poll.options.first())()
    consumers = [
        FakeConsumer(
            Actor(participant=await sync_to_async(make_participant)(live_session, name=f"P{n}")),
            live_session.pk,
        )
        for n in range(3)
    ]
    for consumer in consumers:
        message = {"type": "poll.vote", "poll_id": poll.pk, "option_ids": [option.pk]}
        await handlers.HANDLERS["poll.vote"](consumer, message)
        assert consumer.sent[-1] == {
            "type": "ack",
            "for": "poll.vote",
            "poll_id": poll.pk,
            "status": "voted",
        }
    await asyncio.sleep(1.5)
    tallies = await sync_to_async(events_of)(live_session, "poll.tally")
    assert len(tallies) == 1
    assert tallies[0].data["counts"][str(option.pk)] == 3


def _juror(live_session: Any) -> Actor:
    from sessions.models import SessionRole
    from tests.factories import make_role_user

    return Actor(
        user=make_role_user(live_session, SessionRole.Role.JUROR),
        roles=frozenset({SessionRole.Role.JUROR}),
    )


def test_a_citizen_who_is_not_a_juror_cannot_raise_a_hand(live_session):
    with pytest.raises(Forbidden):
        services.hand_raise(
            actor=Actor(participant=make_participant(live_session)),
            live_session_id=live_session.pk,
        )


def test_hands_queue_in_order_and_the_moderator_grants_a_timed_floor(live_session):
    moderator = moderator_actor(live_session)
    first = services.hand_raise(actor=_juror(live_session), live_session_id=live_session.pk)
    official = official_actor(live_session)
    second = services.hand_raise(actor=official, live_session_id=live_session.pk, kind="reply")
    queued = wire(events_of(live_session, "speakers.updated")[-1])
    assert [r["id"] for r in queued["queue"]] == [first.pk, second.pk]
    assert queued["queue"][1]["kind"] == "reply" and queued["floor"] is None
    granted = services.floor_grant(actor=moderator, live_session_id=live_session.pk, seconds=90)
    assert granted.pk == first.pk
    update = wire(events_of(live_session, "speakers.updated")[-1])
    assert update["floor"]["id"] == first.pk
    assert update["floor"]["allotted_seconds"] == 90
    assert update["floor"]["started_at"] == granted.started_at.isoformat()
    assert [r["id"] for r in update["queue"]] == [second.pk]
    services.floor_end(actor=moderator, live_session_id=live_session.pk)
    assert wire(events_of(live_session, "speakers.updated")[-1])["floor"] is None


def test_first_time_speakers_go_first_after_points_of_order(live_session):
    moderator = moderator_actor(live_session)
    veteran, newcomer, orderly = _juror(live_session), _juror(live_session), _juror(live_session)
    services.hand_raise(actor=veteran, live_session_id=live_session.pk)
    services.floor_grant(actor=moderator, live_session_id=live_session.pk)
    services.floor_end(actor=moderator, live_session_id=live_session.pk)
    again = services.hand_raise(actor=veteran, live_session_id=live_session.pk)
    fresh = services.hand_raise(actor=newcomer, live_session_id=live_session.pk)
    order = services.hand_raise(
        actor=orderly, live_session_id=live_session.pk, kind="point_of_order"
    )
    ordered = services.speakers_order(
        actor=moderator, live_session_id=live_session.pk, first_time_first=True
    )
    assert [r.pk for r in ordered] == [order.pk, fresh.pk, again.pk]
    queue = wire(events_of(live_session, "speakers.updated")[-1])["queue"]
    assert [r["id"] for r in queue] == [order.pk, fresh.pk, again.pk]
    explicit = services.speakers_order(
        actor=moderator, live_session_id=live_session.pk, request_ids=[again.pk, fresh.pk, order.pk]
    )
    assert [r.pk for r in explicit] == [again.pk, fresh.pk, order.pk]


def test_a_speaker_lowers_their_hand(live_session):
    juror = _juror(live_session)
    services.hand_raise(actor=juror, live_session_id=live_session.pk)
    services.hand_lower(actor=juror, live_session_id=live_session.pk)
    assert wire(events_of(live_session, "speakers.updated")[-1])["queue"] == []


@pytest.mark.django_db(transaction=True)
async def test_handlers_check_fields_and_ack_like_the_session_consumer(live_session):
    from asgiref.sync import sync_to_async

    moderator = await sync_to_async(moderator_actor)(live_session)
    consumer = FakeConsumer(moderator, live_session.pk)
    with pytest.raises(InvalidInput) as error:
        await handlers.HANDLERS["poll.open"](consumer, {"type": "poll.open", "question": QUESTION})
    assert error.value.code == "missing_field"
    await handlers.HANDLERS["poll.open"](
        consumer, {"type": "poll.open", "question": QUESTION, "options": OPTIONS}
    )
    ack = consumer.sent[-1]
    assert ack["for"] == "poll.open" and ack["status"] == "open"
    await handlers.HANDLERS["juries.state"](consumer, {"type": "juries.state", "client_id": "s1"})
    state = consumer.sent[-1]
    assert state["type"] == "juries.state" and state["client_id"] == "s1"
    assert state["polls"][0]["id"] == ack["poll_id"]
    assert state["speakers"] == {"queue": [], "floor": None}
