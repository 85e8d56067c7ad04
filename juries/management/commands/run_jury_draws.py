"""Run queued jury draws: ``manage.py run_jury_draws [--once] [--poll SECONDS]``.

For deployments with ``TOWNHALL_JURY_DRAW_RUNNER = "command"``, so lotteries
run in their own process rather than in a web server's thread.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from juries.services import jury_draw_run


class Command(BaseCommand):
    help = "Run queued jury draws, writing their progress as they go."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--poll", type=float, default=2.0, help="Seconds between checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            draw = jury_draw_run()
            if draw is not None:
                self.stdout.write(f"draw {draw.pk}: {draw.status} {draw.error_code}".rstrip())
                continue
            if options["once"]:
                return
            time.sleep(options["poll"])
