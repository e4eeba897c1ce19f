"""The subject access export holds everything the request's organisation holds on the person
and nothing of another organisation's, as JSON and PDF; every download is audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwork.audit import auditor
from linkwork.audit.models import AuditEvent
from linkwork.casework.models import Appointment, CaseNote
from linkwork.groups.models import Group, GroupSession, RegisterEntry
from linkwork.matching.models import Shown
from linkwork.notifications.models import InboundMessage
from linkwork.people.models import Consent
from linkwork.prescription.models import FeedbackAnswer, PrescriptionLink, SurveyInvitation
from linkwork.records.models import RightsRequest
from tests.conftest import World, signed_in
from tests.factories import ConnectionFactory, ContactFactory, PersonFactory, ReferralFactory
from tests.integration.records.conftest import NHS_NUMBER, make_request

SECRET = "Scheme B's own note about Ann"


def _appointment(referral, worker, place):  # type: ignore[no-untyped-def]
    return Appointment.objects.create(
        referral=referral,
        link_worker=worker,
        starts_at=timezone.now() + dt.timedelta(days=1),
        duration_minutes=45,
        mode="in_person",
        place=place,
        created_by=worker,
        updated_by=worker,
    )


@pytest.fixture
def planted(world: World, person_a):  # type: ignore[no-untyped-def]
    """Another organisation's records of the same person: a referral of theirs to scheme B,
    with a case note and a contact, and another record with the same NHS number."""
    theirs = ReferralFactory(
        person=person_a, scheme=world.scheme_b, reason="Scheme B reason", status="active"
    )
    CaseNote.objects.create(referral=theirs, text=SECRET, written_by=world.link_worker_b)
    InboundMessage.objects.create(
        provider_id="b-1",
        source_number="07700900123",
        body="Scheme B reply",
        referral=theirs,
        status="matched",
    )
    ContactFactory(referral=theirs, note="Scheme B contact", recorded_by=world.link_worker_b)
    _appointment(theirs, world.link_worker_b, "Scheme B venue")
    twin = ReferralFactory(
        person=PersonFactory(nhs_number=NHS_NUMBER, given_name="Twin"),
        scheme=world.scheme_b,
        reason="Twin reason",
    )
    # Scheme B's staff looked at the person: their view is scheme B's audit, not scheme A's.
    auditor.record(action="person.viewed", actor=world.link_worker_b, target=person_a)
    return theirs, twin


@pytest.fixture
def own_records(world: World, referral_a, person_a):  # type: ignore[no-untyped-def]
    CaseNote.objects.create(
        referral=referral_a, text="Scheme A note", written_by=world.link_worker_a
    )
    ContactFactory(referral=referral_a, note="Scheme A contact", recorded_by=world.link_worker_a)
    InboundMessage.objects.create(
        provider_id="a-1",
        source_number="07700900123",
        body="Scheme A reply",
        referral=referral_a,
        status="matched",
    )
    _appointment(referral_a, world.link_worker_a, "Scheme A library")
    Consent.objects.create(person=person_a, kind="contact", given=True, method="verbal")
    auditor.record(action="person.viewed", actor=world.link_worker_a, target=person_a)
    return referral_a


@pytest.mark.django_db
def test_json_export_holds_own_organisation_records_only(
    client, world: World, person_a, own_records, planted
):
    theirs, twin = planted
    found = make_request(world, person_a)
    signed_in(client, world.admin)
    response = client.get(reverse("records:export", args=[found.pk]), {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    data = json.loads(body)
    assert data["person"]["NHS number"] == NHS_NUMBER
    assert data["person"]["first name"] == "Ann"
    assert "ethnicity" in data["equality"]
    assert [r["reference"] for r in data["referrals"]] == [own_records.reference]
    assert [n["text"] for n in data["case notes"]] == ["Scheme A note"]
    assert [c["note"] for c in data["contacts"]] == ["Scheme A contact"]
    assert [r["body"] for r in data["text message replies"]] == ["Scheme A reply"]
    assert [a["place"] for a in data["appointments"]] == ["Scheme A library"]
    assert data["consents"][0]["given"] is True
    assert [e["who"] for e in data["who used the record"]] == ["Lina Worker"]
    assert data["about this export"]["organisation"] == world.scheme_a.host.name
    # Nothing of scheme B's organisation: not its referral, note, contact, staff or twin.
    for absent in (
        theirs.reference,
        twin.reference,
        SECRET,
        "Scheme B",
        "Bea Other",
        "Twin",
        "Scheme B reply",
    ):
        # ("Scheme B" also covers the other organisation's appointment, at "Scheme B venue".)
        assert absent not in body, absent


@pytest.mark.django_db
def test_every_export_is_audited_and_counted(client, world: World, person_a, own_records):
    found = make_request(world, person_a)
    signed_in(client, world.admin)
    url = reverse("records:export", args=[found.pk])
    client.get(url, {"format": "json"})
    response = client.get(url, {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"
    events = AuditEvent.objects.filter(action="rights_request.exported").order_by("id")
    assert [e.detail["format"] for e in events] == ["json", "pdf"]
    assert {e.actor for e in events} == {world.admin}
    assert {e.object_id for e in events} == {str(found.pk)}
    assert "Ann" not in str([e.detail for e in events])
    found.refresh_from_db()
    assert found.exports == 2


@pytest.mark.django_db
def test_pdf_says_what_json_says(world: World, person_a, own_records):
    from linkwork.records import export

    found = make_request(world, person_a)
    sections = export.gather(person_a, world.scheme_a.host, request=found)
    html = export.as_html(sections, person=person_a)
    assert "Scheme A note" in html
    assert own_records.reference in html
    assert SECRET not in html


@pytest.mark.django_db
def test_bad_format_and_other_kinds_have_no_export(client, world: World, person_a):
    signed_in(client, world.admin)
    access = make_request(world, person_a)
    erasure = make_request(world, person_a, kind="erasure")
    assert (
        client.get(reverse("records:export", args=[access.pk]), {"format": "xml"}).status_code
        == 404
    )
    assert client.get(reverse("records:export", args=[erasure.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="rights_request.exported").exists()


@pytest.mark.django_db
def test_another_organisations_admin_gets_404_and_no_export(client, world: World, person_a):
    from linkwork.accounts.models import Role
    from tests.conftest import _member

    found = make_request(world, person_a)
    admin_b = _member(Role.ADMIN, world.scheme_b.host)
    signed_in(client, admin_b)
    assert client.get(reverse("records:export", args=[found.pk])).status_code == 404
    assert client.get(reverse("records:request", args=[found.pk])).status_code == 404
    assert RightsRequest.objects.get().exports == 0
    assert AuditEvent.objects.filter(action="access.denied", actor=admin_b).count() == 2


def _casework_beyond_notes(referral, worker, marker):  # type: ignore[no-untyped-def]
    """A connection with a group booking, a suggestion, a prescription link, a feedback
    survey and its answers, each carrying `marker` where it can hold words."""
    connection = ConnectionFactory(referral=referral, status="accepted", created_by=worker)
    service = connection.service
    group = Group.objects.create(
        name=f"{marker} walking group",
        service=service,
        scheme=referral.scheme,
        venue=f"{marker} park",
        recurrence="weekly",
        weekday=1,
        starts_at=dt.time(10, 0),
        first_on=dt.date(2026, 1, 6),
        capacity=10,
        created_by=worker,
    )
    session = GroupSession.objects.create(
        group=group, starts_at=timezone.now() + dt.timedelta(days=2), capacity=10
    )
    RegisterEntry.objects.create(session=session, connection=connection, booked_by=worker)
    Shown.objects.create(
        case_ref=referral.pk, service=service, position=1, score=0.8, weights_version="v1"
    )
    PrescriptionLink.objects.create(
        referral=referral,
        token_digest=f"{marker}-link-digest",
        channel="text",
        created_by=worker,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    SurveyInvitation.objects.create(
        connection=connection,
        token_digest=f"{marker}-survey-digest",
        channel="text",
        expires_at=timezone.now() + dt.timedelta(days=28),
    )
    FeedbackAnswer.objects.create(
        connection=connection,
        service=service,
        went="yes",
        welcome="very",
        helped="a_lot",
        recommend="yes",
        comment=f"{marker} feedback",
    )


@pytest.mark.django_db
def test_export_holds_bookings_suggestions_links_and_feedback(
    client, world: World, person_a, own_records, planted
):
    """What the person did and was offered beyond the case notes is theirs to see too, and
    another organisation's is still left out; a link's or survey's secret digest never is."""
    theirs, _ = planted
    _casework_beyond_notes(own_records, world.link_worker_a, "Own")
    _casework_beyond_notes(theirs, world.link_worker_b, "Scheme B")
    found = make_request(world, person_a)
    signed_in(client, world.admin)
    response = client.get(reverse("records:export", args=[found.pk]), {"format": "json"})
    body = response.content.decode()
    data = json.loads(body)
    [booked] = data["group sessions booked"]
    assert booked["session"].startswith("Own walking group on ")
    assert booked["status"] == "Booked"
    [suggested] = data["services suggested"]
    assert suggested["position"] == 1
    assert "case ref" not in suggested
    [link] = data["prescription links"]
    assert link["channel"] == "Text message"
    assert link["referral"] == own_records.reference
    [survey] = data["feedback surveys sent"]
    assert survey["channel"] == "Text message"
    [answer] = data["feedback given"]
    assert (answer["helped"], answer["comment"]) == ("Yes, a lot", "Own feedback")
    assert "digest" not in body
    assert "Scheme B" not in body
