from __future__ import annotations

from collections import Counter
from pathlib import Path

from moderation.pipeline.augment import civic_rows
from moderation.pipeline.normalize import fold, sanitize
from moderation.pipeline.training import read_rows

CIVIC = Path(__file__).resolve().parents[3] / "moderation" / "evaluation" / "civic_questions.csv"


def test_civic_set_has_enough_clean_questions_per_language() -> None:
    rows = read_rows([CIVIC])
    clean = Counter(r.lang for r in rows if r.label == 0)
    abusive = Counter(r.lang for r in rows if r.label == 1)
    for lang in ("en", "ur", "ur-Latn"):
        assert clean[lang] >= 150
        assert abusive[lang] >= 20


def test_synthetic_training_questions_never_copy_the_held_out_civic_set() -> None:
    def key(text: str) -> str:
        return " ".join(fold(sanitize(text)).split())

    held_out = {key(r.text) for r in read_rows([CIVIC])}
    for lang in ("en", "ur", "ur-Latn"):
        generated = {key(r.text) for r in civic_rows(lang, 5000, 1000)}
        assert not generated & held_out
