from __future__ import annotations

import time

import pytest

from moderation.pipeline.language import detect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("When will the water supply in our sector be restored?", "en"),
        ("Why is the hospital so crowded?", "en"),
        ("Hamare mohallay mein paani kab aayega?", "ur-Latn"),
        ("Bijli ka bill itna zyada kyun hai, koi jawab hai?", "ur-Latn"),
        ("Sarak kab theek hogi? Chaar saal ho gaye", "ur-Latn"),
        ("Road ki condition bohat kharab hai, kab repair hogi?", "ur-Latn"),
        ("ہمارے محلے میں پانی کب آئے گا؟", "ur"),
        ("پانی کا مسئلہ ہے، plz help", "ur"),
        ("Когда починят дорогу?", "other"),
        ("🙂 123 ???", "other"),
    ],
)
def test_questions_are_routed_to_their_language(text: str, expected: str) -> None:
    assert detect(text).language == expected


def test_language_routing_takes_well_under_a_millisecond() -> None:
    text = "Hamare mohallay mein teen hafton se paani nahi aa raha, WASA kab hal karegi?"
    detect(text)
    start = time.perf_counter()
    for _ in range(200):
        detect(text)
    assert (time.perf_counter() - start) / 200 < 0.001
