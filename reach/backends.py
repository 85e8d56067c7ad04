"""Outbound SMS backends: console and file for development, HTTP for production.

A backend sends one message (the gateway concatenates the parts we counted)
and returns the gateway's message id, or raises ``SendError``.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
import uuid
from typing import Protocol

from django.utils import timezone

from reach import conf

logger = logging.getLogger(__name__)


class SendError(Exception):
    """The message may not have left; it will be retried."""


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, parts: list[str], encoding: str) -> str: ...


class ConsoleBackend:
    def send(self, *, to: str, text: str, parts: list[str], encoding: str) -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        # Development only; a deployment uses the HTTP backend.
        logger.info("SMS to %s (%d %s part(s)): %s", to, len(parts), encoding, text)
        return message_id


class FileBackend:
    """Appends one JSON line per message, for development and tests."""

    def send(self, *, to: str, text: str, parts: list[str], encoding: str) -> str:
        message_id = f"file-{uuid.uuid4().hex}"
        path = conf.sms_file_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "id": message_id,
            "to": to,
            "text": text,
            "parts": parts,
            "encoding": encoding,
            "at": timezone.now().isoformat(),
        }
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        return message_id


class HttpBackend:
    """POSTs ``{"to", "text", "parts", "encoding"}`` as JSON to a gateway.

    A 2xx answer means accepted; a JSON body's ``id`` is kept as the gateway's
    message id. Anything else, or no answer within the timeout, is a SendError.
    """

    def send(self, *, to: str, text: str, parts: list[str], encoding: str) -> str:
        body = json.dumps(
            {"to": to, "text": text, "parts": parts, "encoding": encoding}, ensure_ascii=False
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is checked to be http(s)
            conf.sms_http_url(),
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        token = conf.sms_http_token()
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=conf.sms_http_timeout()
            ) as response:
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            raise SendError(f"gateway answered {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SendError(f"gateway unreachable: {type(exc).__name__}") from None
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = {}
        message_id = answer.get("id") if isinstance(answer, dict) else None
        return str(message_id)[:64] if message_id else ""


def backend_get() -> SmsBackend:
    name = conf.sms_backend()
    if name == "http":
        return HttpBackend()
    if name == "file":
        return FileBackend()
    return ConsoleBackend()
