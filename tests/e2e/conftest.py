"""End-to-end fixtures: two real daphne processes sharing PostgreSQL and Redis.

The processes serve the pytest-django test database (committed data, so tests use
``transactional_db``) and the Redis channel layer of this test run, and they are
driven over loopback with the ``websockets`` client library. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.conftest import services_required

REPO_ROOT = Path(__file__).resolve().parents[2]
DAPHNE = REPO_ROOT / ".venv" / "bin" / "daphne"
HOST = "127.0.0.1"
TALLY_WINDOW_MS = 150
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0
RECEIVE_TIMEOUT = 5.0


def _services_problem() -> str | None:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        return "end-to-end tests need DATABASE_URL pointing at PostgreSQL"
    if not redis_url.startswith(("redis://", "rediss://")):
        return "end-to-end tests need REDIS_URL pointing at Redis"
    if not DAPHNE.exists():
        return f"end-to-end tests need daphne at {DAPHNE}"
    return None


@pytest.fixture(scope="package", autouse=True)
def _e2e_services() -> None:
    problem = _services_problem()
    if problem is None:
        return
    if services_required():
        pytest.fail(f"{problem} (TOWNHALL_REQUIRE_SERVICES=1)")
    pytest.skip(problem)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _database_url(db: dict[str, Any]) -> str:
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(str(db['NAME']), safe='')}"


@dataclass
class DaphneServer:
    name: str
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    _log: Any = field(default=None, repr=False)

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def ws_url(self, code: str, since: int | None = None) -> str:
        query = f"?since={since}" if since is not None else ""
        return f"ws://{HOST}:{self.port}/ws/sessions/{code}/{query}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def start(self, env: dict[str, str]) -> None:
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(DAPHNE), "-b", HOST, "-p", str(self.port), "townhall.asgi:application"],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def healthz_status(self) -> int | None:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
        try:
            connection.request("GET", "/healthz", headers={"Host": f"{HOST}:{self.port}"})
            response = connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            return None
        finally:
            connection.close()

    def assert_running(self) -> None:
        assert self.process is not None
        code = self.process.poll()
        if code is not None:
            pytest.fail(f"daphne {self.name} exited with {code}:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)
        if self._log is not None:
            self._log.close()


def _wait_healthy(servers: list[DaphneServer]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    pending = list(servers)
    while pending:
        for server in list(pending):
            server.assert_running()
            if server.healthz_status() == 200:
                pending.remove(server)
        if not pending:
            return
        if time.monotonic() > deadline:
            details = "\n".join(f"--- {s.name}:\n{s.log_tail()}" for s in pending)
            pytest.fail(f"daphne did not become healthy in {STARTUP_TIMEOUT}s:\n{details}")
        time.sleep(0.1)  # polling a starting process; there is nothing to wait on


@pytest.fixture(scope="package")
def daphne_pair(
    _e2e_services: None,
    django_db_setup: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[DaphneServer, DaphneServer]]:
    """Two daphne processes (A and B) on the test database and this run's Redis."""
    from django.conf import settings

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": _database_url(settings.DATABASES["default"]),
            "REDIS_URL": os.environ["REDIS_URL"],
            "TOWNHALL_REDIS_PREFIX": settings.REDIS_PREFIX,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TOWNHALL_TALLY_WINDOW_MS": str(TALLY_WINDOW_MS),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
    logs = tmp_path_factory.mktemp("daphne")
    servers = [DaphneServer(name, _free_port(), logs / f"daphne-{name}.log") for name in "AB"]
    try:
        for server in servers:
            server.start(env)
        _wait_healthy(servers)
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def servers(
    daphne_pair: tuple[DaphneServer, DaphneServer], transactional_db: None
) -> tuple[DaphneServer, DaphneServer]:
    """The two processes, checked alive, for a test whose data they can see."""
    for server in daphne_pair:
        server.assert_running()
    return daphne_pair


class WsClient:
    """One WebSocket client; every receive is bounded by a timeout."""

    def __init__(self, connection: ClientConnection, label: str) -> None:
        self.connection = connection
        self.label = label
        self.state: dict[str, Any] | None = None

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def recv(self, within: float = RECEIVE_TIMEOUT) -> dict[str, Any]:
        try:
            async with asyncio.timeout(within):
                raw = await self.connection.recv()
        except TimeoutError:
            raise AssertionError(f"{self.label}: nothing received within {within}s") from None
        assert isinstance(raw, str), f"{self.label}: expected a text frame, got {raw!r}"
        message = json.loads(raw)
        assert isinstance(message, dict)
        return message

    async def recv_until(
        self, predicate: Callable[[dict[str, Any]], bool], within: float = RECEIVE_TIMEOUT
    ) -> list[dict[str, Any]]:
        """Receive until ``predicate`` holds for a message; returns all of them, in order."""
        seen: list[dict[str, Any]] = []
        deadline = asyncio.get_running_loop().time() + within
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"{self.label}: condition not met within {within}s: {seen}")
            message = await self.recv(remaining)
            seen.append(message)
            if predicate(message):
                return seen

    async def request(self, message: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        """Send and wait for the ack or error that echoes ``client_id``; returns it and
        the events received meanwhile."""
        assert "client_id" in message
        await self.send(message)
        seen = await self.recv_until(
            lambda m: (
                m.get("type") in ("ack", "error") and m.get("client_id") == message["client_id"]
            )
        )
        return seen[-1], seen[:-1]

    def abort(self) -> None:
        """Drop the TCP connection without a closing handshake (a lost network)."""
        self.connection.transport.abort()


@pytest.fixture
async def ws() -> AsyncIterator[Callable[..., Any]]:
    """Open WebSocket clients to a daphne process; closes them all after the test."""
    opened: list[WsClient] = []

    async def _open(
        server: DaphneServer,
        code: str,
        *,
        session_key: str | None = None,
        since: int | None = None,
        expect_state: bool = True,
        label: str = "client",
    ) -> WsClient:
        headers = {"Cookie": f"sessionid={session_key}"} if session_key else None
        connection = await connect(
            server.ws_url(code, since),
            origin=server.origin,  # type: ignore[arg-type]
            additional_headers=headers,
            proxy=None,
            compression=None,
            open_timeout=RECEIVE_TIMEOUT,
            close_timeout=2,
            max_size=None,
            # Buffer every unread message: a paused reader would also miss the
            # server's close frame and stall the closing handshake.
            max_queue=None,
        )
        client = WsClient(connection, f"{label}@{server.name}")
        opened.append(client)
        if expect_state:
            state = await client.recv()
            assert state["type"] == "session.state", state
            client.state = state
        return client

    yield _open

    async def close(client: WsClient) -> None:
        with suppress(Exception):
            async with asyncio.timeout(3):
                await client.connection.close()
        client.abort()  # a no-op when the close handshake finished

    await asyncio.gather(*(close(client) for client in opened))
