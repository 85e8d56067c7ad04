"""Data set-up for the browser tests (plain ORM calls through the test factories)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections

from sessions.models import LiveSession
from tests import factories

T = TypeVar("T")


def off_loop(fn: Callable[..., T]) -> Callable[..., T]:
    """Run set-up in a worker thread: Playwright's sync API keeps an event loop running
    in the test's thread, and services broadcast their events with ``async_to_sync``."""

    def work(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(work, *args, **kwargs).result(timeout=60)

    return wrapper


@dataclass
class Hall:
    session: LiveSession
    moderator: Any
    moderator_key: str
    official: Any
    official_key: str
    other_moderator_key: str

    @property
    def code(self) -> str:
        return self.session.code


@off_loop
def town_hall(**fields: Any) -> Hall:
    live_session = factories.make_live_session(**fields)
    moderator = factories.make_role_user(live_session, "moderator")
    other = factories.make_role_user(live_session, "moderator")
    official = factories.make_role_user(live_session, "official")
    official.first_name, official.last_name = "Deputy", "Commissioner"
    official.save()
    return Hall(
        session=live_session,
        moderator=moderator,
        moderator_key=factories.browser_session(user=moderator),
        official=official,
        official_key=factories.browser_session(user=official),
        other_moderator_key=factories.browser_session(user=other),
    )
