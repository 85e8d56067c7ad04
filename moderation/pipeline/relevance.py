"""Stage 7: how close a question is to the session agenda (advice, never a rejection).

Cosine similarity of character 3-5-gram TF-IDF vectors of the question and the
agenda. Character n-grams match across inflections ("road"/"roads",
"سڑک"/"سڑکوں") and Roman Urdu spelling variants. Function words are removed
first, otherwise every English question would look a little like every English
agenda. The IDF is fixed by the two documents plus the function-word lists, so
no corpus is needed at run time.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from moderation.pipeline.language import read_word_list, script_counts

_TOKEN = re.compile(r"[^\W\d_]+")
_UR_FUNCTION = frozenset(
    [
        "کا",
        "کی",
        "کے",
        "کو",
        "سے",
        "میں",
        "نے",
        "ہے",
        "ہیں",
        "تھا",
        "تھی",
        "تھے",
        "اور",
        "یہ",
        "وہ",
        "کیا",
        "کیوں",
        "کب",
        "کہاں",
        "کیسے",
        "کون",
        "کس",
        "جو",
        "بھی",
        "تو",
        "پر",
        "ہم",
        "آپ",
        "ہمارے",
        "ہماری",
        "ہمارا",
        "آپکے",
        "آپ",
        "کی",
        "جناب",
        "صاحب",
        "نہیں",
        "ہو",
        "گا",
        "گی",
        "گے",
        "رہا",
        "رہی",
        "رہے",
        "کر",
        "کرنے",
        "کریں",
        "کیا",
        "جا",
        "جائے",
        "ایک",
        "اس",
        "ان",
        "اب",
        "تک",
        "لیے",
        "لئے",
        "والے",
        "والی",
    ]
)


@dataclass(frozen=True)
class Relevance:
    similarity: float | None  # None: nothing comparable (no agenda, or different scripts)
    off_topic: bool


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return frozenset(
        read_word_list("en.words.txt")
        | read_word_list("ur-Latn.words.txt")
        | {w.casefold() for w in _UR_FUNCTION}
    )


def _content_grams(folded: str) -> Counter[str]:
    stop = _function_words()
    grams: Counter[str] = Counter()
    for token in _TOKEN.findall(folded):
        if token in stop or len(token) < 2:
            continue
        padded = f" {token} "
        for n in (3, 4, 5):
            grams.update(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams


def similarity(question_folded: str, agenda_folded: str) -> float | None:
    """Cosine similarity in [0, 1]; None when either side has no content words."""
    q = _content_grams(question_folded)
    a = _content_grams(agenda_folded)
    if not q or not a:
        return None

    # Smoothed IDF over the two documents: grams in both get less weight than
    # grams in one, which keeps long agendas from matching everything.
    def weight(gram: str) -> float:
        df = (gram in q) + (gram in a)
        return math.log((1 + 2) / (1 + df)) + 1.0

    dot = sum(q[g] * a[g] * weight(g) ** 2 for g in q.keys() & a.keys())
    nq = math.sqrt(sum((c * weight(g)) ** 2 for g, c in q.items()))
    na = math.sqrt(sum((c * weight(g)) ** 2 for g, c in a.items()))
    return dot / (nq * na) if nq and na else 0.0


def assess(
    question_text: str, question_folded: str, agenda_text: str, agenda_folded: str, threshold: float
) -> Relevance:
    """Flag a question as off topic when its similarity is below ``threshold``.

    A question in a script the agenda does not use cannot be compared, so it is
    never flagged (an Urdu question under an English-only agenda is not off topic).
    """
    if not agenda_folded.strip():
        return Relevance(None, False)
    q_scripts = {s for s, c in script_counts(question_text).items() if c}
    a_scripts = {s for s, c in script_counts(agenda_text).items() if c}
    if not q_scripts & a_scripts:
        return Relevance(None, False)
    sim = similarity(question_folded, agenda_folded)
    if sim is None:
        return Relevance(None, False)
    return Relevance(round(sim, 4), sim < threshold)
