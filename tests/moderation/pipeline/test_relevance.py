from __future__ import annotations

from dataclasses import replace

from moderation.pipeline import PipelineConfig, ScreeningContext, screen

AGENDA = (
    "Water supply, sewerage and drainage in Karachi: WASA tankers, pipelines, filtration "
    "plants, water bills. Paani, gutter, nikasi. پانی، سیوریج، نکاسی آب"
)


def test_on_topic_question_is_not_flagged(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    ctx = replace(context, agenda=AGENDA)
    verdict = screen(
        "Why do WASA tankers charge extra for water in Korangi?", context=ctx, config=keyword_config
    )
    assert verdict.off_topic is False
    assert verdict.relevance is not None and verdict.relevance > 0.08


def test_off_topic_question_is_flagged_for_moderators_but_still_published(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    ctx = replace(context, agenda=AGENDA)
    verdict = screen(
        "Who will win the cricket match on Sunday?", context=ctx, config=keyword_config
    )
    assert verdict.off_topic is True
    assert verdict.outcome == "publish"
    assert verdict.reason_codes == ("off_topic",)


def test_question_in_a_script_the_agenda_lacks_is_not_flagged(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    ctx = replace(context, agenda="Water supply in Karachi")
    verdict = screen("ہمارے محلے میں بجلی کب آئے گی؟", context=ctx, config=keyword_config)
    assert verdict.off_topic is False
    assert verdict.relevance is None


def test_no_agenda_means_no_relevance_check(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen("Who will win the cricket match?", context=context, config=keyword_config)
    assert verdict.relevance is None and verdict.off_topic is False
