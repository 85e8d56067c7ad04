"""Splitting a message into SMS parts the way handsets and gateways count them.

A message that fits the GSM 03.38 alphabet is sent in GSM-7: 160 characters in
one SMS, 153 per part when concatenated (the user data header takes 7). The
extension characters (``{ } [ ] ~ \\ | ^ €`` and form feed) take an escape plus
the character, so they count double and an escape pair is never split. Any
other character (Urdu, most emoji) makes the whole message UCS-2: 70 UTF-16 code
units in one SMS, 67 per part; a surrogate pair is never split.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class Split:
    encoding: str  # "gsm7" or "ucs2"
    parts: list[str]


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _units(ch: str, gsm7: bool) -> int:
    if gsm7:
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def message_units(text: str) -> int:
    gsm7 = is_gsm7(text)
    return sum(_units(ch, gsm7) for ch in text)


def sms_split(text: str) -> Split:
    """The parts in order; joined together they give back ``text`` exactly."""
    gsm7 = is_gsm7(text)
    single, per_part = (GSM7_SINGLE, GSM7_PART) if gsm7 else (UCS2_SINGLE, UCS2_PART)
    encoding = "gsm7" if gsm7 else "ucs2"
    if sum(_units(ch, gsm7) for ch in text) <= single:
        return Split(encoding, [text])
    parts: list[str] = []
    current: list[str] = []
    used = 0
    last_space = -1  # index in ``current`` just after the last space
    for ch in text:
        size = _units(ch, gsm7)
        if used + size > per_part:
            # Break after the last space when it leaves a reasonably full part,
            # so words stay whole on the handset.
            if last_space > 0 and last_space >= len(current) * 2 // 3:
                parts.append("".join(current[:last_space]))
                current = current[last_space:]
            else:
                parts.append("".join(current))
                current = []
            used = sum(_units(c, gsm7) for c in current)
            last_space = -1
        current.append(ch)
        used += size
        if ch == " ":
            last_space = len(current)
    if current:
        parts.append("".join(current))
    return Split(encoding, parts)
