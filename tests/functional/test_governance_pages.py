"""The governance pages in Chromium: rights requests (with a restriction granted and lifted),
retention review and rules, the privacy page, the webhook pages (with secret rotation and the
dead-letter list), the GP events pages (a scheme lead's export and a GP practice referrer's own
view) and the withdraw confirm page. Each main form is sent once with a mistake (the error
summary names the field and links to it) and once right; every page is checked with axe at
1280 and 375 pixels wide, and none is wider than the window."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwork.accounts.models import OrganisationKind, Role
from linkwork.casework.actions import record_contact
from linkwork.casework.models import Mode, Outcome
from linkwork.interop.gp_events.models import ExportBatch
from linkwork.interop.webhooks.actions import create_endpoint
from linkwork.interop.webhooks.models import (
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from linkwork.records import retention
from linkwork.records.actions import record_request
from linkwork.records.models import (
    RequestKind,
    RetentionRule,
    ReviewItem,
    ReviewStatus,
    RightsRequest,
)
from linkwork.referrals.actions import accept_referral
from linkwork.referrals.models import StatusChange
from tests.conftest import at, build_world
from tests.factories import (
    ContactFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    UserFactory,
)
from tests.functional.conftest import assert_accessible, sign_in

NHS_NUMBER = "9434765919"
ADDRESS = "https://gp-system.example.org/linkwork/webhooks"

# The elements that reach past the window's right edge, to say what to fix.
WIDER = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width)
  .slice(-5)
  .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.getBoundingClientRect().right}`)"""


def check(page: Any) -> None:
    """No axe violations, and nothing sideways to scroll at the window's width."""
    assert_accessible(page)
    width = page.viewport_size["width"]
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:
        wider = page.evaluate(WIDER, width)
        raise AssertionError(f"{page.url} is {wide} pixels wide at {width}: {wider}")


def shows_error(page: Any, message: str, field: str) -> None:
    """The error summary names the problem and links to the field, which the page has."""
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    link = page.locator(".nhsuk-error-summary").get_by_role("link", name=message)
    expect(link).to_have_attribute("href", f"#{field}")
    expect(page.locator(f"#{field}")).to_have_count(1)
    check(page)


@pytest.mark.django_db(transaction=True)
def test_admin_records_a_rights_request_and_decides_it(live_server, page):
    world = build_world()
    ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        person=PersonFactory(given_name="Ann", family_name="Example", nhs_number=NHS_NUMBER),
    )
    sign_in(page, live_server, world.admin)

    page.goto(f"{live_server.url}/records/requests/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rights requests")
    check(page)
    page.goto(f"{live_server.url}/records/requests/new/")
    check(page)
    page.get_by_label("Access to their information (Article 15)").check()
    page.get_by_label("NHS number or referral reference").fill("123")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("The person themselves").check()
    page.get_by_role("button", name="Record the request").click()
    shows_error(page, "Enter a 10-digit NHS number or a referral reference", "id_who")

    page.get_by_label("NHS number or referral reference").fill("943 476 5919")
    page.get_by_role("button", name="Record the request").click()
    found = RightsRequest.objects.get()
    page.wait_for_url(f"**/records/requests/{found.pk}/")
    expect(page.locator("body")).to_contain_text("the answer is due 28 February 2026")
    check(page)

    page.get_by_role("button", name="Record the decision").click()
    shows_error(page, "Select decision", "id_decide-decision")
    page.locator("input[name='decide-decision']").first.check()
    page.get_by_label("Legal reason").select_option(index=1)
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"**/records/requests/{found.pk}/")
    expect(page.locator("body")).to_contain_text("Decision recorded")
    check(page)
    found.refresh_from_db()
    assert not found.is_open


