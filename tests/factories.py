"""Factories for tests: real rows through the real services where it matters."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore

from sessions import services
from sessions.actors import Actor
from sessions.browser import participant_remember
from sessions.models import LiveSession, Participant, SessionRole

_counter = itertools.count(1)


TEST_PASSWORD = "pw"  # test accounts only


def make_user(*, username: str | None = None, staff: bool = False) -> Any:
    User = get_user_model()
    return User.objects.create_user(
        username=username or f"user{next(_counter)}", password=TEST_PASSWORD, is_staff=staff
    )


def make_live_session(
    *, status: str = LiveSession.Status.LIVE, code: str | None = None, **fields: Any
) -> LiveSession:
    live_session = services.live_session_create(
        title=fields.pop("title", "Water and roads"),
        agenda=fields.pop("agenda", "Canal water, road repairs, health units"),
        code=code or f"t{next(_counter)}x",
        **fields,
    )
    if status != LiveSession.Status.SCHEDULED:
        LiveSession.objects.filter(pk=live_session.pk).update(status=status)
        live_session.refresh_from_db()
    return live_session


def make_participant(
    live_session: LiveSession, *, name: str = "Ayesha", district: str = "Vehari"
) -> Participant:
    return services.participant_join(
        live_session=live_session, display_name=name, district=district
    )


def make_role_user(live_session: LiveSession, role: str) -> Any:
    user = make_user(username=f"{role}{next(_counter)}")
    services.session_role_assign(live_session=live_session, user=user, role=role)
    return user


def moderator_actor(live_session: LiveSession) -> Actor:
    return Actor(
        user=make_role_user(live_session, SessionRole.Role.MODERATOR),
        roles=frozenset({"moderator"}),
    )


def official_actor(live_session: LiveSession) -> Actor:
    return Actor(
        user=make_role_user(live_session, SessionRole.Role.OFFICIAL),
        roles=frozenset({"official"}),
    )


def browser_session(*, user: Any = None, participants: list[Participant] = ()) -> str:  # type: ignore[assignment]
    """Create a Django session like a browser would have; returns its key."""
    store = SessionStore()
    if user is not None:
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
    for participant in participants:
        participant_remember(store, participant.live_session_id, participant.pk)
    store.save()
    assert store.session_key is not None
    return store.session_key


def ask(
    participant: Participant,
    text: str = "When will the road be repaired?",
    client_id: str | None = None,
) -> Any:
    question, _ = services.question_ask(
        actor=Actor(participant=participant),
        live_session_id=participant.live_session_id,
        text=text,
        client_id=client_id or f"c{next(_counter)}",
    )
    return question


def publish(question: Any, moderator: Actor) -> Any:
    return services.question_moderate(
        actor=moderator,
        live_session_id=question.live_session_id,
        question_id=question.pk,
        decision="approve",
    )
