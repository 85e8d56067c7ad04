"""Baseline 2 (the floor): a raw ``websockets`` broadcast server.

Each process subscribes once to a Redis pub/sub channel and sends every message
to all its sockets with ``websockets.broadcast`` - no framework at all.

    python -m bench.raw_server --port 9000 --redis redis://127.0.0.1:6390/0 --channel bench.raw
"""

from __future__ import annotations

import argparse
import asyncio

import redis.asyncio as aioredis
from websockets.asyncio.server import ServerConnection, broadcast, serve


async def main(port: int, redis_url: str, channel: str) -> None:
    clients: set[ServerConnection] = set()

    async def handler(connection: ServerConnection) -> None:
        clients.add(connection)
        try:
            await connection.wait_closed()
        finally:
            clients.discard(connection)

    client = aioredis.from_url(redis_url)
    pubsub = client.pubsub()
    await pubsub.subscribe(channel)

    async def relay() -> None:
        async for message in pubsub.listen():
            if message["type"] == "message":
                broadcast(clients, message["data"].decode())

    async with serve(handler, "127.0.0.1", port, compression=None, ping_interval=None):
        await relay()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--channel", required=True)
    args = parser.parse_args()
    asyncio.run(main(args.port, args.redis, args.channel))
