"""Process tuning of the socket server and the helpers that configure it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from townhall.env import env_ints
from townhall.runtime import tune_garbage_collector


@pytest.fixture
def restored_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("restored_gc")
def test_tuning_freezes_what_is_loaded_and_sets_the_configured_thresholds(settings: Any) -> None:
    settings.TOWNHALL_GC_THRESHOLD = (40000, 15, 80)
    gc.unfreeze()
    assert tune_garbage_collector() == (40000, 15, 80)
    assert gc.get_threshold() == (40000, 15, 80)
    # Django and the apps are now out of the collector's way.
    assert gc.get_freeze_count() > 10_000


@pytest.mark.usefixtures("restored_gc")
def test_tuning_off_leaves_the_collector_alone(settings: Any) -> None:
    settings.TOWNHALL_GC_THRESHOLD = None
    gc.unfreeze()
    before = gc.get_threshold()
    assert tune_garbage_collector() is None
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_integer_lists_from_the_environment_fail_loudly(monkeypatch: Any) -> None:
    monkeypatch.setenv("X_INTS", "1,2")
    with pytest.raises(ImproperlyConfigured, match="3 non-negative integers"):
        env_ints("X_INTS", "1,2,3", count=3)
    monkeypatch.setenv("X_INTS", "1,two,3")
    with pytest.raises(ImproperlyConfigured, match="3 integers"):
        env_ints("X_INTS", "1,2,3", count=3)
    monkeypatch.setenv("X_INTS", "1,-2,3")
    with pytest.raises(ImproperlyConfigured):
        env_ints("X_INTS", "1,2,3", count=3)
    monkeypatch.setenv("X_INTS", " 7,8,9 ")
    assert env_ints("X_INTS", "1,2,3", count=3) == (7, 8, 9)
    monkeypatch.delenv("X_INTS")
    assert env_ints("X_INTS", "1,2,3", count=3) == (1, 2, 3)


def test_the_asgi_application_loads_everything_before_it_serves() -> None:
    """A fresh server process: handlers of other apps imported, screening warmed up,
    and what that loaded frozen out of the collector's way."""
    probe = (
        "import gc, sys, townhall.asgi\n"
        "from moderation.pipeline.lexicon import load_lexicon\n"
        "from sessions.consumers import registered_socket_handlers\n"
        "print(registered_socket_handlers.cache_info().currsize,"
        " 'juries.handlers' in sys.modules, load_lexicon.cache_info().currsize,"
        " gc.get_freeze_count() > 10000, gc.get_threshold())\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    env.pop("TOWNHALL_GC_THRESHOLD", None)
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.split("\n")[-2] == "1 True 1 True (10000, 20, 100)"
