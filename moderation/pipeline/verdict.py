"""What the automatic moderation pipeline returns.

Everything here is plain, immutable data that serialises to JSON through
``Verdict.to_dict()`` so the caller can store it in the audit trail unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["publish", "hold", "reject"]
# What a policy does with one reason. "flag" publishes but shows moderators the reason.
Action = Literal["publish", "flag", "hold", "reject"]
Band = Literal["likely", "maybe", "unlikely"]
StageOutcome = Literal["pass", "flag", "hold", "reject", "skipped", "error"]

# Codes a human moderator also uses (moderation.reasons.ReasonCode).
OFFENSIVE = "offensive"
HARASSMENT = "harassment"
HATE_SPEECH = "hate_speech"
THREAT = "threat"
PERSONAL_DATA = "personal_data"
SPAM = "spam"
OFF_TOPIC = "off_topic"
DUPLICATE = "duplicate"
OTHER = "other"
HUMAN_CODES: frozenset[str] = frozenset(
    {OFFENSIVE, HARASSMENT, HATE_SPEECH, THREAT, PERSONAL_DATA, SPAM, OFF_TOPIC, DUPLICATE, OTHER}
)

# Codes only the automatic stages give.
TOO_LONG = "too_long"
EMPTY = "empty"
REPEAT = "repeat"
RATE_LIMITED = "rate_limited"
BANNED_TERM = "banned_term"
SUSPECT_TERM = "suspect_term"
CONTAINS_LINK = "contains_link"
CLASSIFIER_UNAVAILABLE = "classifier_unavailable"
NO_MODEL_FOR_LANGUAGE = "no_model_for_language"
TOXICITY_LIKELY = "toxicity_likely"
TOXICITY_MAYBE = "toxicity_maybe"
SHOUTING = "shouting"
MACHINE_CODES: frozenset[str] = frozenset(
    {
        TOO_LONG,
        EMPTY,
        REPEAT,
        RATE_LIMITED,
        BANNED_TERM,
        SUSPECT_TERM,
        CONTAINS_LINK,
        CLASSIFIER_UNAVAILABLE,
        NO_MODEL_FOR_LANGUAGE,
        TOXICITY_LIKELY,
        TOXICITY_MAYBE,
        SHOUTING,
    }
)
ALL_CODES: frozenset[str] = HUMAN_CODES | MACHINE_CODES

# Stage names, in pipeline order.
STAGE_NORMALIZE = "normalize"
STAGE_ABUSE = "abuse"
STAGE_LANGUAGE = "language"
STAGE_LEXICON = "lexicon"
STAGE_PERSONAL_DATA = "personal_data"
STAGE_CLASSIFIER = "classifier"
STAGE_RELEVANCE = "relevance"
STAGES: tuple[str, ...] = (
    STAGE_NORMALIZE,
    STAGE_ABUSE,
    STAGE_LANGUAGE,
    STAGE_LEXICON,
    STAGE_PERSONAL_DATA,
    STAGE_CLASSIFIER,
    STAGE_RELEVANCE,
)


@dataclass(frozen=True)
class Reason:
    """One finding that pushes the verdict away from publish.

    ``detail`` holds JSON-safe values only (str, int, float, bool, lists, dicts),
    and never personal data in clear: the personal-data stage stores masked values.
    """

    code: str
    stage: str
    detail: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in ALL_CODES:
            raise ValueError(f"unknown reason code {self.code!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "stage": self.stage, "detail": dict(self.detail)}


@dataclass(frozen=True)
class StageRecord:
    """What one stage looked at and found, for the audit trail."""

    stage: str
    outcome: StageOutcome
    details: dict[str, Any] = field(default_factory=dict)
    duration_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "outcome": self.outcome,
            "details": dict(self.details),
            "duration_ms": round(self.duration_ms, 3),
        }


@dataclass(frozen=True)
class Verdict:
    """The pipeline's decision on one question.

    ``normalized_text`` is plain text (never HTML): it must be escaped on output
    like any other user text. ``original_text`` is the unmodified submission,
    kept for the audit trail only. ``score`` is the toxicity score in [0, 1]
    when the classifier ran, else None.
    """

    outcome: Outcome
    reasons: tuple[Reason, ...]
    stages: tuple[StageRecord, ...]
    language: str
    normalized_text: str
    original_text: str
    score: float | None = None
    band: Band | None = None
    scores: dict[str, float] = field(default_factory=dict)
    backend: str = ""
    model_version: str = ""
    off_topic: bool = False
    relevance: float | None = None

    @property
    def primary_reason(self) -> Reason | None:
        """The reason that decided the outcome (reasons are sorted most severe first)."""
        return self.reasons[0] if self.reasons else None

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "reasons": [r.to_dict() for r in self.reasons],
            "stages": [s.to_dict() for s in self.stages],
            "language": self.language,
            "normalized_text": self.normalized_text,
            "original_text": self.original_text,
            "score": self.score,
            "band": self.band,
            "scores": dict(self.scores),
            "backend": self.backend,
            "model_version": self.model_version,
            "off_topic": self.off_topic,
            "relevance": self.relevance,
        }
