"""Browser tests: Playwright driving Debian's Chromium against a real daphne server.

The server serves the pytest-django test database (committed data, so tests use
``transactional_db``), this run's Redis channel layer and the static files collected
with the production storage. No browser is downloaded: Playwright launches
``/usr/bin/chromium`` (``apt-get install chromium``), headless, a fresh context per
person in a test. Every wait is bounded (Playwright's auto-waiting ``expect``).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import services_required
from tests.e2e.conftest import DaphneServer, _database_url, _free_port, _wait_healthy

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("TOWNHALL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
EXPECT_TIMEOUT_MS = 10_000

# Playwright's sync API runs its own event loop in this thread; the ORM calls the
# tests make between browser steps are plain synchronous calls all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _problem() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "browser tests need the playwright package (pip install playwright)"
    if not CHROMIUM.exists():
        return f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        return "browser tests need DATABASE_URL pointing at PostgreSQL"
    if not os.environ.get("REDIS_URL", "").startswith(("redis://", "rediss://")):
        return "browser tests need REDIS_URL pointing at Redis"
    return None


@pytest.fixture(scope="package", autouse=True)
def _browser_requirements() -> None:
    problem = _problem()
    if problem is None:
        return
    if services_required():
        pytest.fail(f"{problem} (TOWNHALL_REQUIRE_SERVICES=1)")
    pytest.skip(problem)


@pytest.fixture(scope="package")
def server(
    _browser_requirements: None, django_db_setup: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DaphneServer]:
    """One daphne process on the test database, with collected, compressed static files."""
    from django.conf import settings

    static_root = tmp_path_factory.mktemp("static")
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.browser.settings",
            "TOWNHALL_BROWSER_STATIC_ROOT": str(static_root),
            "DATABASE_URL": _database_url(settings.DATABASES["default"]),
            "TOWNHALL_REDIS_PREFIX": settings.REDIS_PREFIX,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TOWNHALL_TALLY_WINDOW_MS": "100",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
    subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput"],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    logs = tmp_path_factory.mktemp("daphne")
    daphne = DaphneServer("browser", _free_port(), logs / "daphne-browser.log")
    try:
        daphne.start(env)
        _wait_healthy([daphne])
        yield daphne
    finally:
        daphne.stop()


@pytest.fixture(scope="package")
def chromium(server: DaphneServer) -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live(server: DaphneServer, transactional_db: None) -> DaphneServer:
    """The server, checked alive, for a test whose data it can see."""
    server.assert_running()
    return server


@pytest.fixture
def new_context(chromium: Any, live: DaphneServer) -> Iterator[Callable[..., Any]]:
    """Fresh browser contexts (profiles): ``new_context(session_key=…, language="ur", …)``."""
    opened: list[Any] = []

    def _new(
        *,
        session_key: str | None = None,
        language: str | None = None,
        viewport: dict[str, int] | None = None,
        javascript: bool = True,
    ) -> Any:
        context = chromium.new_context(
            base_url=live.origin,
            viewport=viewport or PHONE,
            java_script_enabled=javascript,
            locale="ur-PK" if language == "ur" else "en-GB",
        )
        context.set_default_timeout(EXPECT_TIMEOUT_MS)
        cookies = []
        if session_key:
            cookies.append({"name": "sessionid", "value": session_key, "url": live.origin})
        if language:
            cookies.append({"name": "django_language", "value": language, "url": live.origin})
        if cookies:
            context.add_cookies(cookies)
        opened.append(context)
        return context

    yield _new
    for context in opened:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
