"""Server-rendered jury pages; they work without JavaScript.

Thin, like ``frontend.views``: resolve the session and the actor, call one
service or selector, render or redirect. Forms post to the same services as
the WebSocket messages. Domain errors render ``frontend/error.html``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juries import events, selectors, services
from juries.forms import (
    attributes_from_text,
    attributes_to_text,
    briefings_from_text,
    briefings_to_text,
    quotas_from_text,
    quotas_to_text,
)
from juries.models import Jury, JuryDraw, JuryMessage
from sessions.actors import Actor
from sessions.browser import participant_id_in
from sessions.errors import Forbidden, InvalidInput, NotFound, TownhallError
from sessions.models import LiveSession
from sessions.selectors import actor_may_watch, actor_resolve, live_session_get_by_code

ROOM_ACTIONS = {
    "message",
    "moderate",
    "round",
    "round_end",
    "draft",
    "finalise",
    "vote",
    "close",
}


def _resolve(request: HttpRequest, code: str) -> tuple[LiveSession, Actor]:
    live_session = live_session_get_by_code(code)
    actor = actor_resolve(
        live_session=live_session,
        user=request.user,
        participant_id=participant_id_in(request.session, live_session.pk),
    )
    if not actor_may_watch(live_session=live_session, actor=actor):
        raise Forbidden("This session is private.", code="session_private")
    return live_session, actor


def _error(request: HttpRequest, exc: TownhallError) -> HttpResponse:
    referer = request.headers.get("Referer", "")
    back = (
        referer
        if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
        else ""
    )
    return render(
        request,
        "frontend/error.html",
        {"code": exc.code, "message": exc.message, "back": back},
        status=exc.http_status,
    )


def _page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the session and actor; domain errors become the error page."""

    def wrapped(request: HttpRequest, code: str, **kwargs: Any) -> HttpResponse:
        try:
            live_session, actor = _resolve(request, code)
            return view(request, live_session, actor, **kwargs)
        except TownhallError as exc:
            return _error(request, exc)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _jury(live_session: LiveSession) -> Jury:
    jury = selectors.jury_get(live_session=live_session)
    if jury is None:
        raise NotFound("This session has no jury.", code="jury_not_configured")
    return jury


def _label(labels: dict[str, str], lang: str) -> str:
    return labels.get(lang) or labels.get("en") or labels.get("") or next(iter(labels.values()))


