"""Turn submitted text into safe plain text.

The result is plain text, never HTML: templates autoescape it and the live
client inserts it with ``textContent``. Bleach removes markup; we then unescape
entities so that ``&`` does not arrive as ``&amp;amp;`` after autoescaping.
"""

from __future__ import annotations

import html
import re
import unicodedata

import bleach

# Zero-width and bidirectional control characters can hide or reorder text
# (a "Trojan Source" style spoof of what moderators read). ZWNJ (U+200C) is kept:
# Urdu orthography uses it between letters that must not join.
_INVISIBLE = re.compile("[\u200b\u200d\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_OTHER_CONTROL = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]")
_WHITESPACE = re.compile(r"\s+")


def sanitize_text(raw: str) -> str:
    """Return ``raw`` as normalised plain text (NFKC, no markup, single spaces)."""
    stripped = bleach.clean(raw, tags=[], attributes={}, strip=True, strip_comments=True)
    text = html.unescape(stripped)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _OTHER_CONTROL.sub(" ", text)
    return _WHITESPACE.sub(" ", text).strip()
