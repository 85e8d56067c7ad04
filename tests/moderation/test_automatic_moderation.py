"""The automatic pipeline inside a live session, with a real model trained here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async

from moderation.models import ModerationDecision
from sessions.models import Question
from tests import factories
from tests.moderation.pipeline.conftest import write_training_csv

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("immediate_tallies"),
]


@pytest.fixture(scope="module")
def linear_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from moderation.pipeline.training import train

    root = tmp_path_factory.mktemp("live-linear")
    out = root / "model"
    train(
        [write_training_csv(root / "train.csv")],
        out,
        c_grid=(4.0,),
        char_max_features=20_000,
        word_max_features=10_000,
        log=lambda msg: None,
    )
    return out


@pytest.fixture
def automatic_pipeline(settings: Any, linear_model_dir: Path) -> None:
    spec = {"kind": "linear", "model_dir": str(linear_model_dir)}
    settings.TOWNHALL_MODERATION_PIPELINE = {
        "backends": {lang: spec for lang in ("en", "ur", "ur-Latn")},
        # In-process scoring keeps the test independent of worker start-up.
        "pool_workers": 1,
        "classifier_timeout_s": 20.0,
    }


@database_sync_to_async
def automatic_hall() -> tuple[Any, str]:
    live_session = factories.make_live_session(
        moderation_mode="automatic", agenda="Water supply, roads, health units, schools"
    )
    citizen = factories.make_participant(live_session)
    return live_session, factories.browser_session(participants=[citizen])


@pytest.mark.usefixtures("automatic_pipeline")
async def test_clean_question_is_published_at_once_with_the_models_verdict_recorded(
    connect: Any,
) -> None:
    live_session, key = await automatic_hall()
    citizen = await connect(live_session.code, session_key=key)
    viewer = await connect(live_session.code)
    await citizen.send_json_to(
        {
            "type": "question.ask",
            "text": "When will the water supply in our district be restored?",
            "client_id": "w1",
        }
    )
    ack = await citizen.receive_json_from(timeout=30)
    assert ack["status"] == "published", ack
    published = await viewer.receive_json_from(timeout=5)
    assert published["type"] == "question.published"
    assert published["question"]["language"] == "en"

    decision = await database_sync_to_async(
        lambda: ModerationDecision.objects.get(question_id=ack["question_id"])
    )()
    assert (decision.route, decision.decision) == ("automatic", "publish")
    assert decision.details["backend"] == "linear"
    assert decision.details["model_version"]
    assert isinstance(decision.details["score"], float)
    assert [s["stage"] for s in decision.details["stages"]][:3] == [
        "normalize",
        "abuse",
        "language",
    ]


@pytest.mark.usefixtures("automatic_pipeline")
async def test_question_with_a_banned_term_is_rejected_and_never_broadcast(connect: Any) -> None:
    live_session, key = await automatic_hall()
    citizen = await connect(live_session.code, session_key=key)
    viewer = await connect(live_session.code)
    await citizen.send_json_to(
        {
            "type": "question.ask",
            "text": "Why is the mayor such a f.u.c.k.i.n.g liar?",
            "client_id": "b",
        }
    )
    ack = await citizen.receive_json_from(timeout=30)
    assert ack["status"] == "rejected"
    assert ack["reason"] == "banned_term"
    told = await citizen.receive_json_from(timeout=5)
    assert told["question"]["reason"]["code"] == "banned_term"
    assert await viewer.receive_nothing(timeout=0.3)


@pytest.mark.usefixtures("automatic_pipeline")
async def test_personal_data_is_held_for_a_moderator_with_the_reason(connect: Any) -> None:
    live_session, key = await automatic_hall()
    citizen = await connect(live_session.code, session_key=key)
    await citizen.send_json_to(
        {
            "type": "question.ask",
            "text": "My CNIC is 35202-1234567-1, why was my BISP payment stopped?",
            "client_id": "p",
        }
    )
    ack = await citizen.receive_json_from(timeout=30)
    assert (ack["status"], ack["reason"]) == ("pending", "personal_data")
    stored = await database_sync_to_async(lambda: Question.objects.get(pk=ack["question_id"]))()
    decision = await database_sync_to_async(
        lambda: ModerationDecision.objects.get(question=stored)
    )()
    assert "35202-1234567-1" not in str(decision.details), "the audit keeps a masked form"


async def test_pipeline_that_fails_holds_the_question(connect: Any, settings: Any) -> None:
    settings.TOWNHALL_MODERATION_PIPELINE = {
        "backends": {"en": {"kind": "linear", "model_dir": "/nonexistent/model"}},
        "classifier_timeout_s": 2.0,
    }
    live_session, key = await automatic_hall()
    citizen = await connect(live_session.code, session_key=key)
    await citizen.send_json_to(
        {"type": "question.ask", "text": "When will the road be repaired?", "client_id": "f"}
    )
    ack = await citizen.receive_json_from(timeout=30)
    assert ack["status"] == "pending"
    assert ack["reason"] == "classifier_unavailable"
