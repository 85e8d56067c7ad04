from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.utils import timezone

from moderation.models import ModerationDecision
from reach.models import (
    InboundSms,
    OutboundSms,
    PhoneChallenge,
    SmsContact,
    SmsQuestion,
    Verification,
)
from reach.services import identity_verify, phone_challenge_confirm, phone_challenge_start
from sessions import services
from sessions.models import Answer, LiveSession, Participant, Question
from tests.factories import (
    ask,
    browser_session,
    make_live_session,
    make_participant,
    moderator_actor,
    official_actor,
)
from tests.reach.conftest import outbox
from tests.reach.helpers import rapidpro_post, twilio_post

pytestmark = pytest.mark.django_db(transaction=True)

SMS_PHONE, WEB_PHONE = "+923001234567", "+923337654321"
CNIC = "42201-0397640-8"


def _full_run(client: Client, outbox_path: Path) -> LiveSession:
    live = make_live_session(code="scan")
    moderator = moderator_actor(live)
    twilio_post(client, "0300 1234567", "JOIN scan")
    rapidpro_post(client, SMS_PHONE, "Why is there no water in block C?", message_id="m1")
    question = Question.objects.get()
    services.question_moderate(
        actor=moderator, live_session_id=live.pk, question_id=question.pk, decision="approve"
    )
    services.answer_post(
        actor=official_actor(live), live_session_id=live.pk, question_id=question.pk, text="Soon."
    )
    rapidpro_post(client, SMS_PHONE, "TOP", message_id="m2")
    web = make_participant(live, name="Bilal")
    phone_challenge_start(participant=web, phone="0333-7654321")
    code = json.loads(outbox_path.read_text().splitlines()[-1])["text"].split()[4].rstrip(".")
    phone_challenge_confirm(participant=web, code=code)
    identity_verify(participant=web, cnic=CNIC)
    return live


def _text_columns() -> list[tuple[str, str]]:
    columns = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                columns.append((model._meta.db_table, field.column))
    return columns


def _where_found(needles: list[str]) -> set[tuple[str, str]]:
    found = set()
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            for needle in needles:
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1',  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone():
                    found.add((table, column))
    return found


def test_no_phone_number_or_cnic_is_stored_anywhere_but_the_contacts_phone_column(
    client: Client, reach_config: Path
) -> None:
    _full_run(client, reach_config)
    phone_forms = ["3001234567", "300-1234567", "300 1234567", "3337654321", "333-7654321"]
    cnic_forms = ["4220103976408", "42201-0397640-8"]
    assert _where_found(phone_forms) == {("reach_smscontact", "phone")}
    assert _where_found(cnic_forms) == set()


def test_the_purge_deletes_personal_data_and_keeps_anonymised_questions_and_the_audit(
    client: Client, reach_config: Path
) -> None:
    live = _full_run(client, reach_config)
    decisions = ModerationDecision.objects.count()
    long_ago = timezone.now() - datetime.timedelta(days=31)
    LiveSession.objects.filter(pk=live.pk).update(status="ended", ended_at=long_ago)
    for model, field in [
        (InboundSms, "received_at"),
        (OutboundSms, "created_at"),
        (PhoneChallenge, "created_at"),
        (Verification, "created_at"),
        (SmsContact, "last_seen_at"),
    ]:
        model.objects.update(**{field: long_ago})

    call_command("purge_personal_data", "--days", "30")

    for model in (InboundSms, OutboundSms, PhoneChallenge, Verification, SmsContact):
        assert not model.objects.exists(), model
    assert _where_found(["3001234567", "3337654321"]) == set()
    question = Question.objects.get()
    assert question.text == "Why is there no water in block C?"
    assert SmsQuestion.objects.get(question=question).contact is None
    assert Answer.objects.filter(question=question).exists()
    assert ModerationDecision.objects.count() == decisions
    assert set(Participant.objects.values_list("display_name", flat=True)) == {"Former participant"}


def test_the_purge_keeps_what_is_younger_than_the_retention(
    client: Client, reach_config: Path
) -> None:
    _full_run(client, reach_config)
    call_command("purge_personal_data", "--days", "30")
    assert SmsContact.objects.count() == 2
    assert Verification.objects.count() == 2


def test_a_citizen_downloads_their_data_as_json(client: Client, reach_config: Path) -> None:
    live = make_live_session(code="mine")
    participant = make_participant(live, name="Ayesha", district="Vehari")
    ask(participant, "Where is the new dispensary?")
    client.cookies["sessionid"] = browser_session(participants=[participant])
    response = client.get("/me/data")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    [mine] = data["participants"]
    assert (mine["display_name"], mine["district"]) == ("Ayesha", "Vehari")
    assert mine["questions"][0]["text"] == "Where is the new dispensary?"
    assert mine["session"]["code"] == "mine"


def test_a_citizen_deletes_their_data_from_the_web(client: Client, reach_config: Path) -> None:
    live = make_live_session(code="bye")
    participant = make_participant(live, name="Ayesha", district="Vehari")
    phone_challenge_start(participant=participant, phone="03001234567")
    client.cookies["sessionid"] = browser_session(participants=[participant])
    assert "Ayesha" in client.get("/me/delete").content.decode()

    response = client.post("/me/delete")

    assert response.status_code == 200
    participant.refresh_from_db()
    assert (participant.display_name, participant.district) == ("Former participant", "")
    assert not PhoneChallenge.objects.exists()
    assert json.loads(client.get("/me/data").content)["participants"] == []


def test_delete_by_sms_erases_the_number_after_confirming(
    client: Client, reach_config: Path
) -> None:
    make_live_session(code="erase")
    twilio_post(client, SMS_PHONE, "JOIN erase")
    twilio_post(client, SMS_PHONE, "Is the road to the school funded?")
    twilio_post(client, SMS_PHONE, "DELETE")

    assert outbox(reach_config)[-1]["text"].startswith("Your phone number and messages are deleted")
    assert not SmsContact.objects.exists()
    assert set(InboundSms.objects.values_list("body", flat=True)) == {""}
    assert set(OutboundSms.objects.values_list("body", flat=True)) == {""}
    assert Question.objects.get().author.display_name == "Former participant"
    assert _where_found(["3001234567"]) == set()


def test_privacy_notice_and_terms_are_in_english_and_right_to_left_urdu(client: Client) -> None:
    for path in ("/privacy/", "/terms/"):
        assert client.get(path).status_code == 200
        urdu = client.get(path + "ur/").content.decode()
        assert 'dir="rtl"' in urdu and 'lang="ur"' in urdu
    assert client.get("/privacy/fr/").status_code == 404


def test_the_system_check_needs_the_identity_key_when_sms_is_on(settings: Any) -> None:
    from reach.checks import check_reach_configuration

    settings.TOWNHALL_IDENTITY_HMAC_KEY = ""
    assert [p.id for p in check_reach_configuration(None)] == ["reach.E001"]
