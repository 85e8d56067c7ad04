"""Typed readers for configuration that comes from the environment.

Each helper fails loudly with ImproperlyConfigured when a value is present but
malformed, so a typo in a deployment shows up at start-up, not as odd behaviour.
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        parsed = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc
    if minimum is not None and parsed < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {parsed}")
    return parsed


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_rate(name: str, default: str) -> tuple[int, int]:
    """Parse a rate such as ``"5/60"`` (5 actions per 60 seconds)."""
    raw = env_str(name, default) or default
    try:
        count_text, seconds_text = raw.split("/", 1)
        count, seconds = int(count_text), int(seconds_text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must look like COUNT/SECONDS, got {raw!r}") from exc
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured(f"{name} needs a positive count and window, got {raw!r}")
    return count, seconds


def env_ints(name: str, default: str, *, count: int) -> tuple[int, ...]:
    """Parse ``count`` comma-separated non-negative integers, such as ``"50000,20,100"``."""
    raw = env_str(name, default) or default
    try:
        values = tuple(int(part) for part in raw.split(","))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {count} integers, got {raw!r}") from exc
    if len(values) != count or min(values) < 0:
        raise ImproperlyConfigured(f"{name} must be {count} non-negative integers, got {raw!r}")
    return values


def env_json_file(name: str, default: dict[str, Any]) -> dict[str, Any]:
    """Read a JSON object from the file named by ``NAME``."""
    path = env_str(name)
    if path is None:
        return dict(default)
    try:
        with open(path, encoding="utf-8") as handle:
            value = json.load(handle)
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name}={path!r} is not a readable JSON file: {exc}") from exc
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name}={path!r} must hold a JSON object")
    return value


def secret_from_env_or_file(name: str) -> str | None:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    direct = env_str(name)
    if direct:
        return direct
    path = env_str(f"{name}_FILE")
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            secret = handle.read().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE points at {path!r}, which cannot be read") from exc
    if not secret:
        raise ImproperlyConfigured(f"{name}_FILE points at {path!r}, which is empty")
    return secret
