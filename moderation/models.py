"""The moderation audit trail: every decision, automatic or human, append-only."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete a recorded decision."""


class DecisionQuerySet(models.QuerySet["ModerationDecision"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("moderation decisions are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("moderation decisions are append-only")


class ModerationDecision(models.Model):
    class Route(models.TextChoices):
        AUTOMATIC = "automatic", "Automatic"
        HUMAN = "human", "Human"

    class Decision(models.TextChoices):
        PUBLISH = "publish", "Published automatically"
        HOLD = "hold", "Held for a human"
        REJECT = "reject", "Rejected"
        APPROVE = "approve", "Approved"
        HIDE = "hide", "Hidden"
        MERGE = "merge", "Merged as duplicate"

    question = models.ForeignKey(
        "live_sessions.Question", on_delete=models.PROTECT, related_name="decisions"
    )
    route = models.CharField(max_length=16, choices=Route.choices)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason_code = models.CharField(max_length=32, blank=True)
    note = models.CharField(max_length=500, blank=True)
    stage = models.CharField(max_length=32, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.route} {self.decision} on question {self.question_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("moderation decisions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("moderation decisions are append-only")
