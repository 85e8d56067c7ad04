"""What each SMS gateway posts, and how it proves it is the gateway."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict


@dataclass(frozen=True)
class Incoming:
    phone: str
    text: str
    message_id: str


def twilio_signature(url: str, params: QueryDict | dict[str, Any], auth_token: str) -> str:
    """Base64 HMAC-SHA1 of the full URL followed by every POST key and value, keys sorted."""
    payload = url
    if isinstance(params, QueryDict):
        for key in sorted(params.keys()):
            for value in params.getlist(key):
                payload += key + value
    else:
        for key in sorted(params):
            payload += key + str(params[key])
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_valid(url: str, params: QueryDict, auth_token: str, given: str) -> bool:
    expected = twilio_signature(url, params, auth_token)
    return hmac.compare_digest(expected.encode(), (given or "").encode())


def twilio_parse(post: QueryDict) -> Incoming | None:
    phone, text, sid = post.get("From"), post.get("Body"), post.get("MessageSid")
    if not phone or text is None or not sid:
        return None
    return Incoming(phone=phone, text=text, message_id=sid)


def rapidpro_secret_valid(request: HttpRequest, secret: str) -> bool:
    """The shared secret, as ``Authorization: Token <secret>`` or ``X-Townhall-Secret``."""
    given = request.headers.get("X-Townhall-Secret", "")
    auth = request.headers.get("Authorization", "")
    if not given and auth.lower().startswith("token "):
        given = auth[6:].strip()
    return bool(given) and hmac.compare_digest(given.encode(), secret.encode())


def rapidpro_parse(request: HttpRequest) -> Incoming | None:
    """An external channel's form post (``from``, ``text``, ``id``), or a flow webhook's JSON.

    The flow webhook body is ``{"contact": {"urn": "tel:+92..."}, "input": {"text",
    "uuid"}, "results": {...}}``; without ``input`` the first result's value is the text.
    """
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        contact = body.get("contact") or {}
        urn = contact.get("urn") if isinstance(contact, dict) else None
        incoming: dict[str, Any] = body["input"] if isinstance(body.get("input"), dict) else {}
        text = incoming.get("text")
        message_id = str(incoming.get("uuid") or body.get("id") or "")
        if text is None:
            results: dict[str, Any] = (
                body["results"] if isinstance(body.get("results"), dict) else {}
            )
            values = [r.get("value") for r in results.values() if isinstance(r, dict)]
            text = next((v for v in values if isinstance(v, str)), None)
        if not isinstance(urn, str) or not isinstance(text, str):
            return None
        return Incoming(phone=urn, text=text, message_id=message_id)
    phone, text = request.POST.get("from"), request.POST.get("text")
    if not phone or text is None:
        return None
    message_id = request.POST.get("id") or request.POST.get("message_id") or ""
    return Incoming(phone=phone, text=text, message_id=message_id)
