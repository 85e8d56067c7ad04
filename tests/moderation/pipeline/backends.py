"""Small real backends for tests: they run inside real worker processes."""

from __future__ import annotations

import time

from moderation.pipeline.classifier.base import Thresholds


class KeywordBackend:
    """Scores 0.95 for texts containing "toxic", 0.55 for "rude", else 0.05."""

    name = "keyword"
    version = "keyword-1"

    def __init__(self, languages: frozenset[str]) -> None:
        self._languages = languages

    @classmethod
    def load(cls, languages: tuple[str, ...] = ("en",)) -> KeywordBackend:
        return cls(frozenset(languages))

    def languages(self) -> frozenset[str]:
        return self._languages

    def thresholds(self, lang: str) -> Thresholds | None:
        return Thresholds(hold=0.5, reject=0.9)

    def score(self, texts: list[str], lang: str) -> list[float]:
        return [
            0.95 if "toxic" in t.lower() else 0.55 if "rude" in t.lower() else 0.05 for t in texts
        ]


class SlowBackend(KeywordBackend):
    """Sleeps before answering, like a model stuck on a long input or an overloaded CPU."""

    name = "slow"
    version = "slow-1"

    def __init__(self, languages: frozenset[str], delay_s: float) -> None:
        super().__init__(languages)
        self.delay_s = delay_s

    @classmethod
    def load(cls, languages: tuple[str, ...] = ("en",), delay_s: float = 5.0) -> SlowBackend:
        return cls(frozenset(languages), delay_s)

    def score(self, texts: list[str], lang: str) -> list[float]:
        time.sleep(self.delay_s)
        return super().score(texts, lang)


class BrokenBackend(KeywordBackend):
    """Raises on every call, like a model whose dependencies broke at run time."""

    name = "broken"
    version = "broken-1"

    @classmethod
    def load(cls, languages: tuple[str, ...] = ("en",)) -> BrokenBackend:
        return cls(frozenset(languages))

    def score(self, texts: list[str], lang: str) -> list[float]:
        raise RuntimeError("model exploded")


class UncalibratedBackend(KeywordBackend):
    """A backend without thresholds: its languages count as not validated."""

    name = "uncalibrated"

    @classmethod
    def load(cls, languages: tuple[str, ...] = ("en",)) -> UncalibratedBackend:
        return cls(frozenset(languages))

    def thresholds(self, lang: str) -> Thresholds | None:
        return None
