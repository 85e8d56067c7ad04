"""Hooks into live sessions: SMS notifications follow the session's event log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from reach.services.outbound import WATCHED_EVENTS, notify_for_event
from sessions.models import SessionEvent


@receiver(post_save, sender=SessionEvent, dispatch_uid="reach.notify_for_event")
def _session_event_saved(sender: Any, instance: SessionEvent, created: bool, **kwargs: Any) -> None:
    # After commit, and robust: an SMS problem must never undo or break a
    # moderator's or official's action.
    if created and instance.type in WATCHED_EVENTS:
        event_id = instance.pk

        def notify_after_commit() -> None:
            notify_for_event(event_id=event_id)

        transaction.on_commit(notify_after_commit, robust=True)
