"""The lottery itself, with the library alone (no database)."""

from __future__ import annotations

import pytest
from sortition_algorithms import run_stratification

from juries import sortition
from juries.management.commands.jury_fairness_report import proportional_quotas, skewed_pool

QUOTAS = [
    sortition.Quota("gender", "female", 3, 4),
    sortition.Quota("gender", "male", 4, 5),
    sortition.Quota("area", "urban", 3, 5),
    sortition.Quota("area", "rural", 3, 5),
]


def _pool(n: int = 40) -> str:
    people = skewed_pool(n, seed=3)
    return sortition.people_csv(["gender", "area"], [(pid, v) for pid, v in people])


def test_a_maximin_draw_publishes_every_volunteers_probability_and_they_sum_to_the_panel_size():
    result = sortition.draw(
        features=sortition.features_csv(QUOTAS), people=_pool(), size=8, seed=11,
        alternate_count=5,
    )  # fmt: skip
    assert len(result.panel) == 8
    assert len(result.probabilities) == 40
    assert sum(result.probabilities.values()) == pytest.approx(8, abs=1e-4)
    assert result.min_probability == min(result.probabilities.values())
    assert result.min_probability > 0
    assert result.probabilities_exact


def test_the_same_inputs_and_seed_give_the_same_panel_as_the_librarys_run_stratification():
    features, people = sortition.features_csv(QUOTAS), _pool()
    ours = sortition.draw(features=features, people=people, size=8, seed=99, alternate_count=3)
    again = sortition.draw(features=features, people=people, size=8, seed=99, alternate_count=3)
    settings = sortition.library_settings(algorithm="maximin", seed=99, backend=ours.solver_backend)
    collection, pool = sortition.load(features, people, 8, settings)
    ok, panels, _report = run_stratification(collection, pool, 8, settings)
    assert ok
    assert sorted(panels[0], key=int) == ours.panel == again.panel
    assert ours.alternates == again.alternates
    assert not set(ours.alternates) & set(ours.panel)


def test_infeasible_quotas_fail_with_an_explanation_naming_the_quota():
    # Only 2 rural women exist but 3 rural women are required through quotas
    # that together cannot be met: women 3..3, urban 0..0.
    people = sortition.people_csv(
        ["gender", "area"],
        [("1", {"gender": "female", "area": "rural"}), ("2", {"gender": "female", "area": "rural"})]
        + [(str(i), {"gender": "male", "area": "urban"}) for i in range(3, 20)]
        + [(str(i), {"gender": "female", "area": "urban"}) for i in range(20, 24)],
    )
    quotas = [
        sortition.Quota("gender", "female", 3, 3),
        sortition.Quota("gender", "male", 2, 2),
        sortition.Quota("area", "urban", 0, 2),
        sortition.Quota("area", "rural", 3, 5),
    ]
    with pytest.raises(sortition.DrawFailed) as failure:
        sortition.draw(
            features=sortition.features_csv(quotas), people=people, size=5, seed=5,
            alternate_count=0,
        )  # fmt: skip
    assert failure.value.code in {"infeasible_quotas", "selection_failed"}
    text = "\n".join(failure.value.lines)
    assert "rural" in text or "urban" in text or "female" in text, text


def test_a_quota_with_too_few_volunteers_is_named_before_any_solving():
    quotas = [sortition.Quota("gender", "female", 30, 40), sortition.Quota("gender", "male", 0, 40)]
    with pytest.raises(sortition.DrawFailed) as failure:
        sortition.draw(
            features=sortition.features_csv(quotas), people=_pool(), size=35, seed=5,
            alternate_count=0,
        )  # fmt: skip
    assert any("female" in line for line in failure.value.lines), failure.value.lines


def test_the_legacy_draw_reports_estimated_probabilities():
    result = sortition.draw(
        features=sortition.features_csv(QUOTAS), people=_pool(), size=8, seed=4,
        alternate_count=2, algorithm="legacy", legacy_runs=50,
    )  # fmt: skip
    assert len(result.panel) == 8
    assert not result.probabilities_exact
    assert sum(result.probabilities.values()) == pytest.approx(8, abs=1e-6)


def test_proportional_quotas_of_the_fairness_report_are_feasible_on_its_skewed_pool():
    people = sortition.people_csv(["gender", "age", "area", "district"], skewed_pool(120, seed=7))
    result = sortition.draw(
        features=sortition.features_csv(proportional_quotas(10)), people=people, size=10,
        seed=7, alternate_count=0,
    )  # fmt: skip
    assert len(result.panel) == 10
