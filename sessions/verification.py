"""One person, one vote: the check that a session's verified-only actions make.

Verification itself lives in the reach app (phone codes, CNIC hashes); sessions
only asks whether a participant is verified, so it never needs reach to load.
"""

from __future__ import annotations

from sessions.errors import Forbidden


def require_verified(*, participant_id: int, message: str) -> None:
    from reach.selectors import participant_is_verified

    if not participant_is_verified(participant_id=participant_id):
        raise Forbidden(message, code="verification_required")
