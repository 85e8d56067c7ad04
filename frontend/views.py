"""Page views. Thin: resolve the session and the actor, call one service or
selector, render. The same services serve the WebSocket, so a form post (the
no-JavaScript path) and a live message behave identically."""

from __future__ import annotations

import csv
import datetime
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from frontend.texts import ERROR_TEXTS, error_text
from moderation.reasons import ReasonCode, reason_label, reason_labels
from moderation.selectors import transparency_report
from sessions import selectors, services
from sessions.actors import Actor
from sessions.browser import participant_id_in, participant_remember
from sessions.errors import Forbidden, InvalidInput, TownhallError
from sessions.models import LiveSession

SORTS = {"votes", "new"}


def _actor(request: HttpRequest, live_session: LiveSession) -> Actor:
    return selectors.actor_resolve(
        live_session=live_session,
        user=request.user,
        participant_id=participant_id_in(request.session, live_session.pk),
    )


def _same_site_referer(request: HttpRequest) -> str:
    referer = request.headers.get("Referer", "")
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if allowed else ""


def _error_page(request: HttpRequest, exc: TownhallError) -> HttpResponse:
    return render(
        request,
        "frontend/error.html",
        {
            "code": exc.code,
            "message": error_text(exc.code, exc.message),
            "back": _same_site_referer(request),
        },
        status=exc.http_status,
    )


def _session_or_error(request: HttpRequest, code: str) -> tuple[LiveSession, Actor]:
    live_session = selectors.live_session_get_by_code(code)
    actor = _actor(request, live_session)
    if not selectors.actor_may_watch(live_session=live_session, actor=actor):
        raise Forbidden("This session is private.", code="session_private")
    return live_session, actor


def _page_context(live_session: LiveSession, actor: Actor, **extra: Any) -> dict[str, Any]:
    return {
        "live_session": live_session,
        "actor": actor,
        "ws_path": f"/ws/sessions/{live_session.code}/",
        # Reasons a moderator may give, and every code's label (also for the live client).
        "reasons": [(c.value, c.label) for c in ReasonCode],
        "reason_labels": reason_labels(),
        "error_texts": {code: str(text) for code, text in ERROR_TEXTS.items()},
        **extra,
    }


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    listed = list(selectors.live_sessions_listed())
    return render(
        request,
        "frontend/landing.html",
        {
            "live": [s for s in listed if s.status in ("live", "paused")],
            "upcoming": [s for s in listed if s.status == "scheduled"],
            "past": [s for s in listed if s.status == "ended"],
        },
    )


@never_cache
@require_GET
def session_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        live_session, actor = _session_or_error(request, code)
    except TownhallError as exc:
        return _error_page(request, exc)
    sort = request.GET.get("sort", "votes")
    sort = sort if sort in SORTS else "votes"
    questions = list(selectors.questions_published(live_session=live_session))
    if sort == "new":
        questions.sort(key=lambda q: q.published_at or q.created_at, reverse=True)
    mine = (
        list(selectors.questions_of_participant(participant=actor.participant))
        if actor.participant
        else []
    )
    voted = (
        set(selectors.question_ids_voted(participant=actor.participant))
        if actor.participant
        else set()
    )
    return render(
        request,
        "frontend/session.html",
        _page_context(
            live_session,
            actor,
            questions=questions,
            my_questions=mine,
            voted=voted,
            sort=sort,
            stage=live_session.on_stage,
            client_id=uuid.uuid4().hex,
            editable=("pending", "needs_edit", "rejected"),
            appealable=("rejected", "hidden"),
        ),
    )


@require_POST
def join(request: HttpRequest, code: str) -> HttpResponse:
    try:
        live_session, actor = _session_or_error(request, code)
        if actor.participant is None:
            participant = services.participant_join(
                live_session=live_session,
                display_name=request.POST.get("display_name", ""),
                district=request.POST.get("district", ""),
            )
            participant_remember(request.session, live_session.pk, participant.pk)
    except TownhallError as exc:
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.http_status)
        return _error_page(request, exc)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"participant_id": participant_id_in(request.session, live_session.pk)})
    return redirect("frontend:session", code=live_session.code)


