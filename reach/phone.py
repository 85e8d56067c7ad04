"""Normalising phone numbers to E.164, Pakistani local formats first."""

from __future__ import annotations

import re

from sessions.errors import InvalidInput

_SEPARATORS = re.compile(r"[\s().\-]")


def phone_normalize(raw: str) -> str:
    """``0300 1234567``, ``92300…``, ``+92 300…``, ``0092…``, ``tel:+92…`` → ``+92300…``."""
    value = _SEPARATORS.sub("", (raw or "").strip())
    if value.lower().startswith(("tel:", "sms:", "whatsapp:")):
        value = value.split(":", 1)[1]
    if value.startswith("00"):
        value = "+" + value[2:]
    if value.startswith("03") and len(value) == 11:
        value = "+92" + value[1:]
    elif value.startswith("92") and len(value) == 12:
        value = "+" + value
    if not re.fullmatch(r"\+[1-9]\d{7,14}", value):
        raise InvalidInput("That is not a phone number we can reach.", code="invalid_phone")
    return value
