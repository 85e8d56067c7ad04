"""Settings for the test suite: the project's settings with a throwaway key.

Everything else (DATABASE_URL, REDIS_URL) still comes from the environment, so
`make test` runs the suite against real PostgreSQL and Redis.
"""

import os

# This key protects nothing; it only lets the test settings load.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")

from townhall.settings import *  # noqa: F403

# Tests render pages without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Connections held open by threads (daphne's sync thread, tally timers) would
# keep the test database from being dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
