"""The pipeline entry points: ``screen`` one question, ``screen_batch`` many."""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from moderation.pipeline import abuse, language, personal_data, policy, relevance
from moderation.pipeline import verdict as v
from moderation.pipeline.classifier.base import ClassifierUnavailable, ScoreResult
from moderation.pipeline.classifier.runner import (
    ClassifierPool,
    ClassifierRunner,
    InProcessRunner,
    LanguageNotCovered,
)
from moderation.pipeline.config import PipelineConfig, ScreeningContext
from moderation.pipeline.lexicon import load_lexicon
from moderation.pipeline.normalize import Normalized, fold, normalize

# Bleach parses HTML; on a megabyte of input that is slow. Anything this far
# over the limit is rejected before parsing.
_RAW_LENGTH_FACTOR = 20


@dataclass
class _State:
    original: str
    config: PipelineConfig
    context: ScreeningContext
    norm: Normalized | None = None
    language: str = language.OTHER
    reasons: list[v.Reason] = field(default_factory=list)
    records: list[v.StageRecord] = field(default_factory=list)
    stopped: bool = False
    needs_classifier: bool = False
    score: float | None = None
    band: v.Band | None = None
    backend: str = ""
    model_version: str = ""
    off_topic: bool = False
    relevance: float | None = None

    def record(self, stage: str, found: list[v.Reason], details: dict[str, Any], t0: float) -> None:
        self.reasons.extend(found)
        actions = [policy.action_for(r, self.config) for r in found]
        outcome: v.StageOutcome = (
            "reject"
            if "reject" in actions
            else "hold"
            if "hold" in actions
            else "flag"
            if actions
            else "pass"
        )
        self.records.append(
            v.StageRecord(stage, outcome, details, (time.perf_counter() - t0) * 1000.0)
        )
        if outcome == "reject" and self.config.short_circuit:
            self.stopped = True

    def skip_rest(self, after: str) -> None:
        remaining = v.STAGES[v.STAGES.index(after) + 1 :]
        done = {r.stage for r in self.records}
        for stage in remaining:
            if stage not in done:
                self.records.append(v.StageRecord(stage, "skipped", {}, 0.0))


def _before_classifier(text: str, context: ScreeningContext, config: PipelineConfig) -> _State:
    state = _State(original=text, config=config, context=context)

    t0 = time.perf_counter()
    if len(text) > config.max_length * _RAW_LENGTH_FACTOR:
        state.record(
            v.STAGE_NORMALIZE,
            [
                v.Reason(
                    v.TOO_LONG, v.STAGE_NORMALIZE, {"length": len(text), "max": config.max_length}
                )
            ],
            {"raw_length": len(text)},
            t0,
        )
        state.stopped = True
        state.skip_rest(v.STAGE_NORMALIZE)
        return state
    norm = normalize(text)
    state.norm = norm
    found: list[v.Reason] = []
    if not norm.text:
        found.append(v.Reason(v.EMPTY, v.STAGE_NORMALIZE, {}))
    elif len(norm.text) > config.max_length:
        found.append(
            v.Reason(
                v.TOO_LONG, v.STAGE_NORMALIZE, {"length": len(norm.text), "max": config.max_length}
            )
        )
    state.record(
        v.STAGE_NORMALIZE,
        found,
        {"raw_length": len(text), "length": len(norm.text), "changed": norm.text != text},
        t0,
    )
    if found:
        # Empty or over-long text cannot be screened further, whatever the policy says.
        state.stopped = True
        state.skip_rest(v.STAGE_NORMALIZE)
        return state

    t0 = time.perf_counter()
    abuse_found = abuse.check(norm.text, context, config)
    state.record(v.STAGE_ABUSE, abuse_found.reasons, abuse_found.details, t0)
    if state.stopped:
        state.skip_rest(v.STAGE_ABUSE)
        return state

    t0 = time.perf_counter()
    guess = language.detect(norm.text, norm.folded)
    state.language = guess.language
    state.record(
        v.STAGE_LANGUAGE,
        [],
        {"language": guess.language, "script": guess.script, **guess.details},
        t0,
    )

    t0 = time.perf_counter()
    lexicon = load_lexicon(config.use_builtin_lexicons, config.extra_lexicons)
    matches = lexicon.find(norm.folded, guess.language)
    lex_reasons = [
        v.Reason(
            v.BANNED_TERM if m.severity == "banned" else v.SUSPECT_TERM,
            v.STAGE_LEXICON,
            {"term": m.term, "category": m.category, "list": m.source, "matched": m.matched},
        )
        for m in matches
    ]
    state.record(v.STAGE_LEXICON, lex_reasons, {"terms_checked": len(lexicon.terms)}, t0)
    if state.stopped:
        state.skip_rest(v.STAGE_LEXICON)
        return state

    t0 = time.perf_counter()
    hits = personal_data.find(norm.text)
    pd_reasons = [
        v.Reason(v.PERSONAL_DATA, v.STAGE_PERSONAL_DATA, {"kind": h.kind, "masked": h.masked})
        for h in hits
    ]
    state.record(v.STAGE_PERSONAL_DATA, pd_reasons, {"found": len(hits)}, t0)
    if state.stopped:
        state.skip_rest(v.STAGE_PERSONAL_DATA)
        return state

    state.needs_classifier = True
    return state


