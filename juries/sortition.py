"""The jury lottery, on top of the ``sortition-algorithms`` library (no Django here).

``draw`` runs the same steps as the library's ``run_stratification`` (seed the
library's random provider, check the quotas, find the maximin distribution over
feasible panels, round it to one panel) but keeps the distribution, so every
volunteer's selection probability is known exactly: it is the sum of the
probabilities of the panels that contain them. With the same inputs and seed,
``run_stratification`` picks the same panel (tests/juries/test_sortition.py
checks this), so anyone can audit a draw with the library alone.

The library's random provider is process-global (it seeds ``random``), so
draws in one process run one at a time (``_DRAW_LOCK``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sortition_algorithms import (
    InfeasibleQuotasCantRelaxError,
    InfeasibleQuotasError,
    Settings,
    SortitionBaseError,
    read_in_features,
    read_in_people,
)
from sortition_algorithms.committee_generation import (
    find_distribution_maximin,
    find_random_sample_legacy,
    standardize_distribution,
)
from sortition_algorithms.core import lottery_rounding
from sortition_algorithms.features import check_desired
from sortition_algorithms.people import check_enough_people_for_every_feature_value
from sortition_algorithms.utils import set_random_provider

ID_COLUMN = "id"
ALGORITHMS = ("maximin", "legacy")
_DRAW_LOCK = threading.Lock()

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Quota:
    attribute: str
    value: str
    min: int
    max: int
    min_flex: int | None = None
    max_flex: int | None = None


@dataclass
class DrawResult:
    panel: list[str]
    alternates: list[str]
    probabilities: dict[str, float]
    probabilities_exact: bool
    min_probability: float
    solver_backend: str
    lines: list[str] = field(default_factory=list)


class DrawFailed(Exception):
    """The draw cannot be made; ``lines`` say why in words an organizer can act on."""

    def __init__(self, code: str, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.code = code
        self.lines = lines


def library_version() -> str:
    try:
        return version("sortition-algorithms")
    except PackageNotFoundError:  # pragma: no cover
        return ""


def solver_backend() -> str:
    """``mip`` (CBC) when a compatible python-mip is installed, else ``highspy``.

    sortition-algorithms needs ``mip>=1.17,<2``: mip 2.0 refuses the unnamed
    variables the library creates, so with it we use the HiGHS backend instead.
    """
    try:
        import mip
    except ImportError:
        return "highspy"
    major = str(getattr(mip, "__version__", "0")).split(".", 1)[0]
    return "mip" if major.isdigit() and int(major) < 2 else "highspy"


def features_csv(quotas: Iterable[Quota]) -> str:
    quotas = list(quotas)
    flex = any(q.min_flex is not None or q.max_flex is not None for q in quotas)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["feature", "value", "min", "max", *(["min_flex", "max_flex"] if flex else [])])
    for q in quotas:
        row: list[Any] = [q.attribute, q.value, q.min, q.max]
        if flex:
            row += [
                q.min if q.min_flex is None else q.min_flex,
                q.max if q.max_flex is None else q.max_flex,
            ]
        writer.writerow(row)
    return out.getvalue()


def people_csv(attribute_keys: list[str], people: Iterable[tuple[str, Mapping[str, str]]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([ID_COLUMN, *attribute_keys])
    for person_id, values in people:
        writer.writerow([person_id, *(values.get(key, "") for key in attribute_keys)])
    return out.getvalue()


def inputs_hash(*, features: str, people: str, size: int, seed: int, algorithm: str) -> str:
    digest = hashlib.sha256()
    for part in (algorithm, str(size), str(seed), features, people):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def library_settings(*, algorithm: str, seed: int, backend: str) -> Settings:
    return Settings(
        id_column=ID_COLUMN,
        columns_to_keep=[],
        selection_algorithm=algorithm,
        solver_backend=backend,
        random_number_seed=seed,
    )


def load(features: str, people: str, size: int, settings: Settings) -> tuple[Any, Any]:
    """Parse the two CSV texts as the library's CSV data source would."""
    feature_reader = csv.DictReader(io.StringIO(features), strict=True)
    collection, _, _ = read_in_features(list(feature_reader.fieldnames or []), feature_reader, size)
    people_reader = csv.DictReader(io.StringIO(people), strict=True)
    pool, _ = read_in_people(
        list(people_reader.fieldnames or []), people_reader, collection, settings
    )
    return collection, pool


