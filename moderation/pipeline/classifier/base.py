"""The toxicity classifier interface and the per-process backend registry.

A backend scores texts in one language with a probability-like toxicity score
in [0, 1]. Backends are expensive to load, so each process loads each one once
(``get_backend``) and keeps it for its lifetime.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from moderation.pipeline.config import BackendSpec


class ClassifierError(RuntimeError):
    """A backend could not load or score; the pipeline holds the question."""


class ClassifierUnavailable(ClassifierError):
    """No score in time (timeout, crashed worker, backend error)."""


@dataclass(frozen=True)
class Thresholds:
    """Score bands: >= ``reject`` is *likely*, >= ``hold`` is *maybe*, else *unlikely*."""

    hold: float
    reject: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.hold <= self.reject <= 1.0:
            raise ValueError(f"need 0 <= hold <= reject <= 1, got {self.hold}, {self.reject}")

    def band(self, score: float) -> str:
        if score >= self.reject:
            return "likely"
        if score >= self.hold:
            return "maybe"
        return "unlikely"


@runtime_checkable
class ToxicityBackend(Protocol):
    """What every backend provides. ``load`` is a classmethod taking the spec options."""

    name: str
    version: str

    def score(self, texts: list[str], lang: str) -> list[float]:
        """Scores in [0, 1], one per text. Precondition: ``lang in self.languages()``."""
        ...

    def languages(self) -> frozenset[str]:
        """Languages this backend was validated for."""
        ...

    def thresholds(self, lang: str) -> Thresholds | None:
        """Calibrated thresholds for ``lang``, or None if the backend has none."""
        ...


@dataclass(frozen=True)
class ScoreResult:
    scores: list[float]
    backend: str
    model_version: str
    thresholds: Thresholds


_BUILTIN_KINDS = {
    "linear": "moderation.pipeline.classifier.linear:LinearBackend",
    "detoxify": "moderation.pipeline.classifier.detoxify_backend:DetoxifyBackend",
}
_loaded: dict[str, Any] = {}
_lock = threading.Lock()


def _resolve(kind: str) -> Any:
    target = _BUILTIN_KINDS.get(kind, kind)
    module_name, sep, attr = target.partition(":")
    if not sep:
        raise ClassifierError(f"backend kind {kind!r} is neither built in nor 'module:Class'")
    module = importlib.import_module(module_name)
    return getattr(module, attr)


def get_backend(spec: BackendSpec) -> ToxicityBackend:
    """Load (once per process) the backend that ``spec`` describes."""
    key = spec.key()
    with _lock:
        backend = _loaded.get(key)
        if backend is None:
            try:
                backend = _resolve(spec.kind).load(**dict(spec.options))
            except ClassifierError:
                raise
            except Exception as exc:
                raise ClassifierError(f"cannot load backend {key}: {exc}") from exc
            _loaded[key] = backend
    return backend


def thresholds_for(spec: BackendSpec, backend: ToxicityBackend, lang: str) -> Thresholds | None:
    """Config overrides first, then the model's own calibration; None = not validated."""
    calibrated = backend.thresholds(lang) if lang in backend.languages() else None
    hold = spec.hold_threshold if spec.hold_threshold is not None else None
    reject = spec.reject_threshold if spec.reject_threshold is not None else None
    if calibrated is not None:
        hold = calibrated.hold if hold is None else hold
        reject = calibrated.reject if reject is None else reject
    if hold is None or reject is None:
        return None
    return Thresholds(hold=hold, reject=reject)


def score_with(spec: BackendSpec, texts: list[str], lang: str) -> ScoreResult:
    """Score in this process. Raises ``ClassifierError`` when the language is not covered."""
    backend = get_backend(spec)
    thresholds = thresholds_for(spec, backend, lang)
    if thresholds is None:
        raise ClassifierError(f"backend {backend.name} has no validated thresholds for {lang}")
    scores = [float(s) for s in backend.score(texts, lang)]
    if len(scores) != len(texts) or any(not 0.0 <= s <= 1.0 for s in scores):
        raise ClassifierError(f"backend {backend.name} returned invalid scores")
    return ScoreResult(scores, backend.name, backend.version, thresholds)


def clear_backends() -> None:
    """Forget loaded backends (tests; a worker reloading a new model version)."""
    with _lock:
        _loaded.clear()
