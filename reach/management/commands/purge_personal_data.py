"""Delete personal data past its retention period (docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reach import conf
from reach.services import personal_data_purge


class Command(BaseCommand):
    help = (
        "Delete phone numbers, SMS texts, one-time codes and identity hashes older than "
        "--days (default TOWNHALL_RETENTION_DAYS), keeping anonymised questions, answers "
        "and the moderation audit trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument(
            "--keep-names",
            action="store_true",
            help="Do not replace display names of participants of long-ended sessions.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else conf.retention_days()
        if days < 1:
            self.stderr.write("--days must be at least 1")
            raise SystemExit(2)
        counts = personal_data_purge(days=days, anonymise_participants=not options["keep_names"])
        self.stdout.write(
            f"purged data older than {days} days: "
            + ", ".join(f"{k}={v}" for k, v in counts.items())
        )
