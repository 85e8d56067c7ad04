"""Coalescing vote tallies.

A vote storm must not become one message per vote per client. Votes mark their
question dirty; at most once per window (``TOWNHALL_TALLY_WINDOW_MS``) a single
``tally`` event carries the current counts of every dirty question of the
session. Counts are read from the database when the window closes, so a tally
is always the true state, whichever process sends it.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


class TallyCoalescer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dirty: dict[int, set[int]] = {}
        self._timers: dict[int, threading.Timer] = {}

    def mark(self, *, live_session_id: int, question_id: int) -> None:
        window_ms = settings.TOWNHALL_TALLY_WINDOW_MS
        if window_ms == 0:
            self._publish(live_session_id, {question_id})
            return
        with self._lock:
            self._dirty.setdefault(live_session_id, set()).add(question_id)
            if live_session_id in self._timers:
                return
            timer = threading.Timer(window_ms / 1000, self._flush_in_thread, (live_session_id,))
            timer.daemon = True
            self._timers[live_session_id] = timer
        timer.start()

    def flush_all(self) -> None:
        """Publish every pending tally now, in this thread (shutdown and tests)."""
        with self._lock:
            timers, self._timers = self._timers, {}
            dirty, self._dirty = self._dirty, {}
        for timer in timers.values():
            timer.cancel()
        for live_session_id, question_ids in dirty.items():
            self._publish(live_session_id, question_ids)

    def _flush_in_thread(self, live_session_id: int) -> None:
        with self._lock:
            self._timers.pop(live_session_id, None)
            question_ids = self._dirty.pop(live_session_id, set())
        if not question_ids:
            return
        close_old_connections()
        try:
            self._publish(live_session_id, question_ids)
        finally:
            # Timer threads are short-lived; their connection must not leak.
            connection.close()

    @staticmethod
    def _publish(live_session_id: int, question_ids: set[int]) -> None:
        from sessions.services import tally_publish

        try:
            tally_publish(live_session_id=live_session_id, question_ids=question_ids)
        except Exception:
            logger.exception("tally for session %s failed", live_session_id)


tally_coalescer = TallyCoalescer()
