"""Sending committed events to every process serving a session.

Only services call this, and only from ``transaction.on_commit``: a client must
never hear of a change that could still roll back. Each event is serialised
once here; consumers forward the ready-made text to their sockets.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from sessions.groups import session_group

logger = logging.getLogger(__name__)

# Name of the consumer handler that receives session events (see consumers.py).
EVENT_MESSAGE_TYPE = "session.event"


def event_wire(*, seq: int, type_: str, data: dict[str, Any]) -> dict[str, Any]:
    """The JSON object a client receives for a logged event."""
    return {"type": type_, "seq": seq, **data}


def event_text(*, seq: int, type_: str, data: dict[str, Any]) -> str:
    return json.dumps(event_wire(seq=seq, type_=type_, data=data), ensure_ascii=False)


def broadcast_event(
    *, live_session_id: int, seq: int, type_: str, data: dict[str, Any], audience: list[str]
) -> None:
    """Publish one committed event to the session's group.

    A failure is logged, not raised: the event is already in the log, and
    clients recover it from there (gap repair by ``seq`` or reconnect with
    ``since``), so nothing is lost when the channel layer hiccups.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    message = {
        "type": EVENT_MESSAGE_TYPE,
        "seq": seq,
        "audience": audience,
        "text": event_text(seq=seq, type_=type_, data=data),
    }
    try:
        async_to_sync(layer.group_send)(session_group(live_session_id), message)
    except Exception:
        logger.exception("broadcast of event %s/%s failed", live_session_id, seq)
