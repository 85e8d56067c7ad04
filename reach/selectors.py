"""Reads of the reach app."""

from __future__ import annotations

from reach.models import SmsQuestion, Verification
from sessions.models import Participant


def participant_is_verified(*, participant_id: int) -> bool:
    """One person in this session: by a phone code or by taking part by SMS."""
    return Verification.objects.filter(participant_id=participant_id).exists()


def verification_for(*, participant: Participant) -> Verification | None:
    return Verification.objects.filter(participant=participant).first()


def question_ids_sent_by_sms(*, question_ids: list[int]) -> set[int]:
    """Which of these questions came by SMS (to mark them; never who sent them)."""
    return set(
        SmsQuestion.objects.filter(question_id__in=question_ids).values_list(
            "question_id", flat=True
        )
    )


def phone_challenge_open(*, participant: Participant) -> bool:
    from reach.models import PhoneChallenge

    return PhoneChallenge.objects.filter(participant=participant, verified_at__isnull=True).exists()
