"""The no-JavaScript forms for the remaining actions: one service each, the same
permission checks, CSRF, and a redirect back to the page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from moderation.models import Appeal
from sessions import services
from sessions.actors import Actor
from sessions.models import Answer, LiveSession, Question
from tests import factories

pytestmark = pytest.mark.django_db


class Hall:
    def __init__(self) -> None:
        self.session = factories.make_live_session(code="roads")
        self.moderator_user = factories.make_role_user(self.session, "moderator")
        self.moderator = Actor(user=self.moderator_user, roles=frozenset({"moderator"}))
        self.official_user = factories.make_role_user(self.session, "official")
        self.citizen = factories.make_participant(self.session)

    def client_for(self, user: Any = None, participant: Any = None, csrf: bool = False) -> Client:
        browser = Client(enforce_csrf_checks=csrf)
        if user is not None:
            browser.force_login(user)
        if participant is not None:
            browser.cookies["sessionid"] = factories.browser_session(participants=[participant])
        return browser

    def published(self, text: str = "When will the road be repaired?") -> Question:
        return factories.publish(factories.ask(self.citizen, text=text), self.moderator)

    def rejected(self) -> Question:
        question = factories.ask(self.citizen, text="Something off topic?")
        return services.question_moderate(
            actor=self.moderator,
            live_session_id=self.session.pk,
            question_id=question.pk,
            decision="reject",
            reason_code="off_topic",
        )


@pytest.fixture
def hall() -> Hall:
    return Hall()


def test_moderator_puts_a_question_on_stage_and_clears_it(hall: Hall) -> None:
    question = hall.published()
    browser = hall.client_for(hall.moderator_user)
    response = browser.post(f"/s/roads/moderate/{question.pk}/stage")
    assert response.status_code == 302
    assert response["Location"] == "/s/roads/moderate/"
    assert LiveSession.objects.get(pk=hall.session.pk).on_stage_id == question.pk
    browser.post("/s/roads/moderate/stage/clear")
    assert LiveSession.objects.get(pk=hall.session.pk).on_stage_id is None


def test_staging_needs_a_moderator(hall: Hall) -> None:
    question = hall.published()
    response = hall.client_for(hall.official_user).post(f"/s/roads/moderate/{question.pk}/stage")
    assert response.status_code == 403
    assert LiveSession.objects.get(pk=hall.session.pk).on_stage_id is None
    # Not signed in at all: to the sign-in page.
    response = Client().post(f"/s/roads/moderate/{question.pk}/stage")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_official_marks_answered_and_returns_to_the_official_console(hall: Hall) -> None:
    question = hall.published()
    response = hall.client_for(hall.official_user).post(
        f"/s/roads/questions/{question.pk}/answered", {"back": "official"}
    )
    assert response["Location"] == f"/s/roads/official/#q{question.pk}"
    assert Question.objects.get(pk=question.pk).answered_at is not None


def test_official_answers_with_a_commitment(hall: Hall) -> None:
    question = hall.published()
    browser = hall.client_for(hall.official_user)
    response = browser.post(
        f"/s/roads/questions/{question.pk}/answer",
        {"text": "Next week.", "commitment": "Road resurfaced", "due_date": "2027-02-01"},
    )
    assert response.status_code == 302
    answer = Answer.objects.get(question=question)
    assert answer.text == "Next week."
    assert answer.commitment.text == "Road resurfaced"
    assert answer.commitment.due_date == datetime.date(2027, 2, 1)
    page = browser.get("/s/roads/official/").content.decode()
    assert "Road resurfaced" in page
    # Answered live, no text.
    browser.post(f"/s/roads/questions/{question.pk}/answer", {"live": "on"})
    assert Answer.objects.filter(question=question, answered_live=True).count() == 1


def test_an_empty_answer_is_refused_in_the_readers_language(hall: Hall) -> None:
    question = hall.published()
    browser = hall.client_for(hall.official_user)
    browser.cookies["django_language"] = "ur"
    response = browser.post(f"/s/roads/questions/{question.pk}/answer", {"text": " "})
    assert response.status_code == 400
    assert "جواب لکھیں" in response.content.decode()
    assert not Answer.objects.exists()


def test_answering_needs_an_official(hall: Hall) -> None:
    question = hall.published()
    response = hall.client_for(hall.moderator_user).post(
        f"/s/roads/questions/{question.pk}/answer", {"text": "Soon."}
    )
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_moderator_merges_a_duplicate(hall: Hall) -> None:
    target = hall.published()
    duplicate = hall.published("When is the road fixed?")
    response = hall.client_for(hall.moderator_user).post(
        f"/s/roads/moderate/{duplicate.pk}/merge", {"into": target.pk}
    )
    assert response.status_code == 302
    merged = Question.objects.get(pk=duplicate.pk)
    assert merged.status == Question.Status.MERGED
    assert merged.merged_into_id == target.pk


def test_moderator_decides_several_questions_at_once(hall: Hall) -> None:
    ids = [factories.ask(hall.citizen, text=f"Question {n}?").pk for n in range(3)]
    browser = hall.client_for(hall.moderator_user)
    response = browser.post(
        "/s/roads/moderate/bulk",
        {"question_ids": ids[:2], "decision": "reject", "reason": "spam"},
    )
    assert response.status_code == 302
    statuses = dict(Question.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert [statuses[i] for i in ids] == ["rejected", "rejected", "pending"]
    # All or none: an unknown id refuses the whole batch.
    response = browser.post(
        "/s/roads/moderate/bulk", {"question_ids": [ids[2], 999999], "decision": "approve"}
    )
    assert response.status_code == 404
    assert Question.objects.get(pk=ids[2]).status == "pending"


def test_author_appeals_and_another_moderator_decides(hall: Hall) -> None:
    question = hall.rejected()
    author = hall.client_for(participant=hall.citizen)
    page = author.get("/s/roads/").content.decode()
    assert f'action="/s/roads/questions/{question.pk}/appeal"' in page
    assert "Not about this session" in page  # the reason's label, not its code
    response = author.post(
        f"/s/roads/questions/{question.pk}/appeal", {"note": "It is about the roads."}
    )
    assert response["Location"] == "/s/roads/#mine"
    assert Appeal.objects.get(question=question).status == "open"

    same = hall.client_for(hall.moderator_user)
    response = same.post(f"/s/roads/moderate/{question.pk}/appeal", {"outcome": "overturn"})
    assert response.status_code == 403
    other = factories.make_role_user(hall.session, "moderator")
    browser = hall.client_for(other)
    assert "It is about the roads." in browser.get("/s/roads/moderate/").content.decode()
    browser.post(f"/s/roads/moderate/{question.pk}/appeal", {"outcome": "overturn", "note": "ok"})
    assert Appeal.objects.get(question=question).status == "overturned"
    assert Question.objects.get(pk=question.pk).status == Question.Status.PUBLISHED


def test_author_edits_a_question_in_review(hall: Hall) -> None:
    question = factories.ask(hall.citizen, text="Road in ward 3?")
    author = hall.client_for(participant=hall.citizen)
    assert (
        f'action="/s/roads/questions/{question.pk}/edit"'
        in author.get("/s/roads/").content.decode()
    )
    response = author.post(
        f"/s/roads/questions/{question.pk}/edit", {"text": "When is the road in ward 3 fixed?"}
    )
    assert response.status_code == 302
    assert Question.objects.get(pk=question.pk).text == "When is the road in ward 3 fixed?"


def test_only_the_author_may_edit_or_appeal(hall: Hall) -> None:
    question = hall.rejected()
    stranger = factories.make_participant(hall.session, name="Other")
    browser = hall.client_for(participant=stranger)
    assert browser.post(f"/s/roads/questions/{question.pk}/edit", {"text": "x?"}).status_code == 403
    response = browser.post(f"/s/roads/questions/{question.pk}/appeal", {"note": "please"})
    assert response.status_code == 403
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/s/roads/moderate/{id}/stage",
        "/s/roads/moderate/stage/clear",
        "/s/roads/moderate/{id}/merge",
        "/s/roads/moderate/bulk",
        "/s/roads/moderate/{id}/appeal",
        "/s/roads/questions/{id}/answered",
        "/s/roads/questions/{id}/answer",
        "/s/roads/questions/{id}/edit",
        "/s/roads/questions/{id}/appeal",
    ],
)
def test_every_form_needs_the_csrf_token_and_a_post(hall: Hall, path: str) -> None:
    question = hall.published()
    url = path.format(id=question.pk)
    browser = hall.client_for(hall.moderator_user, participant=hall.citizen, csrf=True)
    assert browser.post(url, {"text": "x", "note": "x"}).status_code == 403
    assert hall.client_for(hall.moderator_user).get(url).status_code == 405


def test_queue_shows_reason_labels_not_codes(hall: Hall) -> None:
    factories.ask(hall.citizen, text="Held for a moderator?")
    page = hall.client_for(hall.moderator_user).get("/s/roads/moderate/").content.decode()
    assert "Waiting for a moderator" in page
    assert ">pre_moderation<" not in page


def test_vote_counts_use_plural_forms(hall: Hall) -> None:
    question = hall.published()
    services.question_vote(
        actor=Actor(participant=hall.citizen),
        live_session_id=hall.session.pk,
        question_id=question.pk,
        value=1,
    )
    page = Client().get("/s/roads/").content.decode()
    assert "1 vote<" in page
    assert "1 votes" not in page
