"""Classifier workers yield the CPU to the socket server that owns them."""

from __future__ import annotations

import os

import pytest

from moderation.pipeline import BackendSpec, ClassifierPool, PipelineConfig
from moderation.pipeline.classifier.base import Thresholds


class NicenessBackend:
    """Scores every text with the niceness of the process it runs in, divided by 100."""

    name = "niceness"
    version = "niceness-1"

    @classmethod
    def load(cls) -> NicenessBackend:
        return cls()

    def languages(self) -> frozenset[str]:
        return frozenset({"en"})

    def thresholds(self, lang: str) -> Thresholds | None:
        return Thresholds(hold=0.5, reject=0.9)

    def score(self, texts: list[str], lang: str) -> list[float]:
        return [os.nice(0) / 100 for _ in texts]


def _pool(**changes: object) -> ClassifierPool:
    spec = BackendSpec(f"{__name__}:NicenessBackend", {})
    config = PipelineConfig(backends={"en": spec}, classifier_timeout_s=60, **changes)
    return ClassifierPool(config)


@pytest.mark.parametrize("nice", [10, 0])
def test_workers_run_at_the_configured_lower_priority(nice: int) -> None:
    pool = _pool(pool_worker_nice=nice)
    try:
        score = pool.score(["When will the canal get water?"], "en").scores[0]
    finally:
        pool.close()
    # The system caps niceness at 19 (a test run may itself be niced).
    assert score == pytest.approx(min(19, os.nice(0) + nice) / 100)


def test_a_niceness_outside_what_the_system_allows_is_refused() -> None:
    with pytest.raises(ValueError, match="pool_worker_nice"):
        PipelineConfig(pool_worker_nice=25)
