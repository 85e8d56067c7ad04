from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from moderation.pipeline import (
    BackendSpec,
    ClassifierPool,
    PipelineConfig,
    ScreeningContext,
    screen,
)

BACKENDS = "tests.moderation.pipeline.backends"


def _config(kind: str, timeout: float = 10.0, **options: object) -> PipelineConfig:
    spec = BackendSpec(f"{BACKENDS}:{kind}", {"languages": ("en",), **options})
    return PipelineConfig(
        backends={"en": spec}, classifier_timeout_s=timeout, pool_start_method="spawn"
    )


@pytest.fixture
def keyword_pool() -> Iterator[ClassifierPool]:
    pool = ClassifierPool(_config("KeywordBackend"))
    pool.warm_up()
    yield pool
    pool.close()


def test_pool_scores_in_a_worker_process(
    keyword_pool: ClassifierPool, context: ScreeningContext
) -> None:
    config = _config("KeywordBackend")
    verdict = screen("This is toxic", context=context, config=config, runner=keyword_pool)
    assert verdict.outcome == "reject"
    assert verdict.backend == "keyword"
    assert verdict.score == pytest.approx(0.95)


def test_concurrent_questions_are_batched_and_each_gets_its_own_score(
    keyword_pool: ClassifierPool,
) -> None:
    texts = [f"question {i} {'toxic' if i % 2 else 'fine'}" for i in range(20)]
    with ThreadPoolExecutor(max_workers=10) as threads:
        results = list(threads.map(lambda t: keyword_pool.score([t], "en").scores[0], texts))
    assert results == [0.95 if i % 2 else 0.05 for i in range(20)]


def test_async_callers_do_not_block_the_event_loop(keyword_pool: ClassifierPool) -> None:
    async def main() -> list[float]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.001)

        task = asyncio.create_task(ticker())
        result = await keyword_pool.score_async(["toxic", "fine"], "en")
        task.cancel()
        assert ticks >= 1
        return result.scores

    assert asyncio.run(main()) == [0.95, 0.05]


def test_slow_classifier_times_out_and_the_question_is_held(context: ScreeningContext) -> None:
    config = _config("SlowBackend", timeout=0.5, delay_s=30.0)
    with ClassifierPool(config) as pool:
        pool.warm_up()
        start = time.monotonic()
        verdict = screen(
            "When will the road be fixed?", context=context, config=config, runner=pool
        )
        elapsed = time.monotonic() - start
    assert verdict.outcome == "hold"
    assert verdict.reason_codes == ("classifier_unavailable",)
    assert elapsed < 5.0


def test_pool_recovers_after_a_timeout(context: ScreeningContext) -> None:
    config = _config("SlowBackend", timeout=0.5, delay_s=30.0)
    with ClassifierPool(config) as pool:
        pool.warm_up()
        first = screen("Road?", context=context, config=config, runner=pool)
        # New workers come up after the stuck one was killed; they are slow too,
        # so the answer is again a timeout, not a hang behind the old batch.
        start = time.monotonic()
        second = screen("Water?", context=context, config=config, runner=pool)
        assert time.monotonic() - start < 5.0
    assert first.outcome == second.outcome == "hold"


def test_backend_error_in_the_worker_holds_the_question(context: ScreeningContext) -> None:
    config = _config("BrokenBackend")
    with ClassifierPool(config) as pool:
        verdict = screen(
            "When will the road be fixed?", context=context, config=config, runner=pool
        )
    assert verdict.outcome == "hold"
    assert verdict.reason_codes == ("classifier_unavailable",)


def test_backend_that_cannot_load_holds_the_question(context: ScreeningContext) -> None:
    config = _config("KeywordBackend", no_such_option=1)
    with ClassifierPool(config) as pool:
        verdict = screen("Road?", context=context, config=config, runner=pool)
    assert verdict.reason_codes == ("classifier_unavailable",)


def test_language_without_a_configured_model_is_held_for_a_human(
    keyword_pool: ClassifierPool, context: ScreeningContext
) -> None:
    verdict = screen(
        "ہمارے محلے میں پانی کب آئے گا؟",
        context=context,
        config=_config("KeywordBackend"),
        runner=keyword_pool,
    )
    assert verdict.language == "ur"
    assert verdict.outcome == "hold"
    assert verdict.reason_codes == ("no_model_for_language",)


def test_backend_without_calibrated_thresholds_counts_as_not_validated(
    context: ScreeningContext,
) -> None:
    config = _config("UncalibratedBackend")
    verdict = screen("Road?", context=context, config=config)
    assert verdict.reason_codes == ("no_model_for_language",)
    spec = config.backends["en"]
    calibrated = config.with_changes(
        backends={
            "en": BackendSpec(spec.kind, spec.options, hold_threshold=0.5, reject_threshold=0.9)
        }
    )
    assert screen("Road?", context=context, config=calibrated).outcome == "publish"


def test_closed_pool_fails_closed(context: ScreeningContext) -> None:
    config = _config("KeywordBackend")
    pool = ClassifierPool(config)
    pool.close()
    verdict = screen("Road?", context=context, config=config, runner=pool)
    assert verdict.reason_codes == ("classifier_unavailable",)
