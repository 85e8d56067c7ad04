"""Coalescing vote tallies.

A vote storm must not become one message per vote per client. Votes mark their
question dirty; at most once per window (``TOWNHALL_TALLY_WINDOW_MS``) a single
``tally`` event carries the current counts of every dirty question of the
session. Counts are read from the database when the window closes, so a tally
is always the true state, whichever process sends it.

The window runs on the server's event loop (bound by the first consumer that
connects), so the tally is broadcast from the same loop as every other event;
without a loop (management commands, plain scripts) tallies go out at once.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading

from channels.db import database_sync_to_async
from django.conf import settings

logger = logging.getLogger(__name__)


class TallyCoalescer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dirty: dict[int, set[int]] = {}
        self._pending: dict[int, asyncio.TimerHandle] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Called from the event loop that serves WebSockets in this process."""
        self._loop = loop

    def mark(self, *, live_session_id: int, question_id: int) -> None:
        """Note a changed vote count. Safe to call from any thread."""
        window_ms = settings.TOWNHALL_TALLY_WINDOW_MS
        loop = self._loop
        if window_ms == 0 or loop is None or loop.is_closed():
            self._publish(live_session_id, {question_id})
            return
        with self._lock:
            self._dirty.setdefault(live_session_id, set()).add(question_id)
        # A fresh context: the caller's one belongs to the sync thread of a
        # database_sync_to_async call, and a task inheriting it would deadlock
        # asgiref's single-thread executor.
        loop.call_soon_threadsafe(
            self._arm, loop, live_session_id, window_ms / 1000, context=contextvars.Context()
        )

    def _arm(self, loop: asyncio.AbstractEventLoop, live_session_id: int, delay: float) -> None:
        if live_session_id in self._pending:
            return
        self._pending[live_session_id] = loop.call_later(
            delay, lambda: loop.create_task(self._flush(live_session_id))
        )

    def _take(self, live_session_id: int) -> set[int]:
        with self._lock:
            return self._dirty.pop(live_session_id, set())

    async def _flush(self, live_session_id: int) -> None:
        self._pending.pop(live_session_id, None)
        question_ids = self._take(live_session_id)
        if question_ids:
            await database_sync_to_async(self._publish)(live_session_id, question_ids)

    def flush_all(self) -> None:
        """Publish every pending tally now, in this thread (shutdown and tests)."""
        for handle in list(self._pending.values()):
            handle.cancel()
        self._pending.clear()
        with self._lock:
            dirty, self._dirty = self._dirty, {}
        for live_session_id, question_ids in dirty.items():
            self._publish(live_session_id, question_ids)

    @staticmethod
    def _publish(live_session_id: int, question_ids: set[int]) -> None:
        from sessions.services import tally_publish

        try:
            tally_publish(live_session_id=live_session_id, question_ids=question_ids)
        except Exception:
            logger.exception("tally for session %s failed", live_session_id)


tally_coalescer = TallyCoalescer()
