"""Process-local fan-out of session events: one channel-layer subscription per
process and session, not one per socket.

The stock Channels design gives every WebSocket its own channel on the layer:
each event is then copied into every consumer's queue, wakes every consumer's
task and runs Channels' per-message dispatch (with its ``aclose_old_connections``
thread hop). Under a few thousand sockets that Python work per socket and event
is the whole cost of a broadcast.

Here each process subscribes once per session (:class:`FanoutHub`). The hub
reads each event, already serialised by :mod:`sessions.broadcast`, once from the
layer and offers it to every local subscriber of the session. Offering never
awaits: a subscriber (the consumer) only appends to its own bounded backlog, or
skips the event when it is not for its audience, so a slow socket can never hold
up the others. Each subscriber's own writer then checks ``seq`` (duplicates
dropped, gaps repaired from the event log) and sends the ready text.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from channels.layers import get_channel_layer

from sessions.broadcast import EVENT_MESSAGE_TYPE
from sessions.groups import session_group

logger = logging.getLogger(__name__)


class Subscriber(Protocol):
    def offer(self, seq: int, audience: frozenset[str], text: str) -> None:
        """Take one event; must not block (called from the hub's reader)."""


@dataclass
class _SessionFeed:
    live_session_id: int
    subscribers: set[Subscriber] = field(default_factory=set)
    channel: str | None = None
    reader: asyncio.Task[None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class FanoutHub:
    """The fan-out of one event loop (one per server process in production)."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self._feeds: dict[int, _SessionFeed] = {}
        self.received = 0  # layer messages read, for tests and diagnostics

    def subscriber_count(self, live_session_id: int) -> int:
        feed = self._feeds.get(live_session_id)
        return len(feed.subscribers) if feed else 0

    def is_listening(self, live_session_id: int) -> bool:
        feed = self._feeds.get(live_session_id)
        return feed is not None and feed.channel is not None

    async def subscribe(self, live_session_id: int, subscriber: Subscriber) -> None:
        """Returns once this process listens to the session's group, so any event
        committed afterwards reaches ``subscriber``."""
        feed = self._feeds.get(live_session_id)
        if feed is None:
            feed = self._feeds[live_session_id] = _SessionFeed(live_session_id)
        async with feed.lock:
            feed.subscribers.add(subscriber)
            if feed.channel is None:
                channel = await self.layer.new_channel(prefix="townhall.fanout.")
                await self.layer.group_add(session_group(live_session_id), channel)
                feed.channel = channel
                feed.reader = asyncio.get_running_loop().create_task(
                    self._read(feed, channel), name=f"fanout-{live_session_id}"
                )

    async def unsubscribe(self, live_session_id: int, subscriber: Subscriber) -> None:
        feed = self._feeds.get(live_session_id)
        if feed is None:
            return
        async with feed.lock:
            feed.subscribers.discard(subscriber)
            if feed.subscribers or feed.channel is None:
                return
            channel, reader = feed.channel, feed.reader
            feed.channel = feed.reader = None
            if reader is not None:
                reader.cancel()
            try:
                await self.layer.group_discard(session_group(live_session_id), channel)
            except Exception:
                logger.exception("leaving the group of session %s failed", live_session_id)
            if not feed.subscribers and self._feeds.get(live_session_id) is feed:
                del self._feeds[live_session_id]

    async def _read(self, feed: _SessionFeed, channel: str) -> None:
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The layer reconnects on its own; events missed meanwhile are
                # repaired by seq from the log when the next one arrives.
                logger.exception("reading session %s from the layer failed", feed.live_session_id)
                await asyncio.sleep(0.5)
                continue
            if message.get("type") != EVENT_MESSAGE_TYPE:
                continue
            self.received += 1
            seq = message["seq"]
            audience = frozenset(message["audience"])
            text = message["text"]
            for subscriber in tuple(feed.subscribers):
                try:
                    subscriber.offer(seq, audience, text)
                except Exception:
                    logger.exception("offering event %s failed", seq)


_hubs: dict[asyncio.AbstractEventLoop, FanoutHub] = {}


def hub() -> FanoutHub | None:
    """The hub of the running event loop, or None without a channel layer."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        layer = get_channel_layer()
        if layer is None:
            return None
        for stale in [known for known in _hubs if known.is_closed()]:
            del _hubs[stale]
        found = _hubs[loop] = FanoutHub(layer)
    return found
