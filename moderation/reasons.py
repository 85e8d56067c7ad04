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
    CLASSIFIER_UNAVAILABLE = (
        "classifier_unavailable",
        _("Automatic check unavailable, a human will review"),
    )
    RESUBMITTED = (
        "resubmitted",
        _("Edited after a moderator's decision, a human will review"),
    )
    NO_MODEL_FOR_LANGUAGE = (
        "no_model_for_language",
        _("No automatic check for this language yet, a human will review"),
    )
    TOO_LONG = "too_long", _("Too long")
    EMPTY = "empty", _("Empty")
    REPEAT = "repeat", _("You already asked this")
    RATE_LIMITED = "rate_limited", _("Too many questions in a short time")
    BANNED_TERM = "banned_term", _("Contains a word that is not allowed")
    SUSPECT_TERM = "suspect_term", _("Contains a word a moderator must check")
    CONTAINS_LINK = "contains_link", _("Contains a link, a moderator must check it")
    TOXICITY_LIKELY = "toxicity_likely", _("Likely offensive")
    TOXICITY_MAYBE = "toxicity_maybe", _("Possibly offensive, a moderator must check it")
    SHOUTING = "shouting", _("Written in capitals")


def reason_labels() -> dict[str, str]:
    """Every reason code (moderators' and the automatic stages') → its label, in the
    active language."""
    return {
        str(code): str(label)
        for choices in (ReasonCode, ScreeningCode)
        for code, label in choices.choices
    }


def reason_label(code: str) -> str:
    return reason_labels().get(code, code)
