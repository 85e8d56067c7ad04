from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from moderation.pipeline import PipelineConfig, ScreeningContext, linear_backends, screen
from moderation.pipeline.classifier.base import ClassifierError
from moderation.pipeline.classifier.linear import LinearBackend
from moderation.pipeline.training import (
    Row,
    calibrate,
    choose_thresholds,
    decision_rows,
    read_rows,
    roc_auc,
    split_of,
    train,
    write_rows,
)

from .conftest import write_training_csv


def test_training_writes_a_model_with_verifiable_metadata(trained_model_dir: Path) -> None:
    meta = json.loads((trained_model_dir / "metadata.json").read_text())
    assert meta["kind"] == "linear" and meta["format_version"] == 1
    assert set(meta["languages"]) == {"en", "ur", "ur-Latn"}
    assert len(meta["training_data"]["sha256"]) == 64
    assert "sklearn" in meta["libraries"]
    for info in meta["languages"].values():
        assert 0.0 <= info["thresholds"]["hold"] <= info["thresholds"]["reject"] <= 1.0
        assert info["validation"]["auc"] is not None
        assert info["probes"]
    # No pickles anywhere: every array loads with allow_pickle=False.
    for path in trained_model_dir.glob("*.npz"):
        with np.load(path, allow_pickle=False) as data:
            assert "coef" in data


def test_saved_model_loads_and_scores_abuse_above_clean_text(trained_model_dir: Path) -> None:
    backend = LinearBackend.load(str(trained_model_dir))
    clean, abusive = backend.score(
        [
            "When will the water problem in Korangi be fixed?",
            "You corrupt bastard, when will the water problem in Korangi be fixed?",
        ],
        "en",
    )
    assert 0.0 <= clean < abusive <= 1.0


def test_scoring_text_by_text_equals_the_sparse_batch_transform(
    trained_model_dir: Path,
) -> None:
    from moderation.pipeline.classifier.linear import featurize

    backend = LinearBackend.load(str(trained_model_dir))
    texts = [
        "When will the water problem in Korangi be fixed?",
        "You corrupt bastard bastard bastard, fix the water!",
        "Kya hamare gaon mein BISP center ka koi plan hai?",
        "پانی کب آئے گا؟",
        "",
        "qqqq zzzz xxxx",
    ]
    for lang, model in backend.models.items():
        features = backend.metadata["languages"][lang].get("text_features", "")
        model_texts = featurize(texts, features)
        scores = model.predict(model_texts)
        expected = 1.0 / (1.0 + np.exp(-model.decision(model_texts)))
        np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-12)


def test_pipeline_uses_the_trained_model_per_language(
    trained_model_dir: Path, context: ScreeningContext
) -> None:
    config = PipelineConfig(backends=linear_backends(trained_model_dir, ("en", "ur", "ur-Latn")))
    verdict = screen(
        "Kya hamare gaon mein BISP center ka koi plan hai?", context=context, config=config
    )
    assert verdict.language == "ur-Latn"
    assert verdict.backend == "linear"
    assert verdict.model_version.startswith("linear-")
    assert verdict.score is not None


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_loading_refuses_a_tampered_model_file(trained_model_dir: Path, tmp_path: Path) -> None:
    model = _copy(trained_model_dir, tmp_path / "m")
    path = model / "en.npz"
    with np.load(path, allow_pickle=False) as data:
        arrays = dict(data)
    arrays["coef"] = arrays["coef"] * 2
    with path.open("wb") as fh:
        np.savez_compressed(fh, **arrays)
    with pytest.raises(ClassifierError, match="hash"):
        LinearBackend.load(str(model))


def test_loading_refuses_metadata_from_another_library_version(
    trained_model_dir: Path, tmp_path: Path
) -> None:
    model = _copy(trained_model_dir, tmp_path / "m")
    meta_path = model / "metadata.json"
    meta = json.loads(meta_path.read_text())
    meta["libraries"]["sklearn"] = "0.1.0"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ClassifierError, match="retrain"):
        LinearBackend.load(str(model))


