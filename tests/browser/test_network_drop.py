"""The link drops while a question is being sent: it is delivered exactly once when it returns."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect

from sessions.models import Question
from tests.browser.helpers import town_hall
from tests.browser.test_live_flow import join, wait_connected

TEXT = "بجلی کی لوڈ شیڈنگ رات کو کیوں ہوتی ہے؟"


def test_question_sent_as_the_link_drops_is_delivered_once(new_context: Any) -> None:
    hall = town_hall()
    context = new_context()
    page = context.new_page()
    link = {"down": False, "cut_after_ask": True, "asks": 0}

    def route(ws: Any) -> None:
        if link["down"]:
            ws.close()  # no network: the connection fails
            return
        server = ws.connect_to_server()
        client_ids: set[str] = set()
        cut = False  # this connection's link is gone: nothing more reaches the phone

        def from_page(message: str | bytes) -> None:
            data = json.loads(message)
            if data.get("type") == "question.ask":
                link["asks"] += 1
                if link["cut_after_ask"]:
                    client_ids.add(data["client_id"])
            server.send(message)

        def from_server(message: str | bytes) -> None:
            nonlocal cut
            if cut:
                # Frames the server sent right after the ack (the question's own
                # events) were in flight when the link went: they are lost too.
                return
            data = json.loads(message)
            if data.get("client_id") in client_ids and data.get("type") == "ack":
                # The server saved the question, but the ack never reaches the phone.
                cut = True
                link.update(down=True, cut_after_ask=False)
                server.close()
                ws.close()
                return
            ws.send(message)

        ws.on_message(from_page)
        server.on_message(from_server)

    page.route_web_socket("**/ws/sessions/**", route)
    join(page, hall.code)
    wait_connected(page)

    page.locator("#text").fill(TEXT)
    page.locator("form[data-ask] button[type=submit]").click()
    mine = page.locator("[data-mine] li[data-id]").filter(has_text=TEXT)
    # Not acknowledged: kept in the outbox and shown as sending, not lost.
    expect(mine.locator(".badge")).to_have_text("Sending…")
    expect(page.locator("[data-conn]")).not_to_have_attribute("data-state", "connected")
    context.set_offline(True)
    expect(page.locator("[data-conn]")).to_have_attribute("data-state", "offline")
    assert Question.objects.filter(live_session=hall.session).count() == 1
    outbox = page.evaluate(f"localStorage.getItem('th:outbox:{hall.code}')")
    assert TEXT in outbox

    link["down"] = False
    context.set_offline(False)
    wait_connected(page)
    expect(mine).to_have_count(1)
    expect(mine.locator(".badge")).to_have_text("In review")
    expect(page.locator("[data-mine] li[data-id]")).to_have_count(1)
    assert page.evaluate(f"localStorage.getItem('th:outbox:{hall.code}')") == "[]"
    assert link["asks"] >= 2  # sent, then resent with the same client_id
    assert Question.objects.filter(live_session=hall.session).count() == 1
    page.reload()
    wait_connected(page)
    expect(page.locator("[data-mine] li[data-id]")).to_have_count(1)
