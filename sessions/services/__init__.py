"""Writes for live sessions, split by noun.

Each service checks the actor's right to act, changes state in one
transaction, logs the resulting events with their ``seq`` and broadcasts them
only after commit. Import services from here.
"""

from sessions.services.answers import answer_post, question_mark_answered, stage_show
from sessions.services.live_sessions import (
    JOIN_CODE_ALPHABET,
    join_code_normalize,
    live_session_control,
    live_session_create,
    participant_anonymise,
    participant_join,
    session_role_assign,
)
from sessions.services.moderation import (
    appeal_decide,
    appeal_submit,
    question_merge,
    question_moderate,
    question_moderate_bulk,
)
from sessions.services.questions import question_ask, question_edit, question_vote, tally_publish

__all__ = [
    "JOIN_CODE_ALPHABET",
    "answer_post",
    "appeal_decide",
    "appeal_submit",
    "join_code_normalize",
    "live_session_control",
    "live_session_create",
    "participant_anonymise",
    "participant_join",
    "question_ask",
    "question_edit",
    "question_mark_answered",
    "question_merge",
    "question_moderate",
    "question_moderate_bulk",
    "question_vote",
    "session_role_assign",
    "stage_show",
    "tally_publish",
]