def test_loading_refuses_probe_scores_that_do_not_reproduce(
    trained_model_dir: Path, tmp_path: Path
) -> None:
    model = _copy(trained_model_dir, tmp_path / "m")
    meta_path = model / "metadata.json"
    meta = json.loads(meta_path.read_text())
    meta["languages"]["ur"]["probes"][0]["score"] += 0.01
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ClassifierError, match="probe"):
        LinearBackend.load(str(model))


def test_loading_refuses_an_unknown_format(trained_model_dir: Path, tmp_path: Path) -> None:
    model = _copy(trained_model_dir, tmp_path / "m")
    meta_path = model / "metadata.json"
    meta = json.loads(meta_path.read_text())
    meta["format_version"] = 99
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ClassifierError, match="format"):
        LinearBackend.load(str(model))


def test_a_broken_model_directory_holds_questions_instead_of_publishing(
    tmp_path: Path, context: ScreeningContext
) -> None:
    config = PipelineConfig(backends=linear_backends(tmp_path / "missing", ("en",)))
    verdict = screen("When will the road be fixed?", context=context, config=config)
    assert verdict.outcome == "hold"
    assert verdict.reason_codes == ("classifier_unavailable",)


def test_moderator_decisions_become_training_rows(tmp_path: Path) -> None:
    export = tmp_path / "audit.csv"
    rows = decision_rows([("Why is the road broken?", 0, "en"), ("You thief", 1, "en")])
    write_rows(export, rows)
    write_rows(export, decision_rows([("Sarak kab banegi?", 0, "ur-Latn")]), append=True)
    back = read_rows([export])
    assert back == [
        Row("Why is the road broken?", 0, "en", "moderator"),
        Row("You thief", 1, "en", "moderator"),
        Row("Sarak kab banegi?", 0, "ur-Latn", "moderator"),
    ]
    with pytest.raises(ValueError):
        decision_rows([("text", 2, "en")])


def test_training_accepts_an_extra_moderator_export(tmp_path: Path) -> None:
    data = write_training_csv(tmp_path / "train.csv", per_language=60)
    export = tmp_path / "audit.csv"
    write_rows(export, decision_rows([("Why is the road broken again?", 0, "en")] * 3))
    meta = train(
        [data, export],
        tmp_path / "m",
        languages=["en"],
        c_grid=(1.0,),
        char_max_features=5000,
        word_max_features=2000,
        log=lambda msg: None,
        written_weight=0.0,
    )
    assert set(meta["training_data"]["files"]) == {"train.csv", "audit.csv"}
    assert list(meta["languages"]) == ["en"]


def test_csv_without_the_required_columns_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="") as fh:
        csv.writer(fh).writerows([["text", "lang"], ["hello", "en"]])
    with pytest.raises(ValueError, match="missing columns"):
        read_rows([bad])


def test_split_is_deterministic_and_ignores_case_and_spacing() -> None:
    assert split_of("When will  the road be FIXED?") == split_of("when will the road be fixed?")
    parts = [split_of(f"question number {i}") for i in range(2000)]
    assert 0.65 < parts.count("train") / 2000 < 0.75


def test_thresholds_meet_the_leak_target_on_validation_data() -> None:
    rng = np.random.default_rng(0)
    labels = [1] * 200 + [0] * 800
    scores = list(rng.beta(5, 2, 200)) + list(rng.beta(2, 5, 800))
    t = choose_thresholds(labels, scores, target_leak=0.05, max_reject_fpr=0.01)
    leak = sum(1 for y, s in zip(labels, scores, strict=True) if y == 1 and s < t["hold"]) / 200
    fpr = sum(1 for y, s in zip(labels, scores, strict=True) if y == 0 and s >= t["reject"]) / 800
    assert leak <= 0.05 and fpr <= 0.01
    assert t["hold"] <= t["reject"]


