"""Django settings for Townhall.

Everything deployment-specific comes from the environment (see ``townhall/env.py``
and ``docs/configuration.md``). With nothing configured the project runs on
SQLite and an in-process channel layer, which is enough for one daphne process;
``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis for real use
and for scaling out to several daphne processes.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from townhall.env import (
    env_bool,
    env_int,
    env_ints,
    env_json_file,
    env_list,
    env_rate,
    env_str,
    secret_from_env_or_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TOWNHALL_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

DEBUG = env_bool("DJANGO_DEBUG", False)

_secret = secret_from_env_or_file("DJANGO_SECRET_KEY")
if _secret is None:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set; "
        "`make run` creates var/secret_key for local use."
    )
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "sessions.apps.LiveSessionsConfig",
    "moderation.apps.ModerationConfig",
    "frontend.apps.FrontendConfig",
    "reach.apps.ReachConfig",
    "juries.apps.JuriesConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "townhall.urls"
ASGI_APPLICATION = "townhall.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            # Reusing connections matters: a fresh PostgreSQL connection per
            # database call made each vote cost ~16 ms of CPU under load.
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        )
    }
else:
    # The embedded default must work on a fresh checkout with nothing configured.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "townhall.sqlite3"),
            # Writers wait for each other instead of failing with "database is locked".
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

REDIS_URL = env_str("REDIS_URL")
REDIS_PREFIX = env_str("TOWNHALL_REDIS_PREFIX", "townhall") or "townhall"
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer never drops group messages at a capacity limit (the
            # core layer silently does) and is cheaper per delivery; redis-py's
            # default 5 s socket timeout would kill idle subscriptions.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": REDIS_PREFIX,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ur", _("Urdu"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TOWNHALL_TIME_ZONE", "Asia/Karachi") or "Asia/Karachi"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "frontend.storage.StaticStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
_https = env_bool("TOWNHALL_HTTPS", False)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https and env_bool("TOWNHALL_SSL_REDIRECT", True)
if _https:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("TOWNHALL_HSTS_SECONDS", 3600, minimum=0)

# Product limits. Each can be tuned per deployment; the defaults are the
# documented contract in docs/protocol.md.
TOWNHALL_QUESTION_MAX_CHARS = env_int("TOWNHALL_QUESTION_MAX_CHARS", 1000, minimum=10)
TOWNHALL_WS_MAX_FRAME_BYTES = env_int("TOWNHALL_WS_MAX_FRAME_BYTES", 65536, minimum=1024)
# Garbage collector thresholds of the socket server (townhall/runtime.py): at
# Python's default (700, 10, 10) a process holding a thousand sockets ran a full
# collection every few seconds that stopped it for 200-600 ms; measured with
# `make bench`, 10000,20,100 cut delivery p99 at 2,000 sockets from 560 to 300 ms
# (docs/performance.md). "off" leaves Python's defaults.
TOWNHALL_GC_THRESHOLD = (
    None
    if env_str("TOWNHALL_GC_THRESHOLD") == "off"
    else env_ints("TOWNHALL_GC_THRESHOLD", "10000,20,100", count=3)
)
TOWNHALL_TALLY_WINDOW_MS = env_int("TOWNHALL_TALLY_WINDOW_MS", 300, minimum=0)
TOWNHALL_REPLAY_LIMIT = env_int("TOWNHALL_REPLAY_LIMIT", 1000, minimum=1)
TOWNHALL_ASK_RATE = env_rate("TOWNHALL_ASK_RATE", "5/60")
TOWNHALL_VOTE_RATE = env_rate("TOWNHALL_VOTE_RATE", "120/60")

# The automatic moderation pipeline (docs/moderation-pipeline.md). A JSON file
# gives the whole mapping; TOWNHALL_MODERATION_MODEL_DIR is the short way to
# let a linear model trained with `manage.py train_moderation_model` cover
# English, Urdu and Roman Urdu. With neither, no language has a validated
# model and automatic mode holds every question for a human.
TOWNHALL_MODERATION_PIPELINE = env_json_file("TOWNHALL_MODERATION_CONFIG", {})
TOWNHALL_MODERATION_PIPELINE.setdefault("max_length", TOWNHALL_QUESTION_MAX_CHARS)
_model_dir = env_str("TOWNHALL_MODERATION_MODEL_DIR")
if _model_dir:
    if not Path(_model_dir, "metadata.json").is_file():
        raise ImproperlyConfigured(
            f"TOWNHALL_MODERATION_MODEL_DIR={_model_dir!r} holds no trained model (metadata.json)"
        )
    TOWNHALL_MODERATION_PIPELINE.setdefault(
        "backends",
        {
            lang: {"kind": "linear", "model_dir": _model_dir}
            for lang in env_list("TOWNHALL_MODERATION_LANGUAGES", ["en", "ur", "ur-Latn"])
        },
    )

# Jury draws run in a thread after commit, or wait for `manage.py run_jury_draws`.
TOWNHALL_JURY_DRAW_RUNNER = env_str("TOWNHALL_JURY_DRAW_RUNNER", "thread") or "thread"
if TOWNHALL_JURY_DRAW_RUNNER not in ("thread", "command"):
    raise ImproperlyConfigured("TOWNHALL_JURY_DRAW_RUNNER must be thread or command")

# Client message handlers that other apps add to the session WebSocket.
TOWNHALL_SOCKET_HANDLERS = ["juries.handlers.HANDLERS"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("TOWNHALL_LOG_LEVEL", "INFO") or "INFO"},
    "loggers": {"daphne": {"level": "WARNING"}, "django.channels.server": {"level": "WARNING"}},
}
