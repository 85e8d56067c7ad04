from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from moderation.pipeline import (
    PipelineConfig,
    ScreeningContext,
    linear_backends,
    screen,
    screen_batch,
)
from moderation.pipeline.augment import civic_rows
from moderation.pipeline.verdict import STAGES

REPO = Path(__file__).resolve().parents[3]


def test_clean_question_is_published_with_a_full_audit_trail(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen(
        "  When will the <b>water</b> supply be restored?  ", context=context, config=keyword_config
    )
    assert verdict.outcome == "publish"
    assert verdict.reasons == ()
    assert verdict.normalized_text == "When will the water supply be restored?"
    assert verdict.original_text.startswith("  When will the <b>")
    assert [s.stage for s in verdict.stages] == list(STAGES)
    assert all(s.outcome == "pass" for s in verdict.stages)
    json.dumps(verdict.to_dict())


def test_a_rejecting_stage_stops_the_rest(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen("f u c k you, toxic", context=context, config=keyword_config)
    assert verdict.outcome == "reject"
    outcomes = {s.stage: s.outcome for s in verdict.stages}
    assert outcomes["lexicon"] == "reject"
    assert outcomes["classifier"] == "skipped"
    assert verdict.score is None


def test_without_short_circuit_every_stage_runs(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    config = keyword_config.with_changes(short_circuit=False)
    verdict = screen("f u c k you, toxic", context=context, config=config)
    assert verdict.score == 0.95
    assert set(verdict.reason_codes) == {"banned_term", "toxicity_likely"}


def test_batch_screening_matches_one_by_one(
    trained_model_dir: Path, context: ScreeningContext
) -> None:
    config = PipelineConfig(backends=linear_backends(trained_model_dir, ("en", "ur", "ur-Latn")))
    texts = [r.text for lang in ("en", "ur", "ur-Latn") for r in civic_rows(lang, 5, 5, seed=99)]
    texts += ["", "x" * 2000, "ہمارے محلے میں پانی کب آئے گا؟"]
    one_by_one = [screen(t, context=context, config=config) for t in texts]
    batched = screen_batch(texts, contexts=context, config=config)
    assert [v.outcome for v in batched] == [v.outcome for v in one_by_one]
    assert [v.reason_codes for v in batched] == [v.reason_codes for v in one_by_one]
    for a, b in zip(batched, one_by_one, strict=True):
        assert (a.score is None) == (b.score is None)
        if a.score is not None and b.score is not None:
            assert abs(a.score - b.score) < 1e-9


def test_importing_the_pipeline_does_not_import_torch_django_or_sklearn() -> None:
    code = (
        "import sys, moderation.pipeline; "
        "print(sorted(m for m in ('torch', 'django', 'sklearn', 'detoxify') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
