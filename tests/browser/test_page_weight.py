"""The audience page's first load: HTML + CSS + JS transferred, compressed, ≤ 60 KB."""

from __future__ import annotations

import gzip
import json
from typing import Any

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import off_loop, town_hall

BUDGET_BYTES = 60 * 1024


def first_load(new_context: Any, path: str, session_key: str | None = None) -> dict[str, Any]:
    """Every response of a first visit (empty cache), with what went over the wire."""
    page = new_context(session_key=session_key).new_page()
    finished: list[Any] = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(path)
    expect(page.locator("[data-conn]").first).to_have_attribute("data-state", "connected")
    rows = []
    for request in finished:
        response = request.response()
        if response is None or request.resource_type == "websocket":
            continue
        sizes = request.sizes()
        body = response.body()
        encoding = response.headers.get("content-encoding", "")
        # The HTML is compressed by the reverse proxy or GZipMiddleware in production;
        # when this server sends it plain, count what gzip -6 would send.
        wire = sizes["responseBodySize"] if encoding else len(gzip.compress(body, 6))
        rows.append(
            {
                "url": request.url.split("/", 3)[-1],
                "type": request.resource_type,
                "encoding": encoding or "gzip (computed)",
                "raw": len(body),
                "transferred": wire,
                "headers": sizes["responseHeadersSize"],
            }
        )
    page.context.close()
    total = sum(r["transferred"] + r["headers"] for r in rows)
    return {"path": path, "rows": rows, "total": total, "raw": sum(r["raw"] for r in rows)}


def report(result: dict[str, Any], name: str) -> None:
    lines = [f"First load of {result['path']} ({name}):"]
    for r in result["rows"]:
        lines.append(
            f"  {r['type']:<10} {r['url'][:60]:<60} {r['raw']:>7} B raw "
            f"{r['transferred']:>6} B {r['encoding']} + {r['headers']} B headers"
        )
    lines.append(
        f"  total: {result['raw']} B uncompressed, {result['total']} B transferred "
        f"({result['total'] / 1024:.1f} KB of {BUDGET_BYTES // 1024} KB)"
    )
    print("\n".join(lines))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"page-weight-{name}.json").write_text(json.dumps(result, indent=2))


def test_audience_page_first_load_is_within_the_budget(new_context: Any) -> None:
    hall = town_hall()
    citizen_key = off_loop(
        lambda: factories.browser_session(participants=[factories.make_participant(hall.session)])
    )()
    for name, key in (("visitor", None), ("citizen", citizen_key)):
        result = first_load(new_context, f"/s/{hall.code}/", key)
        report(result, name)
        types = {r["type"] for r in result["rows"]}
        assert {"document", "stylesheet", "script"} <= types, types
        static = [r for r in result["rows"] if r["type"] in ("stylesheet", "script")]
        assert all(r["encoding"] == "gzip" for r in static), static
        assert result["total"] <= BUDGET_BYTES, result