@require_POST
def ask(request: HttpRequest, code: str) -> HttpResponse:
    try:
        live_session, actor = _session_or_error(request, code)
        question, _ = services.question_ask(
            actor=actor,
            live_session_id=live_session.pk,
            text=request.POST.get("text", ""),
            client_id=request.POST.get("client_id", ""),
        )
    except TownhallError as exc:
        return _error_page(request, exc)
    messages.success(
        request,
        gettext("Your question was received: %(status)s")
        % {"status": question.get_status_display()},
    )
    return redirect(reverse("frontend:session", args=[live_session.code]) + "#mine")


@require_POST
def vote(request: HttpRequest, code: str, question_id: int) -> HttpResponse:
    try:
        live_session, actor = _session_or_error(request, code)
        services.question_vote(
            actor=actor,
            live_session_id=live_session.pk,
            question_id=question_id,
            value=1 if request.POST.get("value") == "1" else 0,
        )
    except TownhallError as exc:
        return _error_page(request, exc)
    return redirect(reverse("frontend:session", args=[live_session.code]) + f"#q{question_id}")


def _staff_page(request: HttpRequest, code: str, template: str, allowed: str) -> HttpResponse:
    try:
        live_session, actor = _session_or_error(request, code)
        if allowed == "moderate":
            actor.require_moderator()
        else:
            actor.require_official()
    except TownhallError as exc:
        return _error_page(request, exc)
    return render(
        request,
        template,
        _page_context(
            live_session,
            actor,
            queue=list(selectors.questions_pending(live_session=live_session)),
            appeals=(
                list(selectors.questions_appealed(live_session=live_session))
                if actor.can_moderate
                else []
            ),
            questions=list(selectors.questions_published(live_session=live_session)),
            stage=live_session.on_stage,
        ),
    )


@never_cache
@login_required
@require_GET
def moderate(request: HttpRequest, code: str) -> HttpResponse:
    return _staff_page(request, code, "frontend/moderate.html", "moderate")


