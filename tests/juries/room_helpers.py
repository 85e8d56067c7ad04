"""A seated jury without running the lottery (the draw itself is tested elsewhere)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from juries import services
from juries.models import JuryDraw, JurySeat, JuryVolunteer
from sessions.actors import Actor
from tests.factories import make_participant
from tests.juries.conftest import ATTRIBUTES

ORGANIZER = Actor(roles=frozenset({"organizer"}))


def seat_jury(live_session: Any, *, jurors: int = 3, declined: int = 0) -> list[Any]:
    """Configure a jury and seat ``jurors`` participants (accepted); returns them.
    ``declined`` more are drawn but decline (they are not jurors)."""
    services.jury_configure(
        actor=ORGANIZER,
        live_session_id=live_session.pk,
        attributes=ATTRIBUTES,
        size=jurors + declined,
        alternate_count=0,
    )
    jury = live_session.jury
    draw = JuryDraw.objects.create(
        jury=jury,
        status=JuryDraw.Status.DONE,
        seed=1,
        size=jurors + declined,
        alternate_count=0,
        features_csv="",
        people_csv="",
        inputs_sha256="x",
        finished_at=timezone.now(),
    )
    participants = []
    for i in range(jurors + declined):
        participant = make_participant(live_session, name=f"Juror {i + 1}")
        volunteer = JuryVolunteer.objects.create(
            jury=jury, participant=participant, attributes={"gender": "female", "area": "urban"}
        )
        JurySeat.objects.create(
            draw=draw,
            volunteer=volunteer,
            kind=JurySeat.Kind.JUROR,
            position=i + 1,
            status=JurySeat.Status.ACCEPTED if i < jurors else JurySeat.Status.DECLINED,
        )
        if i < jurors:
            participants.append(participant)
    return participants
