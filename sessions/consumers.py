"""The WebSocket endpoint of a live session: ``/ws/sessions/<code>/``.

Thin by design: parse a message, call one bridge coroutine (which calls one
service), reply. Session events arrive from the channel layer ready-serialised;
this consumer only checks their ``seq`` and audience and forwards the text.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from sessions import bridge, events
from sessions.broadcast import EVENT_MESSAGE_TYPE
from sessions.errors import Forbidden, InvalidInput, NotFound, TownhallError
from sessions.groups import session_group
from sessions.tally import tally_coalescer

logger = logging.getLogger(__name__)

CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403

Handler = Callable[[dict[str, Any]], Awaitable[None]]


def _required(message: dict[str, Any], *fields: str) -> None:
    missing = [name for name in fields if name not in message]
    if missing:
        raise InvalidInput(f"Missing field(s): {', '.join(missing)}.", code="missing_field")


class SessionConsumer(AsyncWebsocketConsumer):
    live_session_id: int | None = None
    last_seq = 0

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
        self.group = session_group(connection.live_session_id)
        # Listen first, then read: an event committed in between is then both in
        # what we read and on the group, and the seq check drops the second copy.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self._catch_up(self._since_from_query())

    async def disconnect(self, code: int) -> None:
        if self.live_session_id is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

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

    # --- events from the channel layer --------------------------------------------------------

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Session events touch no ORM connection, so they skip Channels'
        # per-message close_old_connections thread hop (a quarter of the cost
        # of a broadcast under load).
        if message["type"] == EVENT_MESSAGE_TYPE:
            await self.session_event(message)
            return
        await super().dispatch(message)

    async def session_event(self, message: dict[str, Any]) -> None:
        if self.live_session_id is None:
            return
        seq = message["seq"]
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
            for text in missed:
                await self.send(text_data=text)
        self.last_seq = seq
        if self.audiences.intersection(message["audience"]):
            await self.send(text_data=message["text"])

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
        handler = self._handlers().get(message["type"])
        if handler is None:
            await self._send_error(
                "unknown_type", f"Unknown message type {message['type']!r}.", client_id
            )
            return
        try:
            await handler(message)
        except TownhallError as exc:
            await self._send_error(exc.code, exc.message, client_id)
        except Exception:
            logger.exception("handling %s failed", message["type"])
            await self._send_error(
                "internal_error", "Something went wrong on our side; nothing was saved.", client_id
            )

    def _handlers(self) -> dict[str, Handler]:
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
        _required(message, "text", "client_id")
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
        _required(message, "question_id", "text")
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
        _required(message, "question_id", "note")
        appeal = await bridge.appeal_submit(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
            note=message["note"],
        )
        await self._ack(message, question_id=appeal.question_id, status="appealed")

    async def _appeal_decide(self, message: dict[str, Any]) -> None:
        _required(message, "question_id", "outcome")
        appeal = await bridge.appeal_decide(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
            outcome=message["outcome"],
            note=message.get("note", ""),
        )
        await self._ack(message, question_id=appeal.question_id, status=appeal.status)

    async def _moderation_bulk_decide(self, message: dict[str, Any]) -> None:
        _required(message, "question_ids", "decision")
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
        _required(message, "question_id", "value")
        await bridge.question_vote(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
            value=message["value"],
        )
        await self._ack(
            message,
            question_id=message["question_id"],
            status="voted" if message["value"] == 1 else "withdrawn",
        )

    async def _moderation_decide(self, message: dict[str, Any]) -> None:
        _required(message, "question_id", "decision")
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
        _required(message, "question_id", "into_question_id")
        question = await bridge.question_merge(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
            into_question_id=message["into_question_id"],
        )
        await self._ack(message, question_id=question.pk, status=question.status)

    async def _stage_show(self, message: dict[str, Any]) -> None:
        _required(message, "question_id")
        await bridge.stage_show(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
        )
        await self._ack(message, question_id=message["question_id"], status="on_stage")

    async def _question_mark_answered(self, message: dict[str, Any]) -> None:
        _required(message, "question_id")
        question = await bridge.question_mark_answered(
            actor=self.actor,
            live_session_id=self.live_session_id,
            question_id=message["question_id"],
        )
        await self._ack(message, question_id=question.pk, status="answered")

    async def _answer_post(self, message: dict[str, Any]) -> None:
        _required(message, "question_id")
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
        _required(message, "action")
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