class _Reporter:
    """Maps the library's progress phases onto one 0..1 figure."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._phase = ""
        self._total: int | None = None

    def start_phase(
        self, name: str, total: int | None = None, *, message: str | None = None
    ) -> None:
        self._phase, self._total = name, total
        self._emit(0, message or name)

    def update(self, current: int, *, message: str | None = None) -> None:
        self._emit(current, message or self._phase)

    def end_phase(self) -> None:
        pass

    def _emit(self, current: int, message: str) -> None:
        if self._progress is None:
            return
        if self._phase == "multiplicative_weights" and self._total:
            value = 0.05 + 0.45 * current / self._total
        elif self._phase == "maximin_optimization":
            value = 0.5 + 0.45 * (1 - 1 / (current + 1))
        elif self._total:
            value = 0.05 + 0.9 * current / self._total
        else:
            value = 0.5
        self._progress(min(value, 0.99), message[:200])


def marginals(
    pool: Iterable[str], committees: list[frozenset[str]], probabilities: list[float]
) -> dict[str, float]:
    """Each person's selection probability under a distribution over panels."""
    result = dict.fromkeys(pool, 0.0)
    for committee, probability in zip(committees, probabilities, strict=True):
        for person in committee:
            result[person] += probability
    return result


def _explain(error: Exception) -> DrawFailed:
    if isinstance(error, InfeasibleQuotasError):
        return DrawFailed("infeasible_quotas", [line for line in error.lines() if line.strip()])
    if isinstance(error, InfeasibleQuotasCantRelaxError):
        return DrawFailed("infeasible_quotas", [str(error)])
    lines = error.lines() if hasattr(error, "lines") else str(error).splitlines()
    return DrawFailed("selection_failed", [line for line in lines if line.strip()] or [str(error)])


def _legacy_once(collection: Any, pool: Any, size: int) -> frozenset[str]:
    committees, _ = find_random_sample_legacy(pool, collection, size, [], max_attempts=100)
    return committees[0]


def estimate_legacy_probabilities(
    collection: Any, pool: Any, size: int, *, runs: int, seed: int, progress: Progress | None = None
) -> dict[str, float]:
    """Selection probabilities of the legacy greedy draw, by repeating it ``runs`` times."""
    counts = dict.fromkeys(pool, 0)
    for run in range(runs):
        set_random_provider(seed + run + 1)
        for person in _legacy_once(collection, pool, size):
            counts[person] += 1
        if progress is not None and run % max(runs // 50, 1) == 0:
            progress(0.05 + 0.9 * run / runs, f"Estimating probabilities: run {run}/{runs}")
    return {person: count / runs for person, count in counts.items()}


def draw(
    *,
    features: str,
    people: str,
    size: int,
    seed: int,
    alternate_count: int,
    algorithm: str = "maximin",
    backend: str | None = None,
    legacy_runs: int = 200,
    progress: Progress | None = None,
) -> DrawResult:
    """Draw a panel of ``size`` and an ordered list of alternates. Raises ``DrawFailed``."""
    if algorithm not in ALGORITHMS:
        raise DrawFailed("invalid_algorithm", [f"Unknown algorithm {algorithm!r}."])
    if seed <= 0:
        raise DrawFailed("invalid_seed", ["The seed must be a positive number."])
    backend = backend or solver_backend()
    settings = library_settings(algorithm=algorithm, seed=seed, backend=backend)
    with _DRAW_LOCK:
        try:
            collection, pool = load(features, people, size, settings)
            check_desired(collection, size)
            check_enough_people_for_every_feature_value(collection, pool)
            set_random_provider(seed)
            reporter = _Reporter(progress)
            if algorithm == "maximin":
                committees, probabilities, _ = find_distribution_maximin(
                    collection, pool, size, [], backend, progress_reporter=reporter
                )
                committees, probabilities = standardize_distribution(committees, probabilities)
                panel = lottery_rounding(committees, probabilities, 1)[0]
                chances = marginals(pool, committees, probabilities)
                exact = True
            else:
                committees, _ = find_random_sample_legacy(
                    pool, collection, size, [], max_attempts=settings.max_attempts,
                    progress_reporter=reporter,
                )  # fmt: skip
                panel = committees[0]
                chances = estimate_legacy_probabilities(
                    collection, pool, size, runs=legacy_runs, seed=seed, progress=progress
                )
                exact = False
        except (SortitionBaseError, InfeasibleQuotasCantRelaxError) as error:
            raise _explain(error) from error
        finally:
            set_random_provider(None)
    others = sorted((p for p in pool if p not in panel), key=_id_order)
    # Alternates: a uniformly random order of everyone not drawn, fixed by the seed.
    random.Random(f"{seed}:alternates").shuffle(others)  # noqa: S311 - reproducible on purpose
    return DrawResult(
        panel=sorted(panel, key=_id_order),
        alternates=others[:alternate_count],
        probabilities={p: round(chances[p], 6) for p in sorted(chances, key=_id_order)},
        probabilities_exact=exact,
        min_probability=round(min(chances.values()), 6) if chances else 0.0,
        solver_backend=backend if algorithm == "maximin" else "",
    )


def _id_order(person_id: str) -> tuple[int, str]:
    return (int(person_id), "") if person_id.isdigit() else (0, person_id)
