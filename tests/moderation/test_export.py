"""Exporting the audit trail, and human decisions as labelled data for retraining."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from sessions import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_human_decisions_export_as_labelled_rows_for_training(tmp_path: Path) -> None:
    live_session = factories.make_live_session(code="exp")
    moderator = factories.moderator_actor(live_session)
    participant = factories.make_participant(live_session)
    factories.publish(factories.ask(participant, "When will the canal be cleaned?"), moderator)
    for text, reason in (("You thieves should rot", "harassment"), ("Buy cheap phones", "spam")):
        services.question_moderate(
            actor=moderator,
            live_session_id=live_session.pk,
            question_id=factories.ask(participant, text).pk,
            decision="reject",
            reason_code=reason,
        )
    factories.ask(participant, "Still waiting for a human")

    out = tmp_path / "labelled.csv"
    call_command("export_moderation_decisions", "--format", "labelled", "--out", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {(r["text"], r["label"]) for r in rows} == {
        ("When will the canal be cleaned?", "0"),
        ("You thieves should rot", "1"),
    }
    assert {r["source"] for r in rows} == {"townhall:exp"}

    audit = tmp_path / "audit.jsonl"
    call_command(
        "export_moderation_decisions", "--format", "audit", "--out", str(audit), "--session", "EXP"
    )
    lines = [json.loads(line) for line in audit.open(encoding="utf-8")]
    assert len(lines) == 7  # four automatic holds, three human decisions
    assert {line["route"] for line in lines} == {"automatic", "human"}
    assert {line["actor"] for line in lines if line["route"] == "human"} == {
        moderator.user.get_username()
    }
