"""Stage 5: personal data (CNIC numbers, phone numbers, e-mail addresses).

Only masked values leave this module: the audit trail must not become a second
copy of the personal data we are keeping off the public screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.pipeline.normalize import fold_digits

_DASH = r"[-‐‑–—\s]"
# CNIC: 5-7-1 digits, with dashes/spaces or bare 13 digits.
_CNIC = re.compile(rf"(?<![\d+])\d{{5}}{_DASH}?\d{{7}}{_DASH}?\d(?!\d)")
# Pakistani mobile: 03xx-xxxxxxx, +92 3xx xxxxxxx, 0092 3xx..., 923xx...
_PK_MOBILE = re.compile(
    rf"(?<![\d+])(?:(?:\+|00)92{_DASH}?|92{_DASH}?|0)3\d{{2}}{_DASH}?\d{{3}}{_DASH}?\d{{4}}(?!\d)"
)
# Pakistani landline with area code: 042-35761234, (051) 9201234.
_PK_LANDLINE = re.compile(rf"(?<![\d+])\(?0[1-9]\d{{1,3}}\)?{_DASH}?\d{{6,8}}(?!\d)")
# International: "+" then 8-15 digits with optional separators (E.164 length).
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d(?:[\s().-]?\d){7,14}(?!\d)")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class PersonalDataHit:
    kind: str  # "cnic" | "phone" | "email"
    masked: str


def _mask_digits(value: str, keep_last: int) -> str:
    digits_seen = sum(c.isdigit() for c in value)
    out: list[str] = []
    index = 0
    for c in value:
        if c.isdigit():
            index += 1
            out.append(c if index > digits_seen - keep_last else "x")
        else:
            out.append(c)
    return "".join(out)


def _mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{tld}"


def find(text: str) -> list[PersonalDataHit]:
    """Personal data in display text, masked. Digits in Urdu script count too."""
    ascii_text = fold_digits(text)
    hits: list[PersonalDataHit] = []
    taken: list[tuple[int, int]] = []

    def overlaps(span: tuple[int, int]) -> bool:
        return any(span[0] < end and start < span[1] for start, end in taken)

    for m in EMAIL.finditer(ascii_text):
        taken.append(m.span())
        hits.append(PersonalDataHit("email", _mask_email(m.group(0))))
    for kind, regex, keep in (
        ("cnic", _CNIC, 1),
        ("phone", _PK_MOBILE, 2),
        ("phone", _INTERNATIONAL, 2),
        ("phone", _PK_LANDLINE, 2),
    ):
        for m in regex.finditer(ascii_text):
            if overlaps(m.span()):
                continue
            taken.append(m.span())
            hits.append(PersonalDataHit(kind, _mask_digits(m.group(0), keep)))
    return hits
