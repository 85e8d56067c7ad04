"""Verification without surveillance: a phone code, and optionally a CNIC kept as a keyed hash."""

from __future__ import annotations

import datetime
import hmac
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from stdnum.exceptions import ValidationError
from stdnum.pk import cnic as stdnum_cnic

from reach import conf, crypto
from reach.models import OutboundSms, PhoneChallenge, Verification
from reach.services.contacts import contact_for_phone
from reach.services.outbound import sms_queue
from reach.texts import text_for
from sessions.errors import Conflict, InvalidInput, NotFound
from sessions.models import Participant
from sessions.ratelimit import rate_limit_hit

OTP_REQUEST_RATE = (3, 600)  # codes a participant may ask for per 10 minutes
CNIC_RATE = (5, 600)  # identity numbers a participant may try per 10 minutes


def _code_hash(challenge_id: int, code: str) -> str:
    return crypto.keyed_hash("otp", f"{challenge_id}:{code}")


@transaction.atomic
def phone_challenge_start(*, participant: Participant, phone: str) -> PhoneChallenge:
    """Send a 6-digit code to ``phone``; only its keyed hash is stored."""
    if Verification.objects.filter(participant=participant).exists():
        raise Conflict("You are verified already.", code="already_verified")
    rate_limit_hit(
        scope="otp",
        key=str(participant.pk),
        limit=OTP_REQUEST_RATE,
        message="You asked for several codes; wait ten minutes.",
    )
    contact = contact_for_phone(phone=phone)
    if contact.stopped_at is not None:
        raise Conflict(
            "This number replied STOP, so we send it nothing. Text JOIN <code> from it first.",
            code="sms_stopped",
        )
    if Verification.objects.filter(
        live_session_id=participant.live_session_id, phone_hash=contact.phone_hash
    ).exists():
        raise Conflict(
            "This number already verified someone in this session.", code="phone_already_used"
        )
    # A new code replaces any earlier one.
    PhoneChallenge.objects.filter(participant=participant, verified_at__isnull=True).delete()
    code = f"{secrets.randbelow(10**6):06d}"
    challenge = PhoneChallenge.objects.create(
        participant=participant,
        contact=contact,
        code_hash="",
        expires_at=timezone.now() + datetime.timedelta(seconds=conf.OTP_TTL_SECONDS),
    )
    challenge.code_hash = _code_hash(challenge.pk, code)
    challenge.save(update_fields=["code_hash"])
    sms_queue(
        contact=contact,
        kind=OutboundSms.Kind.OTP,
        text=text_for("otp", contact.language, code=code),
        stored_text=text_for("otp", contact.language, code="******"),
    )
    return challenge


def phone_challenge_confirm(*, participant: Participant, code: str) -> Verification:
    """Check the code; after 5 wrong tries or 10 minutes the code is dead.

    A wrong try is counted in its own transaction: raising the error must not
    roll the count back.
    """
    outcome, verification = _confirm(participant=participant, code=(code or "").strip())
    if outcome == "no_challenge":
        raise NotFound("Ask for a code first.", code="no_challenge")
    if outcome == "expired":
        raise Conflict("The code expired; ask for a new one.", code="code_expired")
    if outcome == "too_many_attempts":
        raise Conflict("Too many wrong codes; ask for a new one.", code="too_many_attempts")
    if outcome == "wrong":
        raise InvalidInput("That code is not right.", code="wrong_code")
    if outcome == "phone_already_used":
        raise Conflict(
            "This number already verified someone in this session.", code="phone_already_used"
        )
    assert verification is not None
    return verification


@transaction.atomic
def _confirm(*, participant: Participant, code: str) -> tuple[str, Verification | None]:
    challenge = (
        PhoneChallenge.objects.select_for_update()
        .select_related("contact")
        .filter(participant=participant, verified_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if challenge is None:
        return "no_challenge", None
    if challenge.expires_at <= timezone.now():
        return "expired", None
    if challenge.attempts >= conf.OTP_MAX_ATTEMPTS:
        return "too_many_attempts", None
    challenge.attempts += 1
    challenge.save(update_fields=["attempts"])
    if not hmac.compare_digest(challenge.code_hash, _code_hash(challenge.pk, code)):
        return "wrong", None
    challenge.verified_at = timezone.now()
    challenge.save(update_fields=["verified_at"])
    try:
        with transaction.atomic():
            verification = Verification.objects.create(
                participant=participant,
                live_session_id=participant.live_session_id,
                method=Verification.Method.OTP,
                phone_hash=challenge.contact.phone_hash,
            )
    except IntegrityError:
        return "phone_already_used", None
    return "ok", verification


def cnic_normalize(raw: str) -> str:
    """Validate a CNIC (13 digits; province, and the last digit which is never 0)."""
    try:
        return str(stdnum_cnic.validate(raw or ""))
    except ValidationError:
        raise InvalidInput(
            "That is not a valid CNIC (13 digits, like 12345-1234567-1).", code="invalid_cnic"
        ) from None


@transaction.atomic
def identity_verify(*, participant: Participant, cnic: str) -> Verification:
    """Bind a CNIC to a phone-verified participant: one person, one vote per session.

    Only ``HMAC-SHA256(server key, normalised CNIC)`` is stored.
    """
    rate_limit_hit(
        scope="cnic",
        key=str(participant.pk),
        limit=CNIC_RATE,
        message="Too many tries; wait ten minutes.",
    )
    normalised = cnic_normalize(cnic)
    verification = Verification.objects.select_for_update().filter(participant=participant).first()
    if verification is None:
        raise Conflict("Verify your phone first.", code="verify_phone_first")
    digest = crypto.identity_hash(normalised)
    if verification.identity_hash == digest:
        return verification
    if verification.identity_hash is not None:
        raise Conflict("You verified another CNIC already.", code="identity_already_set")
    verification.identity_hash = digest
    verification.identity_verified_at = timezone.now()
    try:
        with transaction.atomic():
            verification.save(update_fields=["identity_hash", "identity_verified_at"])
    except IntegrityError:
        raise Conflict(
            "This CNIC already verified someone in this session.", code="identity_already_used"
        ) from None
    return verification
