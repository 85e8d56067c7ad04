"""The screening interface between live sessions and moderation.

``screen_question`` is the one call the question flow makes before anyone but
the author and moderators may see a question. It returns publish, hold (for a
human, with reasons) or reject (with a reason). It fails closed: whatever goes
wrong inside screening becomes a hold, never a publish.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

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
    """What screening may look at. ``text`` is already sanitised."""

    text: str
    moderation_mode: str
    agenda: str = ""
    recent_texts: tuple[str, ...] = ()


def screen_question(request: ScreeningRequest) -> Screening:
    """Decide what happens to a new question.

    Pre-moderation holds everything for a human. Automatic mode runs the
    automatic stages; with none configured it holds, so nothing is published
    unchecked.
    """
    if request.moderation_mode != "automatic":
        return Screening(
            outcome="hold",
            reasons=(ScreeningReason(ScreeningCode.PRE_MODERATION.value, "policy"),),
        )
    try:
        return _screen_automatically(request)
    except Exception:
        logger.exception("automatic screening failed; holding the question for a human")
        return Screening(
            outcome="hold",
            reasons=(ScreeningReason(ScreeningCode.CLASSIFIER_UNAVAILABLE.value, "classifier"),),
        )


def _screen_automatically(request: ScreeningRequest) -> Screening:
    return Screening(
        outcome="hold",
        reasons=(ScreeningReason(ScreeningCode.NO_AUTOMATIC_STAGE.value, "policy"),),
    )
