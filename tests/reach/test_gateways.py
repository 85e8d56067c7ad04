from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from reach.gateways import twilio_signature
from reach.models import InboundSms, SmsContact
from tests.reach.conftest import RAPIDPRO_SECRET, outbox
from tests.reach.helpers import TWILIO_URL, rapidpro_post, twilio_post

pytestmark = pytest.mark.django_db(transaction=True)


def test_twilio_signature_matches_twilios_documented_example() -> None:
    # The worked example of Twilio's webhook security docs (auth token 12345).
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675310",
        "Digits": "1234",
        "From": "+14158675310",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature(url, params, "12345") == "GvWf1cFY/Q7PnoempGyD5oXAezc="


def test_a_signed_twilio_post_is_stored_handled_and_answered_with_empty_twiml(
    client: Client, reach_config: Path
) -> None:
    response = twilio_post(client, "03001234567", "HELP")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    inbound = InboundSms.objects.get()
    assert (inbound.gateway, inbound.status, inbound.body) == ("twilio", "handled", "HELP")
    assert inbound.contact is not None and inbound.contact.phone == "+923001234567"
    [sent] = outbox(reach_config)
    assert sent["to"] == "+923001234567" and "JOIN" in sent["text"]


def test_a_twilio_post_with_a_wrong_signature_is_refused_and_not_stored(client: Client) -> None:
    response = twilio_post(client, "03001234567", "HELP", token="not-the-token")
    assert response.status_code == 403
    assert not InboundSms.objects.exists()


def test_a_gateway_that_is_not_configured_answers_404(client: Client, settings: Any) -> None:
    settings.TOWNHALL_SMS_TWILIO_AUTH_TOKEN = ""
    settings.TOWNHALL_SMS_RAPIDPRO_SECRET = ""
    assert twilio_post(client, "03001234567", "HELP").status_code == 404
    assert rapidpro_post(client, "03001234567", "HELP").status_code == 404


def test_a_twilio_retry_with_the_same_message_sid_is_a_duplicate(
    client: Client, reach_config: Path
) -> None:
    twilio_post(client, "03001234567", "HELP", sid="SM-same")
    twilio_post(client, "03001234567", "HELP", sid="SM-same")
    assert InboundSms.objects.count() == 1
    assert len(outbox(reach_config)) == 1


def test_twilio_signs_the_public_url_so_it_is_checked_against_it(client: Client) -> None:
    params = {"From": "+923001234567", "Body": "HELP", "MessageSid": "SM1"}
    signed_for_other_url = twilio_signature("https://evil.example/sms/twilio/", params, "x")
    response = client.post("/sms/twilio/", params, HTTP_X_TWILIO_SIGNATURE=signed_for_other_url)
    assert response.status_code == 403
    assert twilio_signature(TWILIO_URL, params, "x") != signed_for_other_url


def test_a_rapidpro_form_post_with_the_shared_secret_is_stored_once_per_message_id(
    client: Client,
) -> None:
    first = rapidpro_post(client, "+92 300 1234567", "HELP", message_id="42")
    again = rapidpro_post(client, "+92 300 1234567", "HELP", message_id="42")
    assert first.json()["duplicate"] is False
    assert again.json() == {**first.json(), "duplicate": True}
    assert InboundSms.objects.get().gateway_message_id == "42"


def test_a_rapidpro_post_without_the_secret_is_refused(client: Client) -> None:
    response = client.post("/sms/rapidpro/", {"from": "+923001234567", "text": "HELP"})
    assert response.status_code == 403
    wrong = client.post(
        "/sms/rapidpro/", {"from": "+923001234567", "text": "HELP"}, HTTP_X_TOWNHALL_SECRET="no"
    )
    assert wrong.status_code == 403
    assert not InboundSms.objects.exists()


def test_a_rapidpro_flow_webhook_json_body_is_understood(client: Client) -> None:
    body = {
        "contact": {"uuid": "c-1", "name": "", "urn": "tel:+923001234567"},
        "flow": {"uuid": "f-1", "name": "Townhall"},
        "input": {"uuid": "msg-7", "text": "madad"},
        "results": {},
    }
    response = client.post(
        "/sms/rapidpro/",
        json.dumps(body),
        content_type="application/json",
        HTTP_X_TOWNHALL_SECRET=RAPIDPRO_SECRET,
    )
    assert response.status_code == 200
    inbound = InboundSms.objects.get()
    assert (inbound.body, inbound.gateway_message_id) == ("madad", "msg-7")
    assert SmsContact.objects.get().language == "roman"


def test_a_message_without_a_sender_is_a_bad_request(client: Client) -> None:
    response = client.post(
        "/sms/rapidpro/", {"text": "HELP"}, HTTP_X_TOWNHALL_SECRET=RAPIDPRO_SECRET
    )
    assert response.status_code == 400
