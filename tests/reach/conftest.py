from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

TWILIO_TOKEN = "twilio-test-token"
RAPIDPRO_SECRET = "rapidpro-test-secret"


@pytest.fixture(autouse=True)
def reach_config(settings: Any, tmp_path: Path) -> Path:
    """SMS on both gateways, the file backend writing into the test's folder."""
    settings.TOWNHALL_IDENTITY_HMAC_KEY = "k" * 40
    settings.TOWNHALL_SMS_TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TOWNHALL_SMS_RAPIDPRO_SECRET = RAPIDPRO_SECRET
    settings.TOWNHALL_SMS_BACKEND = "file"
    settings.TOWNHALL_SMS_FILE_PATH = str(tmp_path / "outbox.jsonl")
    settings.TOWNHALL_VERIFICATION_ENABLED = True
    settings.TOWNHALL_PUBLIC_URL = "https://townhall.example.pk"
    settings.TOWNHALL_SMS_RATE = (100, 60)
    return tmp_path / "outbox.jsonl"


def outbox(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class Gateway:
    """A real HTTP SMS gateway on 127.0.0.1 that records what it is sent."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.fail_next = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                if gateway.fail_next:
                    gateway.fail_next -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                gateway.received.append(body)
                gateway.headers.append(dict(self.headers))
                answer = json.dumps({"id": f"gw-{len(gateway.received)}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def texts_to(self, phone: str) -> list[str]:
        return [m["text"] for m in self.received if m["to"] == phone]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings: Any) -> Iterator[Gateway]:
    server = Gateway()
    settings.TOWNHALL_SMS_BACKEND = "http"
    settings.TOWNHALL_SMS_HTTP_URL = server.url
    settings.TOWNHALL_SMS_HTTP_TOKEN = "gateway-token"
    settings.TOWNHALL_SMS_HTTP_TIMEOUT = 2
    yield server
    server.close()
