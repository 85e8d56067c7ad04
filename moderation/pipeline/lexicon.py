"""Stage 4: banned and suspect terms, matched through common disguises.

Each term becomes one regular expression over the *folded* text (see
``normalize.fold``) that tolerates leetspeak (``f4ck``, ``@ss``), repeated
letters (``fuuuck``), punctuation inside the word (``f.u.c.k``) and ``*`` for a
vowel (``f*ck``). Spaced-out letters (``f u c k``) are joined in a second copy
of the text before matching. Matches must start and end at word boundaries
(unless the term says otherwise with ``*``), which is what keeps "Scunthorpe",
"assessment", "class" and "Hancock" clean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from moderation.pipeline.config import LexiconSource
from moderation.pipeline.normalize import fold

Severity = Literal["banned", "suspect"]
CATEGORIES = frozenset({"offensive", "hate_speech", "harassment", "threat"})
BUILTIN_LANGUAGES = ("en", "ur-Latn", "ur")

# Characters that stand in for a letter. Folded text is lower case, so only
# lower-case letters need classes. "*" replaces a vowel (f*ck, sh*t).
_LEET: dict[str, str] = {
    "a": "a@4^*",
    "b": "b8",
    "c": "c(¢",
    "e": "e3€*",
    "g": "g9",
    "h": "h#",
    "i": "i1!|*",
    "l": "l1|",
    "o": "o0°*",
    "s": "s5$§",
    "t": "t7+",
    "u": "uv*",
    # Urdu long vowels (after folding: ے is ی): "چ*د", "ر*نڈی".
    "ا": "ا*",
    "و": "و*",
    "ی": "ی*",
}
# Punctuation allowed *inside* a word (f.u.c.k, f-u-c-k). It must not overlap
# the leet symbols above, or the regex would backtrack exponentially.
_SEP = r"[.\-_'\"’`,:;~=/\\]{0,3}"
_BOUNDARY_BEFORE = r"(?<![^\W_])"
_BOUNDARY_AFTER = r"(?![^\W_])"
_ASCII_DIGIT = re.compile(r"[0-9]")
# A word with at least one "*" inside or at its end, and a letter before it.
_MASKED_WORD = re.compile(r"[^\W\d_]+\*[^\W\d_*]*(?:\*+[^\W\d_*]*)*")
_STAR_RUN = re.compile(r"\*+")
_LETTER = re.compile(r"[^\W\d_]")
# A Latin-keyboard symbol inside an Urdu word; Urdu script has no leetspeak, so it
# stands for a letter (or an unwritten vowel), like "*".
_URDU_MASK_SYMBOL = re.compile(
    r"(?<=[\u0620-\u064a\u0679-\u06d3])[@#$%&!|^~+](?=[\u0620-\u064a\u0679-\u06d3])"
)
# Punctuation around a word ("بچے،", "bache!"), not the stars that mask its letters.
_WORD_EDGE = ".,!?;:'\"()[]{}،؟۔-"


@dataclass(frozen=True)
class Term:
    term: str
    category: str
    severity: Severity
    source: str
    prefix: bool  # leading "*": may be the end of a longer word
    suffix: bool  # trailing "*": may be the start of a longer word
    lang: str = "*"  # "*": applies to every question


@dataclass(frozen=True)
class Match:
    term: str
    category: str
    severity: Severity
    source: str
    matched: str


def _char_class(ch: str) -> str:
    chars = _LEET.get(ch)
    if chars is None:
        return re.escape(ch)
    return "[" + "".join(re.escape(c) for c in chars) + "]"


def _word_pattern(word: str) -> str:
    parts: list[str] = []
    i = 0
    while i < len(word):
        j = i
        while j < len(word) and word[j] == word[i]:
            j += 1
        cls = _char_class(word[i])
        # A run of n letters needs at least n copies; more are allowed (fuuuck).
        parts.append(f"{cls}(?:{_SEP}{cls}){{{j - i - 1},}}")
        i = j
    return _SEP.join(parts)


def term_pattern(term: Term) -> str:
    """Regex (without boundaries) for one folded term."""
    words = term.term.split()
    return r"[\W_]{0,3}".join(_word_pattern(w) for w in words)


def _parse(text: str, severity: Severity, source: str, lang: str = "*") -> list[Term]:
    terms: list[Term] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip() if raw.lstrip().startswith("#") else raw.strip()
        if not line:
            continue
        term_part, _, category = line.partition("\t")
        category = category.strip() or "offensive"
        if category not in CATEGORIES:
            raise ValueError(f"{source}:{lineno}: unknown category {category!r}")
        term_part = term_part.strip()
        prefix = term_part.startswith("*")
        suffix = term_part.endswith("*")
        folded = " ".join(fold(term_part.strip("*")).split())
        if not folded:
            raise ValueError(f"{source}:{lineno}: empty term")
        terms.append(Term(folded, category, severity, source, prefix, suffix, lang))
    return terms


# Group words for the threat/group-hate constructions in ``threats.txt``
# ({G_EN}, {G_UL}, {G_UR}). A group word alone is never a match: these are how
# citizens name their communities in civic questions.
GROUP_WORDS = {
    "G_EN": (
        r"hindus?|christians?|ahmadis?|ahmadiyy?as?|qadianis?|mirzais?|shias?|shiites?|"
        r"sunnis?|sikhs?|jews|muslims|women|girls|females|transgenders?|trans people|"
        r"khwaja siras?|hijras?|pathans?|pashtuns?|pakhtuns?|punjabis?|sindhis?|balochs?|"
        r"baluchs?|muhajirs?|mohajirs?|hazaras?|bengalis?|afghans?|refugees|minorities|"
        r"immigrants|gays|these people|those people"
    ),
    "G_UL": (
        r"hindu(?:on|o)?|isai(?:yon|yo)?|esai|masihi(?:yon)?|ahmadi(?:yon|yo)?|"
        r"qadiani(?:yon)?|mirzai(?:yon)?|shia|shiyon|shion|sunni(?:yon)?|sikh(?:on)?|"
        r"yahudi(?:yon)?|yahoodi(?:yon)?|aurat|aurten|aurtein|auratein|aurton|auraton|"
        r"khawateen|larkiyan|larkiyon|khwaja sira|khusray|khusre|hijray|hijre|"
        r"transgenders?|pathan(?:on|o)?|pashtun(?:on)?|punjabi(?:yon)?|sindhi(?:yon)?|"
        r"baloch(?:on)?|muhajir(?:on)?|mohajir(?:on)?|hazara|hazaron|bengali|bangali|"
        r"afghani?(?:yon)?|in logon|un logon|ye log|yeh log|woh log|wo log"
    ),
    "G_UR": (
        "ہندو|ہندوؤں|عیسائی|عیسائیوں|مسیحی|مسیحیوں|احمدی|احمدیوں|قادیانی|قادیانیوں|"
        "مرزائی|مرزائیوں|شیعہ|شیعوں|سنی|سنیوں|سکھ|سکھوں|یہودی|یہودیوں|عورتیں|عورتوں|"
        "خواتین|لڑکیاں|لڑکیوں|خواجہ سرا|ہیجڑے|ٹرانسجینڈر|پٹھان|پٹھانوں|پشتون|پشتونوں|"
        "پنجابی|پنجابیوں|سندھی|سندھیوں|بلوچ|بلوچوں|مہاجر|مہاجروں|ہزارہ|بنگالی|بنگالیوں|"
        "افغان|افغانی|افغانیوں|یہ لوگ|وہ لوگ|ان لوگوں"
    ),
}


@dataclass(frozen=True)
class Construction:
    """A threat or group-hate construction: a regex over folded text (always suspect)."""

    name: str
    category: str
    regex: re.Pattern[str]
    source: str


def parse_constructions(text: str, source: str) -> list[Construction]:
    """``name<TAB>category<TAB>regex`` lines; the regex is folded like the text it sees."""
    found: list[Construction] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{source}:{lineno}: expected name<TAB>category<TAB>regex")
        name, category, pattern = (p.strip() for p in parts)
        if category not in CATEGORIES:
            raise ValueError(f"{source}:{lineno}: unknown category {category!r}")
        for key, words in GROUP_WORDS.items():
            pattern = pattern.replace("{" + key + "}", words)
        regex = re.compile(f"{_BOUNDARY_BEFORE}(?:{fold(pattern)}){_BOUNDARY_AFTER}")
        found.append(Construction(name, category, regex, source))
    return found


class Lexicon:
    """Compiled term lists. Build once (``load_lexicon`` caches) and share."""

    def __init__(
        self,
        terms: Iterable[Term],
        allowed: Iterable[str] = (),
        constructions: Iterable[Construction] = (),
    ) -> None:
        self.terms: tuple[Term, ...] = tuple(dict.fromkeys(terms))
        self.constructions: tuple[Construction, ...] = tuple(constructions)
        self._masking_candidates = self._build_masking_candidates(self.terms)
        self._masking_phrases = self._build_masking_phrases(self.terms)
        # Everyday words that the obfuscation-tolerant patterns would otherwise
        # catch ("chuttiyan", holidays, looks like a slur once letters repeat).
        # Entries of several words are phrases: a listed term inside one is its
        # everyday sense ("awara kuttay", stray dogs), while the same term
        # elsewhere in the question still counts.
        words = [w for w in allowed if len(w.split()) == 1]
        phrases = sorted({" ".join(fold(w).split()) for w in allowed if len(w.split()) > 1})
        self.allowed: frozenset[str] = frozenset(_word_key(w) for w in words)
        self._allowed_phrases: re.Pattern[str] | None = (
            re.compile(
                _BOUNDARY_BEFORE
                + "(?:"
                + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
                + ")"
                + _BOUNDARY_AFTER
            )
            if phrases
            else None
        )
        # (lang, severity) -> compiled groups; lang "*" applies to every question.
        self._compiled: dict[tuple[str, Severity], list[tuple[re.Pattern[str], list[Term]]]] = {}
        severities: tuple[Severity, ...] = ("banned", "suspect")
        for lang in sorted({t.lang for t in self.terms} | {"*"}):
            for severity in severities:
                chosen = [t for t in self.terms if t.severity == severity and t.lang == lang]
                self._compiled[(lang, severity)] = [
                    self._compile([t for t in chosen if not t.prefix], anchored=True),
                    self._compile([t for t in chosen if t.prefix], anchored=False),
                ]

    @staticmethod
    def _compile(terms: list[Term], anchored: bool) -> tuple[re.Pattern[str], list[Term]]:
        if not terms:
            return re.compile(r"(?!x)x"), []
        alternatives = []
        for i, t in enumerate(terms):
            tail = r"[^\W_]*" if t.suffix else _BOUNDARY_AFTER
            head = r"[^\W_]*" if t.prefix else ""
            alternatives.append(f"(?P<t{i}>{head}{term_pattern(t)}{tail})")
        # One lookbehind for all anchored terms: positions inside a word fail at once.
        body = "|".join(alternatives)
        pattern = f"{_BOUNDARY_BEFORE}(?:{body})" if anchored else f"(?:{body})"
        return re.compile(pattern), terms

    def _find_masked(self, folded: str, found: dict[tuple[str, Severity], Match]) -> None:
        """Words with letters masked by ``*`` ("f***", "motherf***ers", "b**ch").

        The term patterns let ``*`` stand for one vowel; a masked consonant or a
        run of stars is matched here instead, word by word, against the banned
        single-word terms and their English inflections. A star stands for one
        letter; a run of n stars for n-1 to n+1 (people do not count). Held as
        suspect, never rejected: "s***" has more than one reading, and the
        moderator sees the masked word and the term it fits.
        """
        if "*" not in folded:
            return
        matched_spans = {m.matched for m in found.values()}
        for word in _MASKED_WORD.findall(folded):
            if word in matched_spans or not _LETTER.search(word):
                continue
            regex = re.compile(_masked_pattern(word))
            for candidate, term in self._masking_candidates:
                if regex.fullmatch(candidate):
                    self._hold_masked(found, term, word)
                    break
        self._find_masked_phrases(folded, found)

    def _find_masked_phrases(self, folded: str, found: dict[tuple[str, Severity], Match]) -> None:
        """Banned phrases with a masked word ("ک*تے کے بچے", "kut*e ke bache").

        A star inside a word of a listed phrase is compared window by window: each
        run of as many words as the phrase, one of them masked, against the phrase.
        """
        words = [w.strip(_WORD_EDGE) for w in folded.split()]
        for size, candidate, term in self._masking_phrases:
            for start in range(len(words) - size + 1):
                window = words[start : start + size]
                if not any("*" in w for w in window):
                    continue
                pattern = r"\s".join(_masked_pattern(w) for w in window)
                if re.fullmatch(pattern, candidate):
                    self._hold_masked(found, term, " ".join(window))
                    break

    @staticmethod
    def _hold_masked(found: dict[tuple[str, Severity], Match], term: Term, matched: str) -> None:
        key: tuple[str, Severity] = (term.term, "suspect")
        if key not in found and (term.term, "banned") not in found:
            found[key] = Match(term.term, term.category, "suspect", term.source, matched)

    @staticmethod
    def _build_masking_phrases(terms: Iterable[Term]) -> tuple[tuple[int, str, Term], ...]:
        """Folded banned phrases of two or three words, with their word count."""
        phrases: list[tuple[int, str, Term]] = []
        for term in terms:
            words = fold(term.term).split()
            if term.severity == "banned" and 2 <= len(words) <= 3:
                phrases.append((len(words), " ".join(words), term))
        return tuple(phrases)

    @staticmethod
    def _build_masking_candidates(terms: Iterable[Term]) -> tuple[tuple[str, Term], ...]:
        """Folded banned single-word terms, with English endings for Latin ones."""
        candidates: list[tuple[str, Term]] = []
        for term in terms:
            word = fold(term.term)
            if term.severity != "banned" or " " in word or len(word) < 3:
                continue
            endings = ("", "s", "es", "ed", "er", "ers", "ing", "in") if word.isascii() else ("",)
            candidates.extend((word + ending, term) for ending in endings)
        return tuple(candidates)

    def _phrase_spans(self, text: str) -> list[tuple[int, int]]:
        if self._allowed_phrases is None:
            return []
        return [m.span() for m in self._allowed_phrases.finditer(text)]

    def find(self, folded: str, language: str = "*") -> list[Match]:
        """Term matches in folded text, banned first. Precondition: ``folded = fold(text)``.

        Lists for every language apply (questions mix languages), plus lists that
        were registered for ``language`` only. A symbol between two Urdu letters
        ("ح@رامی") can only mask a letter: it is read as ``*``.
        """
        folded = _URDU_MASK_SYMBOL.sub("*", folded)
        texts = [folded]
        joined = join_spaced_letters(folded)
        if joined != folded:
            texts.append(joined)
        found: dict[tuple[str, Severity], Match] = {}
        severities: tuple[Severity, ...] = ("banned", "suspect")
        groups = [(lang, sev) for sev in severities for lang in ("*", language)]
        sheltered = {text: self._phrase_spans(text) for text in texts}
        for lang, severity in dict.fromkeys(groups):
            for regex, terms in self._compiled.get((lang, severity), []):
                for text in texts:
                    for m in regex.finditer(text):
                        if not m.lastgroup:
                            continue
                        span = m.group(0)
                        # "A55" or "1000" is a number, not a disguised word.
                        if len(_ASCII_DIGIT.findall(span)) > len(_LETTER.findall(span)):
                            continue
                        if _word_key(span) in self.allowed:
                            continue
                        if any(a <= m.start() and m.end() <= b for a, b in sheltered[text]):
                            continue
                        term = terms[int(m.lastgroup[1:])]
                        key = (term.term, severity)
                        if key not in found:
                            found[key] = Match(
                                term.term, term.category, severity, term.source, span
                            )
        self._find_masked(folded, found)
        for construction in self.constructions:
            for text in texts:
                hit = construction.regex.search(text)
                if hit:
                    key = (construction.name, "suspect")
                    if key not in found:
                        found[key] = Match(
                            construction.name,
                            construction.category,
                            "suspect",
                            construction.source,
                            hit.group(0),
                        )
                    break
        return list(found.values())


_SPACED = re.compile(r"(?<!\S)(?:[^\s.\-_,]\s*[\s.\-_,]\s*){2,}[^\s.\-_,](?!\S)")


def _masked_pattern(word: str) -> str:
    """A word with masked letters as a regex: a star is one letter; a run of n, n-1 to n+1.

    In Urdu script a star may also stand for nothing: short vowels are not written,
    so "ک*تے" masks the u of کتے without replacing a letter.
    """
    least = 0 if not word.isascii() else 1
    return _STAR_RUN.sub(
        lambda run: f"[^\\W\\d_]{{{max(least, len(run.group(0)) - 1)},{len(run.group(0)) + 1}}}",
        re.escape(word).replace(r"\*", "*"),
    )


def join_spaced_letters(text: str) -> str:
    """Join runs of three or more single characters: "f u c k" -> "fuck"."""

    def _join(m: re.Match[str]) -> str:
        return re.sub(r"[\s.\-_,]+", "", m.group(0))

    return _SPACED.sub(_join, text)


def _builtin_text(name: str) -> str | None:
    resource = resources.files("moderation.lexicons").joinpath(name)
    return resource.read_text(encoding="utf-8") if resource.is_file() else None


@lru_cache(maxsize=8)
def _word_key(word: str) -> str:
    """A matched span or allowed word reduced to its letters, folded."""
    return "".join(_LETTER.findall(fold(word)))


def _parse_allowed(text: str) -> list[str]:
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


@lru_cache(maxsize=1)
def _builtin_constructions() -> tuple[Construction, ...]:
    text = _builtin_text("threats.txt")
    return tuple(parse_constructions(text, "builtin:threats.txt")) if text else ()


@lru_cache(maxsize=8)
def load_lexicon(use_builtin: bool, extra: tuple[LexiconSource, ...]) -> Lexicon:
    """Built-in lists (for every language, since questions mix them) plus extra files.

    Cached per process: compiling the lists takes ~7 ms, far more than matching.
    A changed extra file is read again only after a restart (or ``cache_clear()``).
    """
    terms: list[Term] = []
    allowed: list[str] = []
    constructions: list[Construction] = []
    if use_builtin:
        constructions.extend(_builtin_constructions())
        for lang in BUILTIN_LANGUAGES:
            for severity in ("banned", "suspect"):
                name = f"{lang}.{severity}.txt"
                text = _builtin_text(name)
                if text is not None:
                    terms.extend(_parse(text, severity, f"builtin:{name}"))
            allow_text = _builtin_text(f"{lang}.allow.txt")
            if allow_text is not None:
                allowed.extend(_parse_allowed(allow_text))
    for source in extra:
        text = Path(source.path).read_text(encoding="utf-8")
        name = f"file:{Path(source.path).name}"
        terms.extend(_parse(text, source.severity, name, source.lang))
    return Lexicon(terms, allowed, constructions)
