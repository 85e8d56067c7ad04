"""Fixed-window rate limits kept in the Django cache.

With ``REDIS_URL`` set the cache is Redis, so limits hold across every daphne
process; otherwise they are per process, which is right for a single process.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from sessions.errors import RateLimited


def rate_limit_hit(*, scope: str, key: str, limit: tuple[int, int], message: str) -> None:
    """Count one action; raise RateLimited when the window's allowance is spent."""
    count, window = limit
    bucket = int(time.time() // window)
    cache_key = f"rl:{scope}:{key}:{bucket}"
    # add() is atomic; incr() on the Redis backend is atomic too.
    if cache.add(cache_key, 1, timeout=window + 1):
        return
    try:
        used = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window + 1)
        return
    if used > count:
        raise RateLimited(message)
