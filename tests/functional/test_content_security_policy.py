"""Issue 16, items 1 and 6: every page is served with a strict Content-Security-Policy, and
Chromium refuses nothing on the main pages of each role: the NHS.UK frontend, htmx and the API
docs' Swagger UI all load from our own static files, with no inline script.

(Every other functional test checks the same on each page it visits: see `page` in
conftest.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import World, build_world
from tests.factories import PersonFactory, ReferralFactory, ServiceFactory
from tests.functional.conftest import sign_in, watch_csp


def _visit(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None, url
    assert response.status == 200, url
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    # Our scripts ran: the frontend marked the page, and htmx loaded.
    expect(page.locator("body.js-enabled")).to_have_count(1)
    assert page.evaluate("typeof window.htmx") == "object", url


def _pages(world: World, live: str) -> dict[str, list[str]]:
    person = PersonFactory()
    referral = ReferralFactory(
        person=person, scheme=world.scheme_a, link_worker=world.link_worker_a, status="active"
    )
    service = ServiceFactory(name="Tuesday Walk", url="https://walks.example.org/")
    home = f"{live}/"
    return {
        "link_worker_a": [
            home,
            live + reverse("casework:caseload"),
            live + reverse("referrals:detail", args=[referral.pk]),
            live + reverse("people:detail", kwargs={"person_id": person.pk}),
            live + reverse("directory:search") + "?q=walk",
            live + reverse("directory:service", args=[service.pk]),
        ],
        "scheme_lead_a": [home, live + reverse("referrals:triage_queue")],
        "provider": [home, live + reverse("casework:inbox")],
        "referrer": [home, live + reverse("referrals:new")],
        "analyst": [home, live + reverse("insights:index")],
        "curator": [home, live + reverse("directory:duplicates")],
        "admin": [home, live + reverse("audit:search")],
    }


@pytest.mark.django_db(transaction=True)
def test_main_pages_of_each_role_break_no_csp_rule(live_server, page):
    world = build_world()
    for role, urls in _pages(world, live_server.url).items():
        page.context.clear_cookies()
        sign_in(page, live_server, getattr(world, role))
        for url in urls:
            _visit(page, url)
    # The page fixture fails the test if Chromium's console reported a refusal.


@pytest.mark.django_db(transaction=True)
def test_public_pages_and_api_docs_break_no_csp_rule(live_server, browser):
    context = browser.new_context()
    page = context.new_page()
    refused = watch_csp(page)
    for path in ("/account/login/", "/refer/"):
        _visit(page, live_server.url + path)
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response is not None
    assert response.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Linkwork API")
    scripts = page.eval_on_selector_all("script[src]", "nodes => nodes.map(n => n.src)")
    assert scripts
    assert all(src.startswith(live_server.url) for src in scripts), scripts
    context.close()
    assert not refused, refused


@pytest.mark.django_db(transaction=True)
def test_inline_script_is_refused(live_server, browser):
    """The check above can fail: an inline script planted in a page is refused and reported."""
    context = browser.new_context()
    page = context.new_page()
    refused = watch_csp(page)
    page.goto(f"{live_server.url}/account/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.planted = 1'; document.body.append(s); }"
    )
    assert page.evaluate("typeof window.planted") == "undefined"
    context.close()
    assert refused
    assert "Content Security Policy" in refused[0]
