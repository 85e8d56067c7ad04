"""System checks: SMS and verification need the identity key, and a sane outbound setup."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

from reach import conf


@register()
def check_reach_configuration(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    try:
        needs_key = conf.sms_enabled() or conf.verification_enabled()
        if needs_key and not conf.identity_hmac_key_configured():
            problems.append(
                Error(
                    "SMS or verification is enabled but TOWNHALL_IDENTITY_HMAC_KEY is not set.",
                    hint="Set it (or TOWNHALL_IDENTITY_HMAC_KEY_FILE) to a random secret of "
                    "at least 32 characters; changing it later breaks every lookup.",
                    id="reach.E001",
                )
            )
        elif needs_key and len(conf.identity_hmac_key()) < 32:
            problems.append(
                Warning(
                    "TOWNHALL_IDENTITY_HMAC_KEY is short.",
                    hint="Use at least 32 random characters.",
                    id="reach.W001",
                )
            )
        if conf.sms_backend() == "http":
            conf.sms_http_url()
    except ImproperlyConfigured as exc:
        problems.append(Error(str(exc), id="reach.E002"))
    return problems