def test_rows_caught_by_earlier_stages_let_the_hold_threshold_rise() -> None:
    labels = [1, 1, 1, 1, 0, 0, 0, 0]
    scores = [0.1, 0.2, 0.8, 0.9, 0.05, 0.15, 0.3, 0.4]
    plain = choose_thresholds(labels, scores, target_leak=0.0)
    caught = choose_thresholds(
        labels,
        scores,
        target_leak=0.0,
        caught=[True, True, False, False, False, False, False, False],
    )
    assert plain["hold"] == 0.1
    assert caught["hold"] == 0.8


def test_roc_auc_matches_a_hand_computed_example() -> None:
    assert roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    assert roc_auc([1, 1], [0.2, 0.3]) is None


def test_civic_validation_can_only_lower_the_hold_threshold() -> None:
    labels = [1, 1, 1, 1, 0, 0, 0, 0]
    scores = [0.6, 0.7, 0.8, 0.9, 0.05, 0.15, 0.3, 0.4]
    no_caught = [False] * 8
    corpus_only = calibrate(labels, scores, no_caught, [], [], [], target_leak=0.0)
    assert corpus_only["hold"] == 0.6
    # A civic abusive question scored 0.2 would leak at 0.6: hold drops to 0.2.
    stricter = calibrate(
        labels, scores, no_caught, [1, 0, 0], [0.2, 0.1, 0.05], [False] * 3, target_leak=0.0
    )
    assert stricter["hold"] == 0.2
    assert stricter["civic_validation_leak"] == 0.0
    assert stricter["validation_friction"] == 0.5
    # Civic abuse scored high never raises it.
    easy = calibrate(labels, scores, no_caught, [1, 0], [0.99, 0.01], [False] * 2, target_leak=0.0)
    assert easy["hold"] == 0.6


def test_roman_skeleton_maps_spelling_variants_to_one_token() -> None:
    from moderation.pipeline.classifier.linear import ROMAN_SKELETON, featurize, roman_skeleton

    assert {roman_skeleton(w) for w in ("nahi", "nhi", "nahee")} == {"nh"}
    assert {roman_skeleton(w) for w in ("kyun", "kyon", "kiyon")} == {"kn"}
    plain, skeleton = featurize(["Paani nahi aata"]), featurize(["Paani nahi aata"], ROMAN_SKELETON)
    assert plain == ["paani nahi aata"]
    assert skeleton[0].startswith("paani nahi aata ") and "_nh" in skeleton[0].split()


def test_trained_roman_urdu_model_records_and_reproduces_its_text_features(
    trained_model_dir: Path,
) -> None:
    meta = json.loads((trained_model_dir / "metadata.json").read_text())
    assert meta["languages"]["ur-Latn"]["text_features"] == "roman-skeleton"
    assert meta["languages"]["en"]["text_features"] == ""
    LinearBackend.load(str(trained_model_dir))  # probes reproduce with the features


def test_abusive_rows_built_from_constructions_are_marked_so_training_can_weight_them() -> None:
    from moderation.pipeline.augment import (
        CONSTRUCTION_SOURCE,
        CONTRAST_SOURCE,
        SOURCE,
        civic_rows,
    )

    for lang in ("en", "ur", "ur-Latn"):
        rows = civic_rows(lang, 50, 400)
        sources = {r.source for r in rows if r.label == 1}
        assert sources == {SOURCE, CONSTRUCTION_SOURCE}, lang
        assert {r.source for r in rows if r.label == 0} == {SOURCE, CONTRAST_SOURCE}, lang


def test_an_official_insulted_by_a_construction_is_also_addressed_politely() -> None:
    from moderation.pipeline.augment import CONTRAST_SOURCE, civic_rows, contrast_target

    assert contrast_target("ye thekedar") == "thekedar"
    assert contrast_target("یہ افسر") == "افسر"
    rows = civic_rows("ur-Latn", 0, 600)
    contrast = [r.text.lower() for r in rows if r.source == CONTRAST_SOURCE]
    abusive = [r for r in rows if r.label == 1]
    assert len(abusive) == 600
    assert 50 < len(contrast) < 600
    assert all(r.label == 0 for r in rows if r.source == CONTRAST_SOURCE)
    for title in ("patwari", "thekedar", "tehsildar"):
        assert any(title in text for text in contrast), title
    assert not any(text.startswith(("ye ", "yeh ")) for text in contrast)


