"""Inbound SMS: store first, then handle each message exactly once."""

from __future__ import annotations

import logging
import secrets
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from reach import conf
from reach.commands import (
    DELETE,
    EN,
    HELP,
    JOIN,
    QUESTION,
    STOP,
    TOP,
    VOTE,
    Parsed,
    command_parse,
)
from reach.models import (
    InboundSms,
    OutboundSms,
    QuestionNumber,
    SmsContact,
    SmsParticipant,
    SmsQuestion,
    Verification,
)
from reach.services.contacts import contact_for_phone
from reach.services.outbound import question_number_assign, sms_queue
from reach.texts import text_for
from sessions import selectors, services
from sessions.actors import Actor
from sessions.errors import NotFound, TownhallError
from sessions.models import Participant, Question

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
TOP_COUNT = 5
_PSEUDONYM_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CLOSED_CODES = {"session_not_open", "session_paused", "session_ended"}


@transaction.atomic
def inbound_store(
    *, gateway: str, gateway_message_id: str, phone: str, body: str
) -> tuple[InboundSms, bool]:
    """Keep the message before doing anything with it; returns it and whether it is new.

    A gateway retrying a delivery sends the same message id: that is a
    duplicate, stored once. Without an id a message cannot be recognised again.
    """
    contact = contact_for_phone(phone=phone)
    message_id = (gateway_message_id or "").strip()[:64] or f"local-{uuid.uuid4().hex}"
    try:
        with transaction.atomic():
            inbound = InboundSms.objects.create(
                gateway=gateway,
                gateway_message_id=message_id,
                contact=contact,
                body=body or "",
            )
    except IntegrityError:
        return InboundSms.objects.get(gateway=gateway, gateway_message_id=message_id), False
    return inbound, True


def inbound_process(*, inbound_id: int) -> str:
    """Handle one stored message; never raises. Returns its status afterwards.

    The handling is one transaction: if it fails, nothing of it stays and the
    message is tried again later (``manage.py process_inbound_sms``). A
    question is asked with a ``client_id`` derived from the message, so even a
    second handling cannot ask it twice.
    """
    try:
        _handle(inbound_id)
    except Exception as exc:
        logger.exception("inbound SMS %s could not be handled", inbound_id)
        with transaction.atomic():
            inbound = InboundSms.objects.select_for_update().get(pk=inbound_id)
            inbound.attempts += 1
            inbound.last_error = f"{type(exc).__name__}: {exc}"[:200]
            if inbound.attempts >= MAX_ATTEMPTS:
                inbound.status = InboundSms.Status.FAILED
            inbound.save(update_fields=["attempts", "last_error", "status"])
    return InboundSms.objects.filter(pk=inbound_id).values_list("status", flat=True).first() or ""