@pytest.mark.django_db(transaction=True)
def test_admin_reviews_a_record_and_changes_a_retention_rule(live_server, page):
    world = build_world()
    referral = ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        received_at=at("2018-01-10"),
        status="closed",
        closure_reason="goals_met",
        person=PersonFactory(given_name="Old", family_name="Case", nhs_number=NHS_NUMBER),
    )
    StatusChange.objects.create(referral=referral, to_status="closed", changed_at=at("2018-12-05"))
    ContactFactory(referral=referral, occurred_at=at("2018-06-01"))
    retention.review(dt.date(2026, 12, 6))
    item = ReviewItem.objects.get(record_class="person_record", organisation=world.scheme_a.host)
    sign_in(page, live_server, world.admin)

    page.goto(f"{live_server.url}/records/review/")
    check(page)
    page.get_by_role("link", name="Old Case").first.click()
    page.wait_for_url(f"**/records/review/{item.pk}/")
    check(page)
    page.get_by_label("Keep it for another retention period").check()
    page.get_by_role("button", name="Record the decision").click()
    shows_error(page, "Enter the reason to keep it for another period", "id_reason")
    page.get_by_label("Reason", exact=True).fill("A complaint is open")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url("**/records/review/")
    check(page)
    item.refresh_from_db()
    assert item.status == ReviewStatus.KEPT

    page.goto(f"{live_server.url}/records/retention/")
    check(page)
    page.goto(f"{live_server.url}/records/retention/person_record/")
    check(page)
    page.get_by_label("Period", exact=True).fill("ten")
    page.get_by_role("button", name="Save the rule").click()
    shows_error(page, "Period", "id_period")
    page.get_by_label("Period", exact=True).fill("10")
    page.get_by_role("button", name="Save the rule").click()
    page.wait_for_url("**/records/retention/")
    check(page)
    assert RetentionRule.objects.get(record_class="person_record").period == 10

    page.goto(f"{live_server.url}/privacy/")
    expect(page.locator("body")).to_contain_text("10 years after the last contact")
    check(page)


@pytest.mark.django_db(transaction=True)
def test_practice_admin_adds_a_webhook_and_reads_the_dead_letters(live_server, page):
    world = build_world()
    admin = UserFactory(totp=True, full_name="Pia Practice")
    MembershipFactory(user=admin, organisation=world.practice, role=Role.ADMIN)
    sign_in(page, live_server, admin)

    page.goto(f"{live_server.url}/webhooks/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Webhooks")
    check(page)
    page.get_by_role("button", name="Add an endpoint").click()
    page.wait_for_url("**/webhooks/new/")
    check(page)
    page.get_by_label("Name", exact=True).fill("GP system")
    page.get_by_label("Address", exact=True).fill("http://gp-system.example.org/hooks")
    page.get_by_role("button", name="Add the endpoint").click()
    shows_error(page, "The address must start with https://", "id_url")

    page.get_by_label("Address", exact=True).fill(ADDRESS)
    for box in page.locator("input[name='events']").all():
        box.check()
    page.get_by_role("button", name="Add the endpoint").click()
    endpoint = WebhookEndpoint.objects.get()
    expect(page.locator("body")).to_contain_text(endpoint.secret)
    check(page)
    page.goto(f"{live_server.url}/webhooks/")
    expect(page.locator("body")).to_contain_text(ADDRESS)
    check(page)

    event = WebhookEvent.objects.create(
        type=EventType.REFERRAL_STATUS_CHANGED,
        resource_type="Task",
        resource_id="3f2b8c1e-0000-4000-8000-000000000001",
        organisation=world.practice,
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=event,
        status=DeliveryStatus.DEAD,
        attempts=8,
        next_attempt_at=None,
        last_error="Receiver answered 500",
    )
    page.goto(f"{live_server.url}/webhooks/dead/")
    expect(page.locator("body")).to_contain_text("Receiver answered 500")
    check(page)


