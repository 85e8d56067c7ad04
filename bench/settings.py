"""Settings of the product's daphne processes under the benchmark.

The project's settings, with a throwaway key; everything else (DATABASE_URL,
REDIS_URL, TOWNHALL_*) comes from the environment that ``bench.run`` sets.
"""

import os

# This key protects nothing: benchmark data only.
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")

from townhall.settings import *  # noqa: F403

if os.environ.get("BENCH_LAYER") == "core":
    # ``bench.run --layer core``: the core layer, to compare (docs/performance.md).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": os.environ["REDIS_URL"], "socket_timeout": None}],
                "prefix": os.environ.get("TOWNHALL_REDIS_PREFIX", "bench"),
                "capacity": 1000,
            },
        }
    }
