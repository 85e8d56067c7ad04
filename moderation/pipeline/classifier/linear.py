"""The project's own linear toxicity model: TF-IDF n-grams + logistic regression.

One model per language: the three corpora differ in script, domain and class
balance, and per-language thresholds need per-language scores anyway. (A
shared model with a language feature was not measured; see
docs/moderation-pipeline.md.) A model directory holds::

    metadata.json          version, data hashes, library versions, metrics, thresholds
    <lang>.npz             vocabularies, IDF weights, coefficients (no pickles)

Nothing is unpickled on load: arrays are read with ``allow_pickle=False`` and
the vectorisers are rebuilt from their parameters. Loading refuses a directory
whose files do not match the hashes in the metadata, whose format or library
versions differ, or whose stored probe scores are not reproduced exactly.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from moderation.pipeline.classifier.base import ClassifierError, Thresholds
from moderation.pipeline.normalize import fold

FORMAT_VERSION = 1
METADATA_FILE = "metadata.json"

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGITS = re.compile(r"\d+")
_REPEAT = re.compile(r"(.)\1{2,}")
_RT = re.compile(r"^(?:rt\b[\s:]*)+")

CHAR_PARAMS: dict[str, Any] = {
    "analyzer": "char_wb",
    "ngram_range": (2, 5),
    "sublinear_tf": True,
    "lowercase": False,
    "dtype": np.float64,
}
WORD_PARAMS: dict[str, Any] = {
    "analyzer": "word",
    "ngram_range": (1, 2),
    "sublinear_tf": True,
    "lowercase": False,
    "token_pattern": r"(?u)\b\w+\b",
    "dtype": np.float64,
}


def model_text(folded: str) -> str:
    """What the model sees: folded text with tweet artefacts and numbers generalised.

    Training rows and live questions go through the same function, so the
    model never learns that "@USER" or a URL means anything in particular.
    """
    text = _EMAIL.sub(" email ", folded)
    text = _URL.sub(" url ", text)
    text = _MENTION.sub(" ", text)
    text = _RT.sub("", text.strip())
    text = _DIGITS.sub("0", text)
    text = _REPEAT.sub(r"\1\1", text)
    return " ".join(text.split())


# Roman Urdu has no standard spelling (nahi/nahin/nhi, kyun/kyon/kiyon,
# mein/main/me). A model trained with ``text_features = "roman-skeleton"`` also
# sees, for each Latin word, a consonant skeleton token ("_nh" for all of
# nahi/nhi/nahee), so spelling variants share a feature.
ROMAN_SKELETON = "roman-skeleton"
_LATIN_WORD = re.compile(r"[a-z]{2,}")
_SKELETON_SUBS = (("ee", "i"), ("oo", "u"), ("ou", "u"), ("w", "v"), ("q", "k"))
_VOWELS = re.compile(r"(?<!^)[aeiouy]+")
_DOUBLE = re.compile(r"(.)\1+")


def roman_skeleton(word: str) -> str:
    """Consonant skeleton of a Latin word: "nahin" -> "nhn", "kiyon" -> "kn"."""
    for old, new in _SKELETON_SUBS:
        word = word.replace(old, new)
    word = _DOUBLE.sub(r"\1", word)
    return _DOUBLE.sub(r"\1", _VOWELS.sub("", word))


def featurize(display_texts: list[str], text_features: str = "") -> list[str]:
    texts = [model_text(fold(t)) for t in display_texts]
    if text_features == ROMAN_SKELETON:
        texts = [
            t + " " + " ".join("_" + roman_skeleton(w) for w in _LATIN_WORD.findall(t))
            for t in texts
        ]
    return texts


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _library_versions() -> dict[str, str]:
    import sklearn

    return {"sklearn": sklearn.__version__, "numpy": np.__version__}


def _major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


@dataclass
class LanguageModel:
    """A fitted per-language model, rebuilt from arrays without pickle.

    ``decision`` is the reference: scikit-learn's sparse TF-IDF transform of a
    batch. ``predict`` computes the same function text by text from the
    vocabularies (``_text_decision``): for one question scikit-learn's
    validation and sparse-matrix plumbing cost ~3 ms while the n-grams
    themselves take ~0.1 ms, and the live pipeline scores one question at a time.
    """

    char_vectorizer: Any
    word_vectorizer: Any
    coef: np.ndarray
    intercept: float
    _parts: tuple[tuple[Any, dict[str, int], np.ndarray, np.ndarray], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        n_char = len(self.char_vectorizer.vocabulary_)
        self._parts = (
            (
                self.char_vectorizer.build_analyzer(),
                self.char_vectorizer.vocabulary_,
                np.asarray(self.char_vectorizer.idf_, dtype=np.float64),
                self.coef[:n_char],
            ),
            (
                self.word_vectorizer.build_analyzer(),
                self.word_vectorizer.vocabulary_,
                np.asarray(self.word_vectorizer.idf_, dtype=np.float64),
                self.coef[n_char:],
            ),
        )

    def _text_decision(self, model_text: str) -> float:
        """``decision([model_text])[0]`` without building a sparse matrix.

        Per vectoriser, as ``TfidfVectorizer(sublinear_tf=True, norm="l2")``:
        weight = (1 + ln count) * idf over the n-grams in the vocabulary, the
        weights scaled to unit length, then the dot product with the coefficients.
        """
        total = self.intercept
        for analyzer, vocabulary, idf, coef in self._parts:
            counts: dict[int, int] = {}
            for term in analyzer(model_text):
                index = vocabulary.get(term)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            if not counts:
                continue
            indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            weights = (1.0 + np.log(tf)) * idf[indices]
            total += float(weights @ coef[indices]) / math.sqrt(float(weights @ weights))
        return total

    def decision(self, model_texts: list[str]) -> np.ndarray:
        from scipy.sparse import hstack

        features = hstack(
            [
                self.char_vectorizer.transform(model_texts),
                self.word_vectorizer.transform(model_texts),
            ]
        ).tocsr()
        return np.asarray(features @ self.coef + self.intercept).ravel()

    def predict(self, model_texts: list[str]) -> list[float]:
        if not model_texts:
            return []
        decisions = np.array([self._text_decision(t) for t in model_texts], dtype=np.float64)
        z = np.clip(decisions, -35.0, 35.0)
        return [float(p) for p in 1.0 / (1.0 + np.exp(-z))]

    def save(self, path: Path) -> None:
        char_vocab = _vocab_array(self.char_vectorizer.vocabulary_)
        word_vocab = _vocab_array(self.word_vectorizer.vocabulary_)
        with path.open("wb") as fh:
            np.savez_compressed(
                fh,
                char_vocab=char_vocab,
                char_idf=self.char_vectorizer.idf_,
                word_vocab=word_vocab,
                word_idf=self.word_vectorizer.idf_,
                coef=self.coef,
                intercept=np.array([self.intercept]),
            )

    @classmethod
    def load(cls, path: Path) -> LanguageModel:
        with np.load(path, allow_pickle=False) as data:
            char = _rebuild(CHAR_PARAMS, data["char_vocab"], data["char_idf"])
            word = _rebuild(WORD_PARAMS, data["word_vocab"], data["word_idf"])
            coef = np.asarray(data["coef"], dtype=np.float64)
            intercept = float(data["intercept"][0])
        if coef.shape[0] != len(char.vocabulary_) + len(word.vocabulary_):
            raise ClassifierError(f"{path.name}: coefficient count does not match vocabularies")
        return cls(char, word, coef, intercept)


def _vocab_array(vocabulary: dict[str, int]) -> np.ndarray:
    terms = [""] * len(vocabulary)
    for term, index in vocabulary.items():
        terms[index] = term
    return np.array(terms, dtype=np.str_)


def _rebuild(params: dict[str, Any], vocab: np.ndarray, idf: np.ndarray) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(**params, vocabulary={str(t): i for i, t in enumerate(vocab)})
    # A fixed vocabulary needs no fit except for the IDF weights, which we restore.
    vectorizer._validate_vocabulary()
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
    return vectorizer


def make_vectorizers(char_max_features: int, word_max_features: int) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    char = TfidfVectorizer(**CHAR_PARAMS, min_df=2, max_features=char_max_features)
    word = TfidfVectorizer(**WORD_PARAMS, min_df=2, max_features=word_max_features)
    return char, word


class LinearBackend:
    """``ToxicityBackend`` over a trained model directory (``load(model_dir=...)``)."""

    def __init__(self, model_dir: Path, metadata: dict[str, Any], models: dict[str, LanguageModel]):
        self.model_dir = model_dir
        self.metadata = metadata
        self.models = models
        self.name = "linear"
        self.version = str(metadata["model_version"])

    @classmethod
    def load(cls, model_dir: str, allow_version_mismatch: bool = False) -> LinearBackend:
        """Load and verify a model directory written by ``training.train``.

        Raises ``ClassifierError`` if anything does not match its metadata.
        """
        root = Path(model_dir)
        meta_path = root / METADATA_FILE
        if not meta_path.is_file():
            raise ClassifierError(f"no {METADATA_FILE} in {root}")
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        if metadata.get("format_version") != FORMAT_VERSION:
            raise ClassifierError(
                f"model format {metadata.get('format_version')!r}, expected {FORMAT_VERSION}"
            )
        if metadata.get("kind") != "linear":
            raise ClassifierError("metadata does not describe a linear model")
        installed = _library_versions()
        for lib, trained_with in metadata.get("libraries", {}).items():
            current = installed.get(lib)
            if current is None:
                continue
            if _major_minor(current) != _major_minor(trained_with) and not allow_version_mismatch:
                raise ClassifierError(
                    f"model trained with {lib} {trained_with}, installed {current}: retrain it"
                )
        models: dict[str, LanguageModel] = {}
        for lang, info in metadata.get("languages", {}).items():
            path = root / info["file"]
            if not path.is_file():
                raise ClassifierError(f"missing model file {path.name}")
            if sha256_file(path) != info["sha256"]:
                raise ClassifierError(f"{path.name} does not match the hash in the metadata")
            model = LanguageModel.load(path)
            probes = info.get("probes", [])
            if not probes:
                raise ClassifierError(f"{lang}: metadata has no probe scores to verify against")
            got = model.predict(
                featurize([p["text"] for p in probes], info.get("text_features", ""))
            )
            for probe, score in zip(probes, got, strict=True):
                if not math.isclose(score, probe["score"], abs_tol=1e-6):
                    raise ClassifierError(f"{lang}: probe score {score} != stored {probe['score']}")
            models[lang] = model
        if not models:
            raise ClassifierError("model directory covers no language")
        return cls(root, metadata, models)

    def languages(self) -> frozenset[str]:
        return frozenset(self.models)

    def thresholds(self, lang: str) -> Thresholds | None:
        info = self.metadata["languages"].get(lang, {})
        t = info.get("thresholds")
        if not t:
            return None
        return Thresholds(hold=float(t["hold"]), reject=float(t["reject"]))

    def score(self, texts: list[str], lang: str) -> list[float]:
        model = self.models.get(lang)
        if model is None:
            raise ClassifierError(f"linear model has no {lang} part")
        features = self.metadata["languages"][lang].get("text_features", "")
        return model.predict(featurize(texts, features))
