"""SMS contacts and messages, verification and the links to live sessions.

Data protection by design: a phone number is stored in one place only,
``SmsContact.phone``, and looked up by its keyed hash. Everything else refers
to the contact by id. A CNIC is never stored, only its keyed hash. Nothing
here is part of a session's payloads, so moderators and officials never see it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsContact(models.Model):
    """One phone number that texted us or asked for a code."""

    phone = models.CharField(max_length=20, help_text=_("E.164; the only copy of the number."))
    phone_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=8, default="en")
    current_participant = models.ForeignKey(
        "live_sessions.Participant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The session this number takes part in now (its last JOIN)."),
    )
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        # Never the number: this shows up in logs and the admin.
        return f"sms contact {self.pk}"


class SmsParticipant(models.Model):
    """A participant that takes part by SMS; one per number and session."""

    participant = models.OneToOneField(
        "live_sessions.Participant", on_delete=models.CASCADE, related_name="sms_link"
    )
    live_session = models.ForeignKey(
        "live_sessions.LiveSession", on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(SmsContact, on_delete=models.CASCADE, related_name="participations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "live_session"], name="one_sms_participant_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"sms participant {self.participant_id}"


class InboundSms(models.Model):
    """A message as the gateway delivered it, stored before anything else happens."""

    class Gateway(models.TextChoices):
        TWILIO = "twilio", "Twilio"
        RAPIDPRO = "rapidpro", "RapidPro / TextIt"

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, not handled yet")
        HANDLED = "handled", _("Handled")
        FAILED = "failed", _("Gave up after errors")

    gateway = models.CharField(max_length=16, choices=Gateway.choices)
    gateway_message_id = models.CharField(max_length=64)
    contact = models.ForeignKey(
        SmsContact, null=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    body = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_message_id"], name="unique_message_per_gateway"
            )
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"inbound {self.gateway} {self.pk} ({self.status})"


class OutboundSms(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up after errors")
        SUPPRESSED = "suppressed", _("Not sent: the number replied STOP")

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply to a message")
        NOTIFICATION = "notification", _("News about a question")
        OTP = "otp", _("Verification code")
        STOP_CONFIRMATION = "stop_confirmation", _("Confirmation of STOP")
        ERASURE = "erasure", _("Confirmation of DELETE")

    contact = models.ForeignKey(
        SmsContact, null=True, on_delete=models.SET_NULL, related_name="outbound"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    body = models.TextField()
    parts = models.PositiveSmallIntegerField(default=1)
    encoding = models.CharField(max_length=8, default="gsm7")
    # Makes notifications idempotent: the same news is queued once.
    dedupe_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    gateway_message_id = models.CharField(max_length=64, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"outbound {self.kind} {self.pk} ({self.status})"


class SmsQuestion(models.Model):
    """Marks a question as sent by SMS (the number is never shown)."""

    question = models.OneToOneField(
        "live_sessions.Question", on_delete=models.CASCADE, related_name="sms_origin"
    )
    contact = models.ForeignKey(
        SmsContact, null=True, on_delete=models.SET_NULL, related_name="questions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"question {self.question_id} sent by SMS"


class QuestionNumber(models.Model):
    """A short per-session number for a published question, for VOTE by SMS."""

    live_session = models.ForeignKey(
        "live_sessions.LiveSession", on_delete=models.CASCADE, related_name="+"
    )
    question = models.OneToOneField(
        "live_sessions.Question", on_delete=models.CASCADE, related_name="sms_number"
    )
    number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["live_session", "number"], name="unique_question_number_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"question {self.question_id} is number {self.number}"


class PhoneChallenge(models.Model):
    """A one-time code sent to a phone to prove a participant holds it."""

    participant = models.ForeignKey(
        "live_sessions.Participant", on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(SmsContact, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"phone challenge {self.pk}"


class Verification(models.Model):
    """A participant proven to be one person in its session.

    ``phone_hash`` (one number, one verified participant per session) and the
    optional ``identity_hash`` (one CNIC, one verified participant per session)
    are keyed hashes; neither number is kept.
    """

    class Method(models.TextChoices):
        SMS = "sms", _("Takes part by SMS from this number")
        OTP = "otp", _("Confirmed a code sent to the phone")

    participant = models.OneToOneField(
        "live_sessions.Participant", on_delete=models.CASCADE, related_name="verification"
    )
    live_session = models.ForeignKey(
        "live_sessions.LiveSession", on_delete=models.CASCADE, related_name="+"
    )
    method = models.CharField(max_length=8, choices=Method.choices)
    phone_hash = models.CharField(max_length=64)
    # NULL, not "": unverified rows must not collide in the unique constraint.
    identity_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)
    identity_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["live_session", "phone_hash"], name="one_verified_phone_per_session"
            ),
            models.UniqueConstraint(
                fields=["live_session", "identity_hash"], name="one_verified_identity_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"verification of participant {self.participant_id}"