@require_POST
@login_required
def moderate_decide(request: HttpRequest, code: str, question_id: int) -> HttpResponse:
    try:
        live_session, actor = _session_or_error(request, code)
        services.question_moderate(
            actor=actor,
            live_session_id=live_session.pk,
            question_id=question_id,
            decision=request.POST.get("decision", ""),
            reason_code=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except TownhallError as exc:
        return _error_page(request, exc)
    return redirect("frontend:moderate", code=live_session.code)


# --- the no-JavaScript forms for the remaining actions --------------------------------
# Each calls exactly one service (which checks the actor's right again), needs the
# CSRF token like every POST, and redirects back to the page it came from.

CONSOLES = {"moderate": "frontend:moderate", "official": "frontend:official"}


def _form_action(
    request: HttpRequest,
    code: str,
    run: Callable[[LiveSession, Actor], Any],
    *,
    to: str,
    anchor: str = "",
) -> HttpResponse:
    try:
        live_session, actor = _session_or_error(request, code)
        run(live_session, actor)
    except TownhallError as exc:
        return _error_page(request, exc)
    messages.success(request, gettext("Done."))
    return redirect(reverse(to, args=[live_session.code]) + anchor)


def _console(request: HttpRequest) -> str:
    """Back to the console the form was on (``back``), the moderator's by default."""
    return CONSOLES.get(request.POST.get("back", ""), "frontend:moderate")


@require_POST
@login_required
def stage_form(request: HttpRequest, code: str, question_id: int | None = None) -> HttpResponse:
    """Put a published question on stage; without an id, clear the stage."""
    return _form_action(
        request,
        code,
        lambda s, actor: services.stage_show(
            actor=actor, live_session_id=s.pk, question_id=question_id
        ),
        to="frontend:moderate",
    )


@require_POST
@login_required
def mark_answered_form(request: HttpRequest, code: str, question_id: int) -> HttpResponse:
    return _form_action(
        request,
        code,
        lambda s, actor: services.question_mark_answered(
            actor=actor, live_session_id=s.pk, question_id=question_id
        ),
        to=_console(request),
        anchor=f"#q{question_id}",
    )


@require_POST
@login_required
def merge_form(request: HttpRequest, code: str, question_id: int) -> HttpResponse:
    return _form_action(
        request,
        code,
        lambda s, actor: services.question_merge(
            actor=actor,
            live_session_id=s.pk,
            question_id=question_id,
            into_question_id=request.POST.get("into", ""),
        ),
        to="frontend:moderate",
    )


@require_POST
@login_required
def bulk_form(request: HttpRequest, code: str) -> HttpResponse:
    return _form_action(
        request,
        code,
        lambda s, actor: services.question_moderate_bulk(
            actor=actor,
            live_session_id=s.pk,
            question_ids=request.POST.getlist("question_ids"),
            decision=request.POST.get("decision", ""),
            reason_code=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        ),
        to="frontend:moderate",
    )


@require_POST
@login_required
def appeal_decide_form(request: HttpRequest, code: str, question_id: int) -> HttpResponse:
    return _form_action(
        request,
        code,
        lambda s, actor: services.appeal_decide(
            actor=actor,
            live_session_id=s.pk,
            question_id=question_id,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        ),
        to="frontend:moderate",
    )


@require_POST
@login_required
def answer_form(request: HttpRequest, code: str, question_id: int) -> HttpResponse:
    promise = request.POST.get("commitment", "").strip()
    commitment = (
        {"text": promise, "due_date": request.POST.get("due_date", "")} if promise else None
    )
    return _form_action(
        request,
        code,
        lambda s, actor: services.answer_post(
            actor=actor,
            live_session_id=s.pk,
            question_id=question_id,
            text=request.POST.get("text", ""),
            live=request.POST.get("live") in ("on", "1", "true"),
            commitment=commitment,
        ),
        to="frontend:official",
        anchor=f"#q{question_id}",
    )


@require_POST
def edit_form(request: HttpRequest, code: str, question_id: int) -> HttpResponse:
    """The author edits their own question (in review, sent back, or not published)."""
    return _form_action(
        request,
        code,
        lambda s, actor: services.question_edit(
            actor=actor,
            live_session_id=s.pk,
            question_id=question_id,
            text=request.POST.get("text", ""),
        ),
        to="frontend:session",
        anchor="#mine",
    )


@require_POST
def appeal_form(request: HttpRequest, code: str, question_id: int) -> HttpResponse:
    """The author appeals a rejection or hiding of their own question, once."""
    return _form_action(
        request,
        code,
        lambda s, actor: services.appeal_submit(
            actor=actor,
            live_session_id=s.pk,
            question_id=question_id,
            note=request.POST.get("note", ""),
        ),
        to="frontend:session",
        anchor="#mine",
    )


@never_cache
@login_required
@require_GET
def official(request: HttpRequest, code: str) -> HttpResponse:
    return _staff_page(request, code, "frontend/official.html", "answer")


@never_cache
@require_GET
def stage(request: HttpRequest, code: str) -> HttpResponse:
    try:
        live_session, actor = _session_or_error(request, code)
    except TownhallError as exc:
        return _error_page(request, exc)
    return render(
        request,
        "frontend/stage.html",
        _page_context(live_session, actor, stage=live_session.on_stage),
    )


@require_GET
def archive(request: HttpRequest, code: str) -> HttpResponse:
    try:
        live_session, actor = _session_or_error(request, code)
    except TownhallError as exc:
        return _error_page(request, exc)
    return render(
        request,
        "frontend/archive.html",
        _page_context(
            live_session,
            actor,
            questions=list(selectors.questions_published(live_session=live_session)),
        ),
    )


@require_GET
def transparency(request: HttpRequest, code: str, fmt: str = "html") -> HttpResponse:
    """Public moderation figures for one session; no personal data."""
    try:
        live_session = _session_or_error(request, code)[0]
    except TownhallError as exc:
        return _error_page(request, exc)
    report = transparency_report(live_session=live_session)
    if fmt == "json":
        return JsonResponse({"session": live_session.code, **report})
    labelled = {
        "by_reason": sorted(
            ((reason_label(code), n) for code, n in report["by_reason"].items()),
            key=lambda item: -item[1],
        ),
    }
    return render(
        request,
        "frontend/transparency.html",
        {"live_session": live_session, "report": report, **labelled},
    )


ARCHIVE_CSV_COLUMNS = [
    "question_id",
    "question",
    "language",
    "asked_by",
    "district",
    "votes",
    "published_at",
    "answered",
    "answer_by",
    "answer",
    "answered_live",
    "commitment",
    "commitment_due",
]


@require_GET
def archive_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404("The archive is exported as .csv or .json.")
    try:
        live_session = _session_or_error(request, code)[0]
    except TownhallError as exc:
        return _error_page(request, exc)
    rows = selectors.archive_rows(live_session=live_session)
    filename = f"townhall-{live_session.code}-archive"
    if fmt == "json":
        response: HttpResponse = JsonResponse(
            {
                "session": {
                    "code": live_session.code,
                    "title": live_session.title,
                    "agenda": live_session.agenda,
                    "status": live_session.status,
                    "exported_at": timezone.now().isoformat(),
                },
                "questions": rows,
            },
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    # A BOM makes spreadsheet programs read the Urdu text as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(ARCHIVE_CSV_COLUMNS)
    for row in rows:
        answers = row["answers"] or [None]
        for answer in answers:
            commitment = (answer or {}).get("commitment") or {}
            writer.writerow(
                [
                    _csv_safe(v)
                    for v in (
                        row["id"],
                        row["text"],
                        row["language"],
                        row["author"]["display_name"],
                        row["author"]["district"],
                        row["votes"],
                        row["published_at"],
                        row["answered"],
                        (answer or {}).get("official", ""),
                        (answer or {}).get("text", ""),
                        (answer or {}).get("live", ""),
                        commitment.get("text", ""),
                        commitment.get("due_date", ""),
                    )
                ]
            )
    return response


def _csv_safe(value: Any) -> Any:
    # Cells starting with = + - @ run as formulas in spreadsheets (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


@never_cache
@login_required
def organizer(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        return _error_page(request, Forbidden("Only organizers may manage sessions."))
    if request.method == "POST":
        actor = Actor(user=request.user, roles=frozenset({"organizer"}))
        try:
            if request.POST.get("form") == "create":
                created = services.live_session_create(
                    title=request.POST.get("title", ""),
                    agenda=request.POST.get("agenda", ""),
                    code=request.POST.get("code") or None,
                    languages=request.POST.getlist("languages") or None,
                    moderation_mode=request.POST.get("moderation_mode", "pre"),
                    is_public=request.POST.get("is_public") == "on",
                    scheduled_start=_local_datetime(request.POST.get("scheduled_start")),
                    scheduled_end=_local_datetime(request.POST.get("scheduled_end")),
                    created_by=request.user,
                )
                share = request.build_absolute_uri(reverse("frontend:session", args=[created.code]))
                messages.success(request, f"Created {created.title}: share {share}")
            else:
                target = selectors.live_session_get_by_code(request.POST.get("code", ""))
                services.live_session_control(
                    actor=actor, live_session_id=target.pk, action=request.POST.get("action", "")
                )
        except TownhallError as exc:
            return _error_page(request, exc)
        return redirect("frontend:organizer")
    return render(
        request,
        "frontend/organizer.html",
        {
            "sessions": LiveSession.objects.order_by("-created_at"),
            "modes": LiveSession.ModerationMode.choices,
            "languages": settings.LANGUAGES,
        },
    )


def _local_datetime(value: str | None) -> datetime.datetime | None:
    """Parse an ``<input type="datetime-local">`` value in the server's time zone."""
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("Dates look like 2026-12-01T10:00.", code="invalid_schedule") from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report: dict[str, Any] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        healthy = False
        report["database"] = {"ok": False, "error": exc.__class__.__name__}
    layer = get_channel_layer()
    try:
        probe = "townhall.healthz"
        async_to_sync(layer.group_send)(probe, {"type": "healthz.probe"})
        report["channel_layer"] = {"ok": True, "backend": layer.__class__.__name__}
    except Exception as exc:
        healthy = False
        report["channel_layer"] = {"ok": False, "error": exc.__class__.__name__}
    report["status"] = "ok" if healthy else "degraded"
    return JsonResponse(report, status=200 if healthy else 503)