# --- citizens: volunteer and seat ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@_page
def volunteer(request: HttpRequest, live_session: LiveSession, actor: Actor) -> HttpResponse:
    """The volunteer form (the attributes the organizer asks for) and your seat."""
    jury = _jury(live_session)
    if request.method == "POST":
        answers = {a["key"]: request.POST.get(a["key"], "") for a in jury.attributes}
        services.jury_volunteer(actor=actor, live_session_id=live_session.pk, attributes=answers)
        messages.success(request, "Thank you for volunteering.")
        return redirect("juries:volunteer", code=live_session.code)
    lang = request.LANGUAGE_CODE
    mine = (
        jury.volunteers.filter(participant=actor.participant).first()
        if actor.participant is not None
        else None
    )
    fields = [
        {
            "key": a["key"],
            "label": _label(a["label"], lang),
            "values": a["values"],
            "chosen": (mine.attributes.get(a["key"]) if mine else None),
        }
        for a in jury.attributes
    ]
    return render(
        request,
        "juries/volunteer.html",
        {
            "live_session": live_session,
            "actor": actor,
            "jury": jury,
            "fields": fields,
            "mine": mine,
            "seat": selectors.seat_of(live_session=live_session, actor=actor),
            "draw": selectors.draw_latest(jury=jury),
            "member": selectors.room_may_enter(jury=jury, actor=actor),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@_page
def seat(request: HttpRequest, live_session: LiveSession, actor: Actor) -> HttpResponse:
    """A drawn juror accepts or declines their seat."""
    if request.method == "POST":
        answer = request.POST.get("accept")
        if answer not in ("yes", "no"):
            raise InvalidInput("Choose accept or decline.", code="invalid_response")
        services.jury_seat_respond(
            actor=actor, live_session_id=live_session.pk, accept=answer == "yes"
        )
        return redirect("juries:seat", code=live_session.code)
    return render(
        request,
        "juries/seat.html",
        {
            "live_session": live_session,
            "seat": selectors.seat_of(live_session=live_session, actor=actor),
        },
    )


# --- the organizer ------------------------------------------------------------------------------


def _organizer_post(request: HttpRequest, live_session: LiveSession, actor: Actor) -> None:
    form = request.POST.get("form")
    if form == "configure":
        services.jury_configure(
            actor=actor,
            live_session_id=live_session.pk,
            attributes=attributes_from_text(request.POST.get("attributes", "")),
            size=_number(request.POST.get("size"), "size"),
            alternate_count=_number(request.POST.get("alternate_count") or "0", "alternate_count"),
            quotas=quotas_from_text(request.POST.get("quotas", "")),
            volunteering_open=request.POST.get("volunteering_open") == "on",
        )
        messages.success(request, "Jury saved.")
    elif form == "room":
        quorum = request.POST.get("quorum") or None
        services.jury_room_configure(
            actor=actor,
            live_session_id=live_session.pk,
            agenda=request.POST.get("agenda", ""),
            briefings=briefings_from_text(request.POST.get("briefings", "")),
            threshold=_fraction(request.POST.get("threshold", "")),
            quorum=_number(quorum, "quorum") if quorum else None,
        )
        messages.success(request, "Jury room saved.")
    elif form == "draw":
        seed = request.POST.get("seed") or None
        services.jury_draw_start(
            actor=actor,
            live_session_id=live_session.pk,
            seed=_number(seed, "seed") if seed else None,
            algorithm=request.POST.get("algorithm", "maximin"),
        )
    else:
        raise InvalidInput("Unknown form.", code="invalid_form")


def _number(value: Any, name: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} is a whole number.", code=f"invalid_{name}") from None


def _fraction(value: str) -> float:
    text = value.strip().rstrip("%")
    try:
        number = float(text)
    except ValueError:
        raise InvalidInput(
            "The threshold is a number, e.g. 0.6 or 60%.", code="invalid_room"
        ) from None
    return number / 100 if value.strip().endswith("%") or number > 1 else number


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@_page
def organize(request: HttpRequest, live_session: LiveSession, actor: Actor) -> HttpResponse:
    """Configure the jury and its room, start the draw and watch its progress."""
    if not actor.is_organizer:
        raise Forbidden("Only organizers may set up the jury.")
    if request.method == "POST":
        _organizer_post(request, live_session, actor)
        return redirect("juries:organize", code=live_session.code)
    jury = selectors.jury_get(live_session=live_session)
    draw = selectors.draw_latest(jury=jury) if jury is not None else None
    running = draw is not None and draw.status in (JuryDraw.Status.QUEUED, JuryDraw.Status.RUNNING)
    return render(
        request,
        "juries/organize.html",
        {
            "live_session": live_session,
            "jury": jury,
            "draw": draw,
            "running": running,
            "attributes_text": attributes_to_text(jury.attributes) if jury else "",
            "quotas_text": quotas_to_text(jury.quotas.all()) if jury else "",
            "briefings_text": briefings_to_text(jury.briefings) if jury else "",
            "volunteers": jury.volunteers.count() if jury else 0,
        },
    )


@never_cache
@require_GET
@_page
def status(request: HttpRequest, live_session: LiveSession, actor: Actor) -> HttpResponse:
    """The latest draw's status and progress, for pages that poll."""
    jury = _jury(live_session)
    draw = selectors.draw_latest(jury=jury)
    return JsonResponse(
        {
            "volunteers": jury.volunteers.count(),
            "volunteering_open": jury.volunteering_open,
            "draw": events.draw_payload(draw) if draw is not None else None,
        },
        json_dumps_params={"ensure_ascii": False},
    )


# --- the published draw -------------------------------------------------------------------------


@require_GET
@_page
def draw_result(
    request: HttpRequest, live_session: LiveSession, actor: Actor, draw_id: int
) -> HttpResponse:
    draw = selectors.draw_get(live_session=live_session, draw_id=draw_id)
    record = selectors.draw_record(draw=draw)
    panel, alternates = set(draw.panel), {v: i for i, v in enumerate(draw.alternates, start=1)}
    rows = sorted(
        (
            {
                "volunteer_id": int(vid),
                "probability": p,
                "selected": int(vid) in panel,
                "alternate": alternates.get(int(vid)),
            }
            for vid, p in draw.probabilities.items()
        ),
        key=lambda r: r["volunteer_id"],
    )
    return render(
        request,
        "juries/draw.html",
        {
            "live_session": live_session,
            "draw": draw,
            "record": record,
            "rows": rows,
            "running": draw.status in (JuryDraw.Status.QUEUED, JuryDraw.Status.RUNNING),
        },
    )


# --- the jury room ------------------------------------------------------------------------------


def _room_post(request: HttpRequest, live_session: LiveSession, actor: Actor) -> str:
    action, post, sid = request.POST.get("action", ""), request.POST, live_session.pk
    if action == "message":
        message, _ = services.jury_message_post(
            actor=actor,
            live_session_id=sid,
            text=post.get("text", ""),
            parent_id=post.get("parent_id") or None,
            client_id=post.get("client_id", ""),
        )
        outcomes: dict[str, str] = {
            JuryMessage.Status.PUBLISHED: "Message posted.",
            JuryMessage.Status.PENDING: "Your message is in review.",
        }
        return outcomes.get(message.status, "Your message was not published.")
    if action == "moderate":
        services.jury_message_moderate(
            actor=actor,
            live_session_id=sid,
            message_id=post.get("message_id"),
            decision=post.get("decision"),
            note=post.get("note", ""),
        )
        return "Decision recorded."
    if action == "round":
        services.jury_round_start(
            actor=actor,
            live_session_id=sid,
            seconds=_number(post.get("minutes"), "minutes") * 60,
            title=post.get("title", ""),
        )
        return "Round started."
    if action == "round_end":
        services.jury_round_end(actor=actor, live_session_id=sid)
        return "Round ended."
    if action == "draft":
        base = post.get("base_version")
        services.jury_draft_save(
            actor=actor,
            live_session_id=sid,
            text=post.get("text", ""),
            base_version=_number(base, "version") if base else None,
            note=post.get("note", ""),
        )
        return "Draft saved."
    if action == "finalise":
        version = post.get("version")
        services.jury_recommendation_finalise(
            actor=actor,
            live_session_id=sid,
            version=_number(version, "version") if version else None,
        )
        return "The vote is open."
    if action == "vote":
        services.jury_recommendation_vote(
            actor=actor,
            live_session_id=sid,
            recommendation_id=post.get("recommendation_id"),
            choice=post.get("choice"),
        )
        return "Vote recorded."
    if action == "close":
        services.jury_recommendation_close(
            actor=actor, live_session_id=sid, recommendation_id=post.get("recommendation_id")
        )
        return "The vote is closed."
    raise InvalidInput("Unknown action.", code="invalid_action")


@never_cache
@require_http_methods(["GET", "POST"])
@_page
def room(request: HttpRequest, live_session: LiveSession, actor: Actor) -> HttpResponse:
    """The private jury room: agenda, briefings, round timer, discussion, draft, vote."""
    jury = _jury(live_session)
    if request.method == "POST":
        if not selectors.room_may_enter(jury=jury, actor=actor):
            raise Forbidden(
                "Only the jurors and the facilitator may use the jury room.", code="not_juror"
            )
        messages.info(request, _room_post(request, live_session, actor))
        return redirect("juries:room", code=live_session.code)
    state = selectors.jury_room_state(live_session=live_session, actor=actor)
    msgs = selectors.room_messages(jury=jury, actor=actor)
    own = getattr(actor.participant, "pk", None)
    thread = [
        (events.message_payload(m, private=actor.can_moderate or m.author_id == own), depth)
        for m, depth in selectors.threads(msgs)
    ]
    recommendation = state["recommendation"]
    return render(
        request,
        "juries/room.html",
        {
            "live_session": live_session,
            "actor": actor,
            "state": state,
            "thread": thread,
            "latest_draft": state["drafts"][-1] if state["drafts"] else None,
            "recommendation": recommendation,
            "voting": recommendation is not None and recommendation["status"] == "voting",
            "is_juror": services.is_seated_juror(jury, actor),
            "facilitator": actor.can_moderate,
            "round_ends_at": _round_end(state["round"]),
            "ws_path": f"/ws/sessions/{live_session.code}/",
        },
    )


def _round_end(round_: dict[str, Any] | None) -> str | None:
    if round_ is None or round_["ended_at"]:
        return None
    start = datetime.datetime.fromisoformat(round_["started_at"])
    return (start + datetime.timedelta(seconds=round_["seconds"])).isoformat()


# --- recommendations and responses (public) -----------------------------------------------------


@never_cache
@require_GET
@_page
def recommendations(
    request: HttpRequest, live_session: LiveSession, actor: Actor, fmt: str = "html"
) -> HttpResponse:
    """Adopted recommendations, the official responses and commitment status."""
    listed = selectors.recommendations_public(live_session=live_session)
    if fmt == "json":
        return JsonResponse(
            {"session": live_session.code, "recommendations": listed},
            json_dumps_params={"ensure_ascii": False},
        )
    return render(
        request,
        "juries/recommendations.html",
        {
            "live_session": live_session,
            "recommendations": listed,
            "official": actor.can_answer,
            "statuses": [
                ("none", "No commitment"),
                ("planned", "Planned"),
                ("in_progress", "In progress"),
                ("done", "Done"),
                ("dropped", "Dropped"),
            ],
        },
    )


@login_required
@require_POST
@_page
def respond(
    request: HttpRequest, live_session: LiveSession, actor: Actor, recommendation_id: int
) -> HttpResponse:
    services.recommendation_respond(
        actor=actor,
        live_session_id=live_session.pk,
        recommendation_id=recommendation_id,
        text=request.POST.get("text", ""),
        commitment=request.POST.get("commitment", ""),
        commitment_status=request.POST.get("commitment_status", "none"),
        due_date=request.POST.get("due_date") or None,
        completed_date=request.POST.get("completed_date") or None,
    )
    messages.success(request, "Response published.")
    return redirect(reverse("juries:recommendations", args=[live_session.code]))
