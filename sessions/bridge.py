"""The one sync/async bridge of the sessions app.

Consumers call only these coroutines; every ORM access happens inside them, in
Django's sync thread, so no query ever runs on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async

from sessions import selectors, services
from sessions.actors import Actor
from sessions.broadcast import event_text
from sessions.browser import participant_id_in
from sessions.errors import Forbidden
from sessions.models import LiveSession


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


question_ask = database_sync_to_async(services.question_ask)
question_edit = database_sync_to_async(services.question_edit)
appeal_submit = database_sync_to_async(services.appeal_submit)
appeal_decide = database_sync_to_async(services.appeal_decide)
question_moderate_bulk = database_sync_to_async(services.question_moderate_bulk)
question_vote = database_sync_to_async(services.question_vote)
question_moderate = database_sync_to_async(services.question_moderate)
question_merge = database_sync_to_async(services.question_merge)
question_mark_answered = database_sync_to_async(services.question_mark_answered)
stage_show = database_sync_to_async(services.stage_show)
answer_post = database_sync_to_async(services.answer_post)
live_session_control = database_sync_to_async(services.live_session_control)
