"""Hand-written civic questions for training and calibration (never for evaluation).

The templates in ``augment`` teach civic vocabulary, but every blind evaluation set
found abuse (and sharp criticism) phrased in ways no template had: their leak at
first measurement was 8-10 % per language. ``moderation/corpus/written_*.csv`` are
free-form questions and comments, clean and abusive, written for Townhall (see the
README there). Rows whose text near-duplicates a held-out evaluation question of
the same language are dropped (``augment.held_out_guard``), like generated ones.

The same hash split as the corpora (``training.split_of``) divides them: the
*train* part joins training, the rest (validation and test, 30 %) is a civic
validation set for the choice of C -- the only validation data that looks like
what citizens post, with abuse as varied as real abuse. The hold threshold is
then set on every written question scored by a model that never saw its writer
(``training._unseen_writer_scores``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from moderation.pipeline.training import Row, read_rows, split_of

WRITTEN_DIR = Path(__file__).resolve().parents[1] / "corpus"


def written_files() -> list[Path]:
    """The hand-written CSVs that ship with the project, in a stable order."""
    return sorted(WRITTEN_DIR.glob("written_*.csv"))


def writer_of(row: Row) -> str:
    """The writer of a hand-written row: its source without the label part."""
    return row.source.split("/", 1)[0]


@lru_cache(maxsize=4)
def written_rows(lang: str) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
    """``(train, validation)`` hand-written rows of ``lang``, held-out look-alikes dropped."""
    from moderation.pipeline.augment import held_out_guard

    guard = held_out_guard(lang)
    train: list[Row] = []
    validation: list[Row] = []
    for row in read_rows(written_files()):
        if row.lang != lang or row.text in guard:
            continue
        (train if split_of(row.text) == "train" else validation).append(row)
    return tuple(train), tuple(validation)
