"""Writes of the reach app, split by noun. Import services from here."""

from reach.services.contacts import contact_erase, contact_for_phone
from reach.services.inbound import inbound_pending, inbound_process, inbound_store
from reach.services.outbound import (
    notify_for_event,
    outbound_deliver,
    outbound_due,
    question_number_assign,
    sms_queue,
)
from reach.services.privacy import (
    contact_erase_request,
    participants_erase,
    personal_data_export,
    personal_data_purge,
)
from reach.services.verification import (
    cnic_normalize,
    identity_verify,
    phone_challenge_confirm,
    phone_challenge_start,
)

__all__ = [
    "cnic_normalize",
    "contact_erase",
    "contact_erase_request",
    "contact_for_phone",
    "identity_verify",
    "inbound_pending",
    "inbound_process",
    "inbound_store",
    "notify_for_event",
    "outbound_deliver",
    "outbound_due",
    "participants_erase",
    "personal_data_export",
    "personal_data_purge",
    "phone_challenge_confirm",
    "phone_challenge_start",
    "question_number_assign",
    "sms_queue",
]
