"""Production serves hashed static files; a page that names a missing one is a 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db


def test_every_page_renders_with_the_production_static_storage(
    settings: Any, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "frontend.storage.StaticStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    live_session = factories.make_live_session(code="water")
    staff = Client()
    staff.force_login(factories.make_user(staff=True))
    for browser, path in [
        (Client(), "/"),
        (Client(), "/s/water/"),
        (Client(), "/s/water/stage/"),
        (Client(), "/s/water/archive/"),
        (Client(), "/accounts/login/"),
        (staff, "/s/water/moderate/"),
        (staff, "/s/water/official/"),
        (staff, "/organizer/"),
    ]:
        response = browser.get(path)
        assert response.status_code == 200, path
    assert live_session.code == "water"
