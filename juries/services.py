"""Writes for juries, live polls and the speaker queue.

Same rules as ``sessions.services``: each service checks the actor's right to
act, changes state in one transaction that first locks the session row, logs
its events with ``emit`` (so they get a ``seq`` and go out after commit) and
raises domain errors from ``sessions.errors``.
"""

from __future__ import annotations

import datetime
import logging
import math
import re
import secrets
import threading
import time
from collections import Counter
from fractions import Fraction
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Count, Max
from django.utils import timezone

from juries import events, sortition
from juries.models import (
    Jury,
    JuryDraw,
    JuryMessage,
    JuryQuota,
    JuryRound,
    JurySeat,
    JuryVolunteer,
    Poll,
    PollBallot,
    PollOption,
    Recommendation,
    RecommendationDraft,
    RecommendationResponse,
    RecommendationVote,
    SpeakerRequest,
)
from juries.tally import poll_tally_coalescer
from moderation.models import ModerationDecision
from moderation.reasons import ReasonCode
from moderation.sanitize import sanitize_text
from moderation.screening import ScreeningRequest, screen_question
from moderation.services import decision_record, decision_record_screening
from sessions import events as session_events
from sessions.actors import Actor
from sessions.errors import Conflict, Forbidden, InvalidInput, NotFound
from sessions.models import LiveSession, Participant, SessionEvent, SessionRole
from sessions.ratelimit import rate_limit_hit
from sessions.services.log import emit, lock_session, require_live, require_not_ended
from sessions.verification import require_verified

logger = logging.getLogger(__name__)

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_ATTRIBUTES = 8
MAX_VALUES = 60
MAX_JURY_SIZE = 200
MAX_POLL_OPTIONS = 10
POLL_TEXT_MAX = 300
DEFAULT_FLOOR_SECONDS = 120
PROGRESS_INTERVAL_S = 1.0


# --- small validators ---------------------------------------------------------------------------


