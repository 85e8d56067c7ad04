"""Process-wide tuning of the socket server, applied once by ``townhall.asgi``."""

from __future__ import annotations

import gc

from django.conf import settings


def tune_garbage_collector() -> tuple[int, ...] | None:
    """Keep full garbage collections rare and short in a long-running server.

    Precondition: called once, after Django and every app module are loaded.

    Everything loaded so far (Django, the apps, their modules) lives as long as
    the process, so it is moved out of the collector's reach (``gc.freeze``).
    A larger young generation then lets the short-lived objects of each event
    die before a collection promotes them: promotions are what fill the old
    generation and trigger the full collections that scan every socket's state
    (200-600 ms with a thousand sockets at Python's default thresholds).

    Returns the thresholds now in force, or None when tuning is off.
    """
    thresholds = settings.TOWNHALL_GC_THRESHOLD
    if thresholds is None:
        return None
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
    return gc.get_threshold()
