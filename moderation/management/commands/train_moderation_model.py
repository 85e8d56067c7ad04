"""``manage.py train_moderation_model --data CSV... --out DIR [--lang ...]``.

A thin wrapper: the logic lives in ``moderation.pipeline.training`` so it can be
tested and run without Django.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from moderation.pipeline import training


class Command(BaseCommand):
    help = "Train the linear moderation model from labelled CSVs (text,label,lang[,source])."

    def add_arguments(self, parser: ArgumentParser) -> None:
        for action in training.build_parser()._actions:
            if action.dest == "help":
                continue
            kwargs: dict[str, Any] = {
                "dest": action.dest,
                "default": action.default,
                "help": action.help,
                "required": action.required,
            }
            if action.nargs is not None:
                kwargs["nargs"] = action.nargs
            if action.type is not None:
                kwargs["type"] = action.type
            if action.choices is not None:
                kwargs["choices"] = action.choices
            parser.add_argument(*action.option_strings, **kwargs)

    def handle(self, *args: Any, **options: Any) -> None:
        metadata = training.train(
            options["data"],
            options["out"],
            languages=options["lang"],
            c_grid=options["c"],
            target_leak=options["target_leak"],
            max_reject_fpr=options["max_reject_fpr"],
            civic_clean=options["civic_clean"],
            civic_abusive=options["civic_abusive"],
            weightings=options["weighting"],
            written_weight=options["written_weight"],
            log=lambda msg: self.stderr.write(msg),
        )
        self.stdout.write(f"model {metadata['model_version']} written to {options['out']}")
