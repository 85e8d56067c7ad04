"""Stage 1: turn a submission into safe, normalised plain text.

Two outputs matter and they differ on purpose:

* the *display* text (``sanitize``) is what may be published: markup removed,
  NFKC, invisible/bidi controls removed, whitespace collapsed. Urdu diacritics
  and ZWNJ stay because they are legitimate orthography.
* the *matching* text (``fold``) is only for comparisons (lexicons, repeats,
  the classifier): case-folded, Urdu letter variants unified, diacritics,
  tatweel and ZWNJ removed, so that spelling tricks do not change what matches.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import bleach

# ZWNJ (U+200C) is kept in display text: Urdu writes it inside words whose
# letters must not join (e.g. compound words, some loan words); removing it
# changes how the word looks. It is removed from matching text instead, so it
# cannot be used to split a banned word. ZWJ (U+200D) is kept only between
# pictographs, where it builds emoji sequences; elsewhere it is a hiding tool.
ZWNJ = "\u200c"
ZWJ = "\u200d"
_INVISIBLE_LETTERS = frozenset("\u3164\u115f\u1160\uffa0\u2800")


def _is_pictograph(ch: str) -> bool:
    cp = ord(ch)
    return cp >= 0x1F000 or 0x2600 <= cp <= 0x27BF or cp == 0xFE0F


def _strip_invisible(text: str) -> str:
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch == ZWNJ:
            out.append(ch)
            continue
        if ch == ZWJ:
            prev_ok = i > 0 and _is_pictograph(text[i - 1])
            next_ok = i + 1 < n and _is_pictograph(text[i + 1])
            if prev_ok and next_ok:
                out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat == "Cf" or ch in _INVISIBLE_LETTERS:
            # Format characters: zero-width spaces, bidi embeddings/overrides/isolates
            # (U+202A-E, U+2066-9: "Trojan Source" reordering), BOM, soft hyphen, tags.
            continue
        if cat == "Cc" and ch not in "\t\n\r":
            out.append(" ")
            continue
        out.append(ch)
    return "".join(out)


_WHITESPACE = re.compile(r"\s+")


def sanitize(raw: str) -> str:
    """Return ``raw`` as plain text: no markup, NFKC, no invisible controls, single spaces.

    Entities are unescaped exactly once after bleach, so ``&amp;`` becomes ``&``
    and the web layer's autoescaping produces ``&amp;`` again rather than
    ``&amp;amp;``. The result may contain ``<`` (a user who typed ``&lt;b&gt;``
    gets the literal text ``<b>``): it is text, and must be escaped on output.
    """
    stripped = bleach.clean(raw, tags=[], attributes={}, strip=True, strip_comments=True)
    text = html.unescape(stripped)
    text = unicodedata.normalize("NFKC", text)
    text = _strip_invisible(text)
    return _WHITESPACE.sub(" ", text).strip()


# --- Matching text -----------------------------------------------------------

# Urdu/Arabic letter variants that users (and keyboards) mix freely. Both the
# lexicon terms and the text are folded with the same table, so either spelling
# matches either. Heh forms are merged completely because people write the
# aspiration mark (ھ) and the final heh (ہ/ه/ۃ) interchangeably online.
_URDU_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh -> ی
        "\u0649": "\u06cc",  # ى alef maksura -> ی
        "\u06d2": "\u06cc",  # ے yeh barree -> ی (plural/feminine endings vary in spelling)
        "\u06d3": "\u06cc",  # ۓ
        "\u0626": "\u06cc",  # ئ
        "\u0678": "\u06cc",  # ٸ high hamza yeh
        "\u0643": "\u06a9",  # ك Arabic kaf -> ک
        "\u0647": "\u06c1",  # ه Arabic heh -> ہ
        "\u06be": "\u06c1",  # ھ do-chashmi heh -> ہ
        "\u06c3": "\u06c1",  # ۃ teh marbuta goal -> ہ
        "\u0629": "\u06c1",  # ة teh marbuta -> ہ
        "\u06c2": "\u06c1",  # ۂ
        "\u06d5": "\u06c1",  # ە
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0622": "\u0627",  # آ -> ا
        "\u0671": "\u0627",  # ٱ -> ا
        "\u0624": "\u0648",  # ؤ -> و
        "\u06c0": "\u06c1",  # ۀ
    }
)
# Harakat, Quranic marks, superscript alef, tatweel: decoration or elongation.
_URDU_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_LATIN_MARKS = re.compile("[\u0300-\u036f]")


def fold_digits(text: str) -> str:
    """Arabic-Indic and Urdu digits to ASCII (CNICs and phones are written in both)."""
    return text.translate(_DIGITS)


def fold(text: str) -> str:
    """Matching form of display text: lower case, variants unified, marks removed.

    Precondition: ``text`` came from ``sanitize`` (already NFKC).
    """
    text = text.casefold().translate(_URDU_FOLD).translate(_DIGITS)
    text = _URDU_MARKS.sub("", text).replace(ZWNJ, "").replace(ZWJ, "")
    # Latin accents are a cheap disguise (fück); NFD then drop combining marks.
    decomposed = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize("NFC", _LATIN_MARKS.sub("", decomposed))
    return text


@dataclass(frozen=True)
class Normalized:
    original: str
    text: str
    folded: str


def normalize(raw: str) -> Normalized:
    """Sanitise ``raw`` and compute its matching form."""
    text = sanitize(raw)
    return Normalized(original=raw, text=text, folded=fold(text))
