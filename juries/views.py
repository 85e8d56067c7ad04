"""Public, read-only HTTP views: the audit record of draws and the poll export."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from juries import selectors
from juries.models import JuryDraw
from sessions.errors import NotFound
from sessions.models import LiveSession
from sessions.selectors import live_session_get_by_code


def _public_session(code: str) -> LiveSession:
    """Audit records and exports are public for public sessions only."""
    try:
        live_session = live_session_get_by_code(code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if not live_session.is_public:
        raise Http404("No such session.")
    return live_session


def _draw(code: str, draw_id: int | str) -> JuryDraw:
    try:
        return selectors.draw_get(live_session=_public_session(code), draw_id=int(draw_id))
    except NotFound as exc:
        raise Http404(exc.message) from None


@require_GET
def draw_record(request: HttpRequest, code: str, draw_id: int) -> JsonResponse:
    """Progress while it runs (pages poll this), the full audit record once done."""
    draw = _draw(code, draw_id)
    return JsonResponse(selectors.draw_record(draw=draw), json_dumps_params={"ensure_ascii": False})


@require_GET
def draw_input(request: HttpRequest, code: str, draw_id: int, name: str) -> HttpResponse:
    draw = _draw(code, draw_id)
    text = draw.features_csv if name == "features" else draw.people_csv
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}-{name}.csv"'
    return response


@require_GET
def polls_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    live_session = _public_session(code)
    polls = selectors.polls_export(live_session=live_session)
    if fmt == "json":
        return JsonResponse({"polls": polls}, json_dumps_params={"ensure_ascii": False})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["poll_id", "status", "question", "option_id", "option", "votes", "ballots"])
    for poll in polls:
        question = " / ".join(poll["question"].values())
        for option in poll["options"]:
            writer.writerow(
                [
                    poll["id"],
                    poll["status"],
                    question,
                    option["id"],
                    " / ".join(option["label"].values()),
                    poll["counts"][str(option["id"])],
                    poll["ballots"],
                ]
            )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{live_session.code}-polls.csv"'
    return response
