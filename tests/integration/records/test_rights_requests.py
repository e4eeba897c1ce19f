"""Rights requests: recorded with a due date one calendar month on (month ends included),
listed with their status and overdue ones, decided with a legal reason; bad input answered
with errors naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.records.dates import add_months
from linkwork.records.models import RightsRequest, due_date
from tests.conftest import World, _member, signed_in
from tests.integration.records.conftest import NHS_NUMBER, make_request


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),  # a leap year
        (dt.date(2026, 1, 15), dt.date(2026, 2, 15)),
        (dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
        (dt.date(2026, 8, 31), dt.date(2026, 9, 30)),
        (dt.date(2026, 12, 31), dt.date(2027, 1, 31)),
        (dt.date(2026, 2, 28), dt.date(2026, 3, 28)),
    ],
)
def test_answer_due_one_calendar_month_after_receipt(received, due):
    assert due_date(received) == due


def test_months_back_and_forth_clamp_to_month_end():
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 1, 10), -97) == dt.date(2017, 12, 10)


def _form(**changes: str) -> dict[str, str]:
    data = {
        "kind": "access",
        "who": "943 476 5919",
        "received_on[day]": "31",
        "received_on[month]": "1",
        "received_on[year]": "2026",
        "requester": "person",
        "identity_checked": "on",
        "identity_how": "Photo ID seen at the practice",
        "details": "Everything you hold.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_request_recorded_through_the_form_is_due_28_february_and_audited(
    client, world: World, person_a
):
    signed_in(client, world.admin)
    response = client.post(reverse("records:new_request"), _form())
    found = RightsRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("records:request", args=[found.pk])
    assert (found.person, found.organisation) == (person_a, world.scheme_a.host)
    assert (found.received_on, found.due_on) == (dt.date(2026, 1, 31), dt.date(2026, 2, 28))
    event = AuditEvent.objects.get(action="rights_request.recorded")
    assert event.actor == world.admin
    assert event.detail["due"] == "2026-02-28"
    assert person_a.family_name not in str(event.detail)


@pytest.mark.django_db
def test_request_by_referral_reference(client, world: World, person_a, referral_a):
    signed_in(client, world.admin)
    response = client.post(reverse("records:new_request"), _form(who=referral_a.reference))
    assert response.status_code == 302
    assert RightsRequest.objects.get().person == person_a


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"who": "123"}, "who", "Enter a 10-digit NHS number or a referral reference"),
        ({"who": "9434765870"}, "who", "This organisation holds no record with that number"),
        ({"received_on[day]": ""}, "received_on-day", "must include a day"),
        ({"received_on[month]": "2", "received_on[day]": "30"}, "received_on-day", "real date"),
        ({"received_on[year]": "2999"}, "received_on-day", "must be today or in the past"),
        ({"kind": "delete_everything"}, "kind", "Select one of the choices"),
        ({"requester": "representative"}, "requester_name", "Enter the name of the person"),
        ({"identity_how": ""}, "identity_how", "Say how their identity was checked"),
    ],
)
def test_bad_request_form_names_the_field(client, world: World, person_a, changes, field, message):
    signed_in(client, world.admin)
    response = client.post(reverse("records:new_request"), _form(**changes))
    body = response.content.decode()
    assert response.status_code == 400
    assert f'href="#id_{field}' in body
    assert message in body
    assert not RightsRequest.objects.exists()


@pytest.mark.django_db
def test_other_organisations_person_cannot_be_named(client, world: World, person_a):
    """An NHS number held only by another organisation is not found, and says nothing more."""
    admin_b = _member(Role.ADMIN, world.scheme_b.host)
    signed_in(client, admin_b)
    response = client.post(reverse("records:new_request"), _form(who=NHS_NUMBER))
    assert response.status_code == 400
    assert "This organisation holds no record with that number" in response.content.decode()


@pytest.mark.django_db
def test_list_shows_open_overdue_and_decided(client, world: World, person_a, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC))
    overdue = make_request(world, person_a)
    signed_in(client, world.admin)
    body = client.get(reverse("records:requests")).content.decode()
    assert "1 open, <strong>1 overdue</strong>" in body
    assert "Overdue" in body
    assert person_a.full_name in body
    response = client.post(
        reverse("records:request", args=[overdue.pk]),
        {"form": "decide", "decide-decision": "granted", "decide-legal_reason": "art15"},
    )
    assert response.status_code == 302
    body = client.get(reverse("records:requests")).content.decode()
    assert "0 open" in body
    assert "Granted" in body
    assert AuditEvent.objects.filter(action="rights_request.list_viewed").count() == 2


@pytest.mark.django_db
def test_decision_needs_a_legal_reason_and_is_audited(client, world: World, person_a):
    found = make_request(world, person_a, kind="erasure")
    signed_in(client, world.admin)
    url = reverse("records:request", args=[found.pk])
    response = client.post(url, {"form": "decide", "decide-decision": "refused"})
    assert response.status_code == 400
    assert 'href="#id_decide-legal_reason"' in response.content.decode()
    response = client.post(
        url,
        {"form": "decide", "decide-decision": "refused", "decide-legal_reason": "other"},
    )
    assert response.status_code == 400
    assert "say which legal reason applies" in response.content.decode()
    response = client.post(
        url,
        {
            "form": "decide",
            "decide-decision": "refused",
            "decide-legal_reason": "art17_3_c",
            "decide-notes": "Kept for their care and public health.",
        },
    )
    assert response.status_code == 302
    found.refresh_from_db()
    assert (found.decision, found.legal_reason, found.decided_by) == (
        "refused",
        "art17_3_c",
        world.admin,
    )
    event = AuditEvent.objects.get(action="rights_request.decided")
    assert event.detail == {"kind": "erasure", "decision": "refused", "legal_reason": "art17_3_c"}
    page = client.get(url).content.decode()
    assert "Article 17(3)(c)" in page
    # Decided once: a second decision is refused with a message, not a 500.
    again = client.post(
        url, {"form": "decide", "decide-decision": "granted", "decide-legal_reason": "art17_1_a"}
    )
    assert again.status_code == 400
    found.refresh_from_db()
    assert found.decision == "refused"


@pytest.mark.django_db
def test_records_pages_keep_heading_levels(client, world: World, person_a):
    from tests.integration.test_page_structure import back_link_outside_landmark, skipped_levels

    found = make_request(world, person_a, kind="restriction")
    signed_in(client, world.admin)
    client.post(
        reverse("records:request", args=[found.pk]),
        {"form": "decide", "decide-decision": "granted", "decide-legal_reason": "art18_1_a"},
    )
    for url in (
        reverse("records:requests"),
        reverse("records:new_request"),
        reverse("records:request", args=[found.pk]),
        reverse("records:review"),
        reverse("records:rules"),
        reverse("records:rule", args=["audit"]),
    ):
        body = client.get(url).content.decode()
        assert not skipped_levels(body), url
        assert not back_link_outside_landmark(body), url


@pytest.mark.django_db
def test_demo_requests_load_once(world: World):
    import io

    from django.core.management import call_command

    from tests.factories import ReferralFactory

    for _ in range(5):
        ReferralFactory(scheme=world.scheme_a, status="closed", closure_reason="goals_met")
    out = io.StringIO()
    call_command("seed_rights_demo", stdout=out)
    assert "Loaded 4 rights requests" in out.getvalue()
    assert RightsRequest.objects.filter(decided_at__isnull=True).count() == 2
    assert RightsRequest.objects.get(kind="restriction").decision == "granted"
    call_command("seed_rights_demo", stdout=out)
    assert "loaded already" in out.getvalue()
    assert RightsRequest.objects.count() == 4
