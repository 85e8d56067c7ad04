"""Service rules that hold whichever door (WebSocket or form) the action came through."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from sessions import services
from sessions.actors import Actor
from sessions.errors import Conflict, InvalidInput
from sessions.models import LiveSession, SessionEvent, SessionRole
from tests import factories

pytestmark = pytest.mark.django_db


def test_generated_join_codes_avoid_ambiguous_characters() -> None:
    codes = {services.live_session_create(title=f"S{i}").code for i in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert len(code) == 6
        assert not set(code) & set("il1o0")


def test_custom_codes_are_normalised_and_unique() -> None:
    services.live_session_create(title="A", code="Vehari-2026")
    assert LiveSession.objects.get().code == "vehari-2026"
    with pytest.raises(Conflict):
        services.live_session_create(title="B", code="VEHARI-2026")
    with pytest.raises(InvalidInput):
        services.live_session_create(title="C", code="no spaces")


def test_event_seq_is_strictly_increasing_per_session() -> None:
    first = factories.make_live_session()
    second = factories.make_live_session()
    moderator = factories.moderator_actor(first)
    for text in ("a", "b", "c"):
        factories.publish(factories.ask(factories.make_participant(first), text), moderator)
    factories.ask(factories.make_participant(second), "x")
    seqs = list(SessionEvent.objects.filter(live_session=first).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    first.refresh_from_db()
    assert first.last_seq == seqs[-1]
    assert list(SessionEvent.objects.filter(live_session=second).values_list("seq", flat=True)) == [
        1,
        2,
    ]


def test_session_transitions_follow_the_lifecycle() -> None:
    live_session = factories.make_live_session(status="scheduled")
    organizer = Actor(user=factories.make_user(staff=True), roles=frozenset({"organizer"}))

    def control(action: str) -> str:
        return services.live_session_control(
            actor=organizer, live_session_id=live_session.pk, action=action
        ).status

    with pytest.raises(Conflict):
        control("pause")
    assert control("open") == "live"
    assert control("pause") == "paused"
    assert control("open") == "live"
    assert control("end") == "ended"
    with pytest.raises(Conflict):
        control("open")


def test_answering_an_unpublished_question_is_refused() -> None:
    live_session = factories.make_live_session()
    held = factories.ask(factories.make_participant(live_session), "Held")
    with pytest.raises(Conflict):
        services.answer_post(
            actor=factories.official_actor(live_session),
            live_session_id=live_session.pk,
            question_id=held.pk,
            text="Answer",
        )


@pytest.mark.parametrize(
    "commitment",
    [{"text": ""}, {"text": "x", "due_date": "soon"}, "a string", {"text": "x" * 501}],
)
def test_malformed_commitments_are_refused(commitment: Any) -> None:
    live_session = factories.make_live_session()
    question = factories.publish(
        factories.ask(factories.make_participant(live_session), "Q"),
        factories.moderator_actor(live_session),
    )
    with pytest.raises(InvalidInput):
        services.answer_post(
            actor=factories.official_actor(live_session),
            live_session_id=live_session.pk,
            question_id=question.pk,
            text="Answer",
            commitment=commitment,
        )


def test_reject_needs_a_known_reason_and_other_needs_a_note() -> None:
    live_session = factories.make_live_session()
    moderator = factories.moderator_actor(live_session)
    question = factories.ask(factories.make_participant(live_session), "Q")
    for reason, note in (("", ""), ("rude", ""), ("other", "")):
        with pytest.raises(InvalidInput):
            services.question_moderate(
                actor=moderator,
                live_session_id=live_session.pk,
                question_id=question.pk,
                decision="reject",
                reason_code=reason,
                note=note,
            )
    question.refresh_from_db()
    assert question.status == "pending"


def test_seed_demo_creates_the_demo_town_hall_and_is_repeatable(
    monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "s3cret-demo")
    call_command("seed_demo")
    call_command("seed_demo")
    demo = LiveSession.objects.get(code="demo")
    assert demo.status == "live"
    assert demo.questions.count() == 3
    assert demo.questions.filter(status="published").count() == 2
    roles = set(demo.roles.values_list("user__username", "role"))
    assert roles == {
        ("moderator", SessionRole.Role.MODERATOR),
        ("official", SessionRole.Role.OFFICIAL),
    }
    from django.contrib.auth import authenticate

    assert authenticate(username="moderator", password="s3cret-demo") is not None
    assert "s3cret-demo" in capsys.readouterr().out


def test_environment_helpers_fail_loudly(monkeypatch: Any) -> None:
    from townhall.env import env_bool, env_int, env_rate

    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "ten")
    monkeypatch.setenv("X_RATE", "5 per minute")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL", False)
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1)
    with pytest.raises(ImproperlyConfigured):
        env_rate("X_RATE", "5/60")
    monkeypatch.setenv("X_RATE", "3/10")
    assert env_rate("X_RATE", "5/60") == (3, 10)


def test_deploy_checks_warn_about_single_process_defaults() -> None:
    from sessions.checks import service_warnings

    single = service_warnings(
        database_engine="django.db.backends.sqlite3",
        channel_backend="channels.layers.InMemoryChannelLayer",
    )
    assert {message.id for message in single} == {"townhall.W001", "townhall.W002"}
    scaled = service_warnings(
        database_engine="django.db.backends.postgresql",
        channel_backend="channels_redis.pubsub.RedisPubSubChannelLayer",
    )
    assert scaled == []
