"""The one sync/async bridge of the sessions app.

Consumers call only these coroutines; every ORM access happens inside them, in
a worker thread, so no query ever runs on the event loop.

Most calls run in Django's one sync thread per process (``thread_sensitive``).
Two kinds don't, because they would queue there ahead of every other call:

- asks and edits wait for the toxicity classifier (up to its timeout), so they
  run on a pool of their own (``SCREENING_THREADS``): a burst of questions keeps
  the classifier workers busy in parallel, and a moderator's approval or a
  reconnect's catch-up never waits behind a question being screened;
- votes go through :class:`VoteBatcher`, which applies all the votes of a
  session that arrived meanwhile in one transaction, on a small pool of its own.

Each pool thread keeps its own persistent database connection.
"""

from __future__ import annotations

import asyncio
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from sessions import selectors, services
from sessions.actors import Actor
from sessions.broadcast import event_text
from sessions.browser import participant_id_in
from sessions.errors import Forbidden
from sessions.models import LiveSession
from sessions.services.questions import VoteRequest, question_vote_batch


@dataclass(frozen=True)
class Connection:
    live_session_id: int
    actor: Actor


@dataclass(frozen=True)
class Catchup:
    """What a (re)connecting client needs: a snapshot or the events it missed."""

    seq: int
    snapshot: dict[str, Any] | None
    replay: list[str]


@database_sync_to_async
def connection_open(*, code: str, user: Any, django_session: Any) -> Connection:
    live_session = selectors.live_session_get_by_code(code)
    actor = selectors.actor_resolve(
        live_session=live_session,
        user=user,
        participant_id=participant_id_in(django_session, live_session.pk),
    )
    if not selectors.actor_may_watch(live_session=live_session, actor=actor):
        raise Forbidden("This session is private.", code="session_private")
    return Connection(live_session_id=live_session.pk, actor=actor)


def _replay_texts(events: list[dict[str, Any]]) -> list[str]:
    return [event_text(seq=e["seq"], type_=e["type"], data=e["data"]) for e in events]


@database_sync_to_async
def catchup(*, live_session_id: int, actor: Actor, since: int | None) -> Catchup:
    """Precondition: the caller already listens to the session's group, so no
    event committed after this read can be missed."""
    live_session = LiveSession.objects.get(pk=live_session_id)
    current = live_session.last_seq
    if since is not None and 0 <= since <= current:
        missed = selectors.events_visible_since(
            live_session_id=live_session_id, since=since, until=current, audiences=actor.audiences
        )
        if missed is not None:
            return Catchup(seq=current, snapshot=None, replay=_replay_texts(missed))
    snapshot = selectors.session_snapshot(live_session=live_session, actor=actor)
    return Catchup(seq=current, snapshot=snapshot, replay=[])


@database_sync_to_async
def events_between(
    *, live_session_id: int, after: int, until: int, audiences: frozenset[str]
) -> list[str] | None:
    missed = selectors.events_visible_since(
        live_session_id=live_session_id, since=after, until=until, audiences=audiences
    )
    return None if missed is None else _replay_texts(missed)


# Asks and edits screened at once in one process. More threads than classifier
# workers keep the workers fed; each thread holds a database connection.
SCREENING_THREADS = 6
_screening_executor = ThreadPoolExecutor(SCREENING_THREADS, thread_name_prefix="townhall-screen")

question_ask = database_sync_to_async(
    services.question_ask, thread_sensitive=False, executor=_screening_executor
)
question_edit = database_sync_to_async(
    services.question_edit, thread_sensitive=False, executor=_screening_executor
)
appeal_submit = database_sync_to_async(services.appeal_submit)
appeal_decide = database_sync_to_async(services.appeal_decide)
question_moderate_bulk = database_sync_to_async(services.question_moderate_bulk)
question_moderate = database_sync_to_async(services.question_moderate)
question_merge = database_sync_to_async(services.question_merge)
question_mark_answered = database_sync_to_async(services.question_mark_answered)
stage_show = database_sync_to_async(services.stage_show)
answer_post = database_sync_to_async(services.answer_post)
live_session_control = database_sync_to_async(services.live_session_control)


# --- votes ----------------------------------------------------------------------------------

# Batches that may be applied at once in one process: one per session at a time.
VOTE_THREADS = 4
DEFAULT_VOTE_BATCH_MAX = 500
_vote_executor: ThreadPoolExecutor | None = None


def _votes_apply(live_session_id: int, requests: list[VoteRequest]) -> Any:
    global _vote_executor
    if _vote_executor is None:
        _vote_executor = ThreadPoolExecutor(VOTE_THREADS, thread_name_prefix="townhall-votes")
    apply = database_sync_to_async(
        question_vote_batch, thread_sensitive=False, executor=_vote_executor
    )
    return apply(live_session_id=live_session_id, requests=requests)


class VoteBatcher:
    """Group commit of the votes of one event loop (one per server process).

    The first vote of a session starts a batch at once; votes that arrive while
    it is being applied wait for the next one, which then takes all of them (up
    to ``TOWNHALL_VOTE_BATCH_MAX``). One vote alone is thus applied as soon as
    before, and a storm costs one transaction per batch instead of one per vote.
    Each voter gets the outcome of its own vote, or the error it caused.
    """

    def __init__(self) -> None:
        self._waiting: dict[int, list[tuple[VoteRequest, asyncio.Future[bool]]]] = {}
        self._draining: dict[int, asyncio.Task[None]] = {}
        self.batches = 0  # transactions applied, for tests and diagnostics

    async def submit(
        self, *, actor: Any, live_session_id: int, question_id: Any, value: Any
    ) -> bool:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        request = VoteRequest(actor=actor, question_id=question_id, value=value)
        self._waiting.setdefault(live_session_id, []).append((request, future))
        if live_session_id not in self._draining:
            self._draining[live_session_id] = loop.create_task(
                self._drain(live_session_id), name=f"votes-{live_session_id}"
            )
        return await future

    async def _drain(self, live_session_id: int) -> None:
        limit = getattr(settings, "TOWNHALL_VOTE_BATCH_MAX", DEFAULT_VOTE_BATCH_MAX)
        batch: list[tuple[VoteRequest, asyncio.Future[bool]]] = []
        try:
            await asyncio.sleep(0)  # votes read in this same turn of the loop join in
            while waiting := self._waiting.get(live_session_id):
                batch = waiting[:limit]
                self._waiting[live_session_id] = waiting[limit:]
                try:
                    outcomes = await _votes_apply(live_session_id, [r for r, _ in batch])
                except Exception as exc:  # the whole transaction failed: nothing applied
                    outcomes = [exc] * len(batch)
                self.batches += 1
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # the voter went away
                        continue
                    if isinstance(outcome, BaseException):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
                batch = []
        finally:
            # Normally nothing is left; on cancellation (the loop closing) no voter
            # waits for ever.
            del self._draining[live_session_id]
            for _, future in batch + self._waiting.pop(live_session_id, []):
                if not future.done():
                    future.cancel()


_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, VoteBatcher] = (
    weakref.WeakKeyDictionary()
)


def vote_batcher() -> VoteBatcher:
    loop = asyncio.get_running_loop()
    found = _batchers.get(loop)
    if found is None:
        found = _batchers[loop] = VoteBatcher()
    return found


async def question_vote(*, actor: Any, live_session_id: int, question_id: Any, value: Any) -> bool:
    """``services.question_vote`` through this process's vote batcher."""
    return await vote_batcher().submit(
        actor=actor, live_session_id=live_session_id, question_id=question_id, value=value
    )
