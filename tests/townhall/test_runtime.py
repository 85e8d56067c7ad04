"""Process tuning of the socket server and the helpers that configure it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
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
