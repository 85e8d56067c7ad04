"""SMS contacts: the one place a phone number is kept."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from reach import crypto
from reach.models import InboundSms, OutboundSms, SmsContact, SmsQuestion
from reach.phone import phone_normalize


@transaction.atomic
def contact_for_phone(*, phone: str) -> SmsContact:
    """The contact of this number, created on first contact; marks it seen now."""
    e164 = phone_normalize(phone)
    digest = crypto.phone_hash(e164)
    contact = SmsContact.objects.select_for_update().filter(phone_hash=digest).first()
    if contact is None:
        try:
            with transaction.atomic():
                return SmsContact.objects.create(phone=e164, phone_hash=digest)
        except IntegrityError:
            # Two messages from a new number at once: the other one created it.
            contact = SmsContact.objects.select_for_update().get(phone_hash=digest)
    contact.phone = e164
    contact.last_seen_at = timezone.now()
    contact.save(update_fields=["phone", "last_seen_at"])
    return contact


@transaction.atomic
def contact_erase(*, contact_id: int) -> None:
    """Forget a number: the contact goes, and with it every message body.

    Questions it sent stay (their ``SmsQuestion`` mark loses the contact), as
    do the pseudonymous participants; links, codes and verifications cascade.
    """
    InboundSms.objects.filter(contact_id=contact_id).update(body="", contact=None)
    OutboundSms.objects.filter(contact_id=contact_id).update(body="", contact=None)
    SmsQuestion.objects.filter(contact_id=contact_id).update(contact=None)
    SmsContact.objects.filter(pk=contact_id).delete()
