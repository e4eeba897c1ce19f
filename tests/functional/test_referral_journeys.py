"""Referral journeys in Chromium, each page checked with axe: a practice referrer refers in at
most three screens; a person refers themself with JavaScript switched off; a scheme lead
triages, and finds a link worker by name when the scheme has more than the page lists."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linkwork.accounts.models import Role
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral
from tests.conftest import _member, build_world
from tests.factories import ReferralFactory
from tests.functional.conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_practice_referrer_refers_in_three_screens(live_server, page):
    world = build_world()
    sign_in(page, live_server, world.referrer)
    page.goto(f"{live_server.url}/referrals/new/")
    screens = 0

    assert_accessible(page)
    page.get_by_label("First name").fill("Maya")
    page.get_by_label("Last name").fill("Example")
    page.get_by_label("Day").fill("15")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1958")
    page.get_by_label("Phone number (optional)").fill("07700 900123")
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Continue").click()
    screens += 1

    page.wait_for_url("**/referrals/new/details/")
    assert_accessible(page)
    page.get_by_label("Loneliness or isolation").check()
    page.get_by_label("Reason for referral").fill("Lonely since her husband died.")
    page.get_by_role("button", name="Continue").click()
    screens += 1

    page.wait_for_url("**/referrals/new/check/")
    assert_accessible(page)
    page.get_by_label("The person agreed to this referral").check()
    page.get_by_role("button", name="Send referral").click()
    screens += 1

    page.wait_for_url("**/referrals/sent/")
    assert_accessible(page)
    referral = Referral.objects.get()
    expect(page.locator("body")).to_contain_text(referral.reference)
    assert screens <= 3


@pytest.mark.django_db(transaction=True)
def test_person_self_refers_without_javascript(live_server, browser):
    build_world()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/refer/")
        assert_accessible_without_scripts(page)
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        page.get_by_label("First name").fill("Sam")
        page.get_by_label("Last name").fill("Example")
        page.get_by_label("Day").fill("2")
        page.get_by_label("Month").fill("11")
        page.get_by_label("Year").fill("1990")
        page.get_by_label("Postcode").fill("BK2 4QT")
        page.get_by_label("Your GP practice").select_option(label="Alder Street Surgery")
        page.get_by_label("Text message").check()
        page.get_by_label("Phone number").fill("07700 900456")
        page.get_by_label("A little").check()
        page.get_by_label("What is your ethnic group?").select_option(label="Prefer not to say")
        page.get_by_label("Anxiety or stress").check()
        page.get_by_label("I agree to a link worker contacting me about this").check()
        page.get_by_role("button", name="Send").click()
        page.wait_for_url("**/refer/done/")
        referral = Referral.objects.select_related("person__gp_practice").get()
        expect(page.locator("body")).to_contain_text(referral.reference)
        person = referral.person
        assert person.gp_practice is not None
        assert (person.gp_practice.name, person.ethnicity, person.sex) == (
            "Alder Street Surgery",
            "prefer_not_to_say",
            "not_known",
        )
    finally:
        context.close()


def assert_accessible_without_scripts(page) -> None:  # type: ignore[no-untyped-def]
    """axe needs scripts, so it checks the same address, in the same state, in a scripted
    tab: the server sends the same page whether or not the browser runs scripts."""
    scripted = page.context.browser.new_context()
    try:
        checker = scripted.new_page()
        checker.goto(page.url)
        assert_accessible(checker)
        checker.get_by_role("button", name="Send").click()
        checker.get_by_role("heading", name="There is a problem").wait_for()
        assert_accessible(checker)
    finally:
        scripted.close()


@pytest.mark.django_db(transaction=True)
def test_scheme_lead_triages(live_server, page):
    world = build_world()
    referral = ReferralFactory(scheme=world.scheme_a, referring_organisation=world.practice)
    sign_in(page, live_server, world.scheme_lead_a)
    page.goto(f"{live_server.url}/referrals/triage/")
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    page.wait_for_url(f"**/referrals/{referral.pk}/triage/")
    assert_accessible(page)
    accept_and_assign(page, referral, world.link_worker_a)


def accept_and_assign(page, referral, link_worker):  # type: ignore[no-untyped-def]
    """On a referral's triage page: choose `link_worker`, accept, and see it done; the first
    appointment is offered next, and booking it later goes back to the queue."""
    page.get_by_label(link_worker.full_name).check()
    page.get_by_role("button", name="Accept and assign").click()
    page.wait_for_url(f"**/casework/referrals/{referral.pk}/appointments/?after=triage")
    expect(page.locator("body")).to_contain_text(f"Referral {referral.reference} accepted")
    page.get_by_role("link", name="Book later and go back to triage").click()
    page.wait_for_url("**/referrals/triage/")
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.link_worker == link_worker


@pytest.mark.django_db(transaction=True)
def test_scheme_lead_finds_a_link_worker_by_name_and_assigns_them(live_server, page):
    world = build_world()
    scheme = world.scheme_a
    for n in range(11):
        _member(Role.LINK_WORKER, scheme.host, scheme, full_name=f"Worker {n:02d}")
    # Two open cases: twelve link workers have more room, so she is not among those listed.
    found = _member(Role.LINK_WORKER, scheme.host, scheme, full_name="Priya Okonkwo")
    ReferralFactory.create_batch(2, scheme=scheme, link_worker=found, status=Status.ACTIVE)
    referral = ReferralFactory(scheme=scheme, referring_organisation=world.practice)

    sign_in(page, live_server, world.scheme_lead_a)
    page.goto(f"{live_server.url}/referrals/{referral.pk}/triage/")
    expect(
        page.get_by_text("Showing the 10 with the most room of 13 link workers.")
    ).to_be_visible()
    expect(
        page.get_by_role("group", name="Assign a link worker").get_by_role("radio")
    ).to_have_count(10)
    expect(page.get_by_label("Priya Okonkwo")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Find a link worker by name").fill("okon")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**worker=okon*")
    expect(page.get_by_label("Find a link worker by name")).to_have_value("okon")
    offered = page.get_by_role("group", name="Assign a link worker").get_by_role("radio")
    expect(offered).to_have_count(1)
    expect(offered).to_have_accessible_name("Priya Okonkwo")
    assert_accessible(page)

    accept_and_assign(page, referral, found)


@pytest.mark.django_db(transaction=True)
def test_referrer_withdraws_a_referral_with_its_reason(live_server, page):
    world = build_world()
    referral = ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        link_worker=world.link_worker_a,
        status=Status.ACTIVE,
        referrer_email="rita@example.org",
    )
    sign_in(page, live_server, world.referrer)
    page.goto(f"{live_server.url}/messages/referrals/")
    assert_accessible(page)
    page.get_by_role("link", name=f"Withdraw this referral {referral.reference}").click()

    page.wait_for_url(f"**/referrals/{referral.pk}/withdraw/")
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw referral").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="Enter why you are withdrawing this referral")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why are you withdrawing this referral?").fill("She has moved to Leeds.")
    page.get_by_role("button", name="Withdraw referral").click()

    page.wait_for_url(f"**/referrals/{referral.pk}/")
    assert_accessible(page)
    expect(page.locator("body")).to_contain_text("She has moved to Leeds.")
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
