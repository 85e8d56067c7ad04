"""Compare the minimum selection probability of maximin and the legacy draw.

``manage.py jury_fairness_report [--pool 500] [--size 30] [--runs 1000] [--seed 7]``
builds a synthetic, skewed volunteer pool (most volunteers urban young men from
two districts), sets proportional quotas, and prints each algorithm's lowest
selection probability: exact for maximin (from its distribution over panels),
estimated for legacy by repeating its greedy draw ``--runs`` times.
"""

from __future__ import annotations

import logging
import random
import time
from typing import Any

from django.core.management.base import BaseCommand

from juries import sortition

POPULATION = {  # shares in the population the jury should mirror
    "gender": {"female": 0.49, "male": 0.51},
    "age": {"18-29": 0.35, "30-44": 0.3, "45-59": 0.2, "60+": 0.15},
    "area": {"urban": 0.37, "rural": 0.63},
    "district": {"Lahore": 0.3, "Multan": 0.25, "Vehari": 0.25, "Rajanpur": 0.2},
}
POOL = {  # who volunteers online: skewed
    "gender": {"female": 0.22, "male": 0.78},
    "age": {"18-29": 0.55, "30-44": 0.28, "45-59": 0.12, "60+": 0.05},
    "area": {"urban": 0.75, "rural": 0.25},
    "district": {"Lahore": 0.5, "Multan": 0.3, "Vehari": 0.13, "Rajanpur": 0.07},
}


def skewed_pool(n: int, seed: int) -> list[tuple[str, dict[str, str]]]:
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    people = []
    for i in range(1, n + 1):
        values = {
            key: rng.choices(list(shares), weights=list(shares.values()))[0]
            for key, shares in POOL.items()
        }
        people.append((str(i), values))
    return people


def proportional_quotas(size: int) -> list[sortition.Quota]:
    quotas = []
    for key, shares in POPULATION.items():
        for value, share in shares.items():
            target = share * size
            quotas.append(sortition.Quota(key, value, max(int(target) - 1, 0), int(target) + 2))
    return quotas


class Command(BaseCommand):
    help = "Minimum selection probability: maximin vs legacy, on a synthetic skewed pool."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--pool", type=int, default=500)
        parser.add_argument("--size", type=int, default=30)
        parser.add_argument("--runs", type=int, default=1000, help="legacy repetitions")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("sortition_algorithms", "sortition_algorithms_user"):
            logging.getLogger(name).setLevel(logging.ERROR)
        size = options["size"]
        people = skewed_pool(options["pool"], options["seed"])
        features = sortition.features_csv(proportional_quotas(size))
        people_text = sortition.people_csv(list(POOL), people)
        uniform = size / len(people)
        self.stdout.write(
            f"pool {len(people)}, panel {size}, uniform chance {uniform:.4f}, "
            f"backend {sortition.solver_backend()}"
        )
        started = time.monotonic()
        maximin = sortition.draw(
            features=features, people=people_text, size=size, seed=options["seed"],
            alternate_count=0, algorithm="maximin",
        )  # fmt: skip
        took = time.monotonic() - started
        self.stdout.write(
            f"maximin: minimum selection probability {maximin.min_probability:.4f} "
            f"(exact; {took:.1f} s)"
        )
        started = time.monotonic()
        settings = sortition.library_settings(algorithm="legacy", seed=1, backend="highspy")
        collection, pool = sortition.load(features, people_text, size, settings)
        legacy = sortition.estimate_legacy_probabilities(
            collection, pool, size, runs=options["runs"], seed=options["seed"]
        )
        took = time.monotonic() - started
        low = min(legacy.values())
        zero = sum(1 for p in legacy.values() if p == 0)
        self.stdout.write(
            f"legacy:  minimum selection probability {low:.4f} "
            f"(estimated from {options['runs']} draws; {zero} volunteers never drawn; "
            f"{took:.1f} s)"
        )
