"""Training the linear model from labelled CSVs (``text,label,lang[,source]``).

Rows are split deterministically by a hash of their normalised text into
train (70 %), validation (15 %) and test (15 %), so the same sentence can never
be in two parts, and re-running on the same files reproduces the same model
version. The validation part picks the regularisation strength and the score
thresholds; the test part is only measured and reported.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Literal

import numpy as np

from moderation.pipeline.classifier.linear import (
    FORMAT_VERSION,
    METADATA_FILE,
    ROMAN_SKELETON,
    LanguageModel,
    _library_versions,
    featurize,
    make_vectorizers,
    sha256_file,
)
from moderation.pipeline.language import LANGUAGES
from moderation.pipeline.normalize import fold, sanitize

Split = Literal["train", "validation", "test"]
REQUIRED_COLUMNS = ("text", "label", "lang")
MODERATOR_SOURCE = "moderator"


@dataclass(frozen=True)
class Row:
    text: str
    label: int
    lang: str
    source: str = ""


def read_rows(paths: Iterable[str | Path]) -> list[Row]:
    """Read labelled CSVs. Raises ValueError on a missing column or a bad label."""
    rows: list[Row] = []
    for path in paths:
        with Path(path).open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f"{path}: missing columns {missing}")
            for lineno, rec in enumerate(reader, 2):
                label = (rec["label"] or "").strip()
                if label not in ("0", "1"):
                    raise ValueError(f"{path}:{lineno}: label must be 0 or 1, got {label!r}")
                rows.append(
                    Row(
                        rec["text"] or "",
                        int(label),
                        (rec["lang"] or "").strip(),
                        (rec.get("source") or "").strip(),
                    )
                )
    return rows


def split_of(text: str) -> Split:
    """Deterministic 70/15/15 split on the hash of the folded, sanitised text."""
    key = " ".join(fold(sanitize(text)).split())
    bucket = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % 100
    if bucket < 70:
        return "train"
    if bucket < 85:
        return "validation"
    return "test"


def decision_rows(decisions: Iterable[tuple[str, int, str]]) -> list[Row]:
    """Training rows from moderator decisions: ``(text, label, lang)`` tuples.

    The caller decides the label (e.g. approve -> 0, hide/reject for abuse -> 1).
    """
    rows = []
    for text, label, lang in decisions:
        if label not in (0, 1):
            raise ValueError(f"label must be 0 or 1, got {label!r}")
        rows.append(Row(text, label, lang, MODERATOR_SOURCE))
    return rows


def write_rows(path: str | Path, rows: Iterable[Row], append: bool = False) -> int:
    """Write rows in the shared CSV schema (for exporting moderator decisions)."""
    target = Path(path)
    new_file = not append or not target.exists() or target.stat().st_size == 0
    count = 0
    with target.open("a" if append else "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        if new_file:
            writer.writerow(["text", "label", "lang", "source"])
        for row in rows:
            writer.writerow([row.text, row.label, row.lang, row.source])
            count += 1
    return count


# --- Metrics and thresholds ---------------------------------------------------


def roc_auc(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    """Rank-based ROC-AUC (ties count half); None if one class is missing."""
    y = np.asarray(labels)
    s = np.asarray(scores, dtype=np.float64)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=np.float64)
    sorted_s = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def choose_thresholds(
    labels: Sequence[int],
    scores: Sequence[float],
    target_leak: float = 0.05,
    max_reject_fpr: float = 0.01,
    caught: Sequence[bool] | None = None,
) -> dict[str, float]:
    """Pick the hold and reject thresholds on validation data.

    ``caught`` marks rows that earlier pipeline stages (lexicons, links,
    flooding, personal data) already hold or reject whatever the score: the
    leak target is for the whole pipeline, so those abusive rows need not be
    caught by the classifier too.

    hold: the highest threshold whose leak (abusive rows scored below it) is at
    most ``target_leak`` -- leak first, because a held question costs a
    moderator a few seconds while a leaked one is published abuse.
    reject: the lowest threshold at which at most ``max_reject_fpr`` of clean
    rows would be rejected automatically (never below hold).
    """
    y = np.asarray(labels)
    s = np.asarray(scores, dtype=np.float64)
    pre = np.zeros(len(y), dtype=bool) if caught is None else np.asarray(caught, dtype=bool)
    pos = np.sort(s[y == 1])
    neg = np.sort(s[y == 0])
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("need both classes to choose thresholds")
    allowed_leaks = int(np.floor(target_leak * len(pos)))
    # Only abusive rows the earlier stages missed can leak. Rows strictly below
    # the threshold leak, so the (allowed+1)-th smallest such score is the
    # highest threshold with at most `allowed` leaks.
    uncaught = np.sort(s[(y == 1) & ~pre])
    hold = float(uncaught[allowed_leaks]) if allowed_leaks < len(uncaught) else 1.0
    allowed_fp = int(np.floor(max_reject_fpr * len(neg)))
    # At most `allowed_fp` negatives at or above the threshold.
    reject = float(np.nextafter(neg[len(neg) - 1 - allowed_fp], 1.0))
    reject = min(1.0, max(reject, hold))
    leak = float(((s < hold) & ~pre & (y == 1)).sum() / len(pos))
    friction = float((((s >= hold) | pre) & (y == 0)).sum() / len(neg))
    return {
        "hold": hold,
        "reject": reject,
        "validation_leak": leak,
        "validation_friction": friction,
        "validation_reject_fpr": float((neg >= reject).mean()),
        "target_leak": target_leak,
        "max_reject_fpr": max_reject_fpr,
    }


def calibrate(
    labels: Sequence[int],
    scores: Sequence[float],
    caught: Sequence[bool],
    civic_labels: Sequence[int],
    civic_scores: Sequence[float],
    civic_caught: Sequence[bool],
    target_leak: float = 0.05,
    max_reject_fpr: float = 0.01,
    written: tuple[Sequence[int], Sequence[float], Sequence[bool]] | None = None,
) -> dict[str, Any]:
    """Thresholds from the corpus validation part and the civic validation sets.

    The civic sets are the synthetic split (frames never seen in training) and,
    when given, ``written``: hand-written questions with their scores
    (``moderation.pipeline.written``; ``train`` passes their validation part while
    it chooses C, then every one of them scored without its writer).

    hold: ``choose_thresholds`` on the corpus; lowered further if a civic set
    would leak more than ``target_leak``. Leak first on every set: a civic set can
    only make the model stricter, never laxer.
    reject: from the corpus (≤ ``max_reject_fpr`` of clean rows), and never so low
    that it rejects more than ``max_reject_fpr`` of a civic set's clean questions.
    """
    out: dict[str, Any] = dict(
        choose_thresholds(labels, scores, target_leak, max_reject_fpr, caught)
    )
    out["validation_auc"] = roc_auc(labels, scores) or 0.0
    civic_sets = {"civic": (civic_labels, civic_scores, civic_caught)}
    if written is not None:
        civic_sets["written"] = written
    civic_sets = {name: v for name, v in civic_sets.items() if len(set(v[0])) == 2}
    for set_labels, set_scores, set_caught in civic_sets.values():
        chosen = choose_thresholds(set_labels, set_scores, target_leak, max_reject_fpr, set_caught)
        out["hold"] = min(out["hold"], chosen["hold"])
        out["reject"] = max(out["reject"], chosen["reject"])
    out["reject"] = max(out["reject"], out["hold"])
    if civic_sets:
        out["validation_leak"], out["validation_friction"] = _leak_friction(
            labels, scores, caught, out["hold"]
        )
    for name, (set_labels, set_scores, set_caught) in civic_sets.items():
        out[f"{name}_validation_n"] = len(set_labels)
        out[f"{name}_validation_auc"] = roc_auc(set_labels, set_scores)
        out[f"{name}_validation_leak"], out[f"{name}_validation_friction"] = _leak_friction(
            set_labels, set_scores, set_caught, out["hold"]
        )
    return out


def _leak_friction(
    labels: Sequence[int], scores: Sequence[float], caught: Sequence[bool], hold: float
) -> tuple[float, float]:
    """Leak and friction of the pipeline at ``hold``: rows ``caught`` earlier always stop."""
    y = np.asarray(labels)
    s = np.asarray(scores, dtype=np.float64)
    pre = np.asarray(caught, dtype=bool)
    leak = float(((s < hold) & ~pre & (y == 1)).sum() / max(1, (y == 1).sum()))
    friction = float((((s >= hold) | pre) & (y == 0)).sum() / max(1, (y == 0).sum()))
    return leak, friction


def classifier_metrics(
    labels: Sequence[int], scores: Sequence[float], hold: float
) -> dict[str, float | int | None]:
    y = np.asarray(labels)
    s = np.asarray(scores, dtype=np.float64)
    flagged = s >= hold
    pos = y == 1
    tp = int((flagged & pos).sum())
    return {
        "n": len(y),
        "positives": int(pos.sum()),
        "auc": roc_auc(labels, scores),
        "leak": float((~flagged & pos).sum() / max(1, pos.sum())),
        "friction": float((flagged & ~pos).sum() / max(1, (~pos).sum())),
        "precision": float(tp / max(1, flagged.sum())),
        "recall": float(tp / max(1, pos.sum())),
    }


# --- Training -------------------------------------------------------------------


def caught_before_classifier(texts: Sequence[str]) -> list[bool]:
    """Whether the stages before the classifier already stop each text (default policy)."""
    from moderation.pipeline.config import PipelineConfig, ScreeningContext
    from moderation.pipeline.screen import _before_classifier

    config = PipelineConfig(short_circuit=False)
    context = ScreeningContext(now=datetime.now(UTC))
    caught = []
    for text in texts:
        state = _before_classifier(text, context, config)
        caught.append(
            any(config.policy.action_for(r.code) in ("hold", "reject") for r in state.reasons)
        )
    return caught


WEIGHTINGS = ("none", "nb")
# Regularisation strengths tried per language. With the hand-written questions in
# training, their validation part picks C = 0.25-1 (16 no longer won anywhere).
DEFAULT_C_GRID = (0.25, 0.5, 1.0, 4.0)
# Sample weight of the hand-written questions' train part (~1,250 rows per
# language, beside ~25,000 template questions and ~4,000-17,000 corpus rows).
# Chosen on the selection sets (docs/moderation-pipeline.md, round eight): 3 and
# 10 left Roman Urdu civic friction at 11-14 %, 100 overfitted the writers'
# phrasings; 15 and 30 were within a row or two of each other, 15 costs the
# tweet corpora less.
DEFAULT_WRITTEN_WEIGHT = 15.0
# Weightings tried per language unless the caller names them. Chosen on the
# selection sets (corpus @test parts, civic_questions.csv and
# civic_questions_holdout.csv; docs/moderation-pipeline.md, round four): with
# "nb" the Roman Urdu model can learn abuse made of ordinary words without
# holding more tweets. For English and Urdu, "nb" raised the held-out civic leak
# (English 2 -> 4 of 35; Urdu 4 -> 8 of 35, when the calibration picked it),
# which the calibration cannot see (its synthetic civic abuse is easy), so
# both stay plain.
DEFAULT_WEIGHTINGS: dict[str, tuple[str, ...]] = {
    "en": ("none",),
    "ur": ("none",),
    "ur-Latn": ("nb",),
}


def nb_log_count_ratio(
    features: Any, labels: np.ndarray, alpha: float = 1.0, weights: np.ndarray | None = None
) -> np.ndarray:
    """Per feature, log of its (smoothed) share of the abusive rows' feature mass over
    its share of the clean rows' (Wang & Manning 2012, "NBSVM"); rows count by
    ``weights`` (default 1)."""
    w = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=np.float64)
    pos = labels == 1
    p = np.asarray(features[pos].T @ w[pos]).ravel() + alpha
    q = np.asarray(features[~pos].T @ w[~pos]).ravel() + alpha
    return np.log((p / p.sum()) / (q / q.sum()))


def _fit(
    texts: list[str],
    labels: list[int],
    c: float,
    char_max: int,
    word_max: int,
    weighting: str = "none",
    sample_weight: Sequence[float] | None = None,
) -> LanguageModel:
    """``weighting="nb"`` scales each feature by its Naive Bayes log-count ratio before
    the regression; the ratio is folded into the coefficients, so the saved model and
    its scoring are the same as without it. ``sample_weight``: one per text."""
    from scipy.sparse import diags, hstack
    from sklearn.linear_model import LogisticRegression

    char, word = make_vectorizers(char_max, word_max)
    features = hstack([char.fit_transform(texts), word.fit_transform(texts)]).tocsr()
    y = np.asarray(labels)
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    ratio = nb_log_count_ratio(features, y, weights=w) if weighting == "nb" else None
    clf = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=2000)
    clf.fit(features if ratio is None else (features @ diags(ratio)).tocsr(), y, sample_weight=w)
    coef = clf.coef_.ravel().astype(np.float64)
    if ratio is not None:
        coef = coef * ratio
    return LanguageModel(char, word, coef, float(clf.intercept_[0]))


def _unseen_writer_scores(
    train_texts: Sequence[str],
    train_labels: Sequence[int],
    train_weights: Sequence[float],
    train_writers: Sequence[str],
    texts: Sequence[str],
    writers: Sequence[str],
    fit: Any,
) -> list[float]:
    """Score each writer's ``texts`` with a model fitted without that writer's rows.

    ``train_writers`` names the writer of each training row ("" for corpus and
    synthetic rows); ``fit(texts, labels, sample_weight=)`` returns a model. A hash split
    puts some of a writer's questions in training and the rest in validation, so
    the validation part shares the writer's habits: calibrated on it to 5 % leak,
    the model leaked 11 % (Urdu) and 7.5 % (Roman Urdu) of the first two blind
    sets written after it. A writer the model never saw is what a new town hall's
    citizens are.
    """
    scores = [0.0] * len(texts)
    for writer in sorted(set(writers)):
        keep = [i for i, w in enumerate(train_writers) if w != writer]
        model = fit(
            [train_texts[i] for i in keep],
            [train_labels[i] for i in keep],
            sample_weight=[train_weights[i] for i in keep],
        )
        mine = [i for i, w in enumerate(writers) if w == writer]
        for i, score in zip(mine, model.predict([texts[i] for i in mine]), strict=True):
            scores[i] = float(score)
    return scores


def _dataset_hash(paths: Sequence[Path]) -> dict[str, Any]:
    files = {p.name: sha256_file(p) for p in paths}
    combined = hashlib.sha256("".join(f"{n}:{h}\n" for n, h in sorted(files.items())).encode())
    return {"files": files, "sha256": combined.hexdigest()}


def train(
    data: Sequence[str | Path],
    out_dir: str | Path,
    languages: Sequence[str] | None = None,
    c_grid: Sequence[float] = DEFAULT_C_GRID,
    target_leak: float = 0.05,
    max_reject_fpr: float = 0.01,
    char_max_features: int = 300_000,
    word_max_features: int = 200_000,
    civic_clean: int = 0,
    civic_abusive: int = 0,
    log: Any = None,
    roman_skeleton: bool = True,
    weightings: Sequence[str] | None = None,
    written_weight: float = DEFAULT_WRITTEN_WEIGHT,
) -> dict[str, Any]:
    """Train one model per language found in ``data`` (or only ``languages``).

    Writes ``<lang>.npz`` and ``metadata.json`` into ``out_dir`` and returns the
    metadata. ``civic_clean``/``civic_abusive`` synthetic civic questions per
    language (``augment.civic_rows``) join the *train* part only, so validation
    and test stay real data; a second synthetic set built from frames kept out of
    training (``part="validation"``) joins threshold calibration (``calibrate``).
    ``roman_skeleton``: the Roman Urdu model also sees consonant skeletons of
    words (``classifier.linear.roman_skeleton``). ``weightings``: feature weightings
    tried with each C (``_fit``; default ``DEFAULT_WEIGHTINGS`` per language); the
    pair with the lowest friction at the calibrated hold wins. ``written_weight``:
    the sample weight of the hand-written questions' train part
    (``moderation.pipeline.written``; 0 leaves them out, and then their
    validation part too). Precondition: each language has both labels in train
    and validation.
    """
    from moderation.pipeline.augment import CONSTRUCTION_SHARE, civic_rows
    from moderation.pipeline.written import writer_of, written_files, written_rows

    unknown_weightings = [w for w in weightings or () if w not in WEIGHTINGS]
    if unknown_weightings:
        raise ValueError(f"unknown weightings {unknown_weightings}; expected {WEIGHTINGS}")
    paths = [Path(p) for p in data]
    rows = read_rows(paths)
    wanted = list(languages) if languages else sorted({r.lang for r in rows if r.lang})
    unknown = [lang for lang in wanted if lang not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown languages {unknown}; expected some of {LANGUAGES}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    say = log or (lambda msg: print(msg, file=sys.stderr))
    written_paths = written_files() if written_weight > 0 else []
    dataset = _dataset_hash([*paths, *written_paths])
    meta_languages: dict[str, Any] = {}
    for lang in wanted:
        parts: dict[str, tuple[list[str], list[int]]] = {
            "train": ([], []),
            "validation": ([], []),
            "test": ([], []),
        }
        seen: set[str] = set()
        for row in rows:
            if row.lang != lang:
                continue
            text = sanitize(row.text)
            if not text:
                continue
            key = " ".join(fold(text).split())
            # Duplicates with different labels stay (they are real annotator noise);
            # exact duplicates with the same label would only weight one sentence.
            dedupe_key = f"{row.label}\t{key}"
            if dedupe_key in seen:
                continue
            seen.add(dedupe_key)
            split = split_of(row.text)
            parts[split][0].append(text)
            parts[split][1].append(row.label)
        synthetic = civic_rows(lang, civic_clean, civic_abusive)
        for row in synthetic:
            parts["train"][0].append(sanitize(row.text))
            parts["train"][1].append(row.label)
        written_train, written_val = written_rows(lang) if written_paths else ((), ())
        weights = [1.0] * len(parts["train"][1]) + [written_weight] * len(written_train)
        for row in written_train:
            parts["train"][0].append(sanitize(row.text))
            parts["train"][1].append(row.label)
        for name, (_, ys) in parts.items():
            if name != "test" and len(set(ys)) < 2:
                raise ValueError(f"{lang}: the {name} part needs both labels")
        # Synthetic civic validation: frames never used in training (see augment).
        civic_val = civic_rows(
            lang, civic_clean // 10, civic_abusive // 10, seed=29, part="validation"
        )
        civic_val_texts = [sanitize(r.text) for r in civic_val]
        civic_val_labels = [r.label for r in civic_val]
        features = ROMAN_SKELETON if roman_skeleton and lang == "ur-Latn" else ""
        feats = {name: featurize(texts, features) for name, (texts, _) in parts.items()}
        civic_val_feats = featurize(civic_val_texts, features)
        caught = caught_before_classifier(parts["validation"][0])
        civic_caught = caught_before_classifier(civic_val_texts)
        written_val_texts = [sanitize(r.text) for r in written_val]
        written_val_labels = [r.label for r in written_val]
        written_val_feats = featurize(written_val_texts, features)
        written_caught = caught_before_classifier(written_val_texts)
        # Everything but the model's scores and the written set is fixed per language.
        calibrate_on = partial(
            calibrate,
            labels=parts["validation"][1],
            caught=caught,
            civic_labels=civic_val_labels,
            civic_caught=civic_caught,
            target_leak=target_leak,
            max_reject_fpr=max_reject_fpr,
        )
        tried = tuple(weightings) if weightings else DEFAULT_WEIGHTINGS.get(lang, WEIGHTINGS)
        best: tuple[float, tuple[float, str], LanguageModel, dict[str, Any]] | None = None
        for c, weighting in [(c, w) for w in tried for c in c_grid]:
            model = _fit(
                feats["train"],
                parts["train"][1],
                c,
                char_max_features,
                word_max_features,
                weighting,
                weights,
            )
            cand = calibrate_on(
                scores=model.predict(feats["validation"]),
                civic_scores=model.predict(civic_val_feats) if civic_val else [],
                written=(
                    written_val_labels,
                    model.predict(written_val_feats) if written_val else [],
                    written_caught,
                ),
            )
            # Friction at the leak target, on the corpus and on unseen civic phrasings.
            cost = (
                cand["validation_friction"]
                + cand.get("civic_validation_friction", 0.0)
                + cand.get("written_validation_friction", 0.0)
            )
            say(
                f"[{lang}] C={c} {weighting}: validation AUC {cand['validation_auc']:.4f} "
                f"hold {cand['hold']:.3f} friction {cand['validation_friction']:.3f} "
                f"civic friction {cand.get('civic_validation_friction', 0.0):.3f} "
                f"written leak {cand.get('written_validation_leak', 0.0):.3f} "
                f"friction {cand.get('written_validation_friction', 0.0):.3f}"
            )
            if best is None or cost < best[0]:
                best = (cost, (c, weighting), model, cand)
        assert best is not None
        _, (c_best, weighting_best), model, thresholds = best
        val_scores = model.predict(feats["validation"])
        if written_train:
            # The final hold: each writer's questions scored by a model that never
            # saw that writer (see _unseen_writer_scores).
            all_written = (*written_train, *written_val)
            # The written train rows are the last ones of the train part.
            written_train_feats = feats["train"][len(feats["train"]) - len(written_train) :]
            train_writers = [""] * (len(weights) - len(written_train)) + [
                writer_of(r) for r in written_train
            ]
            unseen_scores = _unseen_writer_scores(
                feats["train"],
                parts["train"][1],
                weights,
                train_writers,
                [*written_train_feats, *written_val_feats],
                [writer_of(r) for r in all_written],
                partial(
                    _fit,
                    c=c_best,
                    char_max=char_max_features,
                    word_max=word_max_features,
                    weighting=weighting_best,
                ),
            )
            thresholds = calibrate_on(
                scores=val_scores,
                civic_scores=model.predict(civic_val_feats) if civic_val else [],
                written=(
                    [r.label for r in all_written],
                    unseen_scores,
                    caught_before_classifier(parts["train"][0][-len(written_train) :])
                    + written_caught,
                ),
            )
            thresholds["written_scores"] = "unseen writer"
            say(
                f"[{lang}] unseen-writer calibration: hold {thresholds['hold']:.3f} "
                f"written leak {thresholds['written_validation_leak']:.3f} "
                f"friction {thresholds['written_validation_friction']:.3f}"
            )
        test_metrics = (
            classifier_metrics(parts["test"][1], model.predict(feats["test"]), thresholds["hold"])
            if parts["test"][1]
            else {}
        )
        file_name = f"{lang}.npz"
        model.save(out / file_name)
        probe_texts = (parts["validation"][0][:5] + parts["test"][0][:3]) or ["probe"]
        probes = [
            {"text": t, "score": s}
            for t, s in zip(
                probe_texts, model.predict(featurize(probe_texts, features)), strict=True
            )
        ]
        meta_languages[lang] = {
            "file": file_name,
            "sha256": sha256_file(out / file_name),
            "C": c_best,
            "weighting": weighting_best,
            "text_features": features,
            "n_train": len(parts["train"][1]),
            "n_synthetic_civic": len(synthetic),
            "n_written_train": len(written_train),
            "n_written_validation": len(written_val),
            "written_weight": written_weight if written_paths else 0.0,
            "n_validation": len(parts["validation"][1]),
            "n_test": len(parts["test"][1]),
            "positive_rate_train": float(np.mean(parts["train"][1])),
            "validation": classifier_metrics(
                parts["validation"][1], val_scores, thresholds["hold"]
            ),
            "test": test_metrics,
            "thresholds": {"hold": thresholds["hold"], "reject": thresholds["reject"]},
            "calibration": thresholds,
            "probes": probes,
        }
        say(
            f"[{lang}] C={c_best} {weighting_best} thresholds hold={thresholds['hold']:.4f} "
            f"reject={thresholds['reject']:.4f} test={test_metrics}"
        )
    created = datetime.now(UTC)
    metadata = {
        "format_version": FORMAT_VERSION,
        "kind": "linear",
        "model_version": f"linear-{created:%Y%m%d%H%M%S}-{dataset['sha256'][:12]}",
        "created_at": created.isoformat(),
        "training_data": dataset,
        "libraries": _library_versions(),
        "split": {"method": "sha256(folded text) % 100", "train": 70, "validation": 15, "test": 15},
        "synthetic_civic": {
            "clean_per_language": civic_clean,
            "abusive_per_language": civic_abusive,
            "construction_share": dict(CONSTRUCTION_SHARE),
            "validation": "frames held out of training (augment.VALIDATION_EVERY), seed 29",
        },
        "languages": meta_languages,
    }
    (out / METADATA_FILE).write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")
    return metadata


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Train the linear moderation model.")
    parser.add_argument("--data", nargs="+", required=True, help="labelled CSVs (text,label,lang)")
    parser.add_argument("--out", required=True, help="model directory to write")
    parser.add_argument("--lang", nargs="*", default=None, help="only these languages")
    parser.add_argument("--target-leak", type=float, default=0.05)
    parser.add_argument("--max-reject-fpr", type=float, default=0.01)
    parser.add_argument("--c", type=float, nargs="+", default=list(DEFAULT_C_GRID))
    parser.add_argument(
        "--weighting",
        nargs="+",
        choices=WEIGHTINGS,
        default=None,
        help="feature weightings tried with each C, for every language (nb: Naive Bayes "
        "log-count ratios); default per language: "
        + ", ".join(f"{k} {'/'.join(v)}" for k, v in DEFAULT_WEIGHTINGS.items()),
    )
    parser.add_argument(
        "--civic-clean",
        type=int,
        default=25000,
        help="synthetic clean civic questions per language added to training (0: none)",
    )
    parser.add_argument(
        "--civic-abusive",
        type=int,
        default=1000,
        help="synthetic abusive civic questions per language added to training",
    )
    parser.add_argument(
        "--written-weight",
        type=float,
        default=DEFAULT_WRITTEN_WEIGHT,
        help="sample weight of the hand-written civic questions (moderation/corpus; "
        "0: leave them out)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    metadata = train(
        args.data,
        args.out,
        languages=args.lang,
        c_grid=args.c,
        target_leak=args.target_leak,
        max_reject_fpr=args.max_reject_fpr,
        civic_clean=args.civic_clean,
        civic_abusive=args.civic_abusive,
        weightings=args.weighting,
        written_weight=args.written_weight,
    )
    print(json.dumps({"model_version": metadata["model_version"], "out": str(args.out)}))
    return 0
