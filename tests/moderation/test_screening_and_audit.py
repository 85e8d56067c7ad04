"""The screening hook and the append-only audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from moderation import screening
from moderation.models import AppendOnlyError, ModerationDecision
from moderation.sanitize import sanitize_text
from moderation.screening import ScreeningRequest, screen_question
from sessions.models import Question
from tests import factories


def test_pre_moderation_holds_everything_for_a_human() -> None:
    result = screen_question(ScreeningRequest(text="Kind words", moderation_mode="pre"))
    assert result.outcome == "hold"
    assert result.primary_reason is not None
    assert result.primary_reason.code == "pre_moderation"


def test_automatic_mode_without_a_model_holds_rather_than_publishing() -> None:
    result = screen_question(ScreeningRequest(text="Kind words", moderation_mode="automatic"))
    assert result.outcome == "hold"
    assert result.primary_reason is not None
    assert result.primary_reason.code == "no_model_for_language"
    assert result.language == "en"


def test_screening_that_crashes_fails_closed(monkeypatch: Any) -> None:
    def broken(request: ScreeningRequest) -> Any:
        raise TimeoutError("classifier did not answer")

    monkeypatch.setattr(screening, "_screen_automatically", broken)
    result = screen_question(ScreeningRequest(text="Anything", moderation_mode="automatic"))
    assert result.outcome == "hold"
    assert result.primary_reason is not None
    assert result.primary_reason.code == "classifier_unavailable"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<b>Water</b> supply?", "Water supply?"),
        ("Gas &amp; power", "Gas & power"),
        ("a\u200bb\u202ec", "abc"),
        ("  many   spaces\n\nand lines ", "many spaces and lines"),
        ("ﬁve", "five"),
        ("کیا\u200cآپ", "کیا\u200cآپ"),
        ("<script>alert(1)</script>", "alert(1)"),
    ],
)
def test_sanitising_leaves_plain_normalised_text(raw: str, clean: str) -> None:
    assert sanitize_text(raw) == clean


@pytest.mark.django_db
def test_every_decision_is_recorded_and_cannot_be_changed() -> None:
    live_session = factories.make_live_session()
    question = factories.ask(factories.make_participant(live_session), "Roads?")
    moderator = factories.moderator_actor(live_session)
    factories.publish(question, moderator)
    decisions = list(ModerationDecision.objects.filter(question=question))
    assert [(d.route, d.decision, d.reason_code) for d in decisions] == [
        ("automatic", "hold", "pre_moderation"),
        ("human", "approve", ""),
    ]
    assert decisions[1].actor == moderator.user
    first = decisions[0]
    first.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        first.save()
    with pytest.raises(AppendOnlyError):
        first.delete()
    with pytest.raises(AppendOnlyError):
        ModerationDecision.objects.filter(question=question).update(note="x")
    with pytest.raises(AppendOnlyError):
        ModerationDecision.objects.all().delete()
    assert Question.objects.get(pk=question.pk).status == "published"
