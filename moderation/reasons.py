"""Reason codes a moderator (or the automatic pipeline) gives for a decision.

The codes are the machine-readable contract (docs/protocol.md); the labels are
what the author is shown, in their language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReasonCode(models.TextChoices):
    OFFENSIVE = "offensive", _("Offensive language")
    HARASSMENT = "harassment", _("Harassment or bullying")
    HATE_SPEECH = "hate_speech", _("Hate speech")
    THREAT = "threat", _("Threat of violence")
    PERSONAL_DATA = "personal_data", _("Contains personal data")
    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Not about this session's topic")
    DUPLICATE = "duplicate", _("Already asked")
    OTHER = "other", _("Other (see note)")


# Reasons that only the automatic stages give; shown to authors and moderators.
class ScreeningCode(models.TextChoices):
    PRE_MODERATION = "pre_moderation", _("Waiting for a moderator")
    NO_AUTOMATIC_STAGE = (
        "no_automatic_stage",
        _("No automatic check available, a human will review"),
    )
    CLASSIFIER_UNAVAILABLE = (
        "classifier_unavailable",
        _("Automatic check unavailable, a human will review"),
    )
    RESUBMITTED = (
        "resubmitted",
        _("Edited after a moderator's decision, a human will review"),
    )


def reason_label(code: str) -> str:
    for choices in (ReasonCode, ScreeningCode):
        if code in choices.values:
            return str(choices(code).label)
    return code
