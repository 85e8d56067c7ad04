"""The WebSocket endpoint of a live session: ``/ws/sessions/<code>/``.

Thin by design: parse a message, call one bridge coroutine (which calls one
service), reply. Session events arrive from the channel layer ready-serialised;
the process's fan-out hub (``fanout.py``) offers them to this consumer, which
checks their ``seq`` and audience and forwards the text from its own writer task.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.module_loading import import_string

from sessions import bridge, events, fanout
from sessions.errors import Forbidden, NotFound, TownhallError, require_fields
from sessions.tally import tally_coalescer

logger = logging.getLogger(__name__)

CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403

# Events a socket may have waiting before it is resynchronised from the log
# (as if it had reconnected with ``since``) instead of buffering without bound.
DEFAULT_BACKLOG_LIMIT = 1000

Handler = Callable[[dict[str, Any]], Awaitable[None]]


@functools.cache
def registered_socket_handlers() -> dict[str, Callable[..., Awaitable[None]]]:
    """The handlers other apps add (``TOWNHALL_SOCKET_HANDLERS``), imported once.

    ``townhall.asgi`` calls this before the server serves: importing them (the
    juries app pulls in the sortition library) took ~0.5 s on the event loop,
    which every socket of the process felt when the first message arrived.
    """
    handlers: dict[str, Callable[..., Awaitable[None]]] = {}
    for dotted in settings.TOWNHALL_SOCKET_HANDLERS:
        handlers.update(import_string(dotted))
    return handlers


class SessionConsumer(AsyncWebsocketConsumer):
    # No channel of its own on the layer: session events come from the
    # process's fan-out hub, which subscribes once per session (fanout.py).
    channel_layer_alias = "townhall.no-per-socket-channel"

    live_session_id: int | None = None
    last_seq = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._backlog: deque[tuple[int, frozenset[str], str]] = deque()
        self._backlog_limit = getattr(settings, "TOWNHALL_WS_BACKLOG", DEFAULT_BACKLOG_LIMIT)
        self._resync = False
        self._handling = 0  # client messages being handled: events wait until they are
        self._wakeup: asyncio.Future[None] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._hub: fanout.FanoutHub | None = None

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its ``aclose_old_connections`` before every
        message: that is a hop into the process's one sync thread, so a ping would
        wait behind whatever runs there (a question being screened by a classifier,
        say). No handler here touches the ORM on the event loop; every query runs in
        a ``database_sync_to_async`` call (bridge.py), which closes stale
        connections itself in the thread that owns them."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        tally_coalescer.bind_loop(asyncio.get_running_loop())
        await self.accept()
        code = self.scope["url_route"]["kwargs"]["code"]
        try:
            connection = await bridge.connection_open(
                code=code, user=self.scope.get("user"), django_session=self.scope.get("session")
            )
        except NotFound as exc:
            await self._send_error(exc.code, exc.message)
            await self.close(code=CLOSE_NOT_FOUND)
            return
        except Forbidden as exc:
            await self._send_error(exc.code, exc.message)
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.live_session_id = connection.live_session_id
        self.actor = connection.actor
        self.audiences = connection.actor.audiences
        # Listen first, then read: an event committed in between is then both in
        # what we read and in the backlog, and the seq check drops the second copy.
        self._hub = fanout.hub()
        if self._hub is not None:
            await self._hub.subscribe(self.live_session_id, self)
        await self._catch_up(self._since_from_query())
        self._writer = asyncio.get_running_loop().create_task(self._write_events())

    async def disconnect(self, code: int) -> None:
        if self._writer is not None:
            self._writer.cancel()
        if self._hub is not None and self.live_session_id is not None:
            await self._hub.unsubscribe(self.live_session_id, self)

    def _since_from_query(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        values = query.get("since")
        if not values:
            return None
        try:
            return int(values[0])
        except ValueError:
            return None

    async def _catch_up(self, since: int | None) -> None:
        assert self.live_session_id is not None
        state = await bridge.catchup(
            live_session_id=self.live_session_id, actor=self.actor, since=since
        )
        if state.snapshot is not None:
            await self.send(text_data=json.dumps(state.snapshot, ensure_ascii=False))
        for text in state.replay:
            await self.send(text_data=text)
        self.last_seq = state.seq

    # --- events from the fan-out hub ----------------------------------------------------------

    def offer(self, seq: int, audience: frozenset[str], text: str) -> None:
        """Called by the hub for every event of the session; never blocks."""
        backlog = self._backlog
        if not backlog and seq <= self.last_seq:
            return  # a duplicate
        if (
            not backlog
            and seq == self.last_seq + 1
            and not self._resync
            and self._writer is not None
            and self.audiences.isdisjoint(audience)
        ):
            # In order and not for us: nothing to send, no task to wake.
            self.last_seq = seq
            return
        if len(backlog) >= self._backlog_limit:
            # Too far behind: drop what waits and resynchronise from the log,
            # exactly as a client reconnecting with ``since`` would.
            backlog.clear()
            self._resync = True
        else:
            backlog.append((seq, audience, text))
        self._wake()

    def _wake(self) -> None:
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)

    async def _write_events(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if self._handling or not (self._backlog or self._resync):
                self._wakeup = loop.create_future()
                await self._wakeup
                continue
            try:
                if self._resync:
                    self._resync = False
                    self._backlog.clear()
                    await self._catch_up(self.last_seq)
                    continue
                seq, audience, text = self._backlog.popleft()
                await self.session_event(seq, audience, text)
            except asyncio.CancelledError:
                raise
            except Exception:
                # A failed repair (say, the database away for a moment): try
                # again from the log rather than skip anything.
                logger.exception("delivering events of session %s failed", self.live_session_id)
                self._resync = True
                await asyncio.sleep(1)

    async def session_event(self, seq: int, audience: frozenset[str], text: str) -> None:
        assert self.live_session_id is not None
        if seq <= self.last_seq:
            return
        if seq > self.last_seq + 1:
            # Events can reach us out of order across processes; fetch what is
            # missing from the log so the client sees every event once, in order.
            missed = await bridge.events_between(
                live_session_id=self.live_session_id,
                after=self.last_seq,
                until=seq - 1,
                audiences=self.audiences,
            )
            if missed is None:
                await self._catch_up(None)
                return
            for missed_text in missed:
                await self.send(text_data=missed_text)
        self.last_seq = seq
        if not self.audiences.isdisjoint(audience):
            await self.send(text_data=text)

    # --- messages from the client -----------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.live_session_id is None:
            return
        if text_data is None:
            await self._send_error("binary_not_supported", "Send JSON text frames.")
            return
        if len(text_data.encode("utf-8")) > settings.TOWNHALL_WS_MAX_FRAME_BYTES:
            await self._send_error(
                "frame_too_large",
                f"Messages are limited to {settings.TOWNHALL_WS_MAX_FRAME_BYTES} bytes.",
            )
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self._send_error("malformed_json", "The message is not valid JSON.")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self._send_error("invalid_message", "A message is a JSON object with a type.")
            return
        client_id = message.get("client_id")
        client_id = client_id if isinstance(client_id, str) and len(client_id) <= 64 else None
        handler = self._handler_table.get(message["type"])
        if handler is None:
            await self._send_error(
                "unknown_type", f"Unknown message type {message['type']!r}.", client_id
            )
            return
        # Events that arrive meanwhile wait until the reply is sent, so a client
        # hears the ack before the events its own action caused.
        self._handling += 1
        try:
            await handler(message)
        except TownhallError as exc:
            await self._send_error(exc.code, exc.message, client_id)
        except Exception:
            logger.exception("handling %s failed", message["type"])
            await self._send_error(
                "internal_error", "Something went wrong on our side; nothing was saved.", client_id
            )
        finally:
            self._handling -= 1
            self._wake()

    @functools.cached_property
    def _handler_table(self) -> dict[str, Handler]:
        """This socket's message handlers: the session's own, then those other
        apps register in ``TOWNHALL_SOCKET_HANDLERS`` (``handler(consumer, message)``)."""
        table = self._own_handlers()
        for name, handler in registered_socket_handlers().items():
            table[name] = functools.partial(handler, self)
        return table

    def _own_handlers(self) -> dict[str, Handler]:
        return {
            "question.ask": self._question_ask,
            "question.edit": self._question_edit,
            "question.vote": self._question_vote,
            "question.appeal": self._question_appeal,
            "moderation.decide": self._moderation_decide,
            "moderation.bulk_decide": self._moderation_bulk_decide,
            "appeal.decide": self._appeal_decide,
            "moderation.merge": self._moderation_merge,
            "stage.show": self._stage_show,
            "question.mark_answered": self._question_mark_answered,
            "answer.post": self._answer_post,
            "session.control": self._session_control,
            "ping": self._ping,
        }

    async def _question_ask(self, message: dict[str, Any]) -> None:
        require_fields(message, "text", "client_id")
        question, _created = await bridge.question_ask(
            actor=self.actor,
            live_session_id=self.live_session_id,
            text=message["text"],
            client_id=message["client_id"],
        )
        await self._ack(
            message,
            question_id=question.pk,
            status=question.status,
            reason=question.reason_code or None,
        )

    async def _question_edit(self, message: dict[str, Any]) -> None:
        require_fields(message, "question_id", "text")
        question = await bridge.question_edit(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
            text=message["text"],
        )
        await self._ack(
            message,
            question_id=question.pk,
            status=question.status,
            reason=question.reason_code or None,
        )

    async def _question_appeal(self, message: dict[str, Any]) -> None:
        require_fields(message, "question_id", "note")
        appeal = await bridge.appeal_submit(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
            note=message["note"],
        )
        await self._ack(message, question_id=appeal.question_id, status="appealed")

    async def _appeal_decide(self, message: dict[str, Any]) -> None:
        require_fields(message, "question_id", "outcome")
        appeal = await bridge.appeal_decide(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
            outcome=message["outcome"],
            note=message.get("note", ""),
        )
        await self._ack(message, question_id=appeal.question_id, status=appeal.status)

    async def _moderation_bulk_decide(self, message: dict[str, Any]) -> None:
        require_fields(message, "question_ids", "decision")
        questions = await bridge.question_moderate_bulk(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_ids=message["question_ids"],
            decision=message["decision"],
            reason_code=message.get("reason", ""),
            note=message.get("note", ""),
        )
        await self._ack(message, question_ids=[q.pk for q in questions], status=questions[0].status)

    async def _question_vote(self, message: dict[str, Any]) -> None:
        require_fields(message, "question_id", "value")
        assert self.live_session_id is not None
        # Batched with the other votes of this process (bridge.VoteBatcher); the
        # ack carries this vote's own outcome.
        changed = await bridge.question_vote(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
            value=message["value"],
        )
        await self._ack(
            message,
            question_id=message["question_id"],
            status="voted" if message["value"] == 1 else "withdrawn",
            changed=changed,
        )

    async def _moderation_decide(self, message: dict[str, Any]) -> None:
        require_fields(message, "question_id", "decision")
        question = await bridge.question_moderate(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
            decision=message["decision"],
            reason_code=message.get("reason", ""),
            note=message.get("note", ""),
        )
        await self._ack(message, question_id=question.pk, status=question.status)

    async def _moderation_merge(self, message: dict[str, Any]) -> None:
        require_fields(message, "question_id", "into_question_id")
        question = await bridge.question_merge(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
            into_question_id=message["into_question_id"],
        )
        await self._ack(message, question_id=question.pk, status=question.status)

    async def _stage_show(self, message: dict[str, Any]) -> None:
        require_fields(message, "question_id")
        await bridge.stage_show(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
        )
        await self._ack(message, question_id=message["question_id"], status="on_stage")

    async def _question_mark_answered(self, message: dict[str, Any]) -> None:
        require_fields(message, "question_id")
        question = await bridge.question_mark_answered(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
        )
        await self._ack(message, question_id=question.pk, status="answered")

    async def _answer_post(self, message: dict[str, Any]) -> None:
        require_fields(message, "question_id")
        answer = await bridge.answer_post(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
            text=message.get("text", ""),
            live=message.get("live", False),
            commitment=message.get("commitment"),
        )
        await self._ack(
            message, question_id=answer.question_id, status="answered", answer_id=answer.pk
        )

    async def _session_control(self, message: dict[str, Any]) -> None:
        require_fields(message, "action")
        live_session = await bridge.live_session_control(
            actor=self.actor, live_session_id=self.live_session_id, action=message["action"]
        )
        await self._ack(message, status=live_session.status)

    async def _ping(self, message: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps({"type": events.PONG, "seq": self.last_seq}))

    # --- replies ------------------------------------------------------------------------------

    async def _ack(self, message: dict[str, Any], **fields: Any) -> None:
        client_id = message.get("client_id")
        reply = {
            "type": events.ACK,
            "for": message["type"],
            "client_id": client_id if isinstance(client_id, str) else None,
            **fields,
        }
        await self.send(text_data=json.dumps(reply, ensure_ascii=False))

    async def _send_error(self, code: str, text: str, client_id: str | None = None) -> None:
        reply = {"type": events.ERROR, "code": code, "message": text, "client_id": client_id}
        await self.send(text_data=json.dumps(reply, ensure_ascii=False))
