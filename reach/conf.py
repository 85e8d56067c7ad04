"""Configuration of the reach app, read from the environment.

Each value may also be set as a Django setting of the same name (tests do, and a
deployment may move them into ``townhall/settings.py``); otherwise the
environment is read through the typed helpers of ``townhall/env.py``, which fail
loudly on malformed values. Secrets are never given defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from townhall.env import env_bool, env_int, env_rate, env_str, secret_from_env_or_file

_UNSET = object()


def _setting(name: str) -> object:
    return getattr(settings, name, _UNSET)


def _secret(name: str) -> str | None:
    value = _setting(name)
    if value is not _UNSET:
        return str(value) if value else None
    return secret_from_env_or_file(name)


def _str(name: str, default: str | None) -> str | None:
    value = _setting(name)
    if value is not _UNSET:
        return str(value) if value else default
    return env_str(name, default)


def _int(name: str, default: int, minimum: int = 0) -> int:
    value = _setting(name)
    if value is not _UNSET:
        return int(value)  # type: ignore[call-overload]
    return env_int(name, default, minimum=minimum)


def _bool(name: str, default: bool) -> bool:
    value = _setting(name)
    if value is not _UNSET:
        return bool(value)
    return env_bool(name, default)


def twilio_auth_token() -> str | None:
    return _secret("TOWNHALL_SMS_TWILIO_AUTH_TOKEN")


def rapidpro_secret() -> str | None:
    return _secret("TOWNHALL_SMS_RAPIDPRO_SECRET")


def public_url() -> str | None:
    """Where citizens reach the site, e.g. ``https://townhall.example.pk`` (no slash).

    Used for links in SMS and, when set, as the base of the URL Twilio signed
    (a proxy in front of daphne may change scheme or host).
    """
    value = _str("TOWNHALL_PUBLIC_URL", None)
    return value.rstrip("/") if value else None


def identity_hmac_key() -> bytes:
    key = _secret("TOWNHALL_IDENTITY_HMAC_KEY")
    if not key:
        raise ImproperlyConfigured(
            "TOWNHALL_IDENTITY_HMAC_KEY must be set to use SMS or verification "
            "(phone numbers and CNICs are looked up by keyed hash only)."
        )
    return key.encode()


def identity_hmac_key_configured() -> bool:
    return bool(_secret("TOWNHALL_IDENTITY_HMAC_KEY"))


def sms_enabled() -> bool:
    return bool(twilio_auth_token() or rapidpro_secret())


def verification_enabled() -> bool:
    return _bool("TOWNHALL_VERIFICATION_ENABLED", False)


def process_inline() -> bool:
    """Handle an inbound SMS in the webhook request, right after storing it.

    Off: only ``manage.py process_inbound_sms`` (run by cron or a loop) handles them.
    """
    return _bool("TOWNHALL_SMS_PROCESS_INLINE", True)


def sms_backend() -> str:
    value = _str("TOWNHALL_SMS_BACKEND", "console") or "console"
    if value not in ("console", "file", "http"):
        raise ImproperlyConfigured(
            f"TOWNHALL_SMS_BACKEND must be console, file or http, got {value!r}"
        )
    return value


def sms_file_path() -> Path:
    default = str(Path(settings.VAR_DIR) / "sms-outbox.jsonl")
    return Path(_str("TOWNHALL_SMS_FILE_PATH", default) or default)


def sms_http_url() -> str:
    url = _str("TOWNHALL_SMS_HTTP_URL", None)
    if not url:
        raise ImproperlyConfigured("TOWNHALL_SMS_BACKEND=http needs TOWNHALL_SMS_HTTP_URL")
    if not url.startswith(("http://", "https://")):
        raise ImproperlyConfigured("TOWNHALL_SMS_HTTP_URL must be an http(s) URL")
    return url


def sms_http_token() -> str | None:
    return _secret("TOWNHALL_SMS_HTTP_TOKEN")


def sms_http_timeout() -> int:
    return _int("TOWNHALL_SMS_HTTP_TIMEOUT", 5, minimum=1)


def sms_rate() -> tuple[int, int]:
    """Outbound messages per number: COUNT/SECONDS."""
    value = _setting("TOWNHALL_SMS_RATE")
    if value is not _UNSET:
        count, seconds = cast("tuple[int, int]", value)
        return int(count), int(seconds)
    return env_rate("TOWNHALL_SMS_RATE", "6/60")


def sms_max_attempts() -> int:
    return _int("TOWNHALL_SMS_MAX_ATTEMPTS", 5, minimum=1)


def retention_days() -> int:
    return _int("TOWNHALL_RETENTION_DAYS", 90, minimum=1)


OTP_TTL_SECONDS = 10 * 60
OTP_MAX_ATTEMPTS = 5


def send_inline() -> bool:
    """Send a queued SMS right after its transaction commits.

    Off: only ``manage.py send_outbound_sms`` sends (then nothing waits on the gateway).
    """
    return _bool("TOWNHALL_SMS_SEND_INLINE", True)
