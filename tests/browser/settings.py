"""Settings for the daphne process the browser tests drive: the test settings with the
production static files storage (hashed names and precompressed ``.gz`` copies, served
by WhiteNoise), collected into a temporary folder, so page weights are the real ones."""

import os
from pathlib import Path

from tests.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["TOWNHALL_BROWSER_STATIC_ROOT"])
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "frontend.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = False