def test_construction_share_sets_how_many_abusive_rows_are_constructions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moderation.pipeline import augment

    monkeypatch.setitem(augment.CONSTRUCTION_SHARE, "en", 0.0)
    rows = augment.civic_rows("en", 0, 400)
    assert not [r for r in rows if r.source == augment.CONSTRUCTION_SOURCE]
    monkeypatch.setitem(augment.CONSTRUCTION_SHARE, "en", 0.5)
    rows = augment.civic_rows("en", 0, 400)
    share = sum(r.source == augment.CONSTRUCTION_SOURCE for r in rows) / len(rows)
    assert 0.4 < share < 0.6


def test_nb_ratio_is_positive_for_words_of_abusive_rows_and_negative_for_clean_ones() -> None:
    from scipy.sparse import csr_matrix

    from moderation.pipeline.training import nb_log_count_ratio

    # Columns: a word only abusive rows use, one only clean rows use, one both use equally.
    features = csr_matrix(np.array([[1.0, 0.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))
    ratio = nb_log_count_ratio(features, np.array([1, 1, 0]))
    assert ratio[0] > 0 > ratio[1]
    assert ratio[0] > ratio[2] > ratio[1]


def test_nb_weighted_model_scores_exactly_as_the_regression_on_scaled_features(
    tmp_path: Path,
) -> None:
    from scipy.sparse import diags, hstack
    from sklearn.linear_model import LogisticRegression

    from moderation.pipeline.classifier.linear import LanguageModel, featurize
    from moderation.pipeline.training import _fit, nb_log_count_ratio

    rows = read_rows([write_training_csv(tmp_path / "train.csv")])
    rows = [r for r in rows if r.lang == "en"]
    texts = featurize([r.text for r in rows])
    labels = [r.label for r in rows]
    model = _fit(texts, labels, 4.0, 20_000, 10_000, weighting="nb")
    # The same regression fitted by hand on features scaled by the ratio.
    features = hstack(
        [model.char_vectorizer.transform(texts), model.word_vectorizer.transform(texts)]
    ).tocsr()
    ratio = nb_log_count_ratio(features, np.asarray(labels))
    clf = LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear", max_iter=2000)
    clf.fit((features @ diags(ratio)).tocsr(), labels)
    expected = clf.decision_function((features @ diags(ratio)).tocsr())
    np.testing.assert_allclose(model.decision(texts), expected, rtol=1e-9, atol=1e-9)
    # And it survives saving and loading like any other model.
    model.save(tmp_path / "en.npz")
    reloaded = LanguageModel.load(tmp_path / "en.npz")
    np.testing.assert_allclose(reloaded.decision(texts), expected, rtol=1e-9, atol=1e-9)


def test_training_records_which_weighting_won_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    data = write_training_csv(tmp_path / "train.csv", per_language=80)
    meta = train(
        [data],
        tmp_path / "model",
        languages=["en"],
        c_grid=(4.0,),
        weightings=("nb",),
        char_max_features=20_000,
        word_max_features=10_000,
        log=lambda msg: None,
    )
    assert meta["languages"]["en"]["weighting"] == "nb"
    LinearBackend.load(str(tmp_path / "model"))
    with pytest.raises(ValueError, match="unknown weightings"):
        train(
            [data],
            tmp_path / "other",
            languages=["en"],
            c_grid=(4.0,),
            weightings=("tfidf-squared",),
            log=lambda msg: None,
        )


def test_roman_urdu_is_trained_with_nb_weighting_and_english_and_urdu_without_by_default(
    trained_model_dir: Path,
) -> None:
    meta = json.loads((trained_model_dir / "metadata.json").read_text())
    assert meta["languages"]["ur-Latn"]["weighting"] == "nb"
    assert meta["languages"]["en"]["weighting"] == "none"
    assert meta["languages"]["ur"]["weighting"] == "none"
