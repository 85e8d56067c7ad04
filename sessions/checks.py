"""System checks that catch a misconfigured deployment before it serves anyone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_services(app_configs: Any, **kwargs: Any) -> list[Any]:
    return service_warnings(
        database_engine=settings.DATABASES["default"]["ENGINE"],
        channel_backend=str(settings.CHANNEL_LAYERS["default"]["BACKEND"]),
    )


def service_warnings(*, database_engine: str, channel_backend: str) -> list[Any]:
    problems: list[Any] = []
    if "sqlite" in database_engine:
        problems.append(
            Warning(
                "SQLite serves one process only.",
                hint="Set DATABASE_URL to a PostgreSQL database for a real deployment.",
                id="townhall.W001",
            )
        )
    if channel_backend.endswith("InMemoryChannelLayer"):
        problems.append(
            Warning(
                "The in-memory channel layer cannot reach other daphne processes.",
                hint="Set REDIS_URL to share live events between processes.",
                id="townhall.W002",
            )
        )
    return problems


@register()
def check_limits(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    if settings.TOWNHALL_QUESTION_MAX_CHARS * 4 > settings.TOWNHALL_WS_MAX_FRAME_BYTES:
        problems.append(
            Error(
                "TOWNHALL_WS_MAX_FRAME_BYTES is too small for the longest question.",
                hint="Allow at least 4 bytes per character of TOWNHALL_QUESTION_MAX_CHARS.",
                id="townhall.E001",
            )
        )
    return problems
