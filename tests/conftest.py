from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.core.cache import cache

from sessions.tally import tally_coalescer


@pytest.fixture(autouse=True)
def _isolated_cache() -> Any:
    """Rate-limit counters must not leak between tests."""
    cache.clear()
    yield
    tally_coalescer.flush_all()


@pytest.fixture
def immediate_tallies(settings: Any) -> None:
    settings.TOWNHALL_TALLY_WINDOW_MS = 0


def services_required() -> bool:
    return os.environ.get("TOWNHALL_REQUIRE_SERVICES") == "1"


@pytest.fixture
async def connect() -> AsyncIterator[Callable[..., Any]]:
    """Open WebSocket connections to the real ASGI application; closes them after."""
    from townhall.asgi import application

    opened: list[WebsocketCommunicator] = []

    async def _connect(
        code: str,
        *,
        session_key: str | None = None,
        since: int | None = None,
        origin: str = "http://127.0.0.1",
        expect_state: bool = True,
    ) -> WebsocketCommunicator:
        path = f"/ws/sessions/{code}/" + (f"?since={since}" if since is not None else "")
        headers = [(b"origin", origin.encode()), (b"host", b"127.0.0.1")]
        if session_key:
            headers.append((b"cookie", f"sessionid={session_key}".encode()))
        communicator = WebsocketCommunicator(application, path, headers=headers)
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        opened.append(communicator)
        if expect_state:
            state = await communicator.receive_json_from(timeout=5)
            assert state["type"] == "session.state", state
            communicator.state = state  # type: ignore[attr-defined]
        return communicator

    yield _connect
    for communicator in opened:
        await communicator.disconnect()


@pytest.fixture(scope="session", autouse=True)
def _no_lingering_connections(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Worker threads (vote batches, tallies, jury draws) keep their own database
    connections; end them before the test database is dropped."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
