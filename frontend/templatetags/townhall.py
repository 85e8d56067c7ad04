"""Template helpers: reason labels from the one server-side mapping."""

from __future__ import annotations

from django import template

from moderation.reasons import reason_label as _reason_label

register = template.Library()


@register.filter
def reason_label(code: str) -> str:
    """``{{ q.reason_code|reason_label }}``: the translated label of a reason code."""
    return _reason_label(code) if code else ""
