"""The sync/async bridge of the juries app: handlers call only these coroutines."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from juries import selectors, services
from sessions.actors import Actor
from sessions.models import LiveSession


@database_sync_to_async
def juries_state(*, actor: Actor, live_session_id: int) -> dict[str, Any]:
    live_session = LiveSession.objects.get(pk=live_session_id)
    return selectors.juries_state(live_session=live_session, actor=actor)


@database_sync_to_async
def jury_room_state(*, actor: Actor, live_session_id: int) -> dict[str, Any]:
    live_session = LiveSession.objects.get(pk=live_session_id)
    return selectors.jury_room_state(live_session=live_session, actor=actor)


jury_volunteer = database_sync_to_async(services.jury_volunteer)
jury_seat_respond = database_sync_to_async(services.jury_seat_respond)
poll_open = database_sync_to_async(services.poll_open)
poll_vote = database_sync_to_async(services.poll_vote)
poll_close = database_sync_to_async(services.poll_close)
hand_raise = database_sync_to_async(services.hand_raise)
hand_lower = database_sync_to_async(services.hand_lower)
speakers_order = database_sync_to_async(services.speakers_order)
floor_grant = database_sync_to_async(services.floor_grant)
floor_end = database_sync_to_async(services.floor_end)
jury_round_start = database_sync_to_async(services.jury_round_start)
jury_round_end = database_sync_to_async(services.jury_round_end)
jury_message_post = database_sync_to_async(services.jury_message_post)
jury_message_moderate = database_sync_to_async(services.jury_message_moderate)
jury_draft_save = database_sync_to_async(services.jury_draft_save)
jury_recommendation_finalise = database_sync_to_async(services.jury_recommendation_finalise)
jury_recommendation_vote = database_sync_to_async(services.jury_recommendation_vote)
jury_recommendation_close = database_sync_to_async(services.jury_recommendation_close)
recommendation_respond = database_sync_to_async(services.recommendation_respond)
