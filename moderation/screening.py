"""The screening interface between live sessions and moderation.

``screen_question`` is the one call the question flow makes before anyone but
the author and moderators may see a question. It runs the automatic pipeline
(``moderation/pipeline``) and returns publish, hold (for a human, with reasons)
or reject (with a reason). In pre-moderation the pipeline still runs, so
moderators see its findings, but every question is held for a human.

It fails closed: whatever goes wrong inside screening becomes a hold, never a
publish.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings

from moderation.reasons import ScreeningCode

logger = logging.getLogger(__name__)

Outcome = Literal["publish", "hold", "reject"]


@dataclass(frozen=True)
class ScreeningReason:
    code: str
    stage: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Screening:
    outcome: Outcome
    reasons: tuple[ScreeningReason, ...]
    language: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def primary_reason(self) -> ScreeningReason | None:
        return self.reasons[0] if self.reasons else None


@dataclass(frozen=True)
class ScreeningRequest:
    """What screening may look at.

    ``recent`` are the participant's own earlier questions in this session as
    ``(text, submitted_at)`` pairs, newest first.
    """

    text: str
    moderation_mode: str
    agenda: str = ""
    recent: tuple[tuple[str, datetime.datetime], ...] = ()
    now: datetime.datetime | None = None


_config_lock = threading.Lock()
_config_cache: dict[str, Any] = {}


def pipeline_config() -> Any:
    """The pipeline configuration from settings, built once per distinct value."""
    from moderation.pipeline import PipelineConfig

    raw = settings.TOWNHALL_MODERATION_PIPELINE
    key = json.dumps(raw, sort_keys=True, default=str)
    with _config_lock:
        config = _config_cache.get(key)
        if config is None:
            config = _config_cache[key] = PipelineConfig.from_mapping(raw)
    return config


def _runner(config: Any) -> Any:
    from moderation.pipeline import shared_pool

    # Without a backend nothing needs the worker processes.
    return shared_pool(config) if config.backends else None


# One question per script the stages route differently.
_WARM_UP_TEXTS = (
    "When will the water supply in our ward be restored?",
    "ہمارے محلے میں پانی کب بحال ہوگا؟",
    "Hamare mohallay mein pani kab bahal hoga?",
)


def screening_warm_up() -> None:
    """Load what the automatic stages use (lexicons, patterns, language data) now.

    Precondition: Django is set up. Call it once per server process, before it
    serves: the first question would otherwise load all this (about 0.4 s of
    Python holding the GIL) and stall every socket of the process meanwhile.
    The classifier is left out: its workers start with the first question that
    needs them, so a server without a model never spawns any.
    """
    from moderation.pipeline import ScreeningContext, screen

    config = pipeline_config().with_changes(backends={})
    context = ScreeningContext(
        now=datetime.datetime.now(datetime.UTC), recent_questions=(), agenda="water roads"
    )
    for text in _WARM_UP_TEXTS:
        screen(text, context=context, config=config, runner=None)


def screen_question(request: ScreeningRequest) -> Screening:
    """Decide what happens to a new or edited question."""
    try:
        screening = _screen_automatically(request)
    except Exception:
        logger.exception("automatic screening failed; holding the question for a human")
        screening = Screening(
            outcome="hold",
            reasons=(ScreeningReason(ScreeningCode.CLASSIFIER_UNAVAILABLE.value, "classifier"),),
        )
    if request.moderation_mode != "automatic":
        screening = Screening(
            outcome="hold",
            reasons=(
                ScreeningReason(ScreeningCode.PRE_MODERATION.value, "policy"),
                *screening.reasons,
            ),
            language=screening.language,
            details=screening.details,
        )
    return screening


def _screen_automatically(request: ScreeningRequest) -> Screening:
    from moderation.pipeline import PriorQuestion, ScreeningContext, screen

    now = request.now or datetime.datetime.now(datetime.UTC)
    config = pipeline_config()
    verdict = screen(
        request.text,
        context=ScreeningContext(
            now=now,
            recent_questions=tuple(
                PriorQuestion(text=text, submitted_at=at) for text, at in request.recent
            ),
            agenda=request.agenda,
        ),
        config=config,
        runner=_runner(config),
    )
    details = verdict.to_dict()
    # The question row keeps the text; the audit keeps what the stages found.
    details.pop("original_text", None)
    details.pop("normalized_text", None)
    return Screening(
        outcome=verdict.outcome,
        reasons=tuple(ScreeningReason(r.code, r.stage, dict(r.detail)) for r in verdict.reasons),
        language=verdict.language,
        details=details,
    )
