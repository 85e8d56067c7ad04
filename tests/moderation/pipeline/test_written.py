"""The hand-written civic questions (moderation/corpus) in training and calibration."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from moderation.pipeline.augment import HELD_OUT_FILES, NEAR_DUPLICATE_JACCARD, NearDuplicateGuard
from moderation.pipeline.normalize import fold, sanitize
from moderation.pipeline.training import (
    _unseen_writer_scores,
    calibrate,
    nb_log_count_ratio,
    read_rows,
    split_of,
    train,
)
from moderation.pipeline.written import writer_of, written_files, written_rows

from .conftest import write_training_csv

LANGS = ("en", "ur", "ur-Latn")


def _key(text: str) -> str:
    return " ".join(fold(sanitize(text)).split())


def test_each_language_has_written_files_with_both_labels_and_no_repeated_text() -> None:
    rows = read_rows(written_files())
    assert {r.lang for r in rows} == set(LANGS)
    for lang in LANGS:
        labels = Counter(r.label for r in rows if r.lang == lang)
        assert labels[0] >= 400 and labels[1] >= 200, (lang, labels)
    keys = Counter(_key(r.text) for r in rows)
    assert max(keys.values()) == 1, keys.most_common(3)


def test_every_written_row_says_what_it_is_in_its_source() -> None:
    for row in read_rows(written_files()):
        assert row.source.startswith(f"written-{row.lang}-"), row
        assert row.source.endswith("/abusive" if row.label else "/clean"), row


@pytest.mark.parametrize("lang", LANGS)
def test_written_rows_used_for_training_never_near_duplicate_a_held_out_question(
    lang: str,
) -> None:
    held_out = read_rows([p for p in HELD_OUT_FILES if p.is_file()])
    guard = NearDuplicateGuard([r.text for r in held_out if r.lang == lang])
    train_part, validation_part = written_rows(lang)
    assert train_part and validation_part
    worst = max(guard.similarity(r.text) for r in (*train_part, *validation_part))
    assert worst < NEAR_DUPLICATE_JACCARD


@pytest.mark.parametrize("lang", LANGS)
def test_written_train_and_validation_parts_follow_the_hash_split(lang: str) -> None:
    train_part, validation_part = written_rows(lang)
    assert all(split_of(r.text) == "train" for r in train_part)
    assert all(split_of(r.text) != "train" for r in validation_part)
    assert not {_key(r.text) for r in train_part} & {_key(r.text) for r in validation_part}
    # Both labels in the validation part: it calibrates the hold threshold.
    assert {r.label for r in validation_part} == {0, 1}


def test_a_written_validation_set_that_would_leak_lowers_the_hold_threshold() -> None:
    labels = [1, 1, 1, 1, 0, 0, 0, 0]
    scores = [0.6, 0.7, 0.8, 0.9, 0.05, 0.15, 0.3, 0.4]
    no_caught = [False] * 8
    plain = calibrate(labels, scores, no_caught, [], [], [], target_leak=0.0)
    written = calibrate(
        labels,
        scores,
        no_caught,
        [],
        [],
        [],
        target_leak=0.0,
        written=([1, 1, 0, 0], [0.35, 0.9, 0.1, 0.5], [False] * 4),
    )
    assert plain["hold"] == 0.6
    assert written["hold"] == 0.35
    assert written["written_validation_leak"] == 0.0
    assert written["written_validation_friction"] == 0.5  # the clean 0.5 is now held
    assert written["validation_friction"] == 0.25  # the corpus' clean 0.4 too
    # A written abusive question caught by an earlier stage does not lower it.
    caught = calibrate(
        labels,
        scores,
        no_caught,
        [],
        [],
        [],
        target_leak=0.0,
        written=([1, 1, 0, 0], [0.35, 0.9, 0.1, 0.5], [True, False, False, False]),
    )
    assert caught["hold"] == 0.6


def test_weighted_nb_ratio_counts_a_row_of_weight_two_as_the_row_twice() -> None:
    from scipy.sparse import csr_matrix

    features = csr_matrix(np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0], [3.0, 1.0, 0.0]]))
    labels = np.array([1, 0, 0])
    twice = csr_matrix(np.vstack([features.toarray(), [[3.0, 1.0, 0.0]]]))
    np.testing.assert_allclose(
        nb_log_count_ratio(features, labels, weights=np.array([1.0, 1.0, 2.0])),
        nb_log_count_ratio(twice, np.array([1, 0, 0, 0])),
    )


def test_training_learns_from_the_written_questions_and_calibrates_on_their_validation_part(
    tmp_path: Path,
) -> None:
    data = write_training_csv(tmp_path / "train.csv", per_language=60)
    kwargs = {
        "languages": ["ur-Latn"],
        "c_grid": (1.0,),
        "char_max_features": 5000,
        "word_max_features": 2000,
        "log": lambda msg: None,
    }
    with_written = train([data], tmp_path / "with", written_weight=3.0, **kwargs)
    without = train([data], tmp_path / "without", written_weight=0.0, **kwargs)
    info = with_written["languages"]["ur-Latn"]
    train_part, validation_part = written_rows("ur-Latn")
    assert info["n_written_train"] == len(train_part)
    assert info["n_written_validation"] == len(validation_part)
    assert info["written_weight"] == 3.0
    # The hold is set on every written question, each scored without its writer.
    assert info["calibration"]["written_scores"] == "unseen writer"
    assert info["calibration"]["written_validation_n"] == len(train_part) + len(validation_part)
    assert {p.name for p in written_files()} <= set(with_written["training_data"]["files"])
    assert without["languages"]["ur-Latn"]["n_written_train"] == 0
    assert "written_validation_n" not in without["languages"]["ur-Latn"]["calibration"]
    assert set(without["training_data"]["files"]) == {"train.csv"}
    assert with_written["model_version"] != without["model_version"]


class _Memorising:
    """A 'model' that scores 1 for texts it was trained on and 0 for any other."""

    def __init__(self, texts: list[str]) -> None:
        self.seen = set(texts)

    def predict(self, texts: list[str]) -> list[float]:
        return [1.0 if t in self.seen else 0.0 for t in texts]


def test_each_writer_is_scored_by_a_model_that_never_saw_that_writer() -> None:
    fitted: list[list[str]] = []

    def fit(texts: list[str], labels: list[int], sample_weight: list[float]) -> _Memorising:
        fitted.append(texts)
        return _Memorising(texts)

    scores = _unseen_writer_scores(
        ["tweet", "a1", "a2", "b1"],
        [1, 0, 1, 0],
        [1.0, 15.0, 15.0, 15.0],
        ["", "written-en-A", "written-en-A", "written-en-B"],
        ["a1", "a3", "b1", "b2"],
        ["written-en-A", "written-en-A", "written-en-B", "written-en-B"],
        fit,
    )
    assert scores == [0.0, 0.0, 0.0, 0.0]
    assert sorted(fitted) == [["tweet", "a1", "a2"], ["tweet", "b1"]]


def test_a_written_rows_writer_is_its_source_without_the_label() -> None:
    train_part, _ = written_rows("ur")
    assert {writer_of(r) for r in train_part} == {f"written-ur-{x}" for x in "ABCDEF"}