def _apply_classifier(
    state: _State, outcome: ScoreResult | Exception, index: int, duration_ms: float
) -> None:
    details: dict[str, Any] = {"language": state.language}
    found: list[v.Reason] = []
    if isinstance(outcome, LanguageNotCovered):
        found.append(
            v.Reason(v.NO_MODEL_FOR_LANGUAGE, v.STAGE_CLASSIFIER, {"language": state.language})
        )
        details["error"] = str(outcome)
    elif isinstance(outcome, Exception):
        found.append(
            v.Reason(
                v.CLASSIFIER_UNAVAILABLE, v.STAGE_CLASSIFIER, {"error": type(outcome).__name__}
            )
        )
        details["error"] = str(outcome)
    else:
        score = outcome.scores[index]
        band = outcome.thresholds.band(score)
        state.score, state.band = score, band  # type: ignore[assignment]
        state.backend, state.model_version = outcome.backend, outcome.model_version
        details.update(
            {
                "score": round(score, 6),
                "band": band,
                "hold_threshold": outcome.thresholds.hold,
                "reject_threshold": outcome.thresholds.reject,
                "backend": outcome.backend,
                "model_version": outcome.model_version,
            }
        )
        if band != "unlikely":
            code = v.TOXICITY_LIKELY if band == "likely" else v.TOXICITY_MAYBE
            found.append(
                v.Reason(
                    code,
                    v.STAGE_CLASSIFIER,
                    {
                        "score": round(score, 6),
                        "threshold": outcome.thresholds.reject
                        if band == "likely"
                        else outcome.thresholds.hold,
                        "backend": outcome.backend,
                    },
                )
            )
    record_start = time.perf_counter() - duration_ms / 1000.0
    state.record(v.STAGE_CLASSIFIER, found, details, record_start)


def _after_classifier(state: _State) -> v.Verdict:
    if state.stopped:
        state.skip_rest(v.STAGE_CLASSIFIER)
    elif state.norm is not None:
        t0 = time.perf_counter()
        agenda = state.context.agenda
        rel = relevance.assess(
            state.norm.text,
            state.norm.folded,
            agenda,
            fold(agenda),
            state.config.relevance_threshold,
        )
        state.relevance, state.off_topic = rel.similarity, rel.off_topic
        found = (
            [
                v.Reason(
                    v.OFF_TOPIC,
                    v.STAGE_RELEVANCE,
                    {"similarity": rel.similarity, "threshold": state.config.relevance_threshold},
                )
            ]
            if rel.off_topic
            else []
        )
        state.record(
            v.STAGE_RELEVANCE, found, {"similarity": rel.similarity, "agenda": bool(agenda)}, t0
        )
    outcome, ranked = policy.decide(state.reasons, state.config)
    return v.Verdict(
        outcome=outcome,
        reasons=tuple(ranked),
        stages=tuple(state.records),
        language=state.language,
        normalized_text=state.norm.text if state.norm else "",
        original_text=state.original,
        score=state.score,
        band=state.band,
        scores={"toxicity": state.score} if state.score is not None else {},
        backend=state.backend,
        model_version=state.model_version,
        off_topic=state.off_topic,
        relevance=state.relevance,
    )


