"""HTTP endpoints: SMS gateway webhooks, verification, the citizen's data, privacy pages.

Views stay thin: they check the request, call a service and render.
"""

from __future__ import annotations

import json
import logging

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from reach import conf, gateways, selectors
from reach import services as reach_services
from reach.models import InboundSms
from sessions import selectors as session_selectors
from sessions.browser import participant_id_in
from sessions.errors import NotFound, TownhallError
from sessions.models import LiveSession, Participant

logger = logging.getLogger(__name__)

_PARTICIPANTS_KEY = "townhall_participants"  # as in sessions/browser.py


def _store_and_handle(gateway: str, incoming: gateways.Incoming) -> tuple[InboundSms, bool]:
    inbound, created = reach_services.inbound_store(
        gateway=gateway,
        gateway_message_id=incoming.message_id,
        phone=incoming.phone,
        body=incoming.text,
    )
    if created and conf.process_inline():
        # Stored and committed already: whatever happens now, nothing is lost.
        reach_services.inbound_process(inbound_id=inbound.pk)
    return inbound, created


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    token = conf.twilio_auth_token()
    if not token:
        return HttpResponse("Twilio SMS is not configured here.\n", status=404)
    base = conf.public_url()
    url = base + request.get_full_path() if base else request.build_absolute_uri()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not gateways.twilio_signature_valid(url, request.POST, token, signature):
        return HttpResponseForbidden("Bad X-Twilio-Signature.\n")
    incoming = gateways.twilio_parse(request.POST)
    if incoming is None:
        return HttpResponseBadRequest("From, Body and MessageSid are required.\n")
    try:
        _store_and_handle(InboundSms.Gateway.TWILIO, incoming)
    except TownhallError as exc:
        return HttpResponseBadRequest(exc.message + "\n")
    # Replies go out through the outbound backend (throttled, STOP-aware), not as TwiML.
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
        content_type="text/xml",
    )


@csrf_exempt
@require_POST
def rapidpro_inbound(request: HttpRequest) -> HttpResponse:
    secret = conf.rapidpro_secret()
    if not secret:
        return JsonResponse({"error": "RapidPro SMS is not configured here."}, status=404)
    if not gateways.rapidpro_secret_valid(request, secret):
        return JsonResponse({"error": "Bad or missing shared secret."}, status=403)
    incoming = gateways.rapidpro_parse(request)
    if incoming is None:
        return JsonResponse({"error": "from and text are required."}, status=400)
    try:
        inbound, created = _store_and_handle(InboundSms.Gateway.RAPIDPRO, incoming)
    except TownhallError as exc:
        return JsonResponse({"error": exc.message, "code": exc.code}, status=400)
    return JsonResponse({"status": "received", "id": inbound.pk, "duplicate": not created})


def _error_page(request: HttpRequest, exc: TownhallError) -> HttpResponse:
    return render(
        request,
        "frontend/error.html",
        {"code": exc.code, "message": exc.message},
        status=exc.http_status,
    )


def _participant_here(request: HttpRequest, code: str) -> tuple[LiveSession, Participant]:
    if not conf.verification_enabled():
        raise Http404("Verification is not enabled.")
    live_session = session_selectors.live_session_get_by_code(code)
    participant_id = participant_id_in(request.session, live_session.pk)
    participant = (
        Participant.objects.filter(pk=participant_id, live_session=live_session).first()
        if participant_id is not None
        else None
    )
    if participant is None:
        raise NotFound("Join the session first, then verify.", code="not_participant")
    return live_session, participant


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """One page, three steps: phone number, code, optional CNIC."""
    try:
        live_session, participant = _participant_here(request, code)
        error = None
        step = request.POST.get("step", "")
        if request.method == "POST":
            try:
                if step == "phone":
                    reach_services.phone_challenge_start(
                        participant=participant, phone=request.POST.get("phone", "")
                    )
                elif step == "code":
                    reach_services.phone_challenge_confirm(
                        participant=participant, code=request.POST.get("code", "")
                    )
                elif step == "cnic":
                    reach_services.identity_verify(
                        participant=participant, cnic=request.POST.get("cnic", "")
                    )
                else:
                    raise NotFound("Unknown step.", code="invalid_step")
            except TownhallError as exc:
                error = exc
            if error is None:
                return redirect("reach:verify", code=live_session.code)
    except TownhallError as exc:
        return _error_page(request, exc)
    verification = selectors.verification_for(participant=participant)
    waiting = verification is None and selectors.phone_challenge_open(participant=participant)
    return render(
        request,
        "reach/verify.html",
        {
            "live_session": live_session,
            "verification": verification,
            "waiting_for_code": waiting,
            "error": error,
        },
        status=error.http_status if error else 200,
    )


def _browser_participants(request: HttpRequest) -> list[Participant]:
    mapping = request.session.get(_PARTICIPANTS_KEY) or {}
    ids = [int(v) for v in mapping.values()]
    return list(Participant.objects.filter(pk__in=ids).select_related("live_session"))


def me_data(request: HttpRequest) -> HttpResponse:
    """This browser's participants' data, as a JSON download."""
    data = reach_services.personal_data_export(participants=_browser_participants(request))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="townhall-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def me_delete(request: HttpRequest) -> HttpResponse:
    participants = _browser_participants(request)
    if request.method == "POST":
        reach_services.participants_erase(participant_ids=[p.pk for p in participants])
        # The browser forgets it ever took part; a new join starts afresh.
        request.session.flush()
        return render(request, "reach/me_deleted.html")
    return render(request, "reach/me_delete.html", {"participants": participants})


def _legal_page(request: HttpRequest, page: str, language: str | None) -> HttpResponse:
    language = language or ("ur" if (get_language() or "en").startswith("ur") else "en")
    if language not in ("en", "ur"):
        raise Http404("No such language.")
    template = f"reach/{page}_{language}.html"
    try:
        get_template(template)
    except TemplateDoesNotExist:
        raise Http404("No such page.") from None
    return render(
        request,
        template,
        {
            "other_language": "ur" if language == "en" else "en",
            "page": page,
            "retention_days": conf.retention_days(),
        },
    )


def privacy(request: HttpRequest, language: str | None = None) -> HttpResponse:
    return _legal_page(request, "privacy", language)


def terms(request: HttpRequest, language: str | None = None) -> HttpResponse:
    return _legal_page(request, "terms", language)
