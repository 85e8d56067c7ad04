"""Channel-layer group names, built in one place.

Group names may hold only ASCII letters, digits, ``-``, ``_`` and ``.`` and must
stay under 100 characters, so they are built from database ids, never codes.
"""


def session_group(live_session_id: int) -> str:
    return f"townhall.session.{live_session_id}"
