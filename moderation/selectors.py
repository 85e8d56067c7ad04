"""Reads for moderators and the public transparency report."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from moderation.models import Appeal, ModerationDecision

# Toxicity score bands shown to moderators (Coral Talk's labels).
LIKELY_AT = 0.8
UNLIKELY_BELOW = 0.5


def score_band(score: float | None) -> str | None:
    """Fixed bands, for decisions recorded without the pipeline's own band (which
    follows the per-language thresholds: an Urdu model's clean questions can
    score 0.93 under a hold threshold of 0.92)."""
    if score is None:
        return None
    if score > LIKELY_AT:
        return "likely"
    if score <= UNLIKELY_BELOW:
        return "unlikely"
    return "maybe"


def review_for(question: Any) -> dict[str, Any]:
    """What a moderator needs next to one held question (see ``reviews_for``)."""
    return reviews_for([question])[question.pk]


def reviews_for(questions: Sequence[Any]) -> dict[int, dict[str, Any]]:
    """What a moderator needs next to each held question, by question id.

    The automatic stages' findings (stage, reasons, matched terms, language,
    score and band, relevance) and the author's other questions in the session.
    Two queries whatever the number of questions (a queue snapshot can be long).
    """
    if not questions:
        return {}
    latest: dict[int, ModerationDecision] = {}
    for decision in (
        ModerationDecision.objects.filter(
            question_id__in=[q.pk for q in questions], route=ModerationDecision.Route.AUTOMATIC
        )
        .exclude(decision=ModerationDecision.Decision.RESUBMIT)
        .order_by("question_id", "-created_at", "-pk")
    ):
        assert decision.question_id is not None  # filtered on question_id above
        latest.setdefault(decision.question_id, decision)
    by_author: dict[int, list[tuple[int, str]]] = {}
    for author_id, pk, status in (
        questions[0]
        .__class__.objects.filter(author_id__in={q.author_id for q in questions})
        .values_list("author_id", "pk", "status")
    ):
        by_author.setdefault(author_id, []).append((pk, status))
    return {q.pk: _review(q, latest.get(q.pk), by_author.get(q.author_id, [])) for q in questions}


# Reasons whose detail names a listed term the text matched.
_TERM_REASONS = frozenset({"banned_term", "suspect_term"})


def _review(
    question: Any, latest: ModerationDecision | None, authored: list[tuple[int, str]]
) -> dict[str, Any]:
    details: dict[str, Any] = latest.details if latest else {}
    reasons = details.get("reasons", [])
    score = details.get("score")
    history = Counter(status for pk, status in authored if pk != question.pk)
    return {
        "stage": latest.stage if latest else "",
        "reasons": reasons,
        "language": details.get("language") or question.language,
        "matched_terms": [
            r["detail"]["term"]
            for r in reasons
            if r.get("code") in _TERM_REASONS and "term" in r.get("detail", {})
        ],
        "score": score,
        "band": details.get("band") or score_band(score),
        "backend": details.get("backend"),
        "model_version": details.get("model_version"),
        "off_topic": details.get("off_topic"),
        "relevance": details.get("relevance"),
        "author_history": {
            "asked": sum(history.values()),
            "published": history["published"],
            "rejected": history["rejected"],
            "hidden": history["hidden"],
        },
    }


def transparency_report(*, live_session: Any) -> dict[str, Any]:
    """Aggregate moderation figures for one session. Contains no personal data."""
    questions = list(
        live_session.questions.values_list("pk", "status", "reason_code", "language", "created_at")
    )
    decisions = list(
        ModerationDecision.objects.filter(question__live_session=live_session)
        .order_by("created_at", "pk")
        .values_list("question_id", "route", "decision", "created_at")
    )
    human_touched = {qid for qid, route, _d, _t in decisions if route == "human"}
    first_final: dict[int, Any] = {}
    for qid, _route, decision, at in decisions:
        if decision != ModerationDecision.Decision.HOLD and qid not in first_final:
            first_final[qid] = at
    created = {pk: at for pk, _s, _r, _l, at in questions}
    waits = [
        (at - created[qid]).total_seconds() for qid, at in first_final.items() if qid in created
    ]
    appeals = Counter(
        Appeal.objects.filter(question__live_session=live_session).values_list("status", flat=True)
    )
    return {
        "questions": len(questions),
        "by_outcome": dict(Counter(status for _pk, status, _r, _l, _c in questions)),
        "by_reason": dict(Counter(reason for _pk, _s, reason, _l, _c in questions if reason)),
        "by_language": dict(Counter(lang or "unknown" for _pk, _s, _r, lang, _c in questions)),
        "by_route": {
            "automatic": len(created.keys() - human_touched),
            "human": len(created.keys() & human_touched),
        },
        "median_seconds_to_decision": statistics.median(waits) if waits else None,
        "appeals": {
            "open": appeals.get(Appeal.Status.OPEN, 0),
            "upheld": appeals.get(Appeal.Status.UPHELD, 0),
            "overturned": appeals.get(Appeal.Status.OVERTURNED, 0),
        },
    }


# Reasons that say something about the text's toxicity; other rejections
# (spam, off-topic, duplicates, personal data) are not labels for that model.
TOXIC_REASONS = frozenset({"offensive", "harassment", "hate_speech", "threat"})


def audit_rows(*, session_code: str | None = None) -> list[dict[str, Any]]:
    """Every decision on questions and jury-room messages, oldest first, with what
    it was based on."""
    decisions = ModerationDecision.objects.select_related(
        "question__live_session", "jury_message__jury__live_session", "actor"
    )
    if session_code:
        code = session_code.lower()
        decisions = decisions.filter(
            Q(question__live_session__code=code) | Q(jury_message__jury__live_session__code=code)
        )
    return [
        {
            "at": d.created_at.isoformat(),
            "session": (
                d.question.live_session.code
                if d.question is not None
                else d.jury_message.jury.live_session.code  # type: ignore[union-attr]
            ),
            "question_id": d.question_id,
            "jury_message_id": d.jury_message_id,
            "route": d.route,
            "decision": d.decision,
            "reason": d.reason_code,
            "note": d.note,
            "stage": d.stage,
            "actor": d.actor.get_username() if d.actor else None,
            "details": d.details,
        }
        for d in decisions.order_by("created_at", "pk")
    ]


def labelled_rows(*, session_code: str | None = None) -> list[dict[str, Any]]:
    """Questions a person decided, as training rows: 0 approved, 1 removed as toxic.

    The last human decision counts, so an overturned appeal labels the text clean.
    """
    # Jury-room messages are left out: their facilitator rejects with a free
    # note, so a rejection says nothing about toxicity.
    human = ModerationDecision.objects.filter(
        route=ModerationDecision.Route.HUMAN, question__isnull=False
    ).exclude(decision=ModerationDecision.Decision.MERGE)
    if session_code:
        human = human.filter(question__live_session__code=session_code.lower())
    last: dict[int, ModerationDecision] = {}
    for decision in human.select_related("question__live_session").order_by("created_at", "pk"):
        assert decision.question_id is not None  # filtered on question above
        last[decision.question_id] = decision
    rows = []
    for decision in last.values():
        question = decision.question
        assert question is not None
        if decision.decision in ("approve", "appeal_overturned"):
            label = 0
        elif decision.decision in ("reject", "hide", "appeal_upheld", "request_edit") and (
            decision.reason_code in TOXIC_REASONS
        ):
            label = 1
        else:
            continue
        rows.append(
            {
                "text": question.text,
                "label": label,
                "lang": question.language or "other",
                "source": f"townhall:{question.live_session.code}",
            }
        )
    return rows
