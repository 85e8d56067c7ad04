from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from juries import services
from sessions.actors import Actor
from tests.factories import make_live_session, make_participant, make_user

_names = itertools.count(1)

ATTRIBUTES = [
    {"key": "gender", "label": {"en": "Gender", "ur": "جنس"}, "values": ["female", "male"]},
    {"key": "area", "label": {"en": "Area", "ur": "علاقہ"}, "values": ["urban", "rural"]},
]
# 16 volunteers, skewed: 12 men (9 urban), 4 women (2 rural).
POOL = (
    [{"gender": "male", "area": "urban"}] * 9
    + [{"gender": "male", "area": "rural"}] * 3
    + [{"gender": "female", "area": "urban"}] * 2
    + [{"gender": "female", "area": "rural"}] * 2
)
QUOTAS = [
    {"attribute": "gender", "value": "female", "min": 2, "max": 3},
    {"attribute": "gender", "value": "male", "min": 3, "max": 4},
    {"attribute": "area", "value": "rural", "min": 2, "max": 4},
]


@pytest.fixture
def live_session() -> Any:
    return make_live_session(languages=["en", "ur"])


@pytest.fixture
def organizer() -> Actor:
    return Actor(user=make_user(staff=True), roles=frozenset({"organizer"}))


@pytest.fixture
def command_runner(settings: Any) -> None:
    """Draws wait for ``jury_draw_run`` instead of starting a thread."""
    settings.TOWNHALL_JURY_DRAW_RUNNER = "command"


def volunteer_pool(live_session: Any, pool: list[dict[str, str]] = POOL) -> list[Any]:
    volunteers = []
    for answers in pool:
        participant = make_participant(live_session, name=f"Volunteer {next(_names)}")
        volunteers.append(
            services.jury_volunteer(
                actor=Actor(participant=participant),
                live_session_id=live_session.pk,
                attributes=answers,
            )
        )
    return volunteers


def configure(
    live_session: Any, organizer: Actor, *, size: int = 6, alternates: int = 4, quotas: Any = None
) -> Any:
    return services.jury_configure(
        actor=organizer,
        live_session_id=live_session.pk,
        attributes=ATTRIBUTES,
        size=size,
        alternate_count=alternates,
        quotas=QUOTAS if quotas is None else quotas,
    )


def events_of(live_session: Any, type_: str) -> list[Any]:
    from sessions.models import SessionEvent

    return list(SessionEvent.objects.filter(live_session=live_session, type=type_).order_by("seq"))


def wire(event: Any) -> dict[str, Any]:
    """The event as a client receives it."""
    return json.loads(json.dumps({"type": event.type, "seq": event.seq, **event.data}))


class FakeConsumer:
    """What a handler needs of the session consumer: actor, session id, send, _ack."""

    def __init__(self, actor: Actor, live_session_id: int) -> None:
        self.actor = actor
        self.live_session_id = live_session_id
        self.sent: list[dict[str, Any]] = []

    async def send(self, text_data: str) -> None:
        self.sent.append(json.loads(text_data))

    async def _ack(self, message: dict[str, Any], **fields: Any) -> None:
        self.sent.append({"type": "ack", "for": message["type"], **fields})
