"""Stage 3: route a question to a language: ``en``, ``ur``, ``ur-Latn`` or ``other``.

Script decides first (Arabic script -> ``ur``; scripts we have no model for ->
``other``). Latin text is English or Roman Urdu; the two share an alphabet, so
we count frequent function words from two shipped word lists and, for words in
neither list, add a small character-trigram likelihood ratio learnt from those
same lists. Words that appear in both lists ("to", "is", "main") are ignored.
Everything is in-process dictionaries: microseconds per question.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

EN = "en"
UR = "ur"
UR_LATN = "ur-Latn"
OTHER = "other"
LANGUAGES: tuple[str, ...] = (EN, UR, UR_LATN)

_TOKEN = re.compile(r"[a-z]+")
# A function word is strong evidence; an unknown word's spelling is weak evidence.
_FUNCTION_WEIGHT = 1.0
_NGRAM_WEIGHT = 0.35
_NGRAM_CLIP = 1.5


@dataclass(frozen=True)
class LanguageGuess:
    language: str
    script: str
    score: float
    details: dict[str, float | int | str]


def read_word_list(name: str) -> set[str]:
    text = (
        resources.files("moderation.lexicons")
        .joinpath("language", name)
        .read_text(encoding="utf-8")
    )
    return {
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }


def _trigrams(word: str) -> list[str]:
    padded = f"^{word}$"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


@dataclass(frozen=True)
class _LatinModel:
    ur_words: frozenset[str]
    en_words: frozenset[str]
    ur_logp: dict[str, float]
    en_logp: dict[str, float]
    ur_unseen: float
    en_unseen: float

    def token_llr(self, token: str) -> float:
        """log P(token | Roman Urdu) - log P(token | English), per trigram, clipped."""
        grams = _trigrams(token)
        total = sum(
            self.ur_logp.get(g, self.ur_unseen) - self.en_logp.get(g, self.en_unseen) for g in grams
        )
        return max(-_NGRAM_CLIP, min(_NGRAM_CLIP, total / max(1, len(grams))))


def _logp(words: set[str]) -> tuple[dict[str, float], float]:
    counts: Counter[str] = Counter(g for w in words for g in _trigrams(w))
    total = sum(counts.values())
    vocab = len(counts) + 1
    denom = total + 0.5 * vocab
    return {g: math.log((c + 0.5) / denom) for g, c in counts.items()}, math.log(0.5 / denom)


@lru_cache(maxsize=1)
def _model() -> _LatinModel:
    ur = read_word_list("ur-Latn.words.txt")
    en = read_word_list("en.words.txt")
    shared = ur & en
    ur_only, en_only = ur - shared, en - shared
    ur_logp, ur_unseen = _logp(ur_only)
    en_logp, en_unseen = _logp(en_only)
    return _LatinModel(
        frozenset(ur_only), frozenset(en_only), ur_logp, en_logp, ur_unseen, en_unseen
    )


def script_counts(text: str) -> Counter[str]:
    """Letters per script: 'arabic', 'latin' or 'other'."""
    counts: Counter[str] = Counter()
    for ch in text:
        if not ch.isalpha():
            continue
        cp = ord(ch)
        if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFEFF:
            counts["arabic"] += 1
        elif ch.isascii() or "LATIN" in unicodedata.name(ch, ""):
            counts["latin"] += 1
        else:
            counts["other"] += 1
    return counts


def latin_urdu_score(folded: str) -> tuple[float, int, int]:
    """Positive means Roman Urdu. Returns (score, urdu function words, English function words)."""
    model = _model()
    score = 0.0
    ur_hits = en_hits = 0
    for token in _TOKEN.findall(folded):
        if token in model.ur_words:
            ur_hits += 1
            score += _FUNCTION_WEIGHT
        elif token in model.en_words:
            en_hits += 1
            score -= _FUNCTION_WEIGHT
        elif len(token) >= 3:
            score += _NGRAM_WEIGHT * model.token_llr(token)
    return score, ur_hits, en_hits


def detect(text: str, folded: str | None = None) -> LanguageGuess:
    """Route display text ``text`` (``folded`` is its matching form, computed if absent)."""
    counts = script_counts(text)
    letters = sum(counts.values())
    if letters == 0:
        return LanguageGuess(OTHER, "none", 0.0, {"letters": 0})
    script, top = counts.most_common(1)[0]
    share = top / letters
    if script == "arabic":
        return LanguageGuess(UR, "arabic", share, {"letters": letters, "share": round(share, 3)})
    if script == "other":
        return LanguageGuess(OTHER, "other", share, {"letters": letters, "share": round(share, 3)})
    if folded is None:
        from moderation.pipeline.normalize import fold

        folded = fold(text)
    score, ur_hits, en_hits = latin_urdu_score(folded)
    language = UR_LATN if score > 0 else EN
    return LanguageGuess(
        language,
        "latin",
        score,
        {
            "letters": letters,
            "urdu_function_words": ur_hits,
            "english_function_words": en_hits,
            "score": round(score, 3),
        },
    )
