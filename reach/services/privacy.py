"""Data protection: a citizen's export and erasure, and the retention purge."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from reach.models import (
    InboundSms,
    OutboundSms,
    PhoneChallenge,
    SmsContact,
    SmsParticipant,
    Verification,
)
from reach.services.contacts import contact_erase
from reach.services.outbound import sms_queue
from reach.texts import text_for
from sessions import services
from sessions.models import LiveSession, Participant, Vote
from sessions.services.live_sessions import ANONYMISED_NAME as ERASED_NAME


def _participant_anonymise(participant_id: int) -> None:
    """Keep the participant's questions and votes, drop what could identify them.

    Questions are part of the public record and the moderation audit trail
    protects them from deletion; the author becomes a neutral name.
    """
    services.participant_anonymise(participant_id=participant_id)
    Verification.objects.filter(participant_id=participant_id).delete()
    PhoneChallenge.objects.filter(participant_id=participant_id).delete()
    SmsContact.objects.filter(current_participant_id=participant_id).update(
        current_participant=None
    )
    SmsParticipant.objects.filter(participant_id=participant_id).delete()


@transaction.atomic
def participants_erase(*, participant_ids: list[int]) -> int:
    """Erase what the browser's participants left (``/me/delete``)."""
    for participant_id in participant_ids:
        _participant_anonymise(participant_id)
    return len(participant_ids)


@transaction.atomic
def contact_erase_request(*, contact: SmsContact) -> OutboundSms:
    """DELETE by SMS: erase everything of this number, then confirm.

    The number itself is kept until the confirmation has been sent (or has
    failed for good); then the contact is deleted.
    """
    participant_ids = list(
        SmsParticipant.objects.filter(contact=contact).values_list("participant_id", flat=True)
    )
    for participant_id in participant_ids:
        _participant_anonymise(participant_id)
    PhoneChallenge.objects.filter(contact=contact).delete()
    InboundSms.objects.filter(contact=contact).update(body="", contact=None)
    OutboundSms.objects.filter(contact=contact).update(body="", contact=None)
    contact.current_participant = None
    contact.save(update_fields=["current_participant"])
    return sms_queue(
        contact=contact,
        kind=OutboundSms.Kind.ERASURE,
        text=text_for("erased", contact.language),
    )


def personal_data_export(*, participants: list[Participant]) -> dict[str, Any]:
    """Everything we hold about these participants, as plain data."""
    exported = []
    for participant in participants:
        verification = Verification.objects.filter(participant=participant).first()
        exported.append(
            {
                "session": {
                    "code": participant.live_session.code,
                    "title": participant.live_session.title,
                },
                "display_name": participant.display_name,
                "district": participant.district,
                "joined_at": participant.created_at.isoformat(),
                "questions": [
                    {
                        "id": q.pk,
                        "text": q.text,
                        "submitted_text": q.original_text,
                        "status": q.status,
                        "reason": q.reason_code,
                        "created_at": q.created_at.isoformat(),
                        "answers": [
                            {"official": a.official_name, "text": a.text, "live": a.answered_live}
                            for a in q.answers.all()
                        ],
                    }
                    for q in participant.questions.order_by("created_at", "pk")
                ],
                "votes": list(
                    Vote.objects.filter(participant=participant).values_list(
                        "question_id", flat=True
                    )
                ),
                # We hold keyed hashes only; the numbers themselves are not stored.
                "verification": (
                    {
                        "method": verification.method,
                        "phone_verified": True,
                        "identity_verified": verification.identity_hash is not None,
                        "since": verification.created_at.isoformat(),
                    }
                    if verification
                    else None
                ),
                "by_sms": SmsParticipant.objects.filter(participant=participant).exists(),
            }
        )
    return {
        "exported_at": timezone.now().isoformat(),
        "participants": exported,
        "not_stored": [
            "IP addresses",
            "browser user agents",
            "identity card numbers (only a keyed hash, if you verified)",
        ],
    }


@transaction.atomic
def personal_data_purge(*, days: int, anonymise_participants: bool = True) -> dict[str, int]:
    """Delete personal data older than ``days``; keep questions, answers and the audit trail.

    Goes: SMS bodies (in and out), one-time codes, phone and identity hashes,
    phone numbers of contacts not heard from since, and (unless told not to)
    the display names and districts of participants of sessions that ended
    before the cutoff.
    """
    cutoff = timezone.now() - datetime.timedelta(days=days)
    counts: dict[str, int] = {}
    counts["inbound_sms"], _ = InboundSms.objects.filter(received_at__lt=cutoff).delete()
    counts["outbound_sms"], _ = OutboundSms.objects.filter(created_at__lt=cutoff).delete()
    counts["phone_challenges"], _ = PhoneChallenge.objects.filter(created_at__lt=cutoff).delete()
    counts["verifications"], _ = Verification.objects.filter(created_at__lt=cutoff).delete()
    stale = list(SmsContact.objects.filter(last_seen_at__lt=cutoff).values_list("pk", flat=True))
    for contact_id in stale:
        contact_erase(contact_id=contact_id)
    counts["contacts"] = len(stale)
    counts["participants_anonymised"] = 0
    if anonymise_participants:
        ended = LiveSession.objects.filter(ended_at__lt=cutoff)
        counts["participants_anonymised"] = (
            Participant.objects.filter(live_session__in=ended)
            .exclude(display_name=ERASED_NAME, district="")
            .update(display_name=ERASED_NAME, district="")
        )
    return counts
