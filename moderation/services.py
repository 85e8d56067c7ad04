from __future__ import annotations

from typing import Any

from django.db import transaction

from moderation.models import ModerationDecision
from moderation.screening import Screening


@transaction.atomic
def decision_record(
    *,
    question_id: int | None = None,
    jury_message_id: int | None = None,
    route: str,
    decision: str,
    actor: Any = None,
    reason_code: str = "",
    note: str = "",
    stage: str = "",
    details: dict[str, Any] | None = None,
) -> ModerationDecision:
    """Append one decision to the audit trail. Call inside the change it records.

    Precondition: exactly one of ``question_id`` and ``jury_message_id``.
    """
    if (question_id is None) == (jury_message_id is None):
        raise ValueError("a decision is on exactly one question or one jury message")
    return ModerationDecision.objects.create(
        question_id=question_id,
        jury_message_id=jury_message_id,
        route=route,
        decision=decision,
        actor=actor,
        reason_code=reason_code,
        note=note,
        stage=stage,
        details=details or {},
    )


def decision_record_screening(
    *, question_id: int | None = None, jury_message_id: int | None = None, screening: Screening
) -> ModerationDecision:
    """Record what automatic screening decided, with every reason it gave, on a
    question or a jury-room message (exactly one)."""
    primary = screening.primary_reason
    return decision_record(
        question_id=question_id,
        jury_message_id=jury_message_id,
        route=ModerationDecision.Route.AUTOMATIC,
        decision=screening.outcome,
        reason_code=primary.code if primary else "",
        stage=primary.stage if primary else "",
        details={
            # What the automatic stages found, then the final reasons (which in
            # pre-moderation start with the policy's own hold).
            **screening.details,
            "reasons": [
                {"code": r.code, "stage": r.stage, "detail": r.detail} for r in screening.reasons
            ],
            "language": screening.language,
        },
    )
