"""Handle every stored inbound SMS that was not handled yet (after a crash or with
TOWNHALL_SMS_PROCESS_INLINE=0). Safe to run often and concurrently."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reach.services import inbound_pending, inbound_process


class Command(BaseCommand):
    help = "Handle stored inbound SMS that are not handled yet."

    def handle(self, *args: Any, **options: Any) -> None:
        results: dict[str, int] = {}
        for inbound_id in inbound_pending():
            status = inbound_process(inbound_id=inbound_id)
            results[status] = results.get(status, 0) + 1
        self.stdout.write(f"inbound SMS: {results or 'nothing to do'}")
