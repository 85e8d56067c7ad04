"""Settings of the stock-Channels baseline: Channels only, the same channel layer."""

import os

SECRET_KEY = "bench-baseline-not-secret"  # noqa: S105 - protects nothing
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["channels"]
DATABASES: dict[str, object] = {}
ASGI_APPLICATION = "bench.baseline_channels.application"
USE_TZ = True
CHANNEL_LAYERS = {
    "default": {
        # The product's layer and configuration (townhall/settings.py).
        "BACKEND": "channels_redis.core.RedisChannelLayer"
        if os.environ.get("BENCH_LAYER") == "core"
        else "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [{"address": os.environ["REDIS_URL"], "socket_timeout": None}],
            "prefix": os.environ.get("TOWNHALL_REDIS_PREFIX", "bench"),
            **({"capacity": 1000} if os.environ.get("BENCH_LAYER") == "core" else {}),
        },
    }
}
LOGGING = {"version": 1, "loggers": {"daphne": {"level": "WARNING"}}}
