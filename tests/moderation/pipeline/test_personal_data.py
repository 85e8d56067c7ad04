from __future__ import annotations

import pytest

from moderation.pipeline import PipelineConfig, ScreeningContext, screen
from moderation.pipeline.personal_data import find


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("My CNIC is 35202-1234567-1, please check", "cnic"),
        ("CNIC 3520212345671 was blocked", "cnic"),
        ("شناختی کارڈ ۳۵۲۰۲-۱۲۳۴۵۶۷-۱ بلاک ہے", "cnic"),
        ("Call me on 0300-1234567", "phone"),
        ("Call me on 0321 1234567", "phone"),
        ("Call me on +92 300 1234567", "phone"),
        ("WhatsApp +923001234567", "phone"),
        ("My brother in Dubai: +971 50 123 4567", "phone"),
        ("Office 042-35761234 never answers", "phone"),
        ("write to ali.khan@gmail.com", "email"),
    ],
)
def test_personal_data_is_found_by_kind(text: str, kind: str) -> None:
    hits = find(text)
    assert [h.kind for h in hits] == [kind]


def test_only_a_masked_form_is_recorded(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen(
        "My number is 0300-1234567 and CNIC 35202-1234567-1", context=context, config=keyword_config
    )
    assert verdict.outcome == "hold"
    details = [r.detail for r in verdict.reasons if r.code == "personal_data"]
    assert {d["kind"] for d in details} == {"phone", "cnic"}
    dumped = str(verdict.to_dict()["reasons"])
    assert "1234567" not in dumped
    assert "xxxx-xxxxx67" in dumped


@pytest.mark.parametrize(
    "text",
    [
        "The budget was Rs 1,250,000,000 in 2023-2024",
        "Rescue 1122 took 45 minutes",
        "Sector G-9/4, street 12, house 34",
        "Ayat 2:255 was recited at the opening",
    ],
)
def test_ordinary_numbers_are_not_personal_data(text: str) -> None:
    assert find(text) == []
