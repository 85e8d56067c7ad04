"""Coalesced poll tallies: the session tally coalescer's window, for polls.

A ballot marks its poll dirty; at most one ``poll.tally`` per poll per
``TOWNHALL_TALLY_WINDOW_MS`` carries the counts read from the database when the
window closes. The window runs on the event loop the poll handlers run on
(``juries.handlers`` binds it); without a loop, tallies go out at once.
"""

from __future__ import annotations

import logging

from sessions.tally import TallyCoalescer

logger = logging.getLogger(__name__)


class PollTallyCoalescer(TallyCoalescer):
    @staticmethod
    def _publish(live_session_id: int, question_ids: set[int]) -> None:
        from juries.services import poll_tally_publish

        try:
            poll_tally_publish(live_session_id=live_session_id, poll_ids=question_ids)
        except Exception:
            logger.exception("poll tally for session %s failed", live_session_id)


poll_tally_coalescer = PollTallyCoalescer()
