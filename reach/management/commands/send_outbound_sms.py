"""Send queued SMS that are due: retries after a gateway error or a throttle,
and everything when TOWNHALL_SMS_SEND_INLINE=0. Run it every minute."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reach.services import outbound_deliver, outbound_due


class Command(BaseCommand):
    help = "Send queued outbound SMS that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        results: dict[str, int] = {}
        for outbound_id in outbound_due():
            outbound = outbound_deliver(outbound_id=outbound_id)
            status = outbound.status if outbound else "gone"
            results[status] = results.get(status, 0) + 1
        self.stdout.write(f"outbound SMS: {results or 'nothing due'}")
