"""Running the classifier: in this process, or in a pool of worker processes.

``ClassifierPool`` keeps model inference off the WebSocket event loop and out of
the web process: worker processes load every configured backend once (pool
initializer), a dispatcher thread gathers questions that arrive close together
into one batch per language, and each caller waits at most
``config.classifier_timeout_s``. Any timeout, crash or backend error raises
``ClassifierUnavailable``, which the pipeline turns into a hold: nothing is
published unchecked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Protocol

from moderation.pipeline.classifier.base import (
    ClassifierError,
    ClassifierUnavailable,
    ScoreResult,
    get_backend,
    score_with,
)
from moderation.pipeline.config import BackendSpec, PipelineConfig

logger = logging.getLogger(__name__)


class LanguageNotCovered(ClassifierError):
    """No configured, validated backend for the language (a hold, not an outage)."""


class ClassifierRunner(Protocol):
    def score(self, texts: list[str], lang: str, timeout: float | None = None) -> ScoreResult:
        """Scores for ``texts`` in ``lang``.

        Raises ``LanguageNotCovered`` or ``ClassifierUnavailable``.
        """
        ...


def _spec_for(backends: Mapping[str, BackendSpec], lang: str) -> BackendSpec:
    spec = backends.get(lang)
    if spec is None:
        raise LanguageNotCovered(f"no backend configured for {lang!r}")
    return spec


def _score_here(backends: Mapping[str, BackendSpec], texts: list[str], lang: str) -> ScoreResult:
    spec = _spec_for(backends, lang)
    backend = get_backend(spec)
    if lang not in backend.languages():
        raise LanguageNotCovered(f"backend {backend.name} was not validated for {lang!r}")
    try:
        return score_with(spec, texts, lang)
    except ClassifierError as exc:
        if "no validated thresholds" in str(exc):
            raise LanguageNotCovered(str(exc)) from exc
        raise


class InProcessRunner:
    """Scores in the calling thread. For batch evaluation, tests and tools.

    It cannot enforce a timeout (the call is synchronous); live traffic should
    use ``ClassifierPool``.
    """

    def __init__(self, config: PipelineConfig) -> None:
        self.backends = dict(config.backends)

    def score(self, texts: list[str], lang: str, timeout: float | None = None) -> ScoreResult:
        try:
            return _score_here(self.backends, texts, lang)
        except LanguageNotCovered:
            raise
        except ClassifierError as exc:
            raise ClassifierUnavailable(str(exc)) from exc
        except Exception as exc:
            raise ClassifierUnavailable(f"{type(exc).__name__}: {exc}") from exc


# --- Worker process side --------------------------------------------------------

_worker_backends: dict[str, BackendSpec] = {}


def _init_worker(backends: dict[str, BackendSpec], nice: int = 0) -> None:
    """Pool initializer: load every backend once, before the first question arrives."""
    if nice:
        os.nice(nice)
    _worker_backends.clear()
    _worker_backends.update(backends)
    for lang, spec in backends.items():
        try:
            get_backend(spec)
        except Exception:
            # The error resurfaces for each question in this language (and so holds
            # them); the other languages stay usable.
            logger.exception("classifier backend for %s failed to load", lang)


def _score_in_worker(texts: list[str], lang: str) -> ScoreResult:
    return _score_here(_worker_backends, texts, lang)


# --- Parent process side ----------------------------------------------------------


@dataclass
class _Pending:
    text: str
    lang: str
    future: Future[tuple[float, ScoreResult]]


class ClassifierPool:
    """Process pool with micro-batching and a per-call deadline. Thread-safe.

    Create one per web process (e.g. in ``AppConfig.ready`` or lazily) and
    ``close()`` it on shutdown. Calls block the calling *thread*; from async code
    use ``await pool.score_async(...)``.
    """

    def __init__(self, config: PipelineConfig) -> None:
        self.backends = dict(config.backends)
        self.timeout = config.classifier_timeout_s
        self.max_batch = max(1, config.pool_max_batch)
        self.max_wait = max(0.0, config.pool_max_wait_ms / 1000.0)
        self.workers = max(1, config.pool_workers)
        self.worker_nice = config.pool_worker_nice
        self.start_method = config.pool_start_method
        self._queue: queue.Queue[_Pending | None] = queue.Queue()
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._closed = False
        self._dispatcher = threading.Thread(
            target=self._dispatch_loop, name="classifier-dispatch", daemon=True
        )
        self._dispatcher.start()

    # Executor lifecycle ------------------------------------------------------------

    def _get_executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise ClassifierUnavailable("classifier pool is closed")
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context(self.start_method),
                    initializer=_init_worker,
                    initargs=(self.backends, self.worker_nice),
                )
            return self._executor

    def warm_up(self, timeout: float = 120.0) -> None:
        """Start the workers and wait until they have loaded their models."""
        executor = self._get_executor()
        futures = [executor.submit(time.sleep, 0) for _ in range(self.workers)]
        for f in futures:
            f.result(timeout=timeout)

    def recycle(self) -> None:
        """Replace the worker processes (after a timeout they may be stuck)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            _terminate(executor)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        self._queue.put(None)
        self._dispatcher.join(timeout=5)
        if executor is not None:
            _terminate(executor)

    def __enter__(self) -> ClassifierPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Scoring -------------------------------------------------------------------------

    def score(self, texts: list[str], lang: str, timeout: float | None = None) -> ScoreResult:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        if lang not in self.backends:
            raise LanguageNotCovered(f"no backend configured for {lang!r}")
        if self._closed:
            raise ClassifierUnavailable("classifier pool is closed")
        pending = [_Pending(t, lang, Future()) for t in texts]
        for p in pending:
            self._queue.put(p)
        scores: list[float] = []
        result: ScoreResult | None = None
        for p in pending:
            remaining = deadline - time.monotonic()
            try:
                score, result = p.future.result(timeout=max(0.0, remaining))
            except FutureTimeout as exc:
                for other in pending:
                    other.future.cancel()
                # The worker may be stuck on a pathological input or a hung
                # backend: replace it so later questions are not stuck behind it.
                self.recycle()
                raise ClassifierUnavailable(f"no score within {self.timeout:.2f}s") from exc
            except LanguageNotCovered:
                raise
            except ClassifierUnavailable:
                raise
            except Exception as exc:
                raise ClassifierUnavailable(f"{type(exc).__name__}: {exc}") from exc
            scores.append(score)
        if result is None:
            raise ClassifierUnavailable("no texts scored")
        return ScoreResult(scores, result.backend, result.model_version, result.thresholds)

    async def score_async(self, texts: list[str], lang: str) -> ScoreResult:
        """``score`` in a thread; the pool's own deadline applies (fails closed on expiry)."""
        return await asyncio.to_thread(self.score, texts, lang)

    def _dispatch_loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            end = time.monotonic() + self.max_wait
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get(timeout=max(0.0, end - time.monotonic()))
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            by_lang: dict[str, list[_Pending]] = {}
            for item in batch:
                if item.future.set_running_or_notify_cancel():
                    by_lang.setdefault(item.lang, []).append(item)
            for lang, items in by_lang.items():
                self._submit(lang, items)

    def _submit(self, lang: str, items: list[_Pending]) -> None:
        try:
            executor = self._get_executor()
            job = executor.submit(_score_in_worker, [i.text for i in items], lang)
        except Exception as exc:
            for i in items:
                i.future.set_exception(ClassifierUnavailable(f"cannot submit: {exc}"))
            return

        def _done(job: Future[ScoreResult]) -> None:
            try:
                result = job.result()
            except BaseException as exc:  # includes BrokenProcessPool and cancellation
                error = (
                    exc
                    if isinstance(exc, ClassifierError)
                    else ClassifierUnavailable(f"{type(exc).__name__}: {exc}")
                )
                for i in items:
                    with contextlib.suppress(Exception):
                        i.future.set_exception(error)
                return
            for i, score in zip(items, result.scores, strict=True):
                with contextlib.suppress(Exception):
                    i.future.set_result((score, result))

        job.add_done_callback(_done)


def _terminate(executor: ProcessPoolExecutor) -> None:
    """Stop an executor now, killing workers that may be stuck in a backend."""
    terminate = getattr(executor, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        terminate()
        return
    # Before 3.14 there is no public way to kill a busy worker; shutdown() alone
    # would wait for (or leak) a process stuck in native code.
    processes = list(getattr(executor, "_processes", {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=2)
