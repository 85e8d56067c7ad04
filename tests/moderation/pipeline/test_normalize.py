from __future__ import annotations

import html

import pytest

from moderation.pipeline import PipelineConfig, ScreeningContext, screen
from moderation.pipeline.normalize import ZWNJ, fold, sanitize

XSS_PAYLOADS = [
    "<script>alert(1)</script>When will the road be fixed?",
    '<img src=x onerror="alert(1)">When will the road be fixed?',
    '<a href="javascript:alert(1)">When</a> will the road be fixed?',
    "<svg/onload=alert(1)>When will the road be fixed?",
    "<iframe src=//evil.example></iframe>When will the road be fixed?",
    "<!-- <script> -->When will the road be fixed?",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_come_out_as_plain_text_without_markup(payload: str) -> None:
    text = sanitize(payload)
    assert "<" not in text and ">" not in text
    assert text.endswith("When will the road be fixed?")
    # Escaping on output is then a no-op apart from quotes: nothing executable survives.
    assert "<" not in html.escape(text)


def test_entities_are_unescaped_once_so_ampersands_do_not_double_escape() -> None:
    assert sanitize("Roads &amp; bridges") == "Roads & bridges"
    assert sanitize("Roads & bridges") == "Roads & bridges"
    assert sanitize("&amp;amp;") == "&amp;"


def test_encoded_markup_stays_text_and_is_escaped_by_the_web_layer() -> None:
    text = sanitize("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert text == "<script>alert(1)</script>"
    assert html.escape(text) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_zero_width_and_bidi_controls_are_removed() -> None:
    raw = "wa\u200bter \u202eexif\u202c \u2066x\u2069 \ufeffsupply\u00ad"
    assert sanitize(raw) == "water exif x supply"


def test_zwnj_is_kept_for_urdu_display_but_removed_for_matching() -> None:
    word = f"بہن{ZWNJ}چود"
    assert ZWNJ in sanitize(word)
    assert ZWNJ not in fold(sanitize(word))


def test_nfkc_and_whitespace_are_normalised() -> None:
    assert sanitize("  Ｗａｔｅｒ\n\t supply  ") == "Water supply"


def test_urdu_letter_variants_fold_to_one_spelling() -> None:
    assert fold("كيا") == fold("کیا")
    assert fold("حَرامی") == fold("حرامی")
    assert fold("حرامـــی") == fold("حرامی")


def test_empty_question_is_rejected(context: ScreeningContext) -> None:
    verdict = screen("  <b></b> \u200b ", context=context, config=PipelineConfig())
    assert verdict.outcome == "reject"
    assert verdict.reason_codes == ("empty",)


def test_too_long_question_is_rejected_and_original_kept(context: ScreeningContext) -> None:
    raw = "Why " + "x" * 60
    verdict = screen(raw, context=context, config=PipelineConfig(max_length=50))
    assert verdict.outcome == "reject"
    assert verdict.reason_codes == ("too_long",)
    assert verdict.original_text == raw
    assert [s.outcome for s in verdict.stages[1:]] == ["skipped"] * 6
