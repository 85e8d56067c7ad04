"""The jury room: agenda and briefings, timed rounds, screened threaded discussion,
the recommendation (drafts, vote, adoption) and the official's public response."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.db import IntegrityError, transaction

from juries import handlers, selectors, services
from juries.models import JuryMessage, Recommendation
from moderation.models import AppendOnlyError, ModerationDecision
from moderation.screening import Screening, ScreeningReason
from moderation.selectors import audit_rows, labelled_rows
from moderation.services import decision_record
from sessions.actors import Actor
from sessions.errors import Conflict, Forbidden, InvalidInput
from tests.factories import make_live_session, make_participant, moderator_actor, official_actor
from tests.juries.conftest import FakeConsumer, events_of, wire
from tests.juries.room_helpers import ORGANIZER, seat_jury

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall() -> Any:
    return make_live_session(languages=["en", "ur"])


@pytest.fixture
def jurors(hall: Any) -> list[Any]:
    return seat_jury(hall, jurors=3, declined=1)


@pytest.fixture
def facilitator(hall: Any) -> Actor:
    return moderator_actor(hall)


def screened_as(monkeypatch: Any, outcome: str, code: str = "") -> None:
    reasons = (ScreeningReason(code, "abuse"),) if code else ()
    monkeypatch.setattr(
        services,
        "screen_question",
        lambda request: Screening(outcome=outcome, reasons=reasons, language="en"),  # type: ignore[arg-type]
    )


def juror_tokens(jurors: list[Any]) -> list[str]:
    return ["moderators"] + [f"participant:{p.pk}" for p in jurors]


def post(participant: Any, text: str = "The canal should be desilted first.", **kw: Any) -> Any:
    message, _ = services.jury_message_post(
        actor=Actor(participant=participant),
        live_session_id=participant.live_session_id,
        text=text,
        **kw,
    )
    return message


# --- membership and audiences -------------------------------------------------------------------


def test_room_events_go_only_to_seated_jurors_and_moderators(hall, jurors, facilitator):
    services.jury_round_start(actor=facilitator, live_session_id=hall.pk, seconds=600)
    (event,) = events_of(hall, "jury.round.started")
    assert event.audience == juror_tokens(jurors)
    bystander = make_participant(hall, name="Bystander")
    assert f"participant:{bystander.pk}" not in event.audience
    assert Actor(participant=bystander).audiences.isdisjoint(event.audience)
    assert not Actor(roles=frozenset({"official"})).audiences.isdisjoint(["public"])
    assert Actor(roles=frozenset({"official"})).audiences.isdisjoint(event.audience)


def test_a_non_juror_cannot_post_draft_vote_or_read_the_room(hall, jurors, facilitator):
    services.jury_draft_save(actor=facilitator, live_session_id=hall.pk, text="Desilt the canal.")
    recommendation = services.jury_recommendation_finalise(
        actor=facilitator, live_session_id=hall.pk
    )
    declined = make_participant(hall, name="Outsider")
    outsider = Actor(participant=declined)
    with pytest.raises(Forbidden) as error:
        post(declined)
    assert error.value.code == "not_juror"
    with pytest.raises(Forbidden):
        services.jury_recommendation_vote(
            actor=outsider,
            live_session_id=hall.pk,
            recommendation_id=recommendation.pk,
            choice="agree",
        )
    with pytest.raises(Forbidden):
        selectors.jury_room_state(live_session=hall, actor=outsider)
    with pytest.raises(Forbidden):
        services.jury_round_start(
            actor=Actor(participant=jurors[0]), live_session_id=hall.pk, seconds=60
        )
    assert JuryMessage.objects.count() == 0


def test_a_drawn_juror_who_declined_is_not_in_the_room(hall, facilitator):
    seat_jury(hall, jurors=1, declined=1)
    from juries.models import JurySeat

    declined = JurySeat.objects.get(status="declined").volunteer.participant
    with pytest.raises(Forbidden):
        post(declined)


# --- agenda, briefings, rounds ------------------------------------------------------------------


def test_the_organizer_sets_agenda_briefings_and_the_vote_rule(hall, jurors):
    services.jury_room_configure(
        actor=ORGANIZER,
        live_session_id=hall.pk,
        agenda="1. Canal water 2. Roads",
        briefings=[{"title": "Irrigation report", "url": "https://example.org/r.pdf"}],
        threshold=0.6,
        quorum=2,
    )
    (event,) = events_of(hall, "jury.room.updated")
    assert event.audience == juror_tokens(jurors)
    assert wire(event)["room"] == {
        "agenda": "1. Canal water 2. Roads",
        "briefings": [
            {"title": "Irrigation report", "url": "https://example.org/r.pdf", "text": ""}
        ],
        "threshold": 0.6,
        "quorum": 2,
    }


def test_briefing_links_must_be_web_links_and_threshold_a_fraction(hall, jurors):
    with pytest.raises(InvalidInput):
        services.jury_room_configure(
            actor=ORGANIZER,
            live_session_id=hall.pk,
            agenda="",
            briefings=[{"title": "x", "url": "javascript:alert(1)"}],
        )
    with pytest.raises(InvalidInput):
        services.jury_room_configure(
            actor=ORGANIZER, live_session_id=hall.pk, agenda="", threshold=2
        )
    with pytest.raises(Forbidden):
        services.jury_room_configure(
            actor=Actor(roles=frozenset({"moderator"})), live_session_id=hall.pk, agenda=""
        )


def test_a_round_carries_its_start_and_length_and_a_new_round_ends_the_last(
    hall, jurors, facilitator
):
    first = services.jury_round_start(
        actor=facilitator, live_session_id=hall.pk, seconds=300, title="Opening statements"
    )
    services.jury_round_start(actor=facilitator, live_session_id=hall.pk, seconds=120)
    started = [wire(e) for e in events_of(hall, "jury.round.started")]
    assert started[0]["round"]["title"] == "Opening statements"
    assert started[0]["round"]["seconds"] == 300
    assert started[0]["round"]["started_at"] == first.started_at.isoformat()
    assert started[1]["round"]["number"] == 2
    (ended,) = [wire(e) for e in events_of(hall, "jury.round.ended")]
    assert ended["round"]["id"] == first.pk
    assert ended["round"]["ended_at"] is not None


def test_rounds_last_thirty_seconds_to_four_hours(hall, jurors, facilitator):
    with pytest.raises(InvalidInput) as error:
        services.jury_round_start(actor=facilitator, live_session_id=hall.pk, seconds=5)
    assert error.value.code == "invalid_seconds"
    with pytest.raises(Conflict):
        services.jury_round_end(actor=facilitator, live_session_id=hall.pk)


# --- screened, threaded discussion --------------------------------------------------------------


def test_a_published_message_reaches_the_jury_only(hall, jurors, monkeypatch):
    screened_as(monkeypatch, "publish")
    message = post(jurors[0])
    assert message.status == "published"
    (event,) = events_of(hall, "jury.message.published")
    assert event.audience == juror_tokens(jurors)
    assert wire(event)["message"] == {
        "id": message.pk,
        "parent_id": None,
        "author": {"participant_id": jurors[0].pk, "display_name": "Juror 1", "facilitator": False},
        "text": "The canal should be desilted first.",
        "language": "en",
        "status": "published",
        "reason": None,
        "created_at": message.created_at.isoformat(),
        "published_at": message.published_at.isoformat(),
    }


def test_replies_thread_under_their_parent(hall, jurors, monkeypatch):
    screened_as(monkeypatch, "publish")
    first = post(jurors[0], "Canal first.")
    second = post(jurors[1], "Roads first.")
    reply = post(jurors[2], "Agree with canal.", parent_id=first.pk)
    assert wire(events_of(hall, "jury.message.published")[-1])["message"]["parent_id"] == first.pk
    ordered = selectors.threads(
        selectors.room_messages(jury=hall.jury, actor=Actor(participant=jurors[0]))
    )
    assert [(m.pk, depth) for m, depth in ordered] == [(first.pk, 0), (reply.pk, 1), (second.pk, 0)]


def test_in_pre_moderation_a_message_is_held_for_the_facilitator(hall, jurors, facilitator):
    message = post(jurors[0])  # the real screening: sessions default to pre-moderation
    assert message.status == "pending"
    (held,) = events_of(hall, "jury.message.held")
    assert held.audience == ["moderators"]
    assert wire(held)["message"]["reason"]["code"] == "pre_moderation"
    (told,) = events_of(hall, "jury.message.updated")
    assert told.audience == [f"participant:{jurors[0].pk}"]
    assert wire(told)["message"]["status"] == "pending"
    assert not events_of(hall, "jury.message.published")

    services.jury_message_moderate(
        actor=facilitator, live_session_id=hall.pk, message_id=message.pk, decision="approve"
    )
    (published,) = events_of(hall, "jury.message.published")
    assert published.audience == juror_tokens(jurors)
    assert wire(published)["message"]["reason"] is None


def test_a_facilitator_rejection_tells_the_author_why(hall, jurors, facilitator):
    message = post(jurors[0])
    services.jury_message_moderate(
        actor=facilitator,
        live_session_id=hall.pk,
        message_id=message.pk,
        decision="reject",
        note="Please keep it civil",
    )
    told = events_of(hall, "jury.message.updated")[-1]
    assert told.audience == ["moderators", f"participant:{jurors[0].pk}"]
    assert wire(told)["message"]["reason"] == {"code": "moderator", "note": "Please keep it civil"}
    with pytest.raises(Conflict):
        services.jury_message_moderate(
            actor=facilitator, live_session_id=hall.pk, message_id=message.pk, decision="approve"
        )


def test_a_message_screening_rejects_goes_back_to_its_author_only(hall, jurors, monkeypatch):
    screened_as(monkeypatch, "reject", "banned_term")
    message = post(jurors[0], "rude words")
    assert message.status == "rejected"
    (told,) = events_of(hall, "jury.message.updated")
    assert told.audience == [f"participant:{jurors[0].pk}"]
    assert wire(told)["message"]["reason"] == {"code": "banned_term", "note": ""}
    assert not events_of(hall, "jury.message.held")
    assert not events_of(hall, "jury.message.published")


def test_a_message_is_posted_once_per_client_id(hall, jurors, monkeypatch):
    screened_as(monkeypatch, "publish")
    first = post(jurors[0], client_id="m1")
    again = post(jurors[0], client_id="m1")
    assert first.pk == again.pk
    assert len(events_of(hall, "jury.message.published")) == 1


def test_the_facilitators_messages_are_published_without_screening(hall, jurors, facilitator):
    message, _ = services.jury_message_post(
        actor=facilitator, live_session_id=hall.pk, text="Welcome, round one is on the canal."
    )
    assert message.status == "published"
    assert wire(events_of(hall, "jury.message.published")[0])["message"]["author"]["facilitator"]
    # Not screened, so no decision for the audit trail either.
    assert not ModerationDecision.objects.filter(jury_message=message).exists()


# --- the recommendation -------------------------------------------------------------------------


def _draft(actor: Actor, hall: Any, text: str, base: int | None = None) -> Any:
    return services.jury_draft_save(
        actor=actor, live_session_id=hall.pk, text=text, base_version=base
    )


def test_jurors_draft_versions_and_a_stale_edit_is_refused(hall, jurors):
    one = _draft(Actor(participant=jurors[0]), hall, "Desilt the canal.")
    two = _draft(Actor(participant=jurors[1]), hall, "Desilt the canal by March.", base=1)
    assert (one.version, two.version) == (1, 2)
    with pytest.raises(Conflict) as error:
        _draft(Actor(participant=jurors[2]), hall, "Something else.", base=1)
    assert error.value.code == "draft_outdated"
    events = events_of(hall, "jury.draft.saved")
    assert [wire(e)["draft"]["version"] for e in events] == [1, 2]
    assert events[1].audience == juror_tokens(jurors)
    assert wire(events[1])["draft"]["author"] == {
        "participant_id": jurors[1].pk,
        "display_name": "Juror 2",
    }


def _vote(hall: Any, participant: Any, recommendation: Any, choice: str) -> Any:
    return services.jury_recommendation_vote(
        actor=Actor(participant=participant),
        live_session_id=hall.pk,
        recommendation_id=recommendation.pk,
        choice=choice,
    )


def _to_vote(hall: Any, jurors: list[Any], facilitator: Actor) -> Recommendation:
    _draft(Actor(participant=jurors[0]), hall, "Desilt the canal before the sowing season.")
    return services.jury_recommendation_finalise(actor=facilitator, live_session_id=hall.pk)


def test_the_facilitator_finalises_a_draft_and_jurors_vote_once(hall, jurors, facilitator):
    recommendation = _to_vote(hall, jurors, facilitator)
    (opened,) = events_of(hall, "jury.vote.opened")
    assert opened.audience == juror_tokens(jurors)
    assert wire(opened)["recommendation"]["status"] == "voting"
    assert wire(opened)["recommendation"]["counts"] is None
    assert wire(opened)["recommendation"]["quorum"] == 2  # half of 3 jurors, rounded up
    _vote(hall, jurors[0], recommendation, "agree")
    with pytest.raises(Conflict) as error:
        _vote(hall, jurors[0], recommendation, "disagree")
    assert error.value.code == "already_voted"
    (cast,) = events_of(hall, "jury.vote.cast")
    assert wire(cast) == {
        "type": "jury.vote.cast",
        "seq": cast.seq,
        "recommendation_id": recommendation.pk,
        "ballots": 1,
    }
    with pytest.raises(Conflict):
        _draft(Actor(participant=jurors[1]), hall, "Change during the vote")
    with pytest.raises(Forbidden):
        services.jury_recommendation_vote(
            actor=facilitator,
            live_session_id=hall.pk,
            recommendation_id=recommendation.pk,
            choice="agree",
        )


def test_an_adopted_recommendation_is_announced_publicly(hall, jurors, facilitator):
    recommendation = _to_vote(hall, jurors, facilitator)
    _vote(hall, jurors[0], recommendation, "agree")
    _vote(hall, jurors[1], recommendation, "agree")
    _vote(hall, jurors[2], recommendation, "disagree")
    closed = services.jury_recommendation_close(
        actor=facilitator, live_session_id=hall.pk, recommendation_id=recommendation.pk
    )
    assert closed.status == "adopted"
    (result,) = events_of(hall, "jury.vote.closed")
    assert result.audience == juror_tokens(jurors)
    assert wire(result)["recommendation"]["counts"] == {"agree": 2, "disagree": 1, "pass": 0}
    (adopted,) = events_of(hall, "jury.recommendation.adopted")
    assert adopted.audience == ["public"]
    assert wire(adopted)["recommendation"]["text"] == "Desilt the canal before the sowing season."
    assert wire(adopted)["recommendation"]["status"] == "adopted"


def test_without_the_quorum_a_recommendation_is_not_adopted(hall, jurors, facilitator):
    recommendation = _to_vote(hall, jurors, facilitator)
    _vote(hall, jurors[0], recommendation, "agree")
    closed = services.jury_recommendation_close(
        actor=facilitator, live_session_id=hall.pk, recommendation_id=recommendation.pk
    )
    assert closed.status == "not_adopted"
    assert not events_of(hall, "jury.recommendation.adopted")


@pytest.mark.parametrize(
    ("agree", "disagree", "passes", "threshold", "quorum", "adopted"),
    [
        (2, 1, 0, 2 / 3, 3, True),  # exactly two thirds
        (1, 1, 0, 0.5, 2, True),
        (1, 2, 5, 0.5, 2, False),
        (0, 0, 3, 0.5, 1, False),  # everybody passed
        (3, 0, 0, 1.0, 4, False),  # quorum not met
        (3, 0, 1, 1.0, 4, True),  # passes count toward the quorum
    ],
)
def test_adoption_is_agree_over_agree_and_disagree_with_a_quorum(
    agree, disagree, passes, threshold, quorum, adopted
):
    assert (
        services.recommendation_adopted(
            agree=agree,
            disagree=disagree,
            ballots=agree + disagree + passes,
            threshold=threshold,
            quorum=quorum,
        )
        is adopted
    )


def test_an_official_responds_with_a_commitment_tracked_publicly(hall, jurors, facilitator):
    recommendation = _to_vote(hall, jurors, facilitator)
    for juror in jurors:
        _vote(hall, juror, recommendation, "agree")
    services.jury_recommendation_close(
        actor=facilitator, live_session_id=hall.pk, recommendation_id=recommendation.pk
    )
    official = official_actor(hall)
    with pytest.raises(Forbidden):
        services.recommendation_respond(
            actor=facilitator,
            live_session_id=hall.pk,
            recommendation_id=recommendation.pk,
            text="No",
        )
    services.recommendation_respond(
        actor=official,
        live_session_id=hall.pk,
        recommendation_id=recommendation.pk,
        text="We accept.",
        commitment="Desilting of the Vehari canal",
        commitment_status="planned",
        due_date="2027-02-15",
    )
    services.recommendation_respond(
        actor=official,
        live_session_id=hall.pk,
        recommendation_id=recommendation.pk,
        text="We accept.",
        commitment="Desilting of the Vehari canal",
        commitment_status="done",
        due_date="2027-02-15",
        completed_date="2027-02-10",
    )
    first, second = events_of(hall, "jury.recommendation.responded")
    assert first.audience == ["public"]
    commitment = wire(second)["recommendation"]["response"]["commitment"]
    assert commitment == {
        "text": "Desilting of the Vehari canal",
        "status": "done",
        "due_date": "2027-02-15",
        "completed_date": "2027-02-10",
    }
    (listed,) = selectors.recommendations_public(live_session=hall)
    assert listed["response"]["text"] == "We accept."


def test_only_adopted_recommendations_get_a_response(hall, jurors, facilitator):
    recommendation = _to_vote(hall, jurors, facilitator)
    with pytest.raises(Conflict) as error:
        services.recommendation_respond(
            actor=official_actor(hall),
            live_session_id=hall.pk,
            recommendation_id=recommendation.pk,
            text="Too early",
        )
    assert error.value.code == "not_adopted"


# --- over the handlers --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_the_room_state_and_a_vote_over_the_socket_handlers(
    hall, jurors, facilitator, monkeypatch
):
    screened_as(monkeypatch, "publish")
    recommendation = await database_sync_to_async(_to_vote)(hall, jurors, facilitator)
    juror = FakeConsumer(Actor(participant=jurors[0]), hall.pk)
    await handlers.HANDLERS["jury.message.post"](
        juror, {"type": "jury.message.post", "text": "Agreed.", "client_id": "a"}
    )
    await handlers.HANDLERS["jury.recommendation.vote"](
        juror,
        {
            "type": "jury.recommendation.vote",
            "recommendation_id": recommendation.pk,
            "choice": "agree",
        },
    )
    await handlers.HANDLERS["jury.room.state"](juror, {"type": "jury.room.state"})
    posted, voted, state = juror.sent
    assert posted["status"] == "published"
    assert voted == {
        "type": "ack",
        "for": "jury.recommendation.vote",
        "recommendation_id": recommendation.pk,
        "status": "voted",
    }
    assert state["type"] == "jury.room.state"
    assert [j["participant_id"] for j in state["jurors"]] == [p.pk for p in jurors]
    assert state["my_vote"] == "agree"
    assert state["ballots"] == 1
    assert [m["text"] for m in state["messages"]] == ["Agreed."]


# --- the audit trail ----------------------------------------------------------------------------
# Jury-room messages are in the moderation audit trail like questions: what screening
# decided, what the facilitator decided, by whom and why.


def test_a_jurors_screened_message_is_recorded_as_an_automatic_decision(hall, jurors):
    message = post(jurors[0])  # sessions pre-moderate by default
    (decision,) = ModerationDecision.objects.filter(jury_message=message)
    assert decision.question_id is None
    assert decision.route == "automatic"
    assert decision.decision == "hold"
    assert decision.reason_code == "pre_moderation"
    assert decision.details["language"] == "en"
    assert {"code": "pre_moderation", "stage": "policy", "detail": {}} in decision.details[
        "reasons"
    ]


def test_the_facilitators_decision_on_a_held_message_is_recorded_with_who_and_why(
    hall, jurors, facilitator
):
    kept = post(jurors[0])
    removed = post(jurors[1], "Another thought on the canal.")
    services.jury_message_moderate(
        actor=facilitator, live_session_id=hall.pk, message_id=kept.pk, decision="approve"
    )
    services.jury_message_moderate(
        actor=facilitator,
        live_session_id=hall.pk,
        message_id=removed.pk,
        decision="reject",
        note="Please keep it civil",
    )
    approve = ModerationDecision.objects.get(jury_message=kept, route="human")
    assert (approve.decision, approve.actor, approve.reason_code) == (
        "approve",
        facilitator.user,
        "",
    )
    reject = ModerationDecision.objects.get(jury_message=removed, route="human")
    assert (reject.decision, reject.reason_code, reject.note) == (
        "reject",
        "other",
        "Please keep it civil",
    )
    assert reject.actor == facilitator.user
    with pytest.raises(AppendOnlyError):
        reject.delete()


def test_jury_decisions_are_in_the_sessions_audit_export_but_not_training_labels(
    hall, jurors, facilitator
):
    message = post(jurors[0])
    services.jury_message_moderate(
        actor=facilitator, live_session_id=hall.pk, message_id=message.pk, decision="approve"
    )
    rows = [r for r in audit_rows(session_code=hall.code) if r["jury_message_id"] == message.pk]
    assert [(r["route"], r["decision"], r["session"], r["question_id"]) for r in rows] == [
        ("automatic", "hold", hall.code, None),
        ("human", "approve", hall.code, None),
    ]
    assert rows[1]["actor"] == facilitator.user.get_username()
    assert audit_rows(session_code="no-such-hall") == []
    # A facilitator's rejection carries a free note, not a toxicity reason.
    assert labelled_rows(session_code=hall.code) == []


def test_a_decision_is_on_exactly_one_question_or_jury_message(hall, jurors):
    message = post(jurors[0])
    with pytest.raises(ValueError, match="exactly one"):
        decision_record(route="human", decision="approve")
    with pytest.raises(IntegrityError), transaction.atomic():
        # The database refuses it too, whatever code writes the row.
        ModerationDecision.objects.create(route="human", decision="approve")
    assert ModerationDecision.objects.filter(jury_message=message).count() == 1
