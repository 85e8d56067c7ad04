from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from reach import selectors
from reach.models import OutboundSms, PhoneChallenge, Verification
from reach.services import (
    cnic_normalize,
    identity_verify,
    phone_challenge_confirm,
    phone_challenge_start,
)
from sessions.errors import Conflict, InvalidInput
from sessions.models import Participant
from tests.factories import browser_session, make_live_session, make_participant
from tests.reach.conftest import outbox

pytestmark = pytest.mark.django_db(transaction=True)
CNIC = "34201-0891231-8"


def _code_sent(path: Path) -> str:
    match = re.search(r"\b(\d{6})\b", outbox(path)[-1]["text"])
    assert match
    return match.group(1)


def _verified_participant(phone: str, path: Path, live: Any = None) -> Participant:
    participant = make_participant(live or make_live_session())
    phone_challenge_start(participant=participant, phone=phone)
    phone_challenge_confirm(participant=participant, code=_code_sent(path))
    return participant


def test_a_phone_code_verifies_the_participant_and_is_stored_only_as_a_hash(
    reach_config: Path,
) -> None:
    participant = make_participant(make_live_session())
    phone_challenge_start(participant=participant, phone="03001234567")
    code = _code_sent(reach_config)
    challenge = PhoneChallenge.objects.get()
    assert code not in challenge.code_hash
    assert code not in OutboundSms.objects.get().body
    phone_challenge_confirm(participant=participant, code=code)
    assert selectors.participant_is_verified(participant_id=participant.pk)


def test_a_code_expires_after_ten_minutes(reach_config: Path) -> None:
    participant = make_participant(make_live_session())
    phone_challenge_start(participant=participant, phone="03001234567")
    PhoneChallenge.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(Conflict) as error:
        phone_challenge_confirm(participant=participant, code=_code_sent(reach_config))
    assert error.value.code == "code_expired"


def test_after_five_wrong_codes_even_the_right_one_is_refused(reach_config: Path) -> None:
    participant = make_participant(make_live_session())
    phone_challenge_start(participant=participant, phone="03001234567")
    code = _code_sent(reach_config)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(InvalidInput):
            phone_challenge_confirm(participant=participant, code=wrong)
    assert PhoneChallenge.objects.get().attempts == 5
    with pytest.raises(Conflict) as error:
        phone_challenge_confirm(participant=participant, code=code)
    assert error.value.code == "too_many_attempts"
    assert not Verification.objects.exists()


def test_one_phone_verifies_one_participant_per_session(reach_config: Path) -> None:
    live = make_live_session()
    _verified_participant("03001234567", reach_config, live)
    with pytest.raises(Conflict) as error:
        phone_challenge_start(participant=make_participant(live), phone="+92 300 1234567")
    assert error.value.code == "phone_already_used"
    # In another session the same phone is welcome.
    _verified_participant("03001234567", reach_config)


@pytest.mark.parametrize("valid", ["34201-0891231-8", "4220103976408", " 42201-0397640-8 "])
def test_a_valid_cnic_is_normalised_to_13_digits(valid: str) -> None:
    assert re.fullmatch(r"\d{13}", cnic_normalize(valid))


@pytest.mark.parametrize(
    "invalid",
    ["34201-0891231-0", "94201-0891231-8", "3420108912", "34201-O891231-8", ""],
)
def test_a_cnic_with_a_wrong_last_digit_province_or_length_is_refused(invalid: str) -> None:
    with pytest.raises(InvalidInput) as error:
        cnic_normalize(invalid)
    assert error.value.code == "invalid_cnic"


def test_one_cnic_verifies_one_participant_per_session_and_is_never_stored(
    reach_config: Path,
) -> None:
    live = make_live_session()
    first = _verified_participant("03001234567", reach_config, live)
    verification = identity_verify(participant=first, cnic=CNIC)
    assert verification.identity_hash and "3420108912318" not in verification.identity_hash
    second = _verified_participant("03007654321", reach_config, live)
    with pytest.raises(Conflict) as error:
        identity_verify(participant=second, cnic="3420108912318")
    assert error.value.code == "identity_already_used"


