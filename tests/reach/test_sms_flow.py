"""A citizen takes part by SMS from join to answer, through the real services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from reach.models import InboundSms, OutboundSms, QuestionNumber, SmsContact, SmsQuestion
from reach.services import outbound_deliver
from sessions import services
from sessions.models import Question, SessionEvent
from tests.factories import (
    ask,
    make_live_session,
    make_participant,
    moderator_actor,
    official_actor,
    publish,
)
from tests.reach.conftest import Gateway, outbox
from tests.reach.helpers import rapidpro_post, twilio_post

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+923001234567"


def test_a_citizen_joins_asks_is_published_votes_and_is_answered_by_sms(
    client: Client, reach_config: Path
) -> None:
    live = make_live_session(code="canal", title="Canal water")
    moderator = moderator_actor(live)

    twilio_post(client, "0300-1234567", "join CANAL")
    twilio_post(client, "0300-1234567", "When will the canal be desilted?")

    question = Question.objects.get()
    assert question.status == Question.Status.PENDING
    assert SmsQuestion.objects.filter(question=question).exists()
    assert question.author.display_name.startswith("SMS-")
    assert "1234567" not in question.author.display_name

    services.question_moderate(
        actor=moderator, live_session_id=live.pk, question_id=question.pk, decision="approve"
    )
    services.stage_show(actor=moderator, live_session_id=live.pk, question_id=question.pk)
    services.answer_post(
        actor=official_actor(live),
        live_session_id=live.pk,
        question_id=question.pk,
        text="Desilting starts on 15 January.",
    )

    texts = [m["text"] for m in outbox(reach_config) if m["to"] == PHONE]
    assert texts[0].startswith('You joined "Canal water"')
    assert texts[1].startswith("Thank you. Your question is with the moderators")
    assert texts[2] == "Your question is published as number 1. Others can support it: VOTE 1"
    assert texts[3].startswith("Your question is on stage now")
    assert texts[4].endswith("answered your question: Desilting starts on 15 January.")
    assert OutboundSms.objects.filter(status=OutboundSms.Status.SENT).count() == 5

    # The published question and its events carry no trace of the number.
    for event in SessionEvent.objects.filter(live_session=live):
        assert "1234567" not in str(event.data)


def test_votes_by_sms_use_the_short_numbers_that_top_lists(
    client: Client, reach_config: Path
) -> None:
    live = make_live_session(code="roads")
    moderator = moderator_actor(live)
    web_question = publish(ask(make_participant(live), "Which roads first?"), moderator)

    rapidpro_post(client, PHONE, "shamil roads", message_id="1")
    rapidpro_post(client, PHONE, "TOP", message_id="2")
    rapidpro_post(client, PHONE, "ووٹ ۱", message_id="3")
    rapidpro_post(client, PHONE, "vote 1", message_id="4")
    rapidpro_post(client, PHONE, "vote 9", message_id="5")

    assert QuestionNumber.objects.get(question=web_question).number == 1
    web_question.refresh_from_db()
    assert web_question.vote_count == 1
    texts = [m["text"] for m in outbox(reach_config)]
    assert "1. Which roads first? (0)" in texts[1]
    assert texts[2] == "سوال 1 کے لیے آپ کا ووٹ گن لیا گیا۔"
    assert texts[3] == "آپ سوال 1 کے لیے پہلے ہی ووٹ دے چکے ہیں۔"
    assert "9" in texts[4]


def test_a_rejected_sms_question_is_told_the_reason(client: Client, reach_config: Path) -> None:
    live = make_live_session(code="health")
    twilio_post(client, PHONE, "JOIN health")
    twilio_post(client, PHONE, "Buy cheap phones here")
    services.question_moderate(
        actor=moderator_actor(live),
        live_session_id=live.pk,
        question_id=Question.objects.get().pk,
        decision="reject",
        reason_code="spam",
    )
    assert outbox(reach_config)[-1]["text"] == (
        "Your question was not published. Reason: Spam or advertising"
    )


def test_after_stop_only_the_confirmation_is_sent(client: Client, reach_config: Path) -> None:
    live = make_live_session(code="stopme")
    twilio_post(client, PHONE, "JOIN stopme")
    twilio_post(client, PHONE, "Is the BHU open on Sundays?")
    twilio_post(client, PHONE, "band")
    publish(Question.objects.get(), moderator_actor(live))

    texts = [m["text"] for m in outbox(reach_config)]
    assert texts[-1] == "Ab Townhall se koi paigham nahi aayega. Dobara: SHAMIL <code>"
    suppressed = OutboundSms.objects.get(kind=OutboundSms.Kind.NOTIFICATION)
    assert suppressed.status == OutboundSms.Status.SUPPRESSED


def test_a_message_stored_but_not_handled_is_handled_by_the_command(
    client: Client, settings: Any, reach_config: Path
) -> None:
    settings.TOWNHALL_SMS_PROCESS_INLINE = False
    make_live_session(code="later")
    twilio_post(client, PHONE, "JOIN later")
    assert InboundSms.objects.get().status == InboundSms.Status.RECEIVED
    assert outbox(reach_config) == []

    call_command("process_inbound_sms")
    call_command("process_inbound_sms")  # a second run finds nothing to do

    assert InboundSms.objects.get().status == InboundSms.Status.HANDLED
    assert len(outbox(reach_config)) == 1


def test_handling_a_question_twice_asks_it_once(client: Client, settings: Any) -> None:
    settings.TOWNHALL_SMS_PROCESS_INLINE = False
    make_live_session(code="twice")
    twilio_post(client, PHONE, "JOIN twice")
    twilio_post(client, PHONE, "Where is the new school?")
    call_command("process_inbound_sms")
    InboundSms.objects.update(status=InboundSms.Status.RECEIVED)  # as after a crash
    call_command("process_inbound_sms")
    assert Question.objects.count() == 1


def test_the_http_gateway_receives_urdu_replies_split_and_authenticated(
    client: Client, gateway: Gateway
) -> None:
    make_live_session(code="urdu", title="پانی")
    twilio_post(client, PHONE, "شامل urdu")
    [message] = gateway.received
    assert message["to"] == PHONE
    assert message["encoding"] == "ucs2"
    assert len(message["parts"]) == 2 and all(len(p) <= 67 for p in message["parts"])
    assert "".join(message["parts"]) == message["text"]
    assert gateway.headers[0]["Authorization"] == "Bearer gateway-token"
    assert OutboundSms.objects.get().gateway_message_id == "gw-1"


def test_a_failed_send_is_kept_and_sent_again_by_the_command(
    client: Client, gateway: Gateway
) -> None:
    gateway.fail_next = 1
    twilio_post(client, PHONE, "HELP")
    outbound = OutboundSms.objects.get()
    assert (outbound.status, outbound.attempts) == (OutboundSms.Status.QUEUED, 1)
    assert outbound.last_error == "gateway answered 503"

    OutboundSms.objects.update(next_attempt_at=None)  # the backoff has passed
    call_command("send_outbound_sms")

    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == (OutboundSms.Status.SENT, 2)
    assert len(gateway.received) == 1


def test_sends_to_one_number_are_throttled_and_sent_later(
    client: Client, settings: Any, reach_config: Path
) -> None:
    settings.TOWNHALL_SMS_RATE = (2, 60)
    for _ in range(3):
        twilio_post(client, PHONE, "HELP")
    assert len(outbox(reach_config)) == 2
    waiting = OutboundSms.objects.get(status=OutboundSms.Status.QUEUED)
    assert waiting.next_attempt_at is not None
    assert outbound_deliver(outbound_id=waiting.pk).status == OutboundSms.Status.QUEUED  # type: ignore[union-attr]
    assert SmsContact.objects.count() == 1
