from __future__ import annotations

from datetime import datetime, timedelta

from moderation.pipeline import (
    PipelineConfig,
    PolicyConfig,
    PriorQuestion,
    ScreeningContext,
    screen,
)


def _ctx(now: datetime, *prior: tuple[str, int]) -> ScreeningContext:
    return ScreeningContext(
        now=now,
        recent_questions=tuple(
            PriorQuestion(text, now - timedelta(seconds=age)) for text, age in prior
        ),
    )


def test_participant_over_the_rate_limit_is_rejected(
    now: datetime, keyword_config: PipelineConfig
) -> None:
    config = keyword_config.with_changes(rate_limit_count=3, rate_limit_window_s=60)
    ctx = _ctx(
        now, ("Question one about water", 10), ("Roads in Saddar?", 20), ("Gas in Korangi?", 30)
    )
    verdict = screen("When will the school reopen?", context=ctx, config=config)
    assert verdict.outcome == "reject"
    assert verdict.primary_reason is not None
    assert verdict.primary_reason.code == "rate_limited"


def test_questions_outside_the_rate_window_do_not_count(
    now: datetime, keyword_config: PipelineConfig
) -> None:
    config = keyword_config.with_changes(rate_limit_count=2, rate_limit_window_s=60)
    ctx = _ctx(now, ("Water in Korangi?", 120), ("Roads in Saddar?", 300))
    assert screen("When will the school reopen?", context=ctx, config=config).outcome == "publish"


def test_exact_repeat_of_own_question_is_rejected(
    now: datetime, keyword_config: PipelineConfig
) -> None:
    ctx = _ctx(now, ("When will the water supply be restored?", 600))
    verdict = screen("When will the water supply be restored?", context=ctx, config=keyword_config)
    assert verdict.outcome == "reject"
    assert "repeat" in verdict.reason_codes


def test_near_repeat_with_case_and_punctuation_changes_is_rejected(
    now: datetime, keyword_config: PipelineConfig
) -> None:
    ctx = _ctx(now, ("When will the water supply in G-9 be restored?", 600))
    verdict = screen(
        "when will the WATER supply in G-9 be restored??!", context=ctx, config=keyword_config
    )
    assert "repeat" in verdict.reason_codes


def test_a_different_question_from_the_same_person_is_not_a_repeat(
    now: datetime, keyword_config: PipelineConfig
) -> None:
    ctx = _ctx(now, ("When will the water supply in G-9 be restored?", 600))
    verdict = screen(
        "When will the gas supply in G-10 be restored?", context=ctx, config=keyword_config
    )
    assert "repeat" not in verdict.reason_codes


def test_links_are_held_by_default(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    for text in (
        "See https://bit.ly/abc for proof",
        "Visit www.example.com now",
        "Check example.pk for details",
    ):
        verdict = screen(text, context=context, config=keyword_config)
        assert verdict.outcome == "hold", text
        assert "contains_link" in verdict.reason_codes


def test_allowed_domains_and_link_policy_are_configurable(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    allowed = keyword_config.with_changes(allowed_domains=("gov.pk",))
    text = "The notice on punjab.gov.pk says the road opens in May, is that true?"
    assert screen(text, context=context, config=allowed).outcome == "publish"
    rejecting = keyword_config.with_changes(link_policy="reject")
    assert screen("buy now at cheap-deals.com", context=context, config=rejecting).outcome == (
        "reject"
    )


def test_an_email_address_is_personal_data_not_a_link(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen(
        "Please write to me at ali.khan@gmail.com about the road",
        context=context,
        config=keyword_config,
    )
    assert "contains_link" not in verdict.reason_codes
    assert "personal_data" in verdict.reason_codes


def test_flooding_is_held_as_spam(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    for text in ("Water!!!!!!!!!!!!", "water water water water water"):
        verdict = screen(text, context=context, config=keyword_config)
        assert verdict.outcome == "hold", text
        assert "spam" in verdict.reason_codes


def test_a_question_in_capitals_is_published_and_flagged_for_moderators(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen(
        "WHY IS THERE NO ELECTRICITY IN OUR AREA FOR TEN HOURS",
        context=context,
        config=keyword_config,
    )
    assert verdict.outcome == "publish"
    assert verdict.reason_codes == ("shouting",)
    assert verdict.reasons[0].detail == {"caps_ratio": 1.0}


def test_abuse_in_capitals_is_still_held_by_the_later_stages(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen(
        "WHY IS THE MAYOR SUCH A SHAMELESS IDIOT", context=context, config=keyword_config
    )
    assert verdict.outcome == "hold"
    assert "suspect_term" in verdict.reason_codes


def test_a_policy_can_hold_questions_in_capitals(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    config = keyword_config.with_changes(policy=PolicyConfig({"shouting": "hold"}))
    verdict = screen(
        "WHY IS THERE NO GAS IN OUR STREET SINCE MONDAY", context=context, config=config
    )
    assert verdict.outcome == "hold"


def test_a_row_of_addressed_names_is_not_flooding(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen(
        "@ali @ali @ali @ali when will the tube well in our village be repaired?",
        context=context,
        config=keyword_config,
    )
    assert "spam" not in verdict.reason_codes
    assert verdict.outcome == "publish"


def test_a_few_capitals_and_an_exclamation_are_not_spam(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen(
        "Why has WASA not fixed the PIPE in G-9? Shame!", context=context, config=keyword_config
    )
    assert verdict.outcome == "publish"
