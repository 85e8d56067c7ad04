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
    """One decision on one question or one jury-room message (exactly one of the
    two). ``details`` holds what the deciding stage found: reasons, backend, model
    version, scores, thresholds, matched terms."""

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
        REQUEST_EDIT = "request_edit", "Edit requested"
        RESUBMIT = "resubmit", "Edited and resubmitted by the author"
        APPEAL_UPHELD = "appeal_upheld", "Appeal: decision upheld"
        APPEAL_OVERTURNED = "appeal_overturned", "Appeal: decision overturned"

    question = models.ForeignKey(
        "live_sessions.Question",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    jury_message = models.ForeignKey(
        "juries.JuryMessage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    route = models.CharField(max_length=16, choices=Route.choices)
    decision = models.CharField(max_length=24, choices=Decision.choices)
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
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(question__isnull=False, jury_message__isnull=True)
                    | models.Q(question__isnull=True, jury_message__isnull=False)
                ),
                name="decision_on_a_question_or_a_jury_message",
            )
        ]

    def __str__(self) -> str:
        if self.jury_message_id is not None:
            return f"{self.route} {self.decision} on jury message {self.jury_message_id}"
        return f"{self.route} {self.decision} on question {self.question_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("moderation decisions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("moderation decisions are append-only")


class Appeal(models.Model):
    """An author's one appeal against a rejection or hiding, decided by a
    moderator other than the one who made the decision."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a moderator"
        UPHELD = "upheld", "Decision upheld"
        OVERTURNED = "overturned", "Decision overturned"

    question = models.OneToOneField(
        "live_sessions.Question", on_delete=models.CASCADE, related_name="appeal"
    )
    note = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # Who made the decision under appeal (None: the automatic pipeline).
    appealed_decision = models.ForeignKey(
        ModerationDecision, on_delete=models.PROTECT, related_name="appeals"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"appeal on question {self.question_id}: {self.status}"
