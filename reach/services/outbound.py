"""Queueing and sending SMS, and telling SMS citizens what happened to their questions."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from moderation.reasons import reason_label
from reach import conf
from reach.backends import SendError, backend_get
from reach.models import OutboundSms, QuestionNumber, SmsContact, SmsParticipant
from reach.segments import sms_split
from reach.texts import text_for
from sessions import events
from sessions.errors import RateLimited
from sessions.models import LiveSession, Question, SessionEvent
from sessions.ratelimit import rate_limit_hit

logger = logging.getLogger(__name__)

# Sent even to a number that replied STOP: the confirmation that it worked.
_ALWAYS_SENT = {OutboundSms.Kind.STOP_CONFIRMATION}
_FINAL = {OutboundSms.Status.SENT, OutboundSms.Status.FAILED, OutboundSms.Status.SUPPRESSED}
# A claim older than this is taken to be a crashed sender's; the row is sent again.
STALE_SENDING = datetime.timedelta(minutes=10)


def sms_queue(
    *,
    contact: SmsContact,
    kind: str,
    text: str,
    dedupe_key: str | None = None,
    stored_text: str | None = None,
) -> OutboundSms:
    """Queue one message and send it after commit.

    ``stored_text`` replaces what is kept in the database (a one-time code is
    sent but never stored); such a message is not retried.
    """
    split = sms_split(text)
    outbound = OutboundSms(
        contact=contact,
        kind=kind,
        body=stored_text if stored_text is not None else text,
        parts=len(split.parts),
        encoding=split.encoding,
        dedupe_key=dedupe_key,
    )
    try:
        with transaction.atomic():
            outbound.save()
    except IntegrityError:
        return OutboundSms.objects.get(dedupe_key=dedupe_key)
    real_text = text if stored_text is not None else None

    def deliver_after_commit() -> None:
        if conf.send_inline():
            outbound_deliver(outbound_id=outbound.pk, text=real_text)

    # Robust: a gateway problem must never fail the action that queued the SMS.
    transaction.on_commit(deliver_after_commit, robust=True)
    return outbound


def _claim(outbound_id: int) -> OutboundSms | None:
    """Mark a due message as being sent, or settle it without sending."""
    now = timezone.now()
    with transaction.atomic():
        outbound = (
            OutboundSms.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("contact")
            .filter(pk=outbound_id, status=OutboundSms.Status.QUEUED)
            .first()
        )
        if outbound is None:
            return None
        contact = outbound.contact
        if contact is None or not contact.phone:
            outbound.status, outbound.last_error = OutboundSms.Status.FAILED, "number erased"
            outbound.save(update_fields=["status", "last_error"])
            return None
        if contact.stopped_at is not None and outbound.kind not in _ALWAYS_SENT:
            outbound.status = OutboundSms.Status.SUPPRESSED
            outbound.save(update_fields=["status"])
            _after_final(outbound)
            return None
        if outbound.kind not in _ALWAYS_SENT:
            try:
                rate_limit_hit(
                    scope="sms-out",
                    key=str(contact.pk),
                    limit=conf.sms_rate(),
                    message="throttled",
                )
            except RateLimited:
                _, window = conf.sms_rate()
                outbound.next_attempt_at = now + datetime.timedelta(seconds=window)
                outbound.save(update_fields=["next_attempt_at"])
                return None
        outbound.status = OutboundSms.Status.SENDING
        outbound.attempts += 1
        outbound.next_attempt_at = now
        outbound.save(update_fields=["status", "attempts", "next_attempt_at"])
        return outbound


def outbound_deliver(*, outbound_id: int, text: str | None = None) -> OutboundSms | None:
    """Send one queued message now; returns it with its new status.

    Claimed and committed first, then sent outside any transaction, so a slow
    gateway holds no lock. ``text`` is the real text when it was not stored.
    """
    outbound = _claim(outbound_id)
    if outbound is None:
        return OutboundSms.objects.filter(pk=outbound_id).first()
    assert outbound.contact is not None
    if text is None and outbound.kind == OutboundSms.Kind.OTP:
        # The code was never stored, so it cannot be sent again: ask for a new one.
        return _settle(outbound, error="code not kept; not retried", final=True)
    body = text if text is not None else outbound.body
    split = sms_split(body)
    try:
        message_id = backend_get().send(
            to=outbound.contact.phone, text=body, parts=split.parts, encoding=split.encoding
        )
    except SendError as exc:
        return _settle(outbound, error=str(exc)[:200])
    return _settle(outbound, message_id=message_id)


def _settle(
    outbound: OutboundSms, *, message_id: str = "", error: str = "", final: bool = False
) -> OutboundSms:
    now = timezone.now()
    with transaction.atomic():
        if error:
            outbound.last_error = error
            if final or outbound.attempts >= conf.sms_max_attempts():
                outbound.status = OutboundSms.Status.FAILED
            else:
                outbound.status = OutboundSms.Status.QUEUED
                backoff = 30 * 2 ** (outbound.attempts - 1)
                outbound.next_attempt_at = now + datetime.timedelta(seconds=backoff)
            logger.warning("SMS %s not sent: %s", outbound.pk, error)
        else:
            outbound.status = OutboundSms.Status.SENT
            outbound.sent_at = now
            outbound.gateway_message_id = message_id[:64]
            outbound.last_error = ""
        outbound.save()
        _after_final(outbound)
    return outbound


def _after_final(outbound: OutboundSms) -> None:
    # DELETE by SMS: the number is kept only until its confirmation has gone out.
    if outbound.kind == OutboundSms.Kind.ERASURE and outbound.status in _FINAL:
        from reach.services.contacts import contact_erase

        if outbound.contact_id is not None:
            contact_erase(contact_id=outbound.contact_id)


def outbound_due() -> list[int]:
    now = timezone.now()
    OutboundSms.objects.filter(
        status=OutboundSms.Status.SENDING, next_attempt_at__lt=now - STALE_SENDING
    ).update(status=OutboundSms.Status.QUEUED)
    return list(
        OutboundSms.objects.filter(status=OutboundSms.Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def question_number_assign(*, question_id: int) -> int:
    """The question's short number in its session, given on first need."""
    existing = QuestionNumber.objects.filter(question_id=question_id).first()
    if existing is not None:
        return existing.number
    question = Question.objects.get(pk=question_id)
    # The session row lock serialises numbering, as it does ``seq``.
    LiveSession.objects.select_for_update().get(pk=question.live_session_id)
    existing = QuestionNumber.objects.filter(question_id=question_id).first()
    if existing is not None:
        return existing.number
    highest = QuestionNumber.objects.filter(live_session_id=question.live_session_id).aggregate(
        n=Max("number")
    )["n"]
    number = (highest or 0) + 1
    QuestionNumber.objects.create(
        live_session_id=question.live_session_id, question_id=question_id, number=number
    )
    return number