def test_a_cnic_needs_a_verified_phone_first() -> None:
    with pytest.raises(Conflict) as error:
        identity_verify(participant=make_participant(make_live_session()), cnic=CNIC)
    assert error.value.code == "verify_phone_first"


def test_a_participant_verifies_on_the_web_page(client: Client, reach_config: Path) -> None:
    live = make_live_session(code="verifyweb")
    participant = make_participant(live)
    client.cookies["sessionid"] = browser_session(participants=[participant])
    page = client.get("/s/verifyweb/verify/")
    assert page.status_code == 200 and "Send me a code" in page.content.decode()
    client.post("/s/verifyweb/verify/", {"step": "phone", "phone": "03001234567"})
    wrong = client.post("/s/verifyweb/verify/", {"step": "code", "code": "12345x"})
    assert wrong.status_code == 400
    code = _code_sent(reach_config)
    client.post("/s/verifyweb/verify/", {"step": "code", "code": code})
    client.post("/s/verifyweb/verify/", {"step": "cnic", "cnic": CNIC})
    verification = Verification.objects.get(participant=participant)
    assert verification.identity_hash is not None
    assert "CNIC is verified" in client.get("/s/verifyweb/verify/").content.decode()


def test_the_verify_page_is_not_there_when_verification_is_off(
    client: Client, settings: Any
) -> None:
    settings.TOWNHALL_VERIFICATION_ENABLED = False
    make_live_session(code="off")
    assert client.get("/s/off/verify/").status_code == 404


def test_a_session_that_requires_verification_counts_only_verified_votes(
    reach_config: Path,
) -> None:
    from sessions import services
    from sessions.actors import Actor
    from sessions.errors import Forbidden
    from tests import factories

    live = make_live_session(requires_verified_voting=True)
    question = factories.publish(
        factories.ask(make_participant(live, name="Asker"), "Water?"),
        factories.moderator_actor(live),
    )
    unverified = make_participant(live, name="Anon")
    with pytest.raises(Forbidden) as refused:
        services.question_vote(
            actor=Actor(participant=unverified),
            live_session_id=live.pk,
            question_id=question.pk,
            value=1,
        )
    assert refused.value.code == "verification_required"
    verified = _verified_participant("03001234567", reach_config, live)
    assert services.question_vote(
        actor=Actor(participant=verified), live_session_id=live.pk, question_id=question.pk, value=1
    )


def test_a_session_can_require_verified_jury_volunteers_and_poll_voters(
    reach_config: Path,
) -> None:
    from juries import services as jury_services
    from sessions.actors import Actor
    from sessions.errors import Forbidden
    from tests import factories
    from tests.juries.conftest import POOL, configure

    live = make_live_session(
        languages=["en"], requires_verified_voting=True, requires_verified_volunteering=True
    )
    organizer = Actor(user=factories.make_user(staff=True), roles=frozenset({"organizer"}))
    configure(live, organizer)
    unverified = Actor(participant=make_participant(live, name="Anon"))
    with pytest.raises(Forbidden) as refused:
        jury_services.jury_volunteer(actor=unverified, live_session_id=live.pk, attributes=POOL[0])
    assert refused.value.code == "verification_required"
    verified = Actor(participant=_verified_participant("03001234567", reach_config, live))
    assert jury_services.jury_volunteer(actor=verified, live_session_id=live.pk, attributes=POOL[0])

    poll = jury_services.poll_open(
        actor=factories.moderator_actor(live),
        live_session_id=live.pk,
        question="Which road first?",
        options=["Canal road", "GT road"],
    )
    option = poll.options.first()
    with pytest.raises(Forbidden):
        jury_services.poll_vote(
            actor=unverified, live_session_id=live.pk, poll_id=poll.pk, option_ids=[option.pk]
        )
    assert jury_services.poll_vote(
        actor=verified, live_session_id=live.pk, poll_id=poll.pk, option_ids=[option.pk]
    )
