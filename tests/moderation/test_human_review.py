"""The human side of moderation: edit requests, resubmission, appeals, bulk, review context."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from moderation.models import Appeal, ModerationDecision
from moderation.selectors import score_band, transparency_report
from sessions import services
from sessions.actors import Actor
from sessions.errors import Conflict, Forbidden, InvalidInput
from sessions.models import Question
from tests import factories


def _setup() -> dict[str, Any]:
    live_session = factories.make_live_session()
    author = factories.make_participant(live_session)
    return {
        "session": live_session,
        "author": author,
        "as_author": Actor(participant=author),
        "moderator": factories.moderator_actor(live_session),
        "second_moderator": factories.moderator_actor(live_session),
    }


def _reject(hall: dict[str, Any], question: Question, reason: str = "offensive") -> Question:
    return services.question_moderate(
        actor=hall["moderator"],
        live_session_id=hall["session"].pk,
        question_id=question.pk,
        decision="reject",
        reason_code=reason,
    )


@pytest.mark.django_db
def test_moderator_requests_an_edit_and_the_edited_question_is_held_again() -> None:
    hall = _setup()
    question = factories.ask(hall["author"], "Why are you idiots not fixing the road?")
    services.question_moderate(
        actor=hall["moderator"],
        live_session_id=hall["session"].pk,
        question_id=question.pk,
        decision="request_edit",
        reason_code="offensive",
        note="Please ask without insults",
    )
    question.refresh_from_db()
    assert (question.status, question.reason_code) == ("needs_edit", "offensive")

    edited = services.question_edit(
        actor=hall["as_author"],
        live_session_id=hall["session"].pk,
        question_id=question.pk,
        text="When will the road be fixed?",
    )
    assert edited.status == "pending"
    assert edited.text == "When will the road be fixed?"
    history = list(
        ModerationDecision.objects.filter(question=question).values_list("decision", flat=True)
    )
    assert history == ["hold", "request_edit", "resubmit", "hold"]
    resubmit = ModerationDecision.objects.get(question=question, decision="resubmit")
    assert resubmit.details["previous_text"] == "Why are you idiots not fixing the road?"


@pytest.mark.django_db
def test_only_the_author_may_edit_and_only_before_publication() -> None:
    hall = _setup()
    question = factories.ask(hall["author"], "Gas?")
    stranger = Actor(participant=factories.make_participant(hall["session"], name="Other"))
    with pytest.raises(Forbidden):
        services.question_edit(
            actor=stranger,
            live_session_id=hall["session"].pk,
            question_id=question.pk,
            text="Hijacked",
        )
    factories.publish(question, hall["moderator"])
    with pytest.raises(Conflict):
        services.question_edit(
            actor=hall["as_author"],
            live_session_id=hall["session"].pk,
            question_id=question.pk,
            text="Changed after publication",
        )


@pytest.mark.django_db
def test_appeal_goes_to_a_different_moderator_who_can_overturn_it() -> None:
    hall = _setup()
    question = _reject(hall, factories.ask(hall["author"], "Is the BISP payment late again?"))
    appeal = services.appeal_submit(
        actor=hall["as_author"],
        live_session_id=hall["session"].pk,
        question_id=question.pk,
        note="It was a fair question about payments",
    )
    assert appeal.status == "open"
    with pytest.raises(Conflict):
        services.appeal_submit(
            actor=hall["as_author"],
            live_session_id=hall["session"].pk,
            question_id=question.pk,
            note="again",
        )
    with pytest.raises(Forbidden):
        services.appeal_decide(
            actor=hall["moderator"],
            live_session_id=hall["session"].pk,
            question_id=question.pk,
            outcome="overturn",
        )
    services.appeal_decide(
        actor=hall["second_moderator"],
        live_session_id=hall["session"].pk,
        question_id=question.pk,
        outcome="overturn",
        note="Legitimate question",
    )
    question.refresh_from_db()
    appeal.refresh_from_db()
    assert question.status == "published"
    assert (appeal.status, appeal.decided_by) == ("overturned", hall["second_moderator"].user)
    assert ModerationDecision.objects.filter(decision="appeal_overturned").count() == 1


@pytest.mark.django_db
def test_upheld_appeal_keeps_the_question_unpublished() -> None:
    hall = _setup()
    question = _reject(hall, factories.ask(hall["author"], "Insult"))
    services.appeal_submit(
        actor=hall["as_author"],
        live_session_id=hall["session"].pk,
        question_id=question.pk,
        note="Please look again",
    )
    services.appeal_decide(
        actor=hall["second_moderator"],
        live_session_id=hall["session"].pk,
        question_id=question.pk,
        outcome="uphold",
    )
    question.refresh_from_db()
    assert question.status == "rejected"
    assert Appeal.objects.get().status == "upheld"
    report = transparency_report(live_session=hall["session"])
    assert report["appeals"] == {"open": 0, "upheld": 1, "overturned": 0}


@pytest.mark.django_db
def test_published_questions_cannot_be_appealed() -> None:
    hall = _setup()
    question = factories.publish(factories.ask(hall["author"], "Roads"), hall["moderator"])
    with pytest.raises(Conflict):
        services.appeal_submit(
            actor=hall["as_author"],
            live_session_id=hall["session"].pk,
            question_id=question.pk,
            note="?",
        )


@pytest.mark.django_db
def test_bulk_decisions_apply_to_all_or_none() -> None:
    hall = _setup()
    first = factories.ask(hall["author"], "One")
    second = factories.ask(hall["author"], "Two")
    published = factories.publish(factories.ask(hall["author"], "Three"), hall["moderator"])
    with pytest.raises(Conflict):
        services.question_moderate_bulk(
            actor=hall["moderator"],
            live_session_id=hall["session"].pk,
            question_ids=[first.pk, second.pk, published.pk],
            decision="reject",
            reason_code="spam",
        )
    assert set(Question.objects.values_list("status", flat=True)) == {"pending", "published"}
    services.question_moderate_bulk(
        actor=hall["moderator"],
        live_session_id=hall["session"].pk,
        question_ids=[first.pk, second.pk],
        decision="reject",
        reason_code="spam",
    )
    assert list(Question.objects.filter(status="rejected").order_by("pk")) == [first, second]
    with pytest.raises(InvalidInput):
        services.question_moderate_bulk(
            actor=hall["moderator"],
            live_session_id=hall["session"].pk,
            question_ids=[first.pk, first.pk],
            decision="approve",
        )


@pytest.mark.django_db
def test_transparency_report_counts_outcomes_reasons_and_routes_without_personal_data() -> None:
    hall = _setup()
    factories.publish(factories.ask(hall["author"], "Water"), hall["moderator"])
    _reject(hall, factories.ask(hall["author"], "Rude"), reason="harassment")
    factories.ask(hall["author"], "Waiting")
    report = transparency_report(live_session=hall["session"])
    assert report["questions"] == 3
    assert report["by_outcome"] == {"published": 1, "rejected": 1, "pending": 1}
    assert report["by_reason"] == {"harassment": 1, "pre_moderation": 1}
    assert report["by_route"] == {"automatic": 1, "human": 2}
    assert report["median_seconds_to_decision"] is not None
    assert "Ayesha" not in str(report)


def test_score_bands_follow_coral_talks_labels() -> None:
    assert [score_band(s) for s in (None, 0.1, 0.5, 0.51, 0.8, 0.81)] == [
        None,
        "unlikely",
        "unlikely",
        "maybe",
        "maybe",
        "likely",
    ]


@pytest.mark.django_db(transaction=True)
async def test_queue_items_carry_the_review_context_and_appeals_reach_moderators(
    connect: Any,
) -> None:
    @database_sync_to_async
    def setup() -> dict[str, Any]:
        hall = _setup()
        earlier = _reject(hall, factories.ask(hall["author"], "Earlier rude one"))
        hall["earlier"] = earlier
        hall["mod_key"] = factories.browser_session(user=hall["second_moderator"].user)
        hall["author_key"] = factories.browser_session(participants=[hall["author"]])
        return hall

    hall = await setup()
    moderator = await connect(hall["session"].code, session_key=hall["mod_key"])
    author = await connect(hall["session"].code, session_key=hall["author_key"])
    assert moderator.state["appeals"] == []
    await author.send_json_to(
        {"type": "question.ask", "text": "Where is the health unit doctor?", "client_id": "h1"}
    )
    queued = await moderator.receive_json_from(timeout=5)
    assert queued["type"] == "queue.added"
    review = queued["question"]["review"]
    assert review["stage"] == "policy"
    assert review["reasons"][0] == {"code": "pre_moderation", "stage": "policy", "detail": {}}
    # The automatic stages ran too: no model is configured for English here.
    assert [r["code"] for r in review["reasons"][1:]] == ["no_model_for_language"]
    assert review["language"] == "en"
    assert review["author_history"] == {"asked": 1, "published": 0, "rejected": 1, "hidden": 0}

    await author.send_json_to(
        {
            "type": "question.appeal",
            "question_id": hall["earlier"].pk,
            "note": "I was quoting someone",
            "client_id": "ap",
        }
    )
    appealed = None
    for _ in range(4):
        message = await moderator.receive_json_from(timeout=5)
        if message["type"] == "appeal.added":
            appealed = message
            break
    assert appealed is not None
    assert appealed["question"]["appeal"] == {
        "status": "open",
        "note": "I was quoting someone",
        "decision_note": "",
    }
    mine = [await author.receive_json_from(timeout=5) for _ in range(4)]
    kinds = [(m["type"], m.get("status")) for m in mine]
    assert kinds[0] == ("ack", "pending")
    assert ("ack", "appealed") in kinds
    told = [m for m in mine if m["type"] == "question.updated" and m["question"]["appeal"]]
    assert told[0]["question"]["appeal"]["status"] == "open"
    await moderator.send_json_to(
        {"type": "appeal.decide", "question_id": hall["earlier"].pk, "outcome": "overturn"}
    )
    statuses = []
    for _ in range(6):
        message = await author.receive_json_from(timeout=5)
        if (
            message["type"] in {"question.published", "question.updated"}
            and message["question"]["id"] == hall["earlier"].pk
        ):
            statuses.append((message["type"], message["question"]["appeal"]))
        if len(statuses) == 2:
            break
    assert statuses[0] == ("question.published", None), "the public never sees the appeal"
    assert statuses[1][1]["status"] == "overturned"


@pytest.mark.django_db
def test_the_queue_snapshot_names_the_matched_terms_and_each_authors_history() -> None:
    from sessions.actors import Actor as SessionActor
    from sessions.selectors import session_snapshot

    hall = _setup()
    other = factories.make_participant(hall["session"], name="Other")
    factories.ask(hall["author"], "Why is the councillor such an idiot about water?")
    _reject(hall, factories.ask(other, "Earlier one"))
    factories.ask(other, "When will the road be fixed?")
    snapshot = session_snapshot(
        live_session=hall["session"],
        actor=SessionActor(user=hall["moderator"].user, roles=frozenset({"moderator"})),
    )
    reviews = {q["text"]: q["review"] for q in snapshot["queue"]}
    insult = reviews["Why is the councillor such an idiot about water?"]
    assert insult["matched_terms"] == ["idiot"]
    assert insult["author_history"] == {"asked": 0, "published": 0, "rejected": 0, "hidden": 0}
    road = reviews["When will the road be fixed?"]
    assert road["matched_terms"] == []
    assert road["author_history"] == {"asked": 1, "published": 0, "rejected": 1, "hidden": 0}


@pytest.mark.django_db
def test_the_review_band_follows_the_thresholds_that_screened_the_question() -> None:
    from moderation.selectors import review_for
    from moderation.services import decision_record

    hall = _setup()
    question = factories.ask(hall["author"], "Kab tak bijli aaye gi?")

    def screened(details: dict[str, Any]) -> dict[str, Any]:
        decision_record(
            question_id=question.pk,
            route=ModerationDecision.Route.AUTOMATIC,
            decision="hold",
            reason_code="toxicity_maybe",
            stage="classifier",
            details=details,
        )
        return review_for(question)

    # An Urdu-script model's hold threshold can sit at 0.92: 0.93 is "maybe" there.
    assert screened({"score": 0.93, "band": "maybe"})["band"] == "maybe"
    # Decisions recorded without a band fall back to the fixed bands.
    assert screened({"score": 0.93})["band"] == "likely"
