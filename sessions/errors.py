"""Domain errors raised by services and turned into ``error`` messages or HTTP codes.

Each has a stable machine-readable ``code`` (documented in docs/protocol.md) and
a human message. Raising one inside a service rolls back its transaction, so an
error never leaves anything half-written.
"""

from __future__ import annotations


class TownhallError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(TownhallError):
    code = "invalid"


class NotFound(TownhallError):
    code = "not_found"
    http_status = 404


class Forbidden(TownhallError):
    code = "forbidden"
    http_status = 403


class Conflict(TownhallError):
    """The action is well-formed but the current state does not allow it."""

    code = "conflict"
    http_status = 409


class RateLimited(TownhallError):
    code = "rate_limited"
    http_status = 429


def require_fields(message: dict[str, object], *fields: str) -> None:
    """Raise a ``missing_field`` error naming every field the message lacks."""
    missing = [name for name in fields if name not in message]
    if missing:
        raise InvalidInput(f"Missing field(s): {', '.join(missing)}.", code="missing_field")