@pytest.mark.django_db(transaction=True)
def test_scheme_lead_exports_gp_events_and_the_practice_downloads_them(live_server, page):
    world = build_world()
    world.practice.ods_code = "B82005"
    world.practice.save()
    other = OrganisationFactory(
        name="Birch Road Practice", kind=OrganisationKind.GP_PRACTICE, ods_code="B82006"
    )
    # The lead also leads scheme B, so the form offers a scheme and practice that do not meet.
    MembershipFactory(
        user=world.scheme_lead_a,
        organisation=world.scheme_b.host,
        scheme=world.scheme_b,
        role=Role.SCHEME_LEAD,
    )
    for scheme, practice, number, worker in (
        (world.scheme_a, world.practice, NHS_NUMBER, world.link_worker_a),
        (world.scheme_b, other, "9434765870", world.link_worker_b),
    ):
        referral = accept_referral(
            by=world.scheme_lead_a,
            referral=ReferralFactory(
                scheme=scheme,
                referring_organisation=practice,
                person=PersonFactory(nhs_number=number, gp_practice=practice),
            ),
            link_worker=worker,
        )
        referral.refresh_from_db()
        record_contact(
            by=worker,
            referral=referral,
            occurred_at=timezone.now() - dt.timedelta(days=2),
            mode=Mode.PHONE,
            duration_minutes=30,
            outcome=Outcome.ATTENDED,
        )
    sign_in(page, live_server, world.scheme_lead_a)

    page.goto(f"{live_server.url}/gp-events/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Coded events for GP records")
    check(page)
    page.get_by_label("Scheme", exact=True).select_option(label=world.scheme_a.name)
    page.get_by_label("GP practice").select_option(label="Birch Road Practice")
    page.get_by_role("button", name="Export new events").click()
    shows_error(page, "No one referred to this scheme is at this practice.", "id_practice")

    page.get_by_label("GP practice").select_option(label="Alder Street Surgery")
    page.get_by_role("button", name="Export new events").click()
    page.wait_for_url("**/gp-events/batches/*/")
    check(page)
    batch = ExportBatch.objects.get()
    assert batch.practice == world.practice

    page.context.clear_cookies()
    sign_in(page, live_server, world.referrer)
    page.goto(f"{live_server.url}/gp-events/")
    expect(page.get_by_role("button", name="Export new events")).to_have_count(0)
    check(page)
    page.locator(f"a[href$='batches/{batch.pk}/']").click()
    page.wait_for_url(f"**/gp-events/batches/{batch.pk}/")
    check(page)


@pytest.mark.django_db(transaction=True)
def test_withdraw_confirm_page_fits_the_window(live_server, page):
    """The withdraw journey itself is in test_referral_journeys; here, the confirm page's
    error state is no wider than the window."""
    world = build_world()
    referral = ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        link_worker=world.link_worker_a,
        status="active",
        referrer_email="rita@example.org",
    )
    sign_in(page, live_server, world.referrer)
    page.goto(f"{live_server.url}/referrals/{referral.pk}/withdraw/")
    check(page)
    page.get_by_role("button", name="Withdraw referral").click()
    shows_error(
        page,
        "Enter why you are withdrawing this referral",
        "id_reason",
    )


@pytest.mark.django_db(transaction=True)
def test_admin_grants_a_restriction_and_lifts_it(live_server, page):
    world = build_world()
    person = PersonFactory(given_name="Rae", family_name="Strict", nhs_number=NHS_NUMBER)
    ReferralFactory(scheme=world.scheme_a, referring_organisation=world.practice, person=person)
    found = record_request(
        by=world.admin,
        organisation=world.scheme_a.host,
        person=person,
        kind=RequestKind.RESTRICTION,
        received_on=dt.date(2026, 11, 30),
        requester="person",
        identity_checked=True,
        identity_how="Photo ID seen",
    )
    sign_in(page, live_server, world.admin)

    page.goto(f"{live_server.url}/records/requests/{found.pk}/")
    check(page)
    page.get_by_label("Granted", exact=True).check()
    page.get_by_label("Legal reason").select_option(index=1)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("heading", name="Processing restricted")).to_be_visible()
    check(page)

    page.get_by_role("button", name="Lift the restriction").click()
    shows_error(page, "Enter why the restriction is lifted", "id_lift-because")
    page.get_by_label("Why the restriction is lifted").fill("The accuracy check is done")
    page.get_by_label("The person has been told").check()
    page.get_by_role("button", name="Lift the restriction").click()
    expect(page.locator("body")).to_contain_text("Restriction lifted")
    expect(page.get_by_role("heading", name="Processing restricted")).to_have_count(0)
    check(page)


@pytest.mark.django_db(transaction=True)
def test_practice_admin_rotates_a_webhook_secret(live_server, page):
    world = build_world()
    admin = UserFactory(totp=True, full_name="Pia Practice")
    MembershipFactory(user=admin, organisation=world.practice, role=Role.ADMIN)
    create_endpoint(
        by=None,
        organisation=world.practice,
        name="GP system",
        url=ADDRESS,
        events=EventType.values,
    )
    sign_in(page, live_server, admin)

    page.goto(f"{live_server.url}/webhooks/")
    page.get_by_role("button", name="Rotate the secret of GP system").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Copy the signing secret")
    expect(page.locator("#webhook-secret")).to_have_text(WebhookEndpoint.objects.get().secret)
    check(page)
