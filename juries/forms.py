"""Plain-text formats of the organizer's form, one item a line, to and from the
structures ``juries.services`` validates (the services check everything again).

attributes  ``gender | en=Gender; ur=جنس | female, male, other``
quotas      ``gender=female 5-7`` or with flexible bounds ``gender=female 5-7 (4-8)``
briefings   ``Irrigation report | https://example.org/report.pdf | optional summary``
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sessions.errors import InvalidInput

_QUOTA = re.compile(
    r"^(?P<attribute>[^=\s]+)\s*=\s*(?P<value>.+?)\s+(?P<min>\d+)\s*-\s*(?P<max>\d+)"
    r"(?:\s*\(\s*(?P<min_flex>\d+)\s*-\s*(?P<max_flex>\d+)\s*\))?$"
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _label(text: str) -> Any:
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if parts and all("=" in p for p in parts):
        return {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in parts)}
    return text.strip()


def attributes_from_text(text: str) -> list[dict[str, Any]]:
    attributes = []
    for line in _lines(text):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            raise InvalidInput(
                f"Write each attribute as 'key | label | value, value': {line!r}",
                code="invalid_attributes",
            )
        key, label, values = parts
        attributes.append(
            {
                "key": key,
                "label": _label(label) or key,
                "values": [v.strip() for v in values.split(",") if v.strip()],
            }
        )
    return attributes


def attributes_to_text(attributes: list[dict[str, Any]]) -> str:
    lines = []
    for a in attributes:
        label = a["label"]
        shown = (
            "; ".join(f"{k}={v}" for k, v in label.items() if k)
            if any(label)
            else label.get("", a["key"])
        )
        lines.append(f"{a['key']} | {shown} | {', '.join(a['values'])}")
    return "\n".join(lines)


def quotas_from_text(text: str) -> list[dict[str, Any]]:
    quotas = []
    for line in _lines(text):
        match = _QUOTA.match(line)
        if match is None:
            raise InvalidInput(
                f"Write each quota as 'attribute=value min-max': {line!r}", code="invalid_quota"
            )
        quota: dict[str, Any] = {
            "attribute": match["attribute"],
            "value": match["value"],
            "min": int(match["min"]),
            "max": int(match["max"]),
        }
        if match["min_flex"] is not None:
            quota["min_flex"], quota["max_flex"] = int(match["min_flex"]), int(match["max_flex"])
        quotas.append(quota)
    return quotas


def quotas_to_text(quotas: Iterable[Any]) -> str:
    lines = []
    for q in quotas:
        if q.min == 0 and q.max >= q.jury.size and q.min_flex is None and q.max_flex is None:
            continue  # unconstrained: not worth a line
        flex = f" ({q.min_flex}-{q.max_flex})" if q.min_flex is not None else ""
        lines.append(f"{q.attribute}={q.value} {q.min}-{q.max}{flex}")
    return "\n".join(lines)


def briefings_from_text(text: str) -> list[dict[str, str]]:
    briefings = []
    for line in _lines(text):
        parts = [p.strip() for p in line.split("|", 2)]
        parts += [""] * (3 - len(parts))
        briefings.append({"title": parts[0], "url": parts[1], "text": parts[2]})
    return briefings


def briefings_to_text(briefings: list[dict[str, str]]) -> str:
    return "\n".join(
        " | ".join(part for part in (b["title"], b.get("url", ""), b.get("text", ""))).rstrip(" |")
        for b in briefings
    )
