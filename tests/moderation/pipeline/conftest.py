from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from moderation.pipeline import BackendSpec, PipelineConfig, ScreeningContext
from moderation.pipeline.augment import civic_rows
from moderation.pipeline.classifier.base import clear_backends

KEYWORD = "tests.moderation.pipeline.backends:KeywordBackend"


@pytest.fixture
def now() -> datetime:
    return datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def context(now: datetime) -> ScreeningContext:
    return ScreeningContext(now=now)


@pytest.fixture
def keyword_config() -> PipelineConfig:
    """All three languages covered by the keyword test backend (in process)."""
    spec = BackendSpec(KEYWORD, {"languages": ("en", "ur", "ur-Latn")})
    return PipelineConfig(backends={"en": spec, "ur": spec, "ur-Latn": spec})


@pytest.fixture(autouse=True)
def _fresh_backends() -> Iterator[None]:
    clear_backends()
    yield
    clear_backends()


def write_training_csv(path: Path, per_language: int = 120) -> Path:
    """A small labelled CSV in the shared schema, made from the synthetic generator."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label", "lang", "source"])
        for lang in ("en", "ur", "ur-Latn"):
            for row in civic_rows(lang, per_language, per_language, seed=7):
                writer.writerow([row.text, row.label, row.lang, "test"])
    return path


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from moderation.pipeline.training import train

    root = tmp_path_factory.mktemp("linear")
    data = write_training_csv(root / "train.csv")
    out = root / "model"
    train(
        [data],
        out,
        c_grid=(4.0,),
        char_max_features=20_000,
        word_max_features=10_000,
        log=lambda msg: None,
    )
    return out
