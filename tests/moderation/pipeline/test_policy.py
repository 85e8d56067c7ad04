from __future__ import annotations

import pytest

from moderation.pipeline import PipelineConfig, PolicyConfig, Reason, ScreeningContext, screen
from moderation.pipeline.policy import decide


def _r(code: str) -> Reason:
    return Reason(code, "test")


@pytest.mark.parametrize(
    ("codes", "outcome"),
    [
        ((), "publish"),
        (("off_topic",), "publish"),
        (("toxicity_maybe",), "hold"),
        (("toxicity_likely",), "reject"),
        (("suspect_term", "off_topic"), "hold"),
        (("personal_data", "banned_term"), "reject"),
        (("classifier_unavailable",), "hold"),
        (("no_model_for_language",), "hold"),
        (("contains_link",), "hold"),
        (("spam",), "hold"),
        (("repeat",), "reject"),
    ],
)
def test_default_policy_table(codes: tuple[str, ...], outcome: str) -> None:
    got, _ = decide([_r(c) for c in codes], PipelineConfig())
    assert got == outcome


def test_reasons_are_sorted_most_severe_first() -> None:
    _, ranked = decide([_r("off_topic"), _r("suspect_term"), _r("banned_term")], PipelineConfig())
    assert [r.code for r in ranked] == ["banned_term", "suspect_term", "off_topic"]


def test_likely_toxicity_can_be_configured_to_hold_instead_of_reject() -> None:
    config = PipelineConfig(policy=PolicyConfig({"toxicity_likely": "hold"}))
    assert decide([_r("toxicity_likely")], config)[0] == "hold"


def test_failing_closed_cannot_be_configured_away() -> None:
    with pytest.raises(ValueError, match="fails closed"):
        PolicyConfig({"classifier_unavailable": "publish"})
    with pytest.raises(ValueError, match="fails closed"):
        PolicyConfig({"no_model_for_language": "flag"})


def test_off_topic_can_never_reject() -> None:
    with pytest.raises(ValueError, match="may not reject"):
        PolicyConfig({"off_topic": "reject"})


def test_unknown_reason_codes_are_refused() -> None:
    with pytest.raises(ValueError):
        Reason("bad_code", "test")
    with pytest.raises(ValueError):
        PolicyConfig({"bad_code": "hold"})


def test_settings_mapping_builds_a_config() -> None:
    config = PipelineConfig.from_mapping(
        {
            "max_length": 500,
            "allowed_domains": ["GOV.PK"],
            "policy": {"toxicity_likely": "hold"},
            "backends": {
                "en": {"kind": "linear", "model_dir": "/srv/models/linear", "hold_threshold": 0.3}
            },
        }
    )
    assert config.max_length == 500
    assert config.allowed_domains == ("gov.pk",)
    assert config.policy.action_for("toxicity_likely") == "hold"
    assert config.backends["en"].options == {"model_dir": "/srv/models/linear"}
    assert config.backends["en"].hold_threshold == 0.3
    with pytest.raises(ValueError, match="unknown"):
        PipelineConfig.from_mapping({"max_lenght": 5})


def test_score_bands_follow_the_thresholds(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    clean = screen("When will the road be fixed?", context=context, config=keyword_config)
    rude = screen("That was rude of the minister", context=context, config=keyword_config)
    toxic = screen("That was toxic of the minister", context=context, config=keyword_config)
    assert (clean.outcome, clean.band) == ("publish", "unlikely")
    assert (rude.outcome, rude.band, rude.reason_codes) == ("hold", "maybe", ("toxicity_maybe",))
    assert (toxic.outcome, toxic.band, toxic.reason_codes) == (
        "reject",
        "likely",
        ("toxicity_likely",),
    )
