"""Export the audit trail: every decision as JSON lines, or human decisions as
labelled data (``text,label,lang,source``) for ``train_moderation_model``."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from moderation.selectors import audit_rows, labelled_rows


class Command(BaseCommand):
    help = "Export moderation decisions (audit JSON lines or labelled CSV for retraining)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["audit", "labelled"], required=True)
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument("--session", help="only this session's join code")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"{out.parent} is not a folder")
        code = options.get("session")
        if options["format"] == "audit":
            rows = audit_rows(session_code=code)
            with out.open("w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            rows = labelled_rows(session_code=code)
            with out.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["text", "label", "lang", "source"])
                for row in rows:
                    writer.writerow([row["text"], row["label"], row["lang"], row["source"]])
        self.stdout.write(f"wrote {len(rows)} rows to {out}")
