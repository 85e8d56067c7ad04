"""Live sessions, their participants, questions, votes, answers and event log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LiveSession(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("Live")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    class ModerationMode(models.TextChoices):
        PRE = "pre", _("Pre-moderation: a moderator approves every question")
        AUTOMATIC = "automatic", _("Automatic screening, humans review what it holds")

    code = models.CharField(
        _("join code"),
        max_length=16,
        unique=True,
        help_text=_("Short, case-insensitive code in the session's URL."),
    )
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    languages = models.JSONField(_("languages"), default=list)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Anyone may watch without joining.")
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    moderation_mode = models.CharField(
        max_length=16, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    requires_verified_voting = models.BooleanField(
        _("verified voting"),
        default=False,
        help_text=_("Count votes of verified participants only (reading and watching stay open)."),
    )
    requires_verified_volunteering = models.BooleanField(
        _("verified jury volunteers"),
        default=False,
        help_text=_("Only verified participants may volunteer for the jury."),
    )
    scheduled_start = models.DateTimeField(_("scheduled start"), null=True, blank=True)
    scheduled_end = models.DateTimeField(_("scheduled end"), null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Highest event sequence number handed out; bumped under a row lock.
    last_seq = models.PositiveBigIntegerField(default=0)
    on_stage = models.ForeignKey(
        "live_sessions.Question",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_start", "-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class SessionRole(models.Model):
    class Role(models.TextChoices):
        MODERATOR = "moderator", _("Moderator")
        OFFICIAL = "official", _("Official")
        JUROR = "juror", _("Juror")

    live_session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["live_session", "user", "role"], name="unique_role_per_session_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} in {self.live_session.code}"


class Participant(models.Model):
    """A citizen in one session, bound to a browser session; no account needed."""

    live_session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="participants"
    )
    display_name = models.CharField(_("display name"), max_length=60)
    district = models.CharField(_("district"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.display_name


class Question(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("In review")
        NEEDS_EDIT = "needs_edit", _("Edit requested")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Not published")
        HIDDEN = "hidden", _("Hidden")
        MERGED = "merged", _("Merged into another question")

    live_session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="questions"
    )
    author = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="questions")
    # Chosen by the client so that a resend after a dropped link is recognised.
    client_id = models.CharField(max_length=64)
    source = models.CharField(max_length=8, choices=[("web", "Web"), ("sms", "SMS")], default="web")
    text = models.TextField()
    original_text = models.TextField(help_text=_("Exactly what was submitted, for the audit."))
    language = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reason_code = models.CharField(max_length=32, blank=True)
    reason_note = models.CharField(max_length=500, blank=True)
    vote_count = models.PositiveIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"], name="unique_client_id_per_author"
            )
        ]
        indexes = [models.Index(fields=["live_session", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:40]}"


class Vote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "participant"], name="one_vote_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"vote by {self.participant_id} on {self.question_id}"


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    official_name = models.CharField(max_length=150)
    text = models.TextField(blank=True)
    answered_live = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"answer to {self.question_id} by {self.official_name}"


class Commitment(models.Model):
    """A promise an official made in an answer: what, and by when. Kept in the archive."""

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="commitment")
    text = models.CharField(max_length=500)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.text


class SessionEvent(models.Model):
    """One state change of a session, in the order clients must apply them.

    ``audience`` lists who may receive the event: ``"public"``, ``"moderators"``,
    ``"officials"`` or ``"participant:<id>"``.
    """

    live_session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=40)
    data = models.JSONField()
    audience = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["live_session", "seq"], name="unique_seq_per_session")
        ]
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.live_session_id}/{self.seq} {self.type}"
