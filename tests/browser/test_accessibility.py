"""axe-core on every page, in English and Urdu, phone and desktop: no serious or critical
violations. Screenshots of each land in test-artifacts/ (gitignored)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from sessions import services
from sessions.actors import Actor
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.helpers import Hall, off_loop, town_hall

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in violations
    )


@off_loop
def populated_hall() -> tuple[Hall, str]:
    """A live session with a held, a published (answered, with a commitment), a rejected
    and appealed, and an own rejected question; returns it and the citizen's session key."""
    hall = town_hall(title="پانی اور سڑکیں · Water and roads")
    moderator = Actor(user=hall.moderator, roles=frozenset({"moderator"}))
    official = Actor(user=hall.official, roles=frozenset({"official"}))
    citizen = factories.make_participant(hall.session, name="عائشہ", district="وہاڑی")
    other = factories.make_participant(hall.session, name="Bilal", district="Multan")
    factories.ask(other, text="When will the health unit get a doctor?")
    published = factories.publish(factories.ask(citizen, text="نہری پانی کب آئے گا؟"), moderator)
    services.answer_post(
        actor=official,
        live_session_id=hall.session.pk,
        question_id=published.pk,
        text="اگلے ہفتے",
        commitment={"text": "Desilting done", "due_date": "2027-01-15"},
    )
    services.stage_show(actor=moderator, live_session_id=hall.session.pk, question_id=published.pk)
    for text, appeal in (("Why no street lights in ward 4?", True), ("Roads in Burewala?", False)):
        question = factories.ask(citizen, text=text)
        services.question_moderate(
            actor=moderator,
            live_session_id=hall.session.pk,
            question_id=question.pk,
            decision="reject",
            reason_code="off_topic",
        )
        if appeal:
            services.appeal_submit(
                actor=Actor(participant=citizen),
                live_session_id=hall.session.pk,
                question_id=question.pk,
                note="It is about this district.",
            )
    return hall, factories.browser_session(participants=[citizen])


def test_every_page_has_no_serious_or_critical_axe_violations(new_context: Any) -> None:
    hall, citizen_key = populated_hall()
    organizer_key = off_loop(
        lambda: factories.browser_session(user=factories.make_user(staff=True))
    )()
    code = hall.code
    pages = [
        ("landing", None, "/"),
        ("session-visitor", None, f"/s/{code}/"),
        ("session-citizen", citizen_key, f"/s/{code}/"),
        ("moderate", hall.other_moderator_key, f"/s/{code}/moderate/"),
        ("official", hall.official_key, f"/s/{code}/official/"),
        ("stage", None, f"/s/{code}/stage/"),
        ("archive", None, f"/s/{code}/archive/"),
        ("transparency", None, f"/s/{code}/transparency/"),
        ("login", None, "/accounts/login/"),
        ("organizer", organizer_key, "/organizer/"),
        ("error", None, "/s/nothere/"),
    ]
    failures = []
    for language in ("en", "ur"):
        for form, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            for name, key, path in pages:
                page = new_context(session_key=key, language=language, viewport=viewport).new_page()
                page.goto(path)
                if page.locator("[data-conn]").count():
                    expect(page.locator("[data-conn]").first).to_have_attribute(
                        "data-state", "connected"
                    )
                expect(page.locator("html")).to_have_attribute("lang", language)
                screenshot(page, f"{name}-{form}-{language}")
                if form == "phone" or name in ("moderate", "official", "stage", "organizer"):
                    found = axe_violations(page)
                    if found:
                        failures.append(f"{name} ({language}, {form}):\n{describe(found)}")
                page.context.close()
    if failures:
        pytest.fail("axe-core found serious or critical violations:\n" + "\n".join(failures))
