"""Configuration and per-question context for the pipeline.

The pipeline never reads Django settings itself: the caller builds a
``PipelineConfig`` (``PipelineConfig.from_settings()`` reads
``settings.TOWNHALL_MODERATION_PIPELINE``) so tests and offline tools can pass a
config directly. Configs are frozen and picklable because classifier worker
processes receive them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from moderation.pipeline import verdict as v
from moderation.pipeline.verdict import Action

LinkPolicy = Literal["allow", "hold", "reject"]

DEFAULT_ACTIONS: Mapping[str, Action] = MappingProxyType(
    {
        v.TOO_LONG: "reject",
        v.EMPTY: "reject",
        v.REPEAT: "reject",
        v.RATE_LIMITED: "reject",
        v.BANNED_TERM: "reject",
        v.TOXICITY_LIKELY: "reject",
        v.SUSPECT_TERM: "hold",
        v.CONTAINS_LINK: "hold",
        v.SPAM: "hold",
        v.PERSONAL_DATA: "hold",
        v.CLASSIFIER_UNAVAILABLE: "hold",
        v.NO_MODEL_FOR_LANGUAGE: "hold",
        v.TOXICITY_MAYBE: "hold",
        v.OFFENSIVE: "hold",
        v.HARASSMENT: "hold",
        v.HATE_SPEECH: "hold",
        v.THREAT: "hold",
        v.OTHER: "hold",
        v.DUPLICATE: "flag",
        v.OFF_TOPIC: "flag",
        v.SHOUTING: "flag",
    }
)

# Codes whose action may never let a question through or reject it: failing
# closed means "a human looks", and relevance is advice for moderators only.
_MUST_NOT_PUBLISH = frozenset({v.CLASSIFIER_UNAVAILABLE, v.NO_MODEL_FOR_LANGUAGE})
_MUST_NOT_REJECT = frozenset({v.OFF_TOPIC})


@dataclass(frozen=True)
class PolicyConfig:
    """Maps each reason code to what happens to the question.

    The outcome is the most severe action over all reasons
    (reject > hold > flag/publish); no reasons means publish.
    """

    actions: Mapping[str, Action] = field(default_factory=lambda: dict(DEFAULT_ACTIONS))

    def __post_init__(self) -> None:
        merged = dict(DEFAULT_ACTIONS)
        merged.update(self.actions)
        for code, action in merged.items():
            if code not in v.ALL_CODES:
                raise ValueError(f"policy names unknown reason code {code!r}")
            if action not in ("publish", "flag", "hold", "reject"):
                raise ValueError(f"policy action for {code!r} must be publish/flag/hold/reject")
            if code in _MUST_NOT_PUBLISH and action not in ("hold", "reject"):
                raise ValueError(f"{code!r} must hold or reject: the pipeline fails closed")
            if code in _MUST_NOT_REJECT and action == "reject":
                raise ValueError(f"{code!r} is advice for moderators and may not reject")
        object.__setattr__(self, "actions", MappingProxyType(merged))

    def action_for(self, code: str) -> Action:
        return self.actions[code]

    def __reduce__(self) -> tuple[Any, ...]:
        # MappingProxyType does not pickle; worker processes need the config.
        return (PolicyConfig, (dict(self.actions),))


@dataclass(frozen=True)
class BackendSpec:
    """Which toxicity backend covers a language.

    ``kind`` is ``"linear"``, ``"detoxify"`` or an import path ``"package.module:Class"``
    of a class with the ``ToxicityBackend`` interface. ``options`` go to its
    ``load()``. Thresholds given here override the model's own calibration; a
    language has a *validated* model only if thresholds come from one of the two.
    """

    kind: str
    options: Mapping[str, Any] = field(default_factory=dict)
    hold_threshold: float | None = None
    reject_threshold: float | None = None

    def key(self) -> str:
        """A stable identity so one process loads each backend once."""
        opts = ",".join(f"{k}={self.options[k]!r}" for k in sorted(self.options))
        return f"{self.kind}({opts})"


@dataclass(frozen=True)
class LexiconSource:
    """An extra term list: ``lang`` is ``"*"`` for all languages."""

    path: str
    severity: Literal["banned", "suspect"]
    lang: str = "*"


@dataclass(frozen=True)
class PipelineConfig:
    max_length: int = 1000
    # Abuse of the system.
    rate_limit_count: int = 5
    rate_limit_window_s: float = 60.0
    repeat_window_s: float = 24 * 3600.0
    repeat_jaccard: float = 0.9
    link_policy: LinkPolicy = "hold"
    allowed_domains: tuple[str, ...] = ()
    flood_char_run: int = 8
    flood_word_repeat: int = 4
    caps_min_letters: int = 20
    caps_ratio: float = 0.8
    # Lexicons.
    use_builtin_lexicons: bool = True
    extra_lexicons: tuple[LexiconSource, ...] = ()
    # Classifier: language code -> backend.
    backends: Mapping[str, BackendSpec] = field(default_factory=dict)
    classifier_timeout_s: float = 2.0
    pool_workers: int = 1
    # Workers run at a lower CPU priority than the socket server that owns them
    # (added to its niceness): on a shared core, a saturated model then slows
    # screening, not every socket's heartbeat.
    pool_worker_nice: int = 10
    pool_max_batch: int = 32
    pool_max_wait_ms: float = 5.0
    pool_start_method: str = "spawn"
    # Relevance (advice only).
    relevance_threshold: float = 0.08
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    # Stop after the first rejecting stage; evaluation turns this off to get scores.
    short_circuit: bool = True

    def __post_init__(self) -> None:
        if self.max_length <= 0:
            raise ValueError("max_length must be positive")
        if not 0.0 < self.repeat_jaccard <= 1.0:
            raise ValueError("repeat_jaccard must be in (0, 1]")
        if not 0 <= self.pool_worker_nice <= 19:
            raise ValueError("pool_worker_nice must be between 0 and 19")
        if self.classifier_timeout_s <= 0:
            raise ValueError("classifier_timeout_s must be positive")
        # Plain dict so the config pickles into worker processes.
        object.__setattr__(self, "backends", dict(self.backends))

    def with_changes(self, **changes: Any) -> PipelineConfig:
        return replace(self, **changes)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PipelineConfig:
        """Build from a settings-style dict; unknown keys are an error (typos matter here)."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown moderation pipeline settings: {sorted(unknown)}")
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key == "backends":
                kwargs[key] = {
                    lang: value_ if isinstance(value_, BackendSpec) else _backend_from(value_)
                    for lang, value_ in value.items()
                }
            elif key == "extra_lexicons":
                kwargs[key] = tuple(
                    item if isinstance(item, LexiconSource) else LexiconSource(**item)
                    for item in value
                )
            elif key == "policy":
                kwargs[key] = value if isinstance(value, PolicyConfig) else PolicyConfig(value)
            elif key == "allowed_domains":
                kwargs[key] = tuple(str(d).lower() for d in value)
            else:
                kwargs[key] = value
        return cls(**kwargs)

    @classmethod
    def from_settings(cls, settings_obj: Any = None) -> PipelineConfig:
        """Read ``TOWNHALL_MODERATION_PIPELINE`` from Django settings (or the object given)."""
        if settings_obj is None:
            from django.conf import settings as settings_obj
        return cls.from_mapping(getattr(settings_obj, "TOWNHALL_MODERATION_PIPELINE", {}))


def _backend_from(value: Mapping[str, Any]) -> BackendSpec:
    data = dict(value)
    kind = data.pop("kind")
    hold = data.pop("hold_threshold", None)
    reject = data.pop("reject_threshold", None)
    options = data.pop("options", {})
    options = {**options, **data}
    return BackendSpec(kind=kind, options=options, hold_threshold=hold, reject_threshold=reject)


def linear_backends(model_dir: str | Path, languages: tuple[str, ...]) -> dict[str, BackendSpec]:
    """Config helper: the project's linear model directory covers these languages."""
    spec = BackendSpec(kind="linear", options={"model_dir": str(model_dir)})
    return dict.fromkeys(languages, spec)


@dataclass(frozen=True)
class PriorQuestion:
    """One of the participant's own earlier questions in this session."""

    text: str
    submitted_at: datetime


@dataclass(frozen=True)
class ScreeningContext:
    """What the caller knows about the question's surroundings.

    Precondition: ``now`` and every ``submitted_at`` are comparable (all aware,
    or all naive in the same zone). ``recent_questions`` are the participant's
    own questions, any outcome, newest first or in any order.
    """

    now: datetime
    recent_questions: tuple[PriorQuestion, ...] = ()
    agenda: str = ""
    participant_ref: str = ""
