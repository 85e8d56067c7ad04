from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from moderation.models import ModerationDecision


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "question",
        "jury_message",
        "route",
        "decision",
        "reason_code",
        "actor",
    ]
    list_filter = ["route", "decision", "reason_code"]

    # The audit trail is append-only, also for administrators.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