def inbound_pending() -> list[int]:
    return list(
        InboundSms.objects.filter(status=InboundSms.Status.RECEIVED)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def _handle(inbound_id: int) -> None:
    inbound = (
        InboundSms.objects.select_for_update(skip_locked=True)
        .filter(pk=inbound_id, status=InboundSms.Status.RECEIVED)
        .first()
    )
    if inbound is None:
        return  # handled already, or being handled by another process right now
    contact = (
        SmsContact.objects.select_for_update().filter(pk=inbound.contact_id).first()
        if inbound.contact_id
        else None
    )
    if contact is not None:
        parsed = command_parse(inbound.body)
        if parsed.language != EN and parsed.command != QUESTION:
            # A keyword in Urdu or Roman Urdu says which language to answer in.
            contact.language = parsed.language
            contact.save(update_fields=["language"])
        _HANDLERS[parsed.command](inbound, contact, parsed)
    inbound.status = InboundSms.Status.HANDLED
    inbound.handled_at = timezone.now()
    inbound.attempts += 1
    inbound.save(update_fields=["status", "handled_at", "attempts"])


def _reply(contact: SmsContact, key: str, **values: object) -> None:
    sms_queue(
        contact=contact,
        kind=OutboundSms.Kind.REPLY,
        text=text_for(key, contact.language, **values),
    )


def _reply_error(contact: SmsContact, exc: TownhallError) -> None:
    if exc.code in _CLOSED_CODES:
        _reply(contact, "session_closed")
    elif exc.code == "rate_limited":
        _reply(contact, "too_fast")
    else:
        _reply(contact, "error", message=exc.message)


def _handle_help(inbound: InboundSms, contact: SmsContact, parsed: Parsed) -> None:
    _reply(contact, "help")


def _handle_join(inbound: InboundSms, contact: SmsContact, parsed: Parsed) -> None:
    try:
        live_session = selectors.live_session_get_by_code(parsed.argument)
    except NotFound:
        _reply(contact, "no_session", code=parsed.argument.upper())
        return
    link = (
        SmsParticipant.objects.filter(contact=contact, live_session=live_session)
        .select_related("participant")
        .first()
    )
    try:
        if link is None:
            name = "SMS-" + "".join(secrets.choice(_PSEUDONYM_ALPHABET) for _ in range(4))
            participant = services.participant_join(live_session=live_session, display_name=name)
            SmsParticipant.objects.create(
                participant=participant, live_session=live_session, contact=contact
            )
            _verify_by_sms(participant, contact)
        else:
            participant = link.participant
    except TownhallError as exc:
        _reply_error(contact, exc)
        return
    contact.current_participant = participant
    contact.stopped_at = None  # JOIN after STOP asks for messages again
    contact.save(update_fields=["current_participant", "stopped_at"])
    _reply(contact, "joined", title=live_session.title[:60], name=participant.display_name)


def _verify_by_sms(participant: Participant, contact: SmsContact) -> None:
    """Texting from a number proves holding it, as a code sent to it would."""
    try:
        with transaction.atomic():
            Verification.objects.create(
                participant=participant,
                live_session_id=participant.live_session_id,
                method=Verification.Method.SMS,
                phone_hash=contact.phone_hash,
            )
    except IntegrityError:
        # This number already verified a web participant of the session; that
        # one keeps the verified vote.
        pass


def _current(contact: SmsContact) -> Participant | None:
    if contact.current_participant_id is None:
        _reply(contact, "join_first")
        return None
    return Participant.objects.select_related("live_session").get(pk=contact.current_participant_id)


def _handle_question(inbound: InboundSms, contact: SmsContact, parsed: Parsed) -> None:
    participant = _current(contact)
    if participant is None:
        return
    try:
        question, _created = services.question_ask(
            actor=Actor(participant=participant),
            live_session_id=participant.live_session_id,
            text=parsed.argument,
            client_id=f"sms-{inbound.pk}",
            source="sms",
        )
    except TownhallError as exc:
        _reply_error(contact, exc)
        return
    SmsQuestion.objects.get_or_create(question=question, defaults={"contact": contact})
    # Published and rejected questions are told by their event's notification.
    if question.status == Question.Status.PENDING:
        _reply(contact, "received")


def _handle_vote(inbound: InboundSms, contact: SmsContact, parsed: Parsed) -> None:
    participant = _current(contact)
    if participant is None:
        return
    number = int(parsed.argument)
    mapped = QuestionNumber.objects.filter(
        live_session_id=participant.live_session_id, number=number
    ).first()
    if mapped is None:
        _reply(contact, "no_such_number", number=number)
        return
    try:
        changed = services.question_vote(
            actor=Actor(participant=participant),
            live_session_id=participant.live_session_id,
            question_id=mapped.question_id,
            value=1,
        )
    except TownhallError as exc:
        if exc.code in ("question_not_published", "question_not_found"):
            _reply(contact, "no_such_number", number=number)
        else:
            _reply_error(contact, exc)
        return
    _reply(contact, "voted" if changed else "already_voted", number=number)


def _handle_top(inbound: InboundSms, contact: SmsContact, parsed: Parsed) -> None:
    participant = _current(contact)
    if participant is None:
        return
    top = list(selectors.questions_published(live_session=participant.live_session)[:TOP_COUNT])
    if not top:
        _reply(contact, "top_empty")
        return
    lines = [text_for("top_header", contact.language)]
    for question in top:
        number = question_number_assign(question_id=question.pk)
        text = question.text if len(question.text) <= 50 else question.text[:47] + "..."
        lines.append(f"{number}. {text} ({question.vote_count})")
    sms_queue(contact=contact, kind=OutboundSms.Kind.REPLY, text="\n".join(lines))


def _handle_stop(inbound: InboundSms, contact: SmsContact, parsed: Parsed) -> None:
    contact.stopped_at = timezone.now()
    contact.save(update_fields=["stopped_at"])
    sms_queue(
        contact=contact,
        kind=OutboundSms.Kind.STOP_CONFIRMATION,
        text=text_for("stopped", contact.language),
    )


def _handle_delete(inbound: InboundSms, contact: SmsContact, parsed: Parsed) -> None:
    from reach.services.privacy import contact_erase_request

    contact_erase_request(contact=contact)


_HANDLERS = {
    HELP: _handle_help,
    JOIN: _handle_join,
    QUESTION: _handle_question,
    VOTE: _handle_vote,
    TOP: _handle_top,
    STOP: _handle_stop,
    DELETE: _handle_delete,
}


def process_inline_enabled() -> bool:
    return conf.process_inline()
