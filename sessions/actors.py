"""Who is acting in a session, and what they may do.

Roles come from the account (staff are organizers) and from ``SessionRole``;
being a participant comes from the browser's Django session. Every service
checks the capability it needs, whatever the caller already checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sessions import events
from sessions.errors import Forbidden
from sessions.models import Participant

ORGANIZER = "organizer"
MODERATOR = "moderator"
OFFICIAL = "official"


@dataclass(frozen=True)
class Actor:
    user: Any = None  # a User, or None/AnonymousUser for citizens and viewers
    participant: Participant | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_organizer(self) -> bool:
        return ORGANIZER in self.roles

    @property
    def can_moderate(self) -> bool:
        return MODERATOR in self.roles or self.is_organizer

    @property
    def can_answer(self) -> bool:
        return OFFICIAL in self.roles or self.is_organizer

    @property
    def can_take_part(self) -> bool:
        return self.participant is not None

    @property
    def audiences(self) -> frozenset[str]:
        tokens = {events.PUBLIC}
        if self.can_moderate:
            tokens.add(events.MODERATORS)
        if self.can_answer:
            tokens.add(events.OFFICIALS)
        if self.participant is not None:
            tokens.add(events.participant_audience(self.participant.pk))
        return frozenset(tokens)

    @property
    def capabilities(self) -> list[str]:
        caps = ["watch"]
        if self.can_take_part:
            caps += ["ask", "vote"]
        if self.can_moderate:
            caps += ["moderate", "stage"]
        if self.can_answer:
            caps += ["answer"]
        if self.is_organizer:
            caps += ["control"]
        return caps

    def require_participant(self) -> Participant:
        if self.participant is None:
            raise Forbidden("Join the session first to ask or vote.", code="not_participant")
        return self.participant

    def require_moderator(self) -> None:
        if not self.can_moderate:
            raise Forbidden("Only the session's moderators may do that.")

    def require_official(self) -> None:
        if not self.can_answer:
            raise Forbidden("Only the session's officials may answer.")

    def require_organizer(self) -> None:
        if not self.is_organizer:
            raise Forbidden("Only organizers may open, pause or end a session.")

    @property
    def user_or_none(self) -> Any:
        if self.user is not None and getattr(self.user, "is_authenticated", False):
            return self.user
        return None