WATCHED_EVENTS = {
    events.QUESTION_PUBLISHED,
    events.QUESTION_UPDATED,
    events.STAGE_CHANGED,
    events.ANSWER_POSTED,
}
_UPDATE_TEXTS = {
    Question.Status.REJECTED: "not_published",
    Question.Status.NEEDS_EDIT: "needs_edit",
    Question.Status.HIDDEN: "hidden",
}
ANSWER_SNIPPET = 300


def _sms_author(question_id: int) -> tuple[Question, SmsContact] | None:
    question = Question.objects.filter(pk=question_id).select_related("live_session").first()
    if question is None:
        return None
    link = (
        SmsParticipant.objects.filter(participant_id=question.author_id)
        .select_related("contact")
        .first()
    )
    if link is None:
        return None
    return question, link.contact


@transaction.atomic
def notify_for_event(*, event_id: int) -> OutboundSms | None:
    """Turn one session event into an SMS to the question's author, if by SMS."""
    event = SessionEvent.objects.filter(pk=event_id).first()
    if event is None or event.type not in WATCHED_EVENTS:
        return None
    data: dict[str, Any] = event.data
    payload = data.get("question") or {}
    if event.type == events.ANSWER_POSTED:
        question_id = data.get("question_id")
    else:
        question_id = payload.get("id") if isinstance(payload, dict) else None
    if not isinstance(question_id, int):
        return None
    if event.type == events.QUESTION_PUBLISHED:
        # Every published question gets its number, whoever asked it, so SMS
        # voters can support web questions too.
        number = question_number_assign(question_id=question_id)
    found = _sms_author(question_id)
    if found is None:
        return None
    question, contact = found
    language = contact.language
    if event.type == events.QUESTION_PUBLISHED:
        text = text_for("published", language, number=number)
        key = f"ev:{event.pk}"
    elif event.type == events.QUESTION_UPDATED:
        status = payload.get("status")
        if status not in _UPDATE_TEXTS:
            return None
        reason = (payload.get("reason") or {}).get("code") or question.reason_code
        text = text_for(_UPDATE_TEXTS[status], language, reason=reason_label(reason))
        # An appeal re-sends the same status; the citizen hears it once.
        key = f"q:{question_id}:{status}:{reason}"
    elif event.type == events.STAGE_CHANGED:
        text = text_for("on_stage", language, text=_shorten(question.text, 60))
        key = f"stage:{question_id}"
    else:
        answer = data.get("answer") or {}
        text = _answer_text(question, answer, language)
        key = f"answer:{answer.get('id')}"
    return sms_queue(contact=contact, kind=OutboundSms.Kind.NOTIFICATION, text=text, dedupe_key=key)


def _answer_text(question: Question, answer: dict[str, Any], language: str) -> str:
    official = answer.get("official") or "An official"
    base = conf.public_url()
    link = f"{base}/s/{question.live_session.code}/archive/#q{question.pk}" if base else ""
    body = answer.get("text") or ""
    if not body:
        return text_for("answered_live", language, official=official, link=f" {link}" * bool(link))
    if len(body) > ANSWER_SNIPPET and link:
        body = _shorten(body, ANSWER_SNIPPET) + " " + link
    return text_for("answered", language, official=official, answer=body)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."
