"""Reading what a citizen texted: a command or a question.

Commands come in English, Urdu and Roman Urdu, in any case and spacing, with
the common slips of a small keypad (one letter wrong, missing, extra or two
swapped). To keep questions from being taken for commands, a keyword without an
argument (STOP, HELP, TOP, DELETE) must be the whole message, and JOIN and VOTE
must be followed by exactly a code or a number: "Stop the load-shedding" and
"Vote buying in our UC" are questions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

JOIN, VOTE, TOP, STOP, HELP, DELETE, QUESTION = (
    "join",
    "vote",
    "top",
    "stop",
    "help",
    "delete",
    "question",
)

# Languages a reply is written in. Roman Urdu replies stay in GSM-7, which a
# basic handset shows reliably and which costs a third of UCS-2 per character.
EN, UR, ROMAN = "en", "ur", "roman"

_KEYWORDS: dict[str, tuple[str, str]] = {}


def _add(command: str, language: str, *words: str) -> None:
    for word in words:
        _KEYWORDS[word] = (command, language)


_add(JOIN, EN, "join", "start")
_add(JOIN, ROMAN, "shamil", "shaamil", "shamel")
_add(JOIN, UR, "شامل")
_add(VOTE, EN, "vote")
_add(VOTE, ROMAN, "wote")
_add(VOTE, UR, "ووٹ")
_add(TOP, EN, "top")
_add(TOP, UR, "ٹاپ")
_add(STOP, EN, "stop", "unsubscribe", "cancel")
_add(STOP, ROMAN, "band", "bund")
_add(STOP, UR, "بند")
_add(HELP, EN, "help", "info", "?")
_add(HELP, ROMAN, "madad", "madat")
_add(HELP, UR, "مدد")
_add(DELETE, EN, "delete", "erase")
_add(DELETE, ROMAN, "mitao", "hazf")
_add(DELETE, UR, "حذف", "مٹاؤ")

_ARGUMENT = {JOIN: re.compile(r"^[a-z0-9][a-z0-9-]{2,15}$"), VOTE: re.compile(r"^#?(\d{1,4})$")}
_NO_ARGUMENT = {TOP, STOP, HELP, DELETE}

# Urdu (Extended Arabic-Indic) and Arabic-Indic digits read as ASCII digits.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_URDU_LETTERS = re.compile(r"[\u0600-\u06FF]")


@dataclass(frozen=True)
class Parsed:
    command: str
    argument: str = ""
    language: str = EN  # the language the keyword (or the text) was written in


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DIGITS)
    # Drop zero-width joiners and marks that Urdu keyboards insert.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.casefold().split())


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps)."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def _keyword(word: str) -> tuple[str, str] | None:
    if word in _KEYWORDS:
        return _KEYWORDS[word]
    if len(word) < 3:
        return None
    # One slip is forgiven, but only for keywords of four letters or more and
    # only when exactly one command is that close ("stp" is neither stop nor top).
    close = {
        _KEYWORDS[known] for known in _KEYWORDS if len(known) >= 4 and _distance(word, known) == 1
    }
    commands = {command for command, _ in close}
    if len(commands) == 1:
        return sorted(close)[0]
    return None


def _text_language(text: str) -> str:
    return UR if _URDU_LETTERS.search(text) else EN


def command_parse(text: str) -> Parsed:
    normal = _normalise(text or "")
    if not normal:
        return Parsed(HELP, language=EN)
    # "vote3", "join:abc", "vote #3": split a keyword glued to its argument.
    spaced = re.sub(r"^([^\W\d_]+)[:#]?(?=\d)", r"\1 ", normal)
    spaced = re.sub(r"^([^\W\d_]+)[:]\s*", r"\1 ", spaced)
    words = spaced.split(" ")
    found = _keyword(words[0])
    if found is not None:
        command, language = found
        rest = words[1:]
        if command in _NO_ARGUMENT and not rest:
            return Parsed(command, language=language)
        if command in _ARGUMENT and len(rest) == 1:
            match = _ARGUMENT[command].match(rest[0])
            if match:
                argument = match.group(1) if command == VOTE else rest[0]
                return Parsed(command, argument=argument, language=language)
    # Urdu verbs may follow the code: "abc123 شامل" is as natural as "شامل abc123".
    if len(words) == 2:
        found = _keyword(words[1])
        if found is not None and found[0] in _ARGUMENT and found[1] == UR:
            match = _ARGUMENT[found[0]].match(words[0])
            if match:
                argument = match.group(1) if found[0] == VOTE else words[0]
                return Parsed(found[0], argument=argument, language=UR)
    return Parsed(QUESTION, argument=(text or "").strip(), language=_text_language(normal))
