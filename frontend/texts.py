"""Translated labels the pages and the live client share: one mapping each, from here.

Reason labels come from ``moderation.reasons.reason_labels``; error
texts are keyed by the stable error ``code`` of docs/protocol.md, so a form post
and a live message show the same words in the reader's language.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ERROR_TEXTS = {
    "offline": _("No connection. It will be sent when the connection is back."),
    "not_participant": _("Join the session first."),
    "rate_limited": _("Too many at once. Please wait a minute."),
    "session_not_found": _("There is no session with this code."),
    "session_private": _("This session is private."),
    "session_not_open": _("The session has not started yet."),
    "session_paused": _("The session is paused."),
    "session_ended": _("The session has ended."),
    "text_too_long": _("The text is too long."),
    "text_empty": _("Please write something first."),
    "invalid_text": _("This text cannot be sent."),
    "name_required": _("Please enter a display name."),
    "note_required": _("Add a note when the reason is “Other”."),
    "note_too_long": _("The note is too long."),
    "invalid_reason": _("Choose a reason."),
    "invalid_decision": _("Choose a decision."),
    "answer_empty": _("Write an answer or tick “Answered live”."),
    "answer_too_long": _("The answer is too long."),
    "invalid_commitment": _("A commitment needs a short text."),
    "invalid_due_date": _("The due date is not a valid date."),
    "invalid_merge": _("These two questions cannot be merged."),
    "invalid_bulk": _("Select between 1 and 100 questions."),
    "invalid_outcome": _("Choose uphold or overturn."),
    "forbidden": _("You may not do that."),
    "question_not_found": _("This question does not exist."),
    "question_not_published": _("This question is not published."),
    "invalid_transition": _("This question has already been decided."),
    "not_editable": _("This question can no longer be edited."),
    "appealed": _("This question is under appeal; it cannot be edited."),
    "not_appealable": _("Only rejected or hidden questions can be appealed."),
    "already_appealed": _("This question has already been appealed."),
    "no_open_appeal": _("This question has no open appeal."),
    "appeal_needs_other_moderator": _(
        "Another moderator must decide this appeal: you made the first decision."
    ),
    "internal_error": _("Something went wrong on our side. Nothing was saved."),
}


def error_text(code: str, fallback: str = "") -> str:
    text = ERROR_TEXTS.get(code)
    return str(text) if text is not None else (fallback or code)