def _classify(
    runner: ClassifierRunner, texts: list[str], lang: str, timeout: float
) -> ScoreResult | Exception:
    try:
        return runner.score(texts, lang, timeout)
    except (LanguageNotCovered, ClassifierUnavailable) as exc:
        return exc
    except Exception as exc:  # a runner bug must still hold, never publish
        return ClassifierUnavailable(f"{type(exc).__name__}: {exc}")


def screen(
    text: str,
    *,
    context: ScreeningContext,
    config: PipelineConfig,
    runner: ClassifierRunner | None = None,
) -> v.Verdict:
    """Screen one question. Pure: no database, no settings, no network.

    ``runner`` scores with the classifier; pass a long-lived ``ClassifierPool``
    from live code. Without one, the backends run in this thread (fine for
    tools and tests; blocks the caller for the inference time).
    """
    state = _before_classifier(text, context, config)
    if state.needs_classifier and state.norm is not None:
        t0 = time.perf_counter()
        outcome = _classify(
            runner or default_runner(config),
            [state.norm.text],
            state.language,
            config.classifier_timeout_s,
        )
        _apply_classifier(state, outcome, 0, (time.perf_counter() - t0) * 1000.0)
    return _after_classifier(state)


def screen_batch(
    texts: Sequence[str],
    *,
    contexts: Sequence[ScreeningContext] | ScreeningContext,
    config: PipelineConfig,
    runner: ClassifierRunner | None = None,
    batch_size: int = 256,
) -> list[v.Verdict]:
    """Screen many questions, scoring the classifier in batches per language."""
    ctx_list = [contexts] * len(texts) if isinstance(contexts, ScreeningContext) else list(contexts)
    if len(ctx_list) != len(texts):
        raise ValueError("need one context per text")
    states = [_before_classifier(t, c, config) for t, c in zip(texts, ctx_list, strict=True)]
    active = runner or default_runner(config)
    by_lang: dict[str, list[tuple[int, str]]] = {}
    for i, s in enumerate(states):
        if s.needs_classifier and s.norm is not None:
            by_lang.setdefault(s.language, []).append((i, s.norm.text))
    for lang, items in by_lang.items():
        for start in range(0, len(items), batch_size):
            chunk_items = items[start : start + batch_size]
            chunk = [i for i, _ in chunk_items]
            t0 = time.perf_counter()
            outcome = _classify(
                active,
                [text for _, text in chunk_items],
                lang,
                config.classifier_timeout_s * max(1, len(chunk) // 8),
            )
            per_item = (time.perf_counter() - t0) * 1000.0 / max(1, len(chunk))
            for j, i in enumerate(chunk):
                _apply_classifier(states[i], outcome, j, per_item)
    return [_after_classifier(s) for s in states]


async def screen_async(
    text: str,
    *,
    context: ScreeningContext,
    config: PipelineConfig,
    runner: ClassifierRunner | None = None,
) -> v.Verdict:
    """``screen`` in a worker thread, for Channels consumers (never blocks the loop)."""
    import asyncio

    return await asyncio.to_thread(screen, text, context=context, config=config, runner=runner)


_runners: dict[tuple[str, ...], ClassifierRunner] = {}
_runners_lock = threading.Lock()


def _runner_key(config: PipelineConfig, kind: str) -> tuple[str, ...]:
    # Thresholds are part of the key: two configs may share a model but not its bands.
    return (
        kind,
        *(
            f"{lang}={spec.key()}|{spec.hold_threshold}|{spec.reject_threshold}"
            for lang, spec in sorted(config.backends.items())
        ),
        f"timeout={config.classifier_timeout_s}",
    )


def default_runner(config: PipelineConfig) -> ClassifierRunner:
    """The in-process runner for this config's backends (cached per process)."""
    key = _runner_key(config, "inprocess")
    with _runners_lock:
        runner = _runners.get(key)
        if runner is None:
            runner = _runners[key] = InProcessRunner(config)
    return runner


def shared_pool(config: PipelineConfig) -> ClassifierPool:
    """One ``ClassifierPool`` per process and backend configuration, closed at exit."""
    key = _runner_key(config, "pool")
    with _runners_lock:
        runner = _runners.get(key)
        if runner is None:
            pool = ClassifierPool(config)
            atexit.register(pool.close)
            _runners[key] = runner = pool
    assert isinstance(runner, ClassifierPool)
    return runner
