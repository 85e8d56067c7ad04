"""Automatic moderation pipeline: a pure library (no ORM, no settings access).

Entry point: ``screen(text, context=ScreeningContext(...), config=PipelineConfig(...))``.
Importing this package does not import torch, Django or scikit-learn.
"""

from moderation.pipeline.classifier.base import (
    ClassifierError,
    ClassifierUnavailable,
    Thresholds,
    ToxicityBackend,
)
from moderation.pipeline.classifier.runner import (
    ClassifierPool,
    ClassifierRunner,
    InProcessRunner,
    LanguageNotCovered,
)
from moderation.pipeline.config import (
    BackendSpec,
    LexiconSource,
    PipelineConfig,
    PolicyConfig,
    PriorQuestion,
    ScreeningContext,
    linear_backends,
)
from moderation.pipeline.screen import (
    default_runner,
    screen,
    screen_async,
    screen_batch,
    shared_pool,
)
from moderation.pipeline.verdict import Reason, StageRecord, Verdict

__all__ = [
    "BackendSpec",
    "ClassifierError",
    "ClassifierPool",
    "ClassifierRunner",
    "ClassifierUnavailable",
    "InProcessRunner",
    "LanguageNotCovered",
    "LexiconSource",
    "PipelineConfig",
    "PolicyConfig",
    "PriorQuestion",
    "Reason",
    "ScreeningContext",
    "StageRecord",
    "Thresholds",
    "ToxicityBackend",
    "Verdict",
    "default_runner",
    "linear_backends",
    "screen",
    "screen_async",
    "screen_batch",
    "shared_pool",
]