def _int(value: Any, *, name: str, code: str, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise InvalidInput(f"{name} must be a whole number from {low} to {high}.", code=code)
    return value


def _id(value: Any, *, code: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput("Ids are numbers.", code=code) from None


def _clean_label(value: Any, *, limit: int, code: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput("Labels are strings.", code=code)
    clean = sanitize_text(value)
    if not clean or len(clean) > limit:
        raise InvalidInput(f"Labels have 1 to {limit} characters.", code=code)
    return clean


def _texts(value: Any, languages: list[str], *, code: str) -> dict[str, str]:
    """A text in each session language: ``{"en": "...", "ur": "..."}`` (or one
    plain string when the session has fewer than two languages)."""
    if isinstance(value, str):
        if len(languages) > 1:
            raise InvalidInput(
                f"Give the text in each session language: {', '.join(languages)}.", code=code
            )
        return {(languages[0] if languages else ""): _clean_label(value, limit=300, code=code)}
    if not isinstance(value, dict) or not value:
        raise InvalidInput('Give a text per language, e.g. {"en": "..."}.', code=code)
    missing = [lang for lang in languages if lang not in value]
    if missing:
        raise InvalidInput(f"Missing language(s): {', '.join(missing)}.", code=code)
    return {
        str(lang): _clean_label(text, limit=POLL_TEXT_MAX, code=code)
        for lang, text in value.items()
    }


# --- jury configuration and volunteering --------------------------------------------------------


def _jury(live_session: LiveSession) -> Jury:
    jury, _ = Jury.objects.get_or_create(live_session=live_session)
    return jury


def _clean_attributes(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_ATTRIBUTES:
        raise InvalidInput(
            f"A jury asks for 1 to {MAX_ATTRIBUTES} attributes.", code="invalid_attributes"
        )
    cleaned: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise InvalidInput("Each attribute has a key.", code="invalid_attributes")
        key = item["key"]
        if not _KEY.match(key) or key == sortition.ID_COLUMN:
            raise InvalidInput(
                f"Attribute key {key!r}: lower-case letters, digits, _ (not 'id').",
                code="invalid_attributes",
            )
        values = item.get("values")
        if not isinstance(values, list) or not 2 <= len(values) <= MAX_VALUES:
            raise InvalidInput(
                f"Attribute {key!r} needs 2 to {MAX_VALUES} values.", code="invalid_attributes"
            )
        clean_values = [_clean_label(v, limit=80, code="invalid_attributes") for v in values]
        if len({v.casefold() for v in clean_values}) != len(clean_values):
            raise InvalidInput(f"Attribute {key!r} repeats a value.", code="invalid_attributes")
        label = item.get("label", key)
        labels = (
            {k: _clean_label(v, limit=80, code="invalid_attributes") for k, v in label.items()}
            if isinstance(label, dict)
            else {"": _clean_label(label, limit=80, code="invalid_attributes")}
        )
        cleaned.append({"key": key, "label": labels, "values": clean_values})
    if len({a["key"] for a in cleaned}) != len(cleaned):
        raise InvalidInput("Attribute keys must be unique.", code="invalid_attributes")
    return cleaned


def _clean_quotas(raw: Any, attributes: list[dict[str, Any]], size: int) -> list[JuryQuota]:
    if not isinstance(raw, list):
        raise InvalidInput("quotas is a list.", code="invalid_quota")
    allowed = {(a["key"], v): None for a in attributes for v in a["values"]}
    given: dict[tuple[str, str], JuryQuota] = {}
    for item in raw:
        if not isinstance(item, dict):
            raise InvalidInput("Each quota is an object.", code="invalid_quota")
        pair = (item.get("attribute"), item.get("value"))
        if pair not in allowed:
            raise InvalidInput(f"No attribute value {pair[0]}={pair[1]}.", code="invalid_quota")
        low = _int(item.get("min", 0), name="min", code="invalid_quota", low=0, high=size)
        high = _int(item.get("max", size), name="max", code="invalid_quota", low=0, high=size)
        if low > high:
            raise InvalidInput(f"{pair[0]}={pair[1]}: min is above max.", code="invalid_quota")
        flex: dict[str, int | None] = {}
        for name, bound in (("min_flex", low), ("max_flex", high)):
            value = item.get(name)
            if value is not None:
                value = _int(value, name=name, code="invalid_quota", low=0, high=MAX_JURY_SIZE)
                if (name == "min_flex" and value > bound) or (name == "max_flex" and value < bound):
                    raise InvalidInput(
                        f"{pair[0]}={pair[1]}: {name} must be outside [min, max].",
                        code="invalid_quota",
                    )
            flex[name] = value
        given[(str(pair[0]), str(pair[1]))] = JuryQuota(
            attribute=pair[0], value=pair[1], min=low, max=high, **flex
        )
    # Every value of every attribute is a row of the features table: unlisted ones
    # are unconstrained (0..size).
    return [
        given.get((key, value)) or JuryQuota(attribute=key, value=value, min=0, max=size)
        for key, value in allowed
    ]


def _require_no_draw_in_progress(jury: Jury) -> None:
    busy = jury.draws.filter(status__in=[JuryDraw.Status.QUEUED, JuryDraw.Status.RUNNING])
    if busy.exists():
        raise Conflict("A draw is in progress.", code="draw_in_progress")
    if jury.draws.filter(status=JuryDraw.Status.DONE).exists():
        raise Conflict("The jury has been drawn already.", code="already_drawn")


@transaction.atomic
def jury_configure(
    *,
    actor: Actor,
    live_session_id: int,
    attributes: Any,
    size: Any,
    alternate_count: Any = 0,
    quotas: Any = (),
    volunteering_open: bool = True,
) -> Jury:
    """Set what volunteers declare, the jury's size, its alternates and quotas."""
    actor.require_organizer()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    size = _int(size, name="size", code="invalid_size", low=1, high=MAX_JURY_SIZE)
    alternate_count = _int(
        alternate_count, name="alternate_count", code="invalid_size", low=0, high=MAX_JURY_SIZE
    )
    clean_attributes = _clean_attributes(attributes)
    clean_quotas = _clean_quotas(list(quotas), clean_attributes, size)
    jury = Jury.objects.select_for_update().filter(live_session=live_session).first()
    if jury is None:
        jury = Jury(live_session=live_session)
    else:
        _require_no_draw_in_progress(jury)
    old_keys = jury.attribute_keys() if jury.pk else []
    jury.attributes, jury.size, jury.alternate_count = clean_attributes, size, alternate_count
    jury.volunteering_open = bool(volunteering_open)
    jury.save()
    JuryQuota.objects.filter(jury=jury).delete()
    for quota in clean_quotas:
        quota.jury = jury
    JuryQuota.objects.bulk_create(clean_quotas)
    if old_keys and old_keys != jury.attribute_keys():
        # The questions changed: earlier answers no longer fit.
        JuryVolunteer.objects.filter(jury=jury).delete()
    return jury


@transaction.atomic
def jury_volunteer(*, actor: Actor, live_session_id: int, attributes: Any) -> JuryVolunteer:
    """A participant volunteers (or corrects their answers) until the draw starts."""
    participant = actor.require_participant()
    if participant.live_session_id != live_session_id:
        raise NotFound("You have not joined this session.", code="not_participant")
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    if live_session.requires_verified_volunteering:
        require_verified(
            participant_id=participant.pk,
            message="Only verified participants may volunteer for this jury.",
        )
    jury = Jury.objects.filter(live_session=live_session).first()
    if jury is None or not jury.volunteering_open:
        raise Conflict("This session's jury does not take volunteers now.", code="jury_closed")
    if jury.draws.exclude(status=JuryDraw.Status.FAILED).exists():
        raise Conflict("The jury is being drawn; volunteering has closed.", code="jury_closed")
    if not isinstance(attributes, dict):
        raise InvalidInput("attributes is an object.", code="invalid_attributes")
    answers: dict[str, str] = {}
    for attribute in jury.attributes:
        value = attributes.get(attribute["key"])
        if value not in attribute["values"]:
            raise InvalidInput(
                f"Choose one of the listed values for {attribute['key']!r}.",
                code="invalid_attributes",
            )
        answers[attribute["key"]] = str(value)
    volunteer, _ = JuryVolunteer.objects.update_or_create(
        jury=jury, participant=participant, defaults={"attributes": answers}
    )
    return volunteer


# --- the draw -----------------------------------------------------------------------------------


def _draw_inputs(jury: Jury) -> tuple[str, str]:
    quotas = [
        sortition.Quota(q.attribute, q.value, q.min, q.max, q.min_flex, q.max_flex)
        for q in jury.quotas.order_by("pk")
    ]
    people = [(str(v.pk), v.attributes) for v in jury.volunteers.order_by("pk")]
    return sortition.features_csv(quotas), sortition.people_csv(jury.attribute_keys(), people)


@transaction.atomic
def jury_draw_start(
    *, actor: Actor, live_session_id: int, seed: Any = None, algorithm: Any = "maximin"
) -> JuryDraw:
    """Record the inputs of a draw and queue it; a worker runs it (``jury_draw_run``).

    The inputs (features and people CSV, size, seed, algorithm) are frozen here,
    so the published record is exactly what the lottery used.
    """
    actor.require_organizer()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    jury = Jury.objects.select_for_update().filter(live_session=live_session).first()
    if jury is None or not jury.attributes:
        raise Conflict("Set up the jury first.", code="jury_not_configured")
    _require_no_draw_in_progress(jury)
    if algorithm not in sortition.ALGORITHMS:
        raise InvalidInput("algorithm is maximin or legacy.", code="invalid_algorithm")
    if seed is None:
        seed = secrets.randbelow(2**31 - 2) + 1
    seed = _int(seed, name="seed", code="invalid_seed", low=1, high=2**31 - 1)
    features, people = _draw_inputs(jury)
    draw = JuryDraw.objects.create(
        jury=jury,
        algorithm=algorithm,
        seed=seed,
        size=jury.size,
        alternate_count=jury.alternate_count,
        library_version=sortition.library_version(),
        features_csv=features,
        people_csv=people,
        inputs_sha256=sortition.inputs_hash(
            features=features, people=people, size=jury.size, seed=seed, algorithm=algorithm
        ),
        created_by=actor.user_or_none,
    )
    jury.volunteering_open = False
    jury.save(update_fields=["volunteering_open", "updated_at"])
    emit(
        live_session,
        events.JURY_DRAW_UPDATED,
        {"draw": events.draw_payload(draw)},
        [session_events.PUBLIC],
    )
    if getattr(settings, "TOWNHALL_JURY_DRAW_RUNNER", "thread") == "thread":
        transaction.on_commit(partial(_start_worker, draw.pk))
    return draw


def _start_worker(draw_id: int) -> None:
    threading.Thread(
        target=_worker, args=(draw_id,), name=f"jury-draw-{draw_id}", daemon=True
    ).start()


def _worker(draw_id: int) -> None:
    close_old_connections()
    try:
        jury_draw_run(draw_id=draw_id)
    except Exception:
        logger.exception("jury draw %s failed", draw_id)
    finally:
        close_old_connections()


def _draw_event(draw_id: int) -> None:
    with transaction.atomic():
        draw = JuryDraw.objects.select_related("jury").get(pk=draw_id)
        live_session = lock_session(draw.jury.live_session_id)
        emit(
            live_session,
            events.JURY_DRAW_UPDATED,
            {"draw": events.draw_payload(draw)},
            [session_events.PUBLIC],
        )


class _ProgressWriter:
    """Writes the draw's progress to its row (and an event) at most once a second."""

    def __init__(self, draw_id: int) -> None:
        self.draw_id = draw_id
        self._last = 0.0

    def __call__(self, progress: float, phase: str) -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL_S:
            return
        self._last = now
        JuryDraw.objects.filter(pk=self.draw_id, status=JuryDraw.Status.RUNNING).update(
            progress=progress, phase=phase
        )
        _draw_event(self.draw_id)


def jury_draw_claim(*, draw_id: int | None = None) -> JuryDraw | None:
    """Take a queued draw for this worker (``None`` if another worker has it)."""
    with transaction.atomic():
        queued = JuryDraw.objects.select_for_update(skip_locked=True).filter(
            status=JuryDraw.Status.QUEUED
        )
        if draw_id is not None:
            queued = queued.filter(pk=draw_id)
        draw = queued.order_by("created_at", "pk").first()
        if draw is None:
            return None
        draw.status, draw.started_at, draw.phase = JuryDraw.Status.RUNNING, timezone.now(), "start"
        draw.save(update_fields=["status", "started_at", "phase"])
    _draw_event(draw.pk)
    return draw


def jury_draw_run(*, draw_id: int | None = None) -> JuryDraw | None:
    """Run one queued draw (the given one, or the oldest) to completion.

    Not one transaction: the lottery runs for seconds to minutes between the
    claim and the result, writing its progress as it goes.
    """
    draw = jury_draw_claim(draw_id=draw_id)
    if draw is None:
        return None
    try:
        result = sortition.draw(
            features=draw.features_csv,
            people=draw.people_csv,
            size=draw.size,
            seed=draw.seed,
            alternate_count=draw.alternate_count,
            algorithm=draw.algorithm,
            progress=_ProgressWriter(draw.pk),
        )
    except sortition.DrawFailed as failure:
        return _draw_fail(draw.pk, failure.code, failure.lines)
    except Exception as exc:
        logger.exception("jury draw %s crashed", draw.pk)
        _draw_fail(draw.pk, "draw_crashed", [f"The draw stopped: {type(exc).__name__}."])
        raise
    return _draw_finish(draw.pk, result)


@transaction.atomic
def _draw_fail(draw_id: int, code: str, lines: list[str]) -> JuryDraw:
    draw = JuryDraw.objects.select_related("jury").get(pk=draw_id)
    live_session = lock_session(draw.jury.live_session_id)
    draw.status, draw.error_code, draw.error_lines = JuryDraw.Status.FAILED, code, lines
    draw.finished_at = timezone.now()
    draw.save()
    Jury.objects.filter(pk=draw.jury_id).update(volunteering_open=True)
    emit(
        live_session,
        events.JURY_DRAW_UPDATED,
        {"draw": events.draw_payload(draw)},
        [session_events.PUBLIC],
    )
    return draw


@transaction.atomic
def _draw_finish(draw_id: int, result: sortition.DrawResult) -> JuryDraw:
    draw = JuryDraw.objects.select_related("jury").get(pk=draw_id)
    live_session = lock_session(draw.jury.live_session_id)
    draw.status, draw.progress, draw.phase = JuryDraw.Status.DONE, 1.0, "done"
    draw.panel = [int(v) for v in result.panel]
    draw.alternates = [int(v) for v in result.alternates]
    draw.probabilities = result.probabilities
    draw.probabilities_exact = result.probabilities_exact
    draw.min_probability = result.min_probability
    draw.solver_backend = result.solver_backend
    draw.finished_at = timezone.now()
    draw.save()
    now = timezone.now()
    seats = [
        JurySeat(
            draw=draw,
            volunteer_id=volunteer_id,
            kind=JurySeat.Kind.JUROR,
            position=position,
            status=JurySeat.Status.OFFERED,
            offered_at=now,
        )
        for position, volunteer_id in enumerate(draw.panel, start=1)
    ] + [
        JurySeat(
            draw=draw,
            volunteer_id=volunteer_id,
            kind=JurySeat.Kind.ALTERNATE,
            position=position,
            status=JurySeat.Status.WAITING,
        )
        for position, volunteer_id in enumerate(draw.alternates, start=1)
    ]
    JurySeat.objects.bulk_create(seats)
    emit(
        live_session,
        events.JURY_DRAW_UPDATED,
        {"draw": events.draw_payload(draw)},
        [session_events.PUBLIC],
    )
    for seat in JurySeat.objects.filter(draw=draw).select_related("volunteer"):
        _seat_event(live_session, seat)
    return draw


def _seat_event(live_session: LiveSession, seat: JurySeat) -> None:
    holder = session_events.participant_audience(seat.volunteer.participant_id)
    payload = {"seat": events.seat_payload(seat)}
    if seat.status == JurySeat.Status.OFFERED:
        emit(live_session, events.JURY_SEAT_OFFERED, payload, [holder])
        emit(live_session, events.JURY_SEAT_UPDATED, payload, [session_events.MODERATORS])
    else:
        emit(live_session, events.JURY_SEAT_UPDATED, payload, [holder, session_events.MODERATORS])


def _sitting_counts(draw: JuryDraw) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    sitting = draw.seats.filter(
        kind=JurySeat.Kind.JUROR, status__in=[JurySeat.Status.OFFERED, JurySeat.Status.ACCEPTED]
    ).select_related("volunteer")
    for seat in sitting:
        counts.update(seat.volunteer.attributes.items())
    return counts


def _replacement_for(declined: JurySeat) -> JurySeat | None:
    """The next alternate with the declined juror's attributes; failing that, the
    next one who keeps every quota's maximum, sharing the most attributes."""
    draw = declined.draw
    wanted = declined.volunteer.attributes
    waiting = list(
        draw.seats.select_for_update()
        .filter(kind=JurySeat.Kind.ALTERNATE, status=JurySeat.Status.WAITING)
        .select_related("volunteer")
        .order_by("position")
    )
    for seat in waiting:
        if seat.volunteer.attributes == wanted:
            return seat
    maxima = {(q.attribute, q.value): q.max for q in draw.jury.quotas.all()}
    counts = _sitting_counts(draw)
    best: tuple[int, JurySeat] | None = None
    for seat in waiting:
        items = seat.volunteer.attributes.items()
        if any(counts[item] + 1 > maxima.get(item, draw.size) for item in items):
            continue
        shared = sum(1 for key, value in items if wanted.get(key) == value)
        if best is None or shared > best[0]:
            best = (shared, seat)
    return best[1] if best else None


@transaction.atomic
def jury_seat_respond(
    *, actor: Actor, live_session_id: int, accept: Any
) -> tuple[JurySeat, JurySeat | None]:
    """A drawn juror accepts or declines their seat; returns the seat and, on a
    decline, the alternate now offered it (or None when none fits)."""
    participant = actor.require_participant()
    if type(accept) is not bool:
        raise InvalidInput("accept is true or false.", code="invalid_response")
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    seat = (
        JurySeat.objects.select_for_update()
        .select_related("volunteer", "draw__jury")
        .filter(
            draw__jury__live_session=live_session,
            draw__status=JuryDraw.Status.DONE,
            volunteer__participant=participant,
            status=JurySeat.Status.OFFERED,
        )
        .first()
    )
    if seat is None:
        raise NotFound("You have no seat waiting for your answer.", code="no_seat_offered")
    seat.status = JurySeat.Status.ACCEPTED if accept else JurySeat.Status.DECLINED
    seat.responded_at = timezone.now()
    seat.save(update_fields=["status", "responded_at"])
    _seat_event(live_session, seat)
    if accept:
        return seat, None
    replacement = _replacement_for(seat)
    if replacement is not None:
        replacement.kind, replacement.status = JurySeat.Kind.JUROR, JurySeat.Status.OFFERED
        replacement.position, replacement.replaces = seat.position, seat
        replacement.offered_at = timezone.now()
        replacement.save()
        _seat_event(live_session, replacement)
    return seat, replacement


def is_juror(*, live_session_id: int, actor: Actor) -> bool:
    """A participant who accepted a jury seat, or a user with the juror role."""
    if SessionRole.Role.JUROR in actor.roles:
        return True
    if actor.participant is None:
        return False
    return JurySeat.objects.filter(
        draw__jury__live_session_id=live_session_id,
        volunteer__participant=actor.participant,
        kind=JurySeat.Kind.JUROR,
        status=JurySeat.Status.ACCEPTED,
    ).exists()


# --- live polls ---------------------------------------------------------------------------------


def poll_counts(poll: Poll) -> dict[int, int]:
    return dict(
        PollOption.objects.filter(poll=poll).annotate(n=Count("ballots")).values_list("pk", "n")
    )


def _poll_for_update(live_session: LiveSession, poll_id: Any) -> Poll:
    poll = (
        Poll.objects.select_for_update()
        .filter(pk=_id(poll_id, code="invalid_poll_id"), live_session=live_session)
        .first()
    )
    if poll is None:
        raise NotFound("No such poll in this session.", code="poll_not_found")
    return poll


@transaction.atomic
def poll_open(
    *, actor: Actor, live_session_id: int, question: Any, options: Any, kind: Any = "single"
) -> Poll:
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_live(live_session)
    if kind not in Poll.Kind.values:
        raise InvalidInput("kind is single or multiple.", code="invalid_poll")
    languages = list(live_session.languages or [])
    clean_question = _texts(question, languages, code="invalid_poll")
    if not isinstance(options, list) or not 2 <= len(options) <= MAX_POLL_OPTIONS:
        raise InvalidInput(f"A poll has 2 to {MAX_POLL_OPTIONS} options.", code="invalid_poll")
    labels = [_texts(option, languages, code="invalid_poll") for option in options]
    poll = Poll.objects.create(
        live_session=live_session,
        question=clean_question,
        kind=kind,
        created_by=actor.user_or_none,
    )
    PollOption.objects.bulk_create(
        PollOption(poll=poll, position=i, label=label) for i, label in enumerate(labels, start=1)
    )
    poll = Poll.objects.prefetch_related("options").get(pk=poll.pk)
    emit(
        live_session,
        events.POLL_OPENED,
        {"poll": events.poll_payload(poll, {})},
        [session_events.PUBLIC],
    )
    return poll


@transaction.atomic
def poll_vote(*, actor: Actor, live_session_id: int, poll_id: Any, option_ids: Any) -> PollBallot:
    """Cast this participant's one ballot in an open poll.

    No event per vote: the ballot marks the poll for the next coalesced
    ``poll.tally``. The unique constraint on (poll, participant) is the rule;
    a second ballot, however concurrent, is refused with ``already_voted``.
    """
    participant = actor.require_participant()
    if participant.live_session_id != live_session_id:
        raise NotFound("You have not joined this session.", code="not_participant")
    if not isinstance(option_ids, list) or not option_ids:
        raise InvalidInput("option_ids is a non-empty list.", code="invalid_vote")
    chosen = {_id(o, code="invalid_vote") for o in option_ids}
    poll = (
        Poll.objects.select_related("live_session")
        .filter(pk=_id(poll_id, code="invalid_poll_id"), live_session_id=live_session_id)
        .first()
    )
    if poll is None:
        raise NotFound("No such poll in this session.", code="poll_not_found")
    require_live(poll.live_session)
    if poll.live_session.requires_verified_voting:
        require_verified(
            participant_id=participant.pk,
            message="This town hall counts votes of verified participants only.",
        )
    if poll.status != Poll.Status.OPEN:
        raise Conflict("This poll is closed.", code="poll_closed")
    if poll.kind == Poll.Kind.SINGLE and len(chosen) != 1:
        raise InvalidInput("Choose exactly one option.", code="invalid_vote")
    options = list(PollOption.objects.filter(poll=poll, pk__in=chosen))
    if len(options) != len(chosen):
        raise InvalidInput("Choose options of this poll.", code="invalid_vote")
    try:
        with transaction.atomic():
            ballot = PollBallot.objects.create(poll=poll, participant=participant)
    except IntegrityError:
        raise Conflict("You have already voted in this poll.", code="already_voted") from None
    ballot.options.set(options)
    transaction.on_commit(
        partial(poll_tally_coalescer.mark, live_session_id=live_session_id, question_id=poll.pk)
    )
    return ballot


@transaction.atomic
def poll_tally_publish(*, live_session_id: int, poll_ids: set[int]) -> list[SessionEvent]:
    """One ``poll.tally`` per open poll among ``poll_ids``, with its current counts."""
    live_session = lock_session(live_session_id)
    logged = []
    polls = Poll.objects.filter(
        live_session=live_session, pk__in=poll_ids, status=Poll.Status.OPEN
    ).order_by("pk")
    for poll in polls:
        counts = poll_counts(poll)
        logged.append(
            emit(
                live_session,
                events.POLL_TALLY,
                {
                    "poll_id": poll.pk,
                    "counts": {str(pk): n for pk, n in sorted(counts.items())},
                    "ballots": poll.ballots.count(),
                },
                [session_events.PUBLIC],
            )
        )
    return logged


@transaction.atomic
def poll_close(*, actor: Actor, live_session_id: int, poll_id: Any) -> Poll:
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    poll = _poll_for_update(live_session, poll_id)
    if poll.status == Poll.Status.CLOSED:
        raise Conflict("This poll is closed already.", code="poll_closed")
    poll.status, poll.closed_at = Poll.Status.CLOSED, timezone.now()
    poll.save(update_fields=["status", "closed_at"])
    poll = Poll.objects.prefetch_related("options").get(pk=poll.pk)
    emit(
        live_session,
        events.POLL_CLOSED,
        {"poll": events.poll_payload(poll, poll_counts(poll))},
        [session_events.PUBLIC],
    )
    return poll


# --- the speaker queue --------------------------------------------------------------------------


def _speakers_emit(live_session: LiveSession) -> None:
    from juries.selectors import speakers_current

    queue, floor = speakers_current(live_session_id=live_session.pk)
    emit(
        live_session,
        events.SPEAKERS_UPDATED,
        events.speakers_payload(queue, floor),
        [session_events.PUBLIC],
    )


def _own_requests(live_session: LiveSession, actor: Actor) -> Any:
    requests = SpeakerRequest.objects.filter(live_session=live_session)
    if actor.participant is not None:
        return requests.filter(participant=actor.participant)
    return requests.filter(user=actor.user_or_none)


@transaction.atomic
def hand_raise(*, actor: Actor, live_session_id: int, kind: Any = "speak") -> SpeakerRequest:
    """Jurors and invited speakers (officials, jurors by role) ask for the floor."""
    if kind not in SpeakerRequest.Kind.values:
        raise InvalidInput("kind is speak, reply or point_of_order.", code="invalid_kind")
    live_session = lock_session(live_session_id)
    require_live(live_session)
    invited = bool(actor.roles & {"official", "moderator", "organizer", SessionRole.Role.JUROR})
    if not invited and not is_juror(live_session_id=live_session_id, actor=actor):
        raise Forbidden("Only jurors and invited speakers may ask for the floor.")
    if actor.participant is None and actor.user_or_none is None:
        raise Forbidden("Only jurors and invited speakers may ask for the floor.")
    waiting = _own_requests(live_session, actor).filter(status=SpeakerRequest.Status.WAITING)
    existing = waiting.select_for_update().first()
    if existing is not None:
        if existing.kind != kind:
            existing.kind = kind
            existing.save(update_fields=["kind"])
            _speakers_emit(live_session)
        return existing
    last = SpeakerRequest.objects.filter(live_session=live_session).aggregate(m=Max("position"))
    name = (
        actor.participant.display_name
        if actor.participant is not None
        else (actor.user.get_full_name() or actor.user.get_username())
    )
    request = SpeakerRequest.objects.create(
        live_session=live_session,
        participant=actor.participant,
        user=actor.user_or_none if actor.participant is None else None,
        display_name=name,
        kind=kind,
        position=(last["m"] or 0) + 1,
    )
    _speakers_emit(live_session)
    return request


@transaction.atomic
def hand_lower(*, actor: Actor, live_session_id: int) -> SpeakerRequest:
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    request = (
        _own_requests(live_session, actor)
        .select_for_update()
        .filter(status=SpeakerRequest.Status.WAITING)
        .first()
    )
    if request is None:
        raise NotFound("Your hand is not raised.", code="not_in_queue")
    request.status, request.ended_at = SpeakerRequest.Status.WITHDRAWN, timezone.now()
    request.save(update_fields=["status", "ended_at"])
    _speakers_emit(live_session)
    return request


def _has_spoken(request: SpeakerRequest) -> bool:
    spoke = SpeakerRequest.objects.filter(
        live_session_id=request.live_session_id,
        status__in=[SpeakerRequest.Status.SPEAKING, SpeakerRequest.Status.DONE],
    )
    if request.participant_id is not None:
        return spoke.filter(participant_id=request.participant_id).exists()
    return spoke.filter(user=request.user).exists()


@transaction.atomic
def speakers_order(
    *,
    actor: Actor,
    live_session_id: int,
    request_ids: Any = None,
    first_time_first: Any = False,
) -> list[SpeakerRequest]:
    """The moderator orders the queue: an explicit order of every waiting hand,
    or the rule "points of order, then first-time speakers, then the rest"."""
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    waiting = list(
        SpeakerRequest.objects.select_for_update()
        .filter(live_session=live_session, status=SpeakerRequest.Status.WAITING)
        .order_by("position", "pk")
    )
    if request_ids is not None:
        if not isinstance(request_ids, list):
            raise InvalidInput("request_ids is a list.", code="invalid_order")
        ids = [_id(i, code="invalid_order") for i in request_ids]
        if sorted(ids) != sorted(r.pk for r in waiting):
            raise InvalidInput(
                "request_ids must list every waiting hand once.", code="invalid_order"
            )
        by_id = {r.pk: r for r in waiting}
        ordered = [by_id[i] for i in ids]
    elif first_time_first is True:
        ordered = sorted(
            waiting,
            key=lambda r: (r.kind != SpeakerRequest.Kind.POINT_OF_ORDER, _has_spoken(r)),
        )
    else:
        raise InvalidInput("Give request_ids or first_time_first: true.", code="invalid_order")
    base = waiting[0].position if waiting else 1
    for offset, request in enumerate(ordered):
        request.position = base + offset
    SpeakerRequest.objects.bulk_update(ordered, ["position"])
    _speakers_emit(live_session)
    return ordered


def _end_floor(live_session: LiveSession) -> bool:
    return bool(
        SpeakerRequest.objects.filter(
            live_session=live_session, status=SpeakerRequest.Status.SPEAKING
        ).update(status=SpeakerRequest.Status.DONE, ended_at=timezone.now())
    )


@transaction.atomic
def floor_grant(
    *, actor: Actor, live_session_id: int, request_id: Any = None, seconds: Any = None
) -> SpeakerRequest:
    """Give the floor to a waiting hand (the head of the queue by default) for
    ``seconds``; whoever had the floor is done."""
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_live(live_session)
    seconds = _int(
        DEFAULT_FLOOR_SECONDS if seconds is None else seconds,
        name="seconds",
        code="invalid_seconds",
        low=10,
        high=3600,
    )
    waiting = SpeakerRequest.objects.select_for_update().filter(
        live_session=live_session, status=SpeakerRequest.Status.WAITING
    )
    if request_id is not None:
        waiting = waiting.filter(pk=_id(request_id, code="invalid_request_id"))
    request = waiting.order_by("position", "pk").first()
    if request is None:
        raise NotFound("No such hand waiting.", code="request_not_found")
    _end_floor(live_session)
    request.status, request.started_at = SpeakerRequest.Status.SPEAKING, timezone.now()
    request.allotted_seconds = seconds
    request.save(update_fields=["status", "started_at", "allotted_seconds"])
    _speakers_emit(live_session)
    return request


@transaction.atomic
def floor_end(*, actor: Actor, live_session_id: int) -> None:
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    if not _end_floor(live_session):
        raise Conflict("Nobody has the floor.", code="floor_empty")
    _speakers_emit(live_session)


# --- the jury room ------------------------------------------------------------------------------
#
# Members: the seated jurors (participants with an accepted juror seat) and the
# facilitators (the session's moderators and organizers). Every room event goes
# to ``jury_audience``: ``moderators`` plus ``participant:<id>`` of each seated
# juror at the time it is logged, so nobody else's socket ever receives it.

BRIEFINGS_MAX = 20
DRAFT_MAX_CHARS = 5000
ROUND_SECONDS = (30, 4 * 3600)
CHOICES = {"agree", "disagree", "pass"}
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def seated_jurors(jury: Jury) -> list[Participant]:
    """Participants holding an accepted juror seat of this jury's finished draw."""
    return list(
        Participant.objects.filter(
            jury_volunteerings__seats__draw__jury=jury,
            jury_volunteerings__seats__draw__status=JuryDraw.Status.DONE,
            jury_volunteerings__seats__kind=JurySeat.Kind.JUROR,
            jury_volunteerings__seats__status=JurySeat.Status.ACCEPTED,
        )
        .distinct()
        .order_by("pk")
    )


def jury_audience(jury: Jury) -> list[str]:
    return [session_events.MODERATORS] + [
        session_events.participant_audience(p.pk) for p in seated_jurors(jury)
    ]


def is_seated_juror(jury: Jury, actor: Actor) -> bool:
    return actor.participant is not None and any(
        p.pk == actor.participant.pk for p in seated_jurors(jury)
    )


def _room_jury(live_session: LiveSession) -> Jury:
    jury = Jury.objects.filter(live_session=live_session).first()
    if jury is None:
        raise NotFound("This session has no jury.", code="jury_not_configured")
    return jury


def _require_member(jury: Jury, actor: Actor) -> None:
    if actor.can_moderate or is_seated_juror(jury, actor):
        return
    raise Forbidden("Only the jurors and the facilitator may use the jury room.", code="not_juror")


def _require_juror(jury: Jury, actor: Actor) -> Participant:
    if actor.participant is None or not is_seated_juror(jury, actor):
        raise Forbidden("Only seated jurors may do that.", code="not_juror")
    return actor.participant


def _name(actor: Actor) -> str:
    if actor.participant is not None:
        return str(actor.participant.display_name)
    user = actor.user_or_none
    if user is None:
        return "Facilitator"
    return str(user.get_full_name() or user.get_username())


def _room_text(value: Any, *, limit: int, code: str, blank: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput("Text must be a string.", code=code)
    if len(value) > limit * 4:
        raise InvalidInput(f"At most {limit} characters.", code=code)
    clean = sanitize_text(value) if value.strip() else ""
    if (not clean and not blank) or len(clean) > limit:
        raise InvalidInput(f"Write 1 to {limit} characters.", code=code)
    return clean


def _clean_briefings(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list) or len(raw) > BRIEFINGS_MAX:
        raise InvalidInput(f"briefings is a list of at most {BRIEFINGS_MAX}.", code="invalid_room")
    cleaned = []
    for item in raw:
        if not isinstance(item, dict):
            raise InvalidInput("Each briefing is an object.", code="invalid_room")
        url = item.get("url") or ""
        if url and (not isinstance(url, str) or not re.match(r"^https?://\S{1,2000}$", url)):
            raise InvalidInput(
                "Briefing links start with http:// or https://.", code="invalid_room"
            )
        cleaned.append(
            {
                "title": _room_text(item.get("title"), limit=200, code="invalid_room"),
                "url": url,
                "text": _room_text(
                    item.get("text") or "", limit=DRAFT_MAX_CHARS, code="invalid_room", blank=True
                ),
            }
        )
    return cleaned


@transaction.atomic
def jury_room_configure(
    *,
    actor: Actor,
    live_session_id: int,
    agenda: Any,
    briefings: Any = (),
    threshold: Any = 0.5,
    quorum: Any = None,
) -> Jury:
    """The organizer sets the room's agenda, briefing documents and the vote's rule."""
    actor.require_organizer()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    jury = _room_jury(live_session)
    if isinstance(threshold, int) and not isinstance(threshold, bool):
        threshold = float(threshold)
    if not isinstance(threshold, float) or not 0 < threshold <= 1:
        raise InvalidInput("threshold is a number above 0 and at most 1.", code="invalid_room")
    if quorum is not None:
        quorum = _int(quorum, name="quorum", code="invalid_room", low=1, high=MAX_JURY_SIZE)
    if jury.recommendations.filter(status=Recommendation.Status.VOTING).exists():
        raise Conflict("A vote is open; change the rule after it closes.", code="vote_open")
    jury.room_agenda = _room_text(agenda, limit=DRAFT_MAX_CHARS, code="invalid_room", blank=True)
    jury.briefings = _clean_briefings(list(briefings))
    jury.adoption_threshold, jury.quorum = threshold, quorum
    jury.save()
    emit(
        live_session,
        events.JURY_ROOM_UPDATED,
        {"room": events.room_payload(jury)},
        jury_audience(jury),
    )
    return jury


def _open_round(jury: Jury) -> JuryRound | None:
    return jury.rounds.filter(ended_at__isnull=True).order_by("-number").first()


def _end_round(live_session: LiveSession, jury: Jury, round_: JuryRound) -> None:
    ends = round_.started_at + datetime.timedelta(seconds=round_.seconds)
    round_.ended_at = min(timezone.now(), ends)
    round_.save(update_fields=["ended_at"])
    emit(
        live_session,
        events.JURY_ROUND_ENDED,
        {"round": events.round_payload(round_)},
        jury_audience(jury),
    )


@transaction.atomic
def jury_round_start(
    *, actor: Actor, live_session_id: int, seconds: Any, title: Any = ""
) -> JuryRound:
    """The facilitator starts a timed round; an unfinished one ends now."""
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    jury = _room_jury(live_session)
    low, high = ROUND_SECONDS
    seconds = _int(seconds, name="seconds", code="invalid_seconds", low=low, high=high)
    clean_title = _room_text(title or "", limit=200, code="invalid_round", blank=True)
    previous = _open_round(jury)
    if previous is not None:
        _end_round(live_session, jury, previous)
    last = jury.rounds.aggregate(m=Max("number"))["m"] or 0
    round_ = JuryRound.objects.create(
        jury=jury,
        number=last + 1,
        title=clean_title,
        seconds=seconds,
        started_at=timezone.now(),
        started_by=actor.user_or_none,
    )
    emit(
        live_session,
        events.JURY_ROUND_STARTED,
        {"round": events.round_payload(round_)},
        jury_audience(jury),
    )
    return round_


@transaction.atomic
def jury_round_end(*, actor: Actor, live_session_id: int) -> JuryRound:
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    jury = _room_jury(live_session)
    round_ = _open_round(jury)
    if round_ is None:
        raise Conflict("No round is running.", code="no_round")
    _end_round(live_session, jury, round_)
    return round_


_MESSAGE_STATUS = {
    "publish": JuryMessage.Status.PUBLISHED,
    "hold": JuryMessage.Status.PENDING,
    "reject": JuryMessage.Status.REJECTED,
}


def _announce_message(live_session: LiveSession, jury: Jury, message: JuryMessage) -> None:
    """Like questions: published → the room; held → facilitators (and the author
    sees it in review); rejected → the author, with the reason."""
    if message.status == JuryMessage.Status.PUBLISHED:
        payload = {"message": events.message_payload(message)}
        emit(live_session, events.JURY_MESSAGE_PUBLISHED, payload, jury_audience(jury))
        return
    private = {"message": events.message_payload(message, private=True)}
    if message.status == JuryMessage.Status.PENDING:
        held = {"message": {**private["message"], "screening": message.screening}}
        emit(live_session, events.JURY_MESSAGE_HELD, held, [session_events.MODERATORS])
    if message.author_id is not None:
        author = session_events.participant_audience(message.author_id)
        emit(live_session, events.JURY_MESSAGE_UPDATED, private, [author])


@transaction.atomic
def jury_message_post(
    *,
    actor: Actor,
    live_session_id: int,
    text: Any,
    parent_id: Any = None,
    client_id: Any = "",
) -> tuple[JuryMessage, bool]:
    """A juror (screened like a question) or the facilitator (published as is)
    writes in the room; returns the message and whether it was created now
    (idempotent on ``client_id``)."""
    if client_id and (not isinstance(client_id, str) or not _CLIENT_ID.match(client_id)):
        raise InvalidInput("client_id: 1-64 letters, digits or _ . : -", code="invalid_client_id")
    if client_id and actor.participant is not None:
        existing = JuryMessage.objects.filter(author=actor.participant, client_id=client_id).first()
        if existing is not None:
            return existing, False
    clean = _room_text(text, limit=settings.TOWNHALL_QUESTION_MAX_CHARS, code="invalid_text")
    live_session = LiveSession.objects.get(pk=live_session_id)
    require_not_ended(live_session)
    jury = _room_jury(live_session)
    _require_member(jury, actor)
    juror = actor.participant if is_seated_juror(jury, actor) else None
    screening = None
    if juror is not None:
        rate_limit_hit(
            scope="jury_message",
            key=str(juror.pk),
            limit=settings.TOWNHALL_ASK_RATE,
            message="You are writing very fast; wait a minute before the next message.",
        )
        earlier = JuryMessage.objects.filter(author=juror).order_by("-created_at")
        # Screening may take a classifier's timeout: before the session lock.
        screening = screen_question(
            ScreeningRequest(
                text=clean,
                moderation_mode=live_session.moderation_mode,
                agenda=jury.room_agenda or live_session.agenda,
                recent=tuple(earlier.values_list("text", "created_at")[:10]),
                now=timezone.now(),
            )
        )
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    parent = None
    if parent_id is not None:
        parent = JuryMessage.objects.filter(
            pk=_id(parent_id, code="invalid_parent"),
            jury=jury,
            status=JuryMessage.Status.PUBLISHED,
        ).first()
        if parent is None:
            raise NotFound("No such message to reply to.", code="message_not_found")
    message = JuryMessage(
        jury=jury,
        parent=parent,
        author=juror,
        user=actor.user_or_none if juror is None else None,
        display_name=_name(actor),
        client_id=client_id if juror is not None else "",
        text=clean,
        original_text=text,
    )
    if screening is None:
        message.status, message.published_at = JuryMessage.Status.PUBLISHED, timezone.now()
    else:
        message.status = _MESSAGE_STATUS[screening.outcome]
        reason = screening.primary_reason
        if reason is not None and message.status != JuryMessage.Status.PUBLISHED:
            message.reason_code = reason.code
        message.language = screening.language
        message.screening = {
            "outcome": screening.outcome,
            "reasons": [{"code": r.code, "stage": r.stage} for r in screening.reasons],
        }
        if message.status == JuryMessage.Status.PUBLISHED:
            message.published_at = timezone.now()
    try:
        with transaction.atomic():
            message.save()
            # Jurors' messages join the audit trail like questions; the
            # facilitator's own are not screened, so there is no decision.
            if screening is not None:
                decision_record_screening(jury_message_id=message.pk, screening=screening)
    except IntegrityError:
        return JuryMessage.objects.get(author=juror, client_id=client_id), False
    _announce_message(live_session, jury, message)
    return message, True


@transaction.atomic
def jury_message_moderate(
    *, actor: Actor, live_session_id: int, message_id: Any, decision: Any, note: Any = ""
) -> JuryMessage:
    """The facilitator approves or rejects a held message."""
    actor.require_moderator()
    if decision not in ("approve", "reject"):
        raise InvalidInput("decision is approve or reject.", code="invalid_decision")
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    jury = _room_jury(live_session)
    message = (
        JuryMessage.objects.select_for_update()
        .filter(pk=_id(message_id, code="invalid_message_id"), jury=jury)
        .first()
    )
    if message is None:
        raise NotFound("No such message in this room.", code="message_not_found")
    if message.status != JuryMessage.Status.PENDING:
        raise Conflict("This message is not in review.", code="already_decided")
    if decision == "approve":
        message.status, message.published_at = JuryMessage.Status.PUBLISHED, timezone.now()
        message.reason_code = message.reason_note = ""
    else:
        message.status = JuryMessage.Status.REJECTED
        message.reason_code = "moderator"
        message.reason_note = _room_text(note or "", limit=500, code="invalid_note", blank=True)
    message.save()
    decision_record(
        jury_message_id=message.pk,
        route=ModerationDecision.Route.HUMAN,
        decision=(
            ModerationDecision.Decision.APPROVE
            if decision == "approve"
            else ModerationDecision.Decision.REJECT
        ),
        actor=actor.user_or_none,
        # The room's facilitator rejects with a free note, not a reason code.
        reason_code="" if decision == "approve" else ReasonCode.OTHER,
        note=message.reason_note,
    )
    if message.status == JuryMessage.Status.PUBLISHED:
        payload = {"message": events.message_payload(message)}
        emit(live_session, events.JURY_MESSAGE_PUBLISHED, payload, jury_audience(jury))
    else:
        audience = [session_events.MODERATORS]
        if message.author_id is not None:
            audience.append(session_events.participant_audience(message.author_id))
        private = {"message": events.message_payload(message, private=True)}
        emit(live_session, events.JURY_MESSAGE_UPDATED, private, audience)
    return message


def _voting(jury: Jury) -> Recommendation | None:
    return jury.recommendations.filter(status=Recommendation.Status.VOTING).first()


@transaction.atomic
def jury_draft_save(
    *,
    actor: Actor,
    live_session_id: int,
    text: Any,
    base_version: Any = None,
    note: Any = "",
) -> RecommendationDraft:
    """A juror or the facilitator saves a new version of the recommendation.

    ``base_version`` is the version the writer started from: when someone saved
    another version meanwhile, the save is refused (``draft_outdated``) so nobody
    overwrites another's words unseen.
    """
    clean = _room_text(text, limit=DRAFT_MAX_CHARS, code="invalid_text")
    clean_note = _room_text(note or "", limit=300, code="invalid_text", blank=True)
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    jury = _room_jury(live_session)
    _require_member(jury, actor)
    if _voting(jury) is not None:
        raise Conflict("A vote is open; drafting resumes after it.", code="vote_open")
    latest = jury.drafts.aggregate(m=Max("version"))["m"] or 0
    if base_version is not None and _id(base_version, code="invalid_version") != latest:
        raise Conflict(
            f"Version {latest} was saved meanwhile; start from it.", code="draft_outdated"
        )
    juror = actor.participant if is_seated_juror(jury, actor) else None
    draft = RecommendationDraft.objects.create(
        jury=jury,
        version=latest + 1,
        text=clean,
        author=juror,
        user=actor.user_or_none if juror is None else None,
        display_name=_name(actor),
        note=clean_note,
    )
    emit(
        live_session,
        events.JURY_DRAFT_SAVED,
        {"draft": events.draft_payload(draft)},
        jury_audience(jury),
    )
    return draft


def _quorum(jury: Jury) -> int:
    return jury.quorum or max(1, math.ceil(len(seated_jurors(jury)) / 2))


@transaction.atomic
def jury_recommendation_finalise(
    *, actor: Actor, live_session_id: int, version: Any = None
) -> Recommendation:
    """The facilitator puts a draft (the latest by default) to the jurors' vote."""
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    jury = _room_jury(live_session)
    if _voting(jury) is not None:
        raise Conflict("A vote is open already.", code="vote_open")
    drafts = jury.drafts.order_by("-version")
    if version is not None:
        drafts = drafts.filter(version=_id(version, code="invalid_version"))
    draft = drafts.first()
    if draft is None:
        raise NotFound("No such draft.", code="draft_not_found")
    recommendation = Recommendation.objects.create(
        jury=jury,
        draft=draft,
        text=draft.text,
        threshold=jury.adoption_threshold,
        quorum=_quorum(jury),
        finalised_by=actor.user_or_none,
    )
    emit(
        live_session,
        events.JURY_VOTE_OPENED,
        {"recommendation": events.recommendation_payload(recommendation)},
        jury_audience(jury),
    )
    return recommendation


def _recommendation_for_update(jury: Jury, recommendation_id: Any) -> Recommendation:
    recommendation = (
        Recommendation.objects.select_for_update()
        .select_related("draft")
        .filter(pk=_id(recommendation_id, code="invalid_recommendation_id"), jury=jury)
        .first()
    )
    if recommendation is None:
        raise NotFound("No such recommendation.", code="recommendation_not_found")
    return recommendation


@transaction.atomic
def jury_recommendation_vote(
    *, actor: Actor, live_session_id: int, recommendation_id: Any, choice: Any
) -> RecommendationVote:
    """A seated juror votes once: agree, disagree or pass."""
    if choice not in CHOICES:
        raise InvalidInput("choice is agree, disagree or pass.", code="invalid_vote")
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    jury = _room_jury(live_session)
    juror = _require_juror(jury, actor)
    recommendation = _recommendation_for_update(jury, recommendation_id)
    if recommendation.status != Recommendation.Status.VOTING:
        raise Conflict("This vote has closed.", code="vote_closed")
    try:
        with transaction.atomic():
            vote = RecommendationVote.objects.create(
                recommendation=recommendation, participant=juror, choice=choice
            )
    except IntegrityError:
        raise Conflict("You have already voted.", code="already_voted") from None
    emit(
        live_session,
        events.JURY_VOTE_CAST,
        {"recommendation_id": recommendation.pk, "ballots": recommendation.votes.count()},
        jury_audience(jury),
    )
    return vote


def recommendation_adopted(
    *, agree: int, disagree: int, ballots: int, threshold: float, quorum: int
) -> bool:
    """Adopted when the quorum of ballots (passes count) is met and
    agree / (agree + disagree) reaches the threshold (exact arithmetic)."""
    if ballots < quorum or agree + disagree == 0:
        return False
    return Fraction(agree, agree + disagree) >= Fraction(threshold).limit_denominator(10_000)


@transaction.atomic
def jury_recommendation_close(
    *, actor: Actor, live_session_id: int, recommendation_id: Any
) -> Recommendation:
    """The facilitator closes the vote; an adopted recommendation goes on stage
    (a public ``jury.recommendation.adopted``) and awaits the official's response."""
    actor.require_moderator()
    live_session = lock_session(live_session_id)
    require_not_ended(live_session)
    jury = _room_jury(live_session)
    recommendation = _recommendation_for_update(jury, recommendation_id)
    if recommendation.status != Recommendation.Status.VOTING:
        raise Conflict("This vote has closed already.", code="vote_closed")
    counts = Counter(recommendation.votes.values_list("choice", flat=True))
    recommendation.agree = counts["agree"]
    recommendation.disagree = counts["disagree"]
    recommendation.abstain = counts["pass"]
    adopted = recommendation_adopted(
        agree=recommendation.agree,
        disagree=recommendation.disagree,
        ballots=sum(counts.values()),
        threshold=recommendation.threshold,
        quorum=recommendation.quorum,
    )
    recommendation.status = (
        Recommendation.Status.ADOPTED if adopted else Recommendation.Status.NOT_ADOPTED
    )
    recommendation.closed_at = timezone.now()
    recommendation.save()
    payload = {"recommendation": events.recommendation_payload(recommendation)}
    emit(live_session, events.JURY_VOTE_CLOSED, payload, jury_audience(jury))
    if adopted:
        emit(
            live_session,
            events.JURY_RECOMMENDATION_ADOPTED,
            payload,
            [session_events.PUBLIC],
        )
    return recommendation


def _date(value: Any, *, name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{name} is a date, YYYY-MM-DD.", code="invalid_date") from None


@transaction.atomic
def recommendation_respond(
    *,
    actor: Actor,
    live_session_id: int,
    recommendation_id: Any,
    text: Any,
    commitment: Any = "",
    commitment_status: Any = "none",
    due_date: Any = None,
    completed_date: Any = None,
) -> RecommendationResponse:
    """An official responds formally to an adopted recommendation, or updates
    the response (e.g. the commitment's status) later; works after the session
    ended too, as the commitment is tracked in the archive."""
    actor.require_official()
    if commitment_status not in RecommendationResponse.CommitmentStatus.values:
        raise InvalidInput(
            "commitment_status is none, planned, in_progress, done or dropped.",
            code="invalid_commitment",
        )
    clean = _room_text(text, limit=DRAFT_MAX_CHARS, code="invalid_text")
    clean_commitment = _room_text(commitment or "", limit=1000, code="invalid_text", blank=True)
    if commitment_status != "none" and not clean_commitment:
        raise InvalidInput("Describe the commitment.", code="invalid_commitment")
    due, completed = _date(due_date, name="due_date"), _date(completed_date, name="completed_date")
    live_session = lock_session(live_session_id)
    jury = _room_jury(live_session)
    recommendation = _recommendation_for_update(jury, recommendation_id)
    if recommendation.status != Recommendation.Status.ADOPTED:
        raise Conflict("Only adopted recommendations get a response.", code="not_adopted")
    response, _ = RecommendationResponse.objects.update_or_create(
        recommendation=recommendation,
        defaults={
            "official": actor.user_or_none,
            "official_name": _name(actor),
            "text": clean,
            "commitment": clean_commitment,
            "commitment_status": commitment_status,
            "due_date": due,
            "completed_date": completed,
        },
    )
    emit(
        live_session,
        events.JURY_RECOMMENDATION_RESPONDED,
        {"recommendation": events.recommendation_payload(recommendation, with_response=True)},
        [session_events.PUBLIC],
    )
    return response
