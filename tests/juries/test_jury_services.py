"""Volunteering, the draw as a job, its audit record, and the alternate hand-over."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection
from sortition_algorithms import run_stratification

from juries import services, sortition
from juries.models import JuryDraw, JurySeat
from sessions.actors import Actor
from sessions.errors import Conflict, Forbidden, InvalidInput
from tests.juries.conftest import configure, events_of, volunteer_pool, wire

pytestmark = pytest.mark.django_db


def _drawn(live_session: Any, organizer: Actor, **kwargs: Any) -> tuple[JuryDraw, list[Any]]:
    configure(live_session, organizer, **kwargs)
    volunteers = volunteer_pool(live_session)
    draw = services.jury_draw_start(actor=organizer, live_session_id=live_session.pk, seed=1234)
    services.jury_draw_run(draw_id=draw.pk)
    draw.refresh_from_db()
    return draw, volunteers


def test_a_volunteer_must_answer_every_attribute_with_a_listed_value(live_session, organizer):
    configure(live_session, organizer)
    with pytest.raises(InvalidInput) as error:
        volunteer_pool(live_session, [{"gender": "female", "area": "suburban"}])
    assert error.value.code == "invalid_attributes"


def test_only_organizers_configure_a_jury(live_session):
    with pytest.raises(Forbidden):
        configure(live_session, Actor(roles=frozenset({"moderator"})))


def test_a_quota_for_an_unknown_value_is_refused(live_session, organizer):
    with pytest.raises(InvalidInput) as error:
        configure(
            live_session,
            organizer,
            quotas=[{"attribute": "gender", "value": "unknown", "min": 0, "max": 1}],
        )
    assert error.value.code == "invalid_quota"


def test_a_draw_records_its_inputs_and_announces_itself_publicly(
    live_session, organizer, command_runner
):
    configure(live_session, organizer)
    volunteer_pool(live_session)
    draw = services.jury_draw_start(actor=organizer, live_session_id=live_session.pk, seed=77)
    assert draw.status == JuryDraw.Status.QUEUED
    assert draw.people_csv.splitlines()[0] == "id,gender,area"
    assert len(draw.people_csv.splitlines()) == 17
    assert draw.features_csv.splitlines()[0] == "feature,value,min,max"
    assert "gender,female,2,3" in draw.features_csv.splitlines()
    assert "area,urban,0,6" in draw.features_csv.splitlines()  # unlisted: unconstrained
    assert draw.inputs_sha256 == sortition.inputs_hash(
        features=draw.features_csv, people=draw.people_csv, size=6, seed=77, algorithm="maximin"
    )
    (event,) = events_of(live_session, "jury.draw.updated")
    assert event.audience == ["public"]
    assert wire(event)["draw"]["status"] == "queued"
    assert wire(event)["draw"]["seed"] == 77
    assert wire(event)["draw"]["pool_size"] == 16
    with pytest.raises(Conflict) as error:
        volunteer_pool(live_session, [{"gender": "female", "area": "rural"}])
    assert error.value.code == "jury_closed"


def test_a_finished_draw_seats_jurors_lists_alternates_and_tells_each_of_them(
    live_session, organizer, command_runner
):
    draw, volunteers = _drawn(live_session, organizer)
    assert draw.status == JuryDraw.Status.DONE and draw.progress == 1.0
    assert len(draw.panel) == 6 and len(draw.alternates) == 4
    assert sum(draw.probabilities.values()) == pytest.approx(6, abs=1e-4)
    assert draw.min_probability == pytest.approx(min(draw.probabilities.values()))
    by_id = {v.pk: v for v in volunteers}
    women = [v for v in draw.panel if by_id[v].attributes["gender"] == "female"]
    rural = [v for v in draw.panel if by_id[v].attributes["area"] == "rural"]
    assert 2 <= len(women) <= 3 and 2 <= len(rural) <= 4
    offered = events_of(live_session, "jury.seat.offered")
    assert len(offered) == 6
    first = wire(offered[0])
    assert first["seat"]["kind"] == "juror" and first["seat"]["status"] == "offered"
    assert offered[0].audience == [f"participant:{first['seat']['participant_id']}"]
    waiting = [
        e
        for e in events_of(live_session, "jury.seat.updated")
        if e.data["seat"]["kind"] == "alternate"
    ]
    assert len(waiting) == 4
    assert waiting[0].audience[1] == "moderators"
    final = wire(events_of(live_session, "jury.draw.updated")[-1])["draw"]
    assert final["status"] == "done"
    assert final["min_probability"] == draw.min_probability


def test_anyone_can_rerun_a_draw_from_its_record_and_get_the_same_panel(
    live_session, organizer, command_runner
):
    draw, _ = _drawn(live_session, organizer)
    settings = sortition.library_settings(
        algorithm=draw.algorithm, seed=draw.seed, backend=draw.solver_backend
    )
    collection, pool = sortition.load(draw.features_csv, draw.people_csv, draw.size, settings)
    ok, panels, _ = run_stratification(collection, pool, draw.size, settings)
    assert ok
    assert sorted(int(p) for p in panels[0]) == draw.panel


def test_infeasible_quotas_fail_the_draw_with_the_reason_and_reopen_volunteering(
    live_session, organizer, command_runner
):
    configure(
        live_session,
        organizer,
        quotas=[{"attribute": "gender", "value": "female", "min": 5, "max": 6}],
    )
    volunteer_pool(live_session)
    draw = services.jury_draw_start(actor=organizer, live_session_id=live_session.pk, seed=3)
    services.jury_draw_run(draw_id=draw.pk)
    draw.refresh_from_db()
    assert draw.status == JuryDraw.Status.FAILED
    assert draw.error_code == "selection_failed"
    assert any("female" in line for line in draw.error_lines), draw.error_lines
    final = wire(events_of(live_session, "jury.draw.updated")[-1])["draw"]
    assert final["status"] == "failed"
    assert final["error"]["lines"] == draw.error_lines
    assert draw.jury.volunteers.count() == 16
    draw.jury.refresh_from_db()
    assert draw.jury.volunteering_open


def test_a_declined_seat_goes_to_the_next_alternate_with_the_same_attributes(
    live_session, organizer, command_runner
):
    draw, volunteers = _drawn(live_session, organizer, alternates=10)
    by_id = {v.pk: v for v in volunteers}
    # A juror whose attributes some alternate shares.
    alternates = [by_id[a] for a in draw.alternates]
    juror = next(
        by_id[j] for j in draw.panel if any(a.attributes == by_id[j].attributes for a in alternates)
    )
    expected = next(a for a in alternates if a.attributes == juror.attributes)
    seat, replacement = services.jury_seat_respond(
        actor=Actor(participant=juror.participant), live_session_id=live_session.pk, accept=False
    )
    assert seat.status == JurySeat.Status.DECLINED
    assert replacement is not None and replacement.volunteer_id == expected.pk
    assert replacement.kind == JurySeat.Kind.JUROR
    assert replacement.replaces_id == seat.pk and replacement.position == seat.position
    offer = wire(events_of(live_session, "jury.seat.offered")[-1])
    assert offer["seat"]["participant_id"] == expected.participant_id
    assert offer["seat"]["replaces"] == seat.pk


def test_a_juror_accepts_once_and_then_counts_as_a_juror(live_session, organizer, command_runner):
    draw, volunteers = _drawn(live_session, organizer)
    juror = next(v for v in volunteers if v.pk == draw.panel[0])
    actor = Actor(participant=juror.participant)
    assert not services.is_juror(live_session_id=live_session.pk, actor=actor)
    seat, replacement = services.jury_seat_respond(
        actor=actor, live_session_id=live_session.pk, accept=True
    )
    assert seat.status == JurySeat.Status.ACCEPTED and replacement is None
    assert services.is_juror(live_session_id=live_session.pk, actor=actor)
    update = wire(events_of(live_session, "jury.seat.updated")[-1])
    assert update["seat"]["status"] == "accepted"
    with pytest.raises(Exception) as again:
        services.jury_seat_respond(actor=actor, live_session_id=live_session.pk, accept=True)
    assert getattr(again.value, "code", "") == "no_seat_offered"


def test_a_second_draw_is_refused_once_the_jury_is_drawn(live_session, organizer, command_runner):
    _drawn(live_session, organizer)
    with pytest.raises(Conflict) as error:
        services.jury_draw_start(actor=organizer, live_session_id=live_session.pk)
    assert error.value.code == "already_drawn"


def test_the_audit_record_is_published_over_http(client, live_session, organizer, command_runner):
    draw, _ = _drawn(live_session, organizer)
    record = client.get(f"/s/{live_session.code}/jury/draws/{draw.pk}.json").json()
    assert record["status"] == "done"
    assert record["panel"] == draw.panel
    assert record["probabilities"] == draw.probabilities
    assert record["features_csv"] == draw.features_csv
    people = client.get(f"/s/{live_session.code}/jury/draws/{draw.pk}/people.csv")
    assert people.content.decode() == draw.people_csv
    assert client.get(f"/s/{live_session.code}/jury/draws/999999.json").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_draw_runs_in_a_background_thread_with_visible_progress(live_session, organizer):
    configure(live_session, organizer)
    volunteer_pool(live_session)
    draw = services.jury_draw_start(actor=organizer, live_session_id=live_session.pk, seed=5)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        draw.refresh_from_db()
        if draw.status in (JuryDraw.Status.DONE, JuryDraw.Status.FAILED):
            break
        time.sleep(0.1)
    assert draw.status == JuryDraw.Status.DONE, draw.error_lines
    statuses = [e.data["draw"]["status"] for e in events_of(live_session, "jury.draw.updated")]
    assert statuses[0] == "queued" and statuses[1] == "running" and statuses[-1] == "done"
    connection.close()
