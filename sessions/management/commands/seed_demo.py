"""Seed a demo town hall (code ``demo``) with staff accounts and a few questions.

Idempotent: running it again resets the demo accounts' passwords and leaves
existing data alone.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from sessions import services
from sessions.actors import Actor
from sessions.models import LiveSession, SessionRole

DEFAULT_DEMO_PASSWORD = "townhall-demo"  # noqa: S105 (a documented demo default, printed)

DEMO_QUESTIONS = [
    ("Ayesha", "Vehari", "When will the canal water schedule for the tail-end farms be fixed?"),
    ("Karim", "Skardu", "سکردو کے بنیادی مرکز صحت میں ڈاکٹر کب تعینات ہوگا؟"),
    (
        "Bilal",
        "Peshawar",
        "University road ka kaam kab mukammal hoga? Har roz traffic jam hota hai.",
    ),
]


class Command(BaseCommand):
    help = "Create the demo session 'demo' with moderator/official accounts and sample questions."

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        with transaction.atomic():
            users = {
                name: self._user(name, password) for name in ("organizer", "moderator", "official")
            }
        live_session = LiveSession.objects.filter(code="demo").first()
        if live_session is None:
            live_session = services.live_session_create(
                title="Demo town hall: water, roads and health",
                agenda=(
                    "District council budget 2026-27: canal water and irrigation, road repairs, "
                    "basic health units, schools, load-shedding."
                ),
                code="demo",
                languages=["en", "ur"],
                created_by=users["organizer"],
            )
        services.session_role_assign(
            live_session=live_session, user=users["moderator"], role=SessionRole.Role.MODERATOR
        )
        services.session_role_assign(
            live_session=live_session, user=users["official"], role=SessionRole.Role.OFFICIAL
        )
        organizer = Actor(user=users["organizer"], roles=frozenset({"organizer"}))
        moderator = Actor(user=users["moderator"], roles=frozenset({"moderator"}))
        if live_session.status == LiveSession.Status.SCHEDULED:
            services.live_session_control(
                actor=organizer, live_session_id=live_session.pk, action="open"
            )
        if not live_session.questions.exists():
            for index, (name, district, text) in enumerate(DEMO_QUESTIONS):
                participant = services.participant_join(
                    live_session=live_session, display_name=name, district=district
                )
                question, _ = services.question_ask(
                    actor=Actor(participant=participant),
                    live_session_id=live_session.pk,
                    text=text,
                    client_id=f"seed-{index}",
                )
                if index < 2:
                    services.question_moderate(
                        actor=moderator,
                        live_session_id=live_session.pk,
                        question_id=question.pk,
                        decision="approve",
                    )
        self.stdout.write(self.style.SUCCESS("Demo session 'demo' is ready."))
        self.stdout.write(f"Demo logins (password: {password}): organizer, moderator, official")

    def _user(self, username: str, password: str) -> Any:
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = username == "organizer"
        user.first_name = username.capitalize()
        user.set_password(password)
        user.save()
        return user
