"""Sending SMS into the app the way each gateway does."""

from __future__ import annotations

import itertools
from typing import Any

from django.test import Client

from reach.gateways import twilio_signature
from tests.reach.conftest import RAPIDPRO_SECRET, TWILIO_TOKEN

_sid = itertools.count(1)
TWILIO_URL = "https://townhall.example.pk/sms/twilio/"


def twilio_post(
    client: Client, phone: str, body: str, *, sid: str | None = None, token: str = TWILIO_TOKEN
) -> Any:
    params = {
        "From": phone,
        "To": "+15005550006",
        "Body": body,
        "MessageSid": sid or f"SM{next(_sid):032d}",
        "AccountSid": "AC0000",
    }
    signature = twilio_signature(TWILIO_URL, params, token)
    return client.post("/sms/twilio/", params, HTTP_X_TWILIO_SIGNATURE=signature)


def rapidpro_post(client: Client, phone: str, text: str, *, message_id: str = "") -> Any:
    data = {"from": phone, "text": text}
    if message_id:
        data["id"] = message_id
    return client.post("/sms/rapidpro/", data, HTTP_AUTHORIZATION=f"Token {RAPIDPRO_SECRET}")
