"""Creating sessions, assigning roles, opening/pausing/ending, joining."""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from moderation.sanitize import sanitize_text
from sessions import events
from sessions.actors import Actor
from sessions.errors import Conflict, InvalidInput
from sessions.models import LiveSession, Participant, SessionRole
from sessions.services.log import emit, lock_session, require_not_ended

# No i, l, o, 0 or 1: a code read aloud or off a projector must not be ambiguous.
JOIN_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
JOIN_CODE_LENGTH = 6
_CUSTOM_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{2,15}$")


def join_code_normalize(code: str) -> str:
    normalized = code.strip().lower()
    if not _CUSTOM_CODE.match(normalized):
        raise InvalidInput(
            "A join code has 3-16 letters, digits or dashes.", code="invalid_join_code"
        )
    return normalized


def _join_code_generate() -> str:
    for _ in range(20):
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if not LiveSession.objects.filter(code=code).exists():
            return code
    raise Conflict("Could not find a free join code; try again.", code="join_code_exhausted")


@transaction.atomic
def live_session_create(
    *,
    title: str,
    agenda: str = "",
    code: str | None = None,
    languages: list[str] | None = None,
    is_public: bool = True,
    requires_verified_voting: bool = False,
    requires_verified_volunteering: bool = False,
    moderation_mode: str = LiveSession.ModerationMode.PRE,
    scheduled_start: datetime.datetime | None = None,
    scheduled_end: datetime.datetime | None = None,
    created_by: Any = None,
) -> LiveSession:
    title = sanitize_text(title)
    if not title:
        raise InvalidInput("A session needs a title.", code="title_required")
    if moderation_mode not in LiveSession.ModerationMode.values:
        raise InvalidInput("Unknown moderation mode.", code="invalid_moderation_mode")
    if scheduled_start and scheduled_end and scheduled_end <= scheduled_start:
        raise InvalidInput("The session must end after it starts.", code="invalid_schedule")
    final_code = join_code_normalize(code) if code else _join_code_generate()
    if LiveSession.objects.filter(code=final_code).exists():
        raise Conflict("That join code is taken.", code="join_code_taken")
    known = {lang for lang, _ in settings.LANGUAGES}
    chosen = languages or ["en", "ur"]
    if not set(chosen) <= known:
        raise InvalidInput("Unsupported session language.", code="invalid_language")
    return LiveSession.objects.create(
        title=title[:200],
        agenda=sanitize_text(agenda) if agenda else "",
        code=final_code,
        languages=chosen,
        is_public=is_public,
        requires_verified_voting=requires_verified_voting,
        requires_verified_volunteering=requires_verified_volunteering,
        moderation_mode=moderation_mode,
        scheduled_start=scheduled_start,
        scheduled_end=scheduled_end,
        created_by=created_by,
    )


@transaction.atomic
def session_role_assign(*, live_session: LiveSession, user: Any, role: str) -> SessionRole:
    if role not in SessionRole.Role.values:
        raise InvalidInput("Unknown role.", code="invalid_role")
    assigned, _ = SessionRole.objects.get_or_create(live_session=live_session, user=user, role=role)
    return assigned


_TRANSITIONS = {
    "open": ({LiveSession.Status.SCHEDULED, LiveSession.Status.PAUSED}, LiveSession.Status.LIVE),
    "pause": ({LiveSession.Status.LIVE}, LiveSession.Status.PAUSED),
    "end": (
        {LiveSession.Status.SCHEDULED, LiveSession.Status.LIVE, LiveSession.Status.PAUSED},
        LiveSession.Status.ENDED,
    ),
}


@transaction.atomic
def live_session_control(*, actor: Actor, live_session_id: int, action: str) -> LiveSession:
    """Open, pause or end a session (organizers only)."""
    actor.require_organizer()
    if action not in _TRANSITIONS:
        raise InvalidInput("action must be open, pause or end.", code="invalid_action")
    live_session = lock_session(live_session_id)
    allowed_from, target = _TRANSITIONS[action]
    if live_session.status not in allowed_from:
        raise Conflict(
            f"Cannot {action} a session that is {live_session.status}.", code="invalid_transition"
        )
    live_session.status = target
    now = timezone.now()
    if target == LiveSession.Status.LIVE and live_session.opened_at is None:
        live_session.opened_at = now
    if target == LiveSession.Status.ENDED:
        live_session.ended_at = now
    live_session.save(update_fields=["status", "opened_at", "ended_at"])
    emit(
        live_session,
        events.SESSION_UPDATED,
        {"session": events.session_payload(live_session)},
        [events.PUBLIC],
    )
    return live_session


ANONYMISED_NAME = "Former participant"


@transaction.atomic
def participant_anonymise(*, participant_id: int) -> None:
    """Remove what identifies a participant; their questions stay, pseudonymous."""
    Participant.objects.filter(pk=participant_id).update(display_name=ANONYMISED_NAME, district="")


@transaction.atomic
def participant_join(
    *, live_session: LiveSession, display_name: str, district: str = ""
) -> Participant:
    require_not_ended(live_session)
    name = sanitize_text(display_name or "")
    if not name:
        raise InvalidInput("Choose a display name (a pseudonym is fine).", code="name_required")
    if len(name) > 60:
        raise InvalidInput("A display name has at most 60 characters.", code="name_too_long")
    place = sanitize_text(district or "")
    if len(place) > 80:
        raise InvalidInput("A district has at most 80 characters.", code="district_too_long")
    return Participant.objects.create(live_session=live_session, display_name=name, district=place)
