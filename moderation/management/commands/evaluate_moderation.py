"""``manage.py evaluate_moderation FILE... [--json OUT] [--model DIR] [--split test]``.

Runs the whole automatic pipeline with the project's configured settings
(``TOWNHALL_MODERATION_PIPELINE``); ``--model`` swaps in a linear model directory.
The logic lives in ``moderation.pipeline.evaluate``.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from moderation.pipeline import PipelineConfig, evaluate


class Command(BaseCommand):
    help = "Evaluate the automatic moderation pipeline on labelled CSVs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("args", nargs="+", metavar="FILE")
        parser.add_argument("--json", dest="json_out")
        parser.add_argument("--model")
        parser.add_argument(
            "--split", default="all", choices=("all", "train", "validation", "test")
        )
        parser.add_argument("--limit", type=int)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--mistakes", help="write leaked and held clean rows (CSV) here")

    def handle(self, *files: str, **options: Any) -> None:
        argv = list(files)
        for flag in ("json_out", "model", "limit", "mistakes"):
            if options.get(flag) is not None:
                argv += [{"json_out": "--json"}.get(flag, f"--{flag}"), str(options[flag])]
        argv += ["--split", options["split"]]
        if options["no_progress"]:
            argv.append("--no-progress")
        evaluate.main(argv, config=PipelineConfig.from_settings())
