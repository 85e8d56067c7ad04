"""Binding a browser (its Django session) to its participant in each live session.

A citizen needs no account: joining stores the participant's id in the
browser's Django session, which both HTTP views and the WebSocket read.
"""

from __future__ import annotations

from typing import Any

_KEY = "townhall_participants"


def participant_id_in(django_session: Any, live_session_id: int) -> int | None:
    """Precondition: called from sync code (reading the session may hit the database)."""
    if django_session is None:
        return None
    mapping = django_session.get(_KEY) or {}
    value = mapping.get(str(live_session_id))
    return int(value) if value is not None else None


def participant_remember(django_session: Any, live_session_id: int, participant_id: int) -> None:
    mapping = dict(django_session.get(_KEY) or {})
    mapping[str(live_session_id)] = participant_id
    django_session[_KEY] = mapping
