"""The policy table: from reasons to publish / hold / reject."""

from __future__ import annotations

from collections.abc import Iterable

from moderation.pipeline import verdict as v
from moderation.pipeline.config import PipelineConfig
from moderation.pipeline.verdict import Action, Outcome

_SEVERITY: dict[Action, int] = {"publish": 0, "flag": 1, "hold": 2, "reject": 3}


def action_for(reason: v.Reason, config: PipelineConfig) -> Action:
    if reason.code == v.CONTAINS_LINK and config.link_policy == "reject":
        return "reject"
    return config.policy.action_for(reason.code)


def decide(reasons: Iterable[v.Reason], config: PipelineConfig) -> tuple[Outcome, list[v.Reason]]:
    """The most severe action wins; reasons come back most severe first (stable)."""
    ranked = sorted(reasons, key=lambda r: -_SEVERITY[action_for(r, config)])
    if not ranked:
        return "publish", ranked
    top = action_for(ranked[0], config)
    outcome: Outcome = "reject" if top == "reject" else "hold" if top == "hold" else "publish"
    return outcome, ranked


def stops_pipeline(reasons: Iterable[v.Reason], config: PipelineConfig) -> bool:
    return any(action_for(r, config) == "reject" for r in reasons)
