"""Organizers assign moderators, officials and jurors in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sessions.models import SessionRole
from tests import factories

pytestmark = pytest.mark.django_db


def test_organizer_assigns_roles_in_the_session_admin() -> None:
    live_session = factories.make_live_session(code="adm")
    admin = get_user_model().objects.create_superuser("boss", "boss@example.invalid", "pw")
    moderator = factories.make_user(username="mod")
    browser = Client()
    browser.force_login(admin)
    url = f"/admin/live_sessions/livesession/{live_session.pk}/change/"
    page = browser.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in {"on_stage", "created_by", "languages"}
    }
    data.update(
        {
            "languages": '["en", "ur"]',
            "scheduled_start_0": "",
            "scheduled_start_1": "",
            "scheduled_end_0": "",
            "scheduled_end_1": "",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
            "roles-0-user": str(moderator.pk),
            "roles-0-role": "moderator",
        }
    )
    response = browser.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SessionRole.objects.filter(
        live_session=live_session, user=moderator, role="moderator"
    ).exists()
