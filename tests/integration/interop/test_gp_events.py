"""Coded events for GP systems (issue 17, item 2): per practice, the SNOMED CT codes at the
first interaction of an episode and at a decline, outcome scores only when the scheme shares
all data, each exported once, as CSV and as a FHIR R4B Bundle that validates."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class

from linkwork.accounts.models import OrganisationKind, Role
from linkwork.audit.models import AuditEvent
from linkwork.casework.actions import record_contact
from linkwork.casework.models import Mode, Outcome
from linkwork.interop.gp_events import actions, events, render
from linkwork.interop.gp_events.models import ExportBatch, ExportedEvent
from linkwork.outcomes.actions import record_measure
from linkwork.records.export import sent_to_gp
from linkwork.referrals.actions import accept_referral, decline_referral, withdraw_referral
from linkwork.referrals.lifecycle import DeclineReason
from tests.conftest import World, at, signed_in
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    UserFactory,
)

REFERRED = "871731000000106"
DECLINED = "871711000000103"


@pytest.fixture
def practice(world: World):  # type: ignore[no-untyped-def]
    world.practice.ods_code = "B82005"
    world.practice.save()
    return world.practice


def referred(world: World, practice: Any, nhs_number: str = "9434765919", scheme: Any = None):  # type: ignore[no-untyped-def]
    """A referral accepted into scheme A (or `scheme`) of someone registered at `practice`."""
    scheme = scheme or world.scheme_a
    person = PersonFactory(nhs_number=nhs_number, gp_practice=practice)
    referral = ReferralFactory(scheme=scheme, person=person, referring_organisation=practice)
    worker = world.link_worker_a if scheme == world.scheme_a else world.link_worker_b
    return accept_referral(by=world.scheme_lead_a, referral=referral, link_worker=worker)


def contact(world: World, referral: Any, day: str, outcome: Outcome = Outcome.ATTENDED) -> None:
    """A contact as the contacts page records it, on the referral as it is now."""
    referral.refresh_from_db()
    record_contact(
        by=world.link_worker_a,
        referral=referral,
        occurred_at=at(day),
        mode=Mode.PHONE,
        duration_minutes=30,
        outcome=outcome,
    )


def codes_of(found: list[events.Event]) -> list[tuple[str, str]]:
    return [(event.snomed_code, event.event_date) for event in found]


@pytest.mark.django_db
def test_no_contact_yet_emits_nothing(world: World, practice):
    referred(world, practice)
    assert events.pending(world.scheme_a, practice).events == []


@pytest.mark.django_db
def test_first_contact_date_is_the_event_date_and_later_contacts_add_nothing(
    world: World, practice
):
    referral = referred(world, practice)
    contact(world, referral, "2026-03-02", Outcome.DID_NOT_ATTEND)
    assert events.pending(world.scheme_a, practice).events == []  # no interaction yet
    contact(world, referral, "2026-03-09")
    contact(world, referral, "2026-03-16")
    found = events.pending(world.scheme_a, practice).events
    assert codes_of(found) == [(REFERRED, "2026-03-09")]
    assert found[0].term == "Referral to social prescribing service"
    assert found[0].referral_reference == referral.reference
    assert found[0].nhs_number == "9434765919"
    assert found[0].date_of_birth == "1960-05-17"


@pytest.mark.django_db
def test_an_earlier_contact_recorded_later_dates_the_event(world: World, practice):
    """The first interaction is the earliest contact that happened, whenever it was typed."""
    referral = referred(world, practice)
    contact(world, referral, "2026-03-09")
    contact(world, referral, "2026-03-04")
    assert codes_of(events.pending(world.scheme_a, practice).events) == [(REFERRED, "2026-03-04")]


@pytest.mark.django_db
def test_declined_by_the_person_is_coded_other_declines_are_not(world: World, practice):
    declined = ReferralFactory(
        scheme=world.scheme_a, person=PersonFactory(nhs_number="4010232137", gp_practice=practice)
    )
    outside = ReferralFactory(
        scheme=world.scheme_a, person=PersonFactory(nhs_number="9434765870", gp_practice=practice)
    )
    decline_referral(
        by=world.scheme_lead_a, referral=declined, reason=DeclineReason.PERSON_DECLINED
    )
    decline_referral(by=world.scheme_lead_a, referral=outside, reason=DeclineReason.OUTSIDE_AREA)
    found = events.pending(world.scheme_a, practice).events
    assert [(e.snomed_code, e.term, e.referral_reference) for e in found] == [
        (DECLINED, "Social prescribing declined", declined.reference)
    ]


@pytest.mark.django_db
def test_a_withdrawal_owes_no_declined_code_and_keeps_a_started_episodes_code(
    world: World, practice
):
    before = referred(world, practice)
    started = referred(world, practice, nhs_number="4010232137")
    contact(world, started, "2026-03-09")
    for referral in (before, started):
        referral.refresh_from_db()
        withdraw_referral(who=world.referrer, referral=referral, reason="Moved away")
    found = events.pending(world.scheme_a, practice).events
    assert [(e.snomed_code, e.referral_reference) for e in found] == [(REFERRED, started.reference)]


def _scores(world: World, referral: Any) -> None:
    record_measure(
        by=world.link_worker_a,
        referral=referral,
        instrument="swemwbs",
        time_point="baseline",
        responses={"items": [3, 3, 4, 2, 3, 4, 3]},
    )
    record_measure(
        by=world.link_worker_a,
        referral=referral,
        instrument="phq9",
        time_point="baseline",
        responses={"items": [1, 1, 1, 1, 1, 1, 1, 1, 0]},
    )


@pytest.mark.django_db
def test_outcome_scores_only_when_the_scheme_shares_all_data(world: World, practice):
    referral = referred(world, practice)
    contact(world, referral, "2026-03-09")
    _scores(world, referral)
    assert [e.kind for e in events.pending(world.scheme_a, practice).events] == ["referred"]

    world.scheme_a.share_all_data_with_gp = True
    world.scheme_a.save()
    found = events.pending(world.scheme_a, practice).events
    scores = {e.instrument: e for e in found if e.kind == "score"}
    assert set(scores) == {"swemwbs", "phq9"}
    assert scores["swemwbs"].values == [("total", 22), ("metric", 19.98)]
    assert scores["phq9"].values == [("total", 8), ("band", "mild")]
    assert scores["phq9"].snomed_code == ""  # LOINC, not SNOMED: in the FHIR coding only
    rows = list(csv.DictReader(io.StringIO(render.csv_text(found))))
    swemwbs = next(row for row in rows if row["instrument"].startswith("Short Warwick"))
    assert swemwbs["value"] == "total 22; metric 19.98"


@pytest.mark.django_db
def test_re_export_emits_nothing_new_and_a_batch_downloads_as_it_was(world: World, practice):
    first = referred(world, practice)
    contact(world, first, "2026-03-09")
    batch = actions.export(by=world.scheme_lead_a, scheme=world.scheme_a, practice=practice)
    assert batch is not None
    assert len(batch.events) == 1
    assert actions.export(by=world.scheme_lead_a, scheme=world.scheme_a, practice=practice) is None

    contact(world, first, "2026-03-01")  # an earlier contact, typed later: still one event
    second = referred(world, practice, nhs_number="4010232137")
    contact(world, second, "2026-04-01")
    again = actions.export(by=world.scheme_lead_a, scheme=world.scheme_a, practice=practice)
    assert again is not None
    assert [e["referral_reference"] for e in again.events] == [second.reference]
    assert ExportedEvent.objects.count() == 2
    # The first batch is unchanged: same rows, same date as when it was sent.
    rows = list(csv.DictReader(io.StringIO(actions.content(batch, "csv"))))
    assert [(r["event_date"], r["referral_reference"]) for r in rows] == [
        ("2026-03-09", first.reference)
    ]
    assert AuditEvent.objects.filter(action="gp_events.exported").count() == 2


@pytest.mark.django_db
def test_held_back_without_nhs_number_until_it_is_recorded(world: World, practice):
    referral = referred(world, practice, nhs_number="")
    contact(world, referral, "2026-03-09")
    due = events.pending(world.scheme_a, practice)
    assert (due.events, due.held_back) == ([], 1)
    referral.person.nhs_number = "9434765919"
    referral.person.save()
    assert len(events.pending(world.scheme_a, practice).events) == 1


@pytest.mark.django_db
def test_another_scheme_and_another_practice_are_absent(world: World, practice):
    ours = referred(world, practice)
    contact(world, ours, "2026-03-09")
    theirs = referred(world, practice, nhs_number="4010232137", scheme=world.scheme_b)
    record_contact(
        by=world.link_worker_b,
        referral=theirs,
        occurred_at=at("2026-03-10"),
        mode=Mode.PHONE,
        duration_minutes=20,
        outcome=Outcome.ATTENDED,
    )
    elsewhere = referred(
        world, OrganisationFactory(kind=OrganisationKind.GP_PRACTICE), nhs_number="9434765870"
    )
    contact(world, elsewhere, "2026-03-11")
    found = events.pending(world.scheme_a, practice).events
    assert [e.referral_reference for e in found] == [ours.reference]


@pytest.mark.django_db
def test_csv_header_and_fhir_bundle_validate(world: World, practice):
    world.scheme_a.share_all_data_with_gp = True
    world.scheme_a.save()
    referral = referred(world, practice)
    contact(world, referral, "2026-03-09")
    _scores(world, referral)
    record_measure(
        by=world.link_worker_a,
        referral=referral,
        instrument="ons4",
        time_point="baseline",
        responses={"life_satisfaction": 7, "worthwhile": 8, "happiness": 6, "anxiety": 3},
    )
    declined = ReferralFactory(
        scheme=world.scheme_a, person=PersonFactory(nhs_number="4010232137", gp_practice=practice)
    )
    decline_referral(
        by=world.scheme_lead_a, referral=declined, reason=DeclineReason.PERSON_DECLINED
    )
    batch = actions.export(by=world.scheme_lead_a, scheme=world.scheme_a, practice=practice)
    assert batch is not None

    reader = csv.reader(io.StringIO(actions.content(batch, "csv")))
    assert next(reader) == [
        "nhs_number",
        "date_of_birth",
        "event_date",
        "snomed_code",
        "term",
        "instrument",
        "value",
        "referral_reference",
    ]
    bundle = json.loads(actions.content(batch, "fhir"))
    get_fhir_model_class("Bundle").model_validate(bundle)
    assert bundle["type"] == "collection"
    resources = [entry["resource"] for entry in bundle["entry"]]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert resource["subject"]["identifier"]["system"] == "https://fhir.nhs.uk/Id/nhs-number"
    kinds = sorted(
        (r["resourceType"], r["code"].get("coding", [{}])[0].get("code", "")) for r in resources
    )
    assert kinds == [
        ("Observation", ""),  # ONS4: no published code, the name as text
        ("Observation", ""),  # SWEMWBS: likewise
        ("Observation", "44261-6"),  # PHQ-9 total score (LOINC)
        ("Observation", DECLINED),
        ("Procedure", REFERRED),
    ]
    procedure = next(r for r in resources if r["resourceType"] == "Procedure")
    assert procedure["performedDateTime"] == "2026-03-09"
    ons4 = next(r for r in resources if r["code"]["text"] == "ONS4 personal wellbeing")
    assert [(c["code"]["text"], c["valueQuantity"]["value"]) for c in ons4["component"]] == [
        ("life_satisfaction", 7),
        ("worthwhile", 8),
        ("happiness", 6),
        ("anxiety", 3),
    ]


@pytest.mark.django_db
def test_page_exports_and_downloads_scoped_and_audited(client, world: World, practice):
    referral = referred(world, practice)
    contact(world, referral, "2026-03-09")
    signed_in(client, world.scheme_lead_a)
    page = client.get(reverse("gp_events:index"))
    assert page.status_code == 200
    assert "Alder Street Surgery" in page.content.decode()
    answer = client.post(
        reverse("gp_events:index"), {"scheme": world.scheme_a.pk, "practice": practice.pk}
    )
    batch = ExportBatch.objects.get()
    assert answer.status_code == 302
    assert answer.url == reverse("gp_events:batch", args=[batch.pk])
    download = client.get(reverse("gp_events:batch_csv", args=[batch.pk]))
    assert download.status_code == 200
    assert referral.reference in download.content.decode()
    assert "B82005" in download["Content-Disposition"]
    fhir = client.get(reverse("gp_events:batch_fhir", args=[batch.pk]))
    assert fhir["Content-Type"] == "application/fhir+json"
    assert AuditEvent.objects.filter(action="gp_events.downloaded").count() == 2
    # Nothing new: no second batch.
    client.post(reverse("gp_events:index"), {"scheme": world.scheme_a.pk, "practice": practice.pk})
    assert ExportBatch.objects.count() == 1
    # The host organisation's admin may download it; a lead of another scheme may not.
    signed_in(client, world.admin)
    assert client.get(reverse("gp_events:batch_csv", args=[batch.pk])).status_code == 200
    signed_in(client, world.link_worker_b)
    assert client.get(reverse("gp_events:index")).status_code == 403


@pytest.mark.django_db
def test_a_practice_sees_and_downloads_only_its_own_exports_audited(client, world: World, practice):
    contact(world, referred(world, practice), "2026-03-09")
    ours = actions.export(by=world.scheme_lead_a, scheme=world.scheme_a, practice=practice)
    other_practice = OrganisationFactory(
        name="Birch Road Practice", kind=OrganisationKind.GP_PRACTICE
    )
    contact(world, referred(world, other_practice, nhs_number="9434765870"), "2026-03-09")
    theirs = actions.export(by=world.scheme_lead_a, scheme=world.scheme_a, practice=other_practice)
    assert ours is not None
    assert theirs is not None
    signed_in(client, world.referrer)  # a referrer at Alder Street Surgery

    page = client.get(reverse("gp_events:index"))

    assert page.status_code == 200
    body = page.content.decode()
    assert f"batches/{ours.pk}/" in body
    assert f"batches/{theirs.pk}/" not in body
    assert "Birch Road Practice" not in body
    assert "Export new events" not in body  # the practice downloads; the scheme exports
    assert AuditEvent.objects.filter(action="gp_events.viewed", actor=world.referrer).exists()
    assert client.get(reverse("gp_events:batch", args=[ours.pk])).status_code == 200
    for name, content_type in (
        ("gp_events:batch_csv", "text/csv"),
        ("gp_events:batch_fhir", "application/fhir+json"),
    ):
        download = client.get(reverse(name, args=[ours.pk]))
        assert download.status_code == 200
        assert download["Content-Type"].startswith(content_type)
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    downloads = AuditEvent.objects.filter(action="gp_events.downloaded", actor=world.referrer)
    assert {(e.object_id, e.detail["format"]) for e in downloads} == {
        (str(ours.pk), "csv"),
        (str(ours.pk), "fhir"),
    }
    refused = AuditEvent.objects.filter(action="access.denied", actor=world.referrer)
    assert {e.object_id for e in refused} == {str(theirs.pk)}


@pytest.mark.django_db
def test_a_practice_may_not_export(client, world: World, practice):
    contact(world, referred(world, practice), "2026-03-09")
    signed_in(client, world.referrer)

    answer = client.post(
        reverse("gp_events:index"), {"scheme": world.scheme_a.pk, "practice": practice.pk}
    )

    assert answer.status_code == 403
    assert not ExportBatch.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=world.referrer).count() == 1


@pytest.mark.django_db
def test_a_referrer_at_an_organisation_that_is_not_a_practice_sees_no_exports(
    client, world: World, practice
):
    contact(world, referred(world, practice), "2026-03-09")
    actions.export(by=world.scheme_lead_a, scheme=world.scheme_a, practice=practice)
    council = OrganisationFactory(name="Millbrook Council", kind=OrganisationKind.LOCAL_AUTHORITY)
    officer = UserFactory(totp=True)
    MembershipFactory(user=officer, organisation=council, role=Role.REFERRER)
    signed_in(client, officer)

    assert client.get(reverse("gp_events:index")).status_code == 403
    batch = ExportBatch.objects.get()
    assert client.get(reverse("gp_events:batch_csv", args=[batch.pk])).status_code == 403


@pytest.mark.django_db
def test_page_names_the_bad_field(client, world: World, practice):
    referred(world, practice)
    signed_in(client, world.scheme_lead_a)
    answer = client.post(reverse("gp_events:index"), {"scheme": "x", "practice": practice.pk})
    assert answer.status_code == 400
    body = answer.content.decode()
    assert "Select one of the choices given for scheme" in body
    assert "Select a valid choice" not in body  # never Django's own words
    answer = client.post(
        reverse("gp_events:index"), {"scheme": world.scheme_b.pk, "practice": practice.pk}
    )
    assert answer.status_code == 400
    assert ExportBatch.objects.count() == 0


@pytest.mark.django_db
def test_command_exports_once_and_downloads_a_batch_again(world: World, practice, tmp_path):
    referral = referred(world, practice)
    contact(world, referral, "2026-03-09")
    out = io.StringIO()
    call_command(
        "export_gp_events", practice="b82005", format="fhir", stdout=out, stderr=io.StringIO()
    )
    bundle = json.loads(out.getvalue())
    assert [e["resource"]["code"]["coding"][0]["code"] for e in bundle["entry"]] == [REFERRED]

    target = tmp_path / "again.csv"
    call_command(
        "export_gp_events",
        practice="B82005",
        format="csv",
        output=str(target),
        stderr=io.StringIO(),
    )
    assert target.read_text().splitlines()[1:] == []  # header only: nothing new

    batch = ExportBatch.objects.get()
    out = io.StringIO()
    call_command(
        "export_gp_events", batch=str(batch.pk), format="csv", stdout=out, stderr=io.StringIO()
    )
    assert referral.reference in out.getvalue()
    assert AuditEvent.objects.filter(action="gp_events.exported", actor=None).count() == 1


@pytest.mark.django_db
def test_subject_access_export_lists_what_was_sent_to_the_practice(world: World, practice):
    referral = referred(world, practice)
    contact(world, referral, "2026-03-09")
    other = referred(world, practice, nhs_number="4010232137")
    contact(world, other, "2026-03-10")
    actions.export(by=world.scheme_lead_a, scheme=world.scheme_a, practice=practice)
    sent = sent_to_gp([referral])
    assert [(row["SNOMED CT code"], row["date"], row["GP practice"]) for row in sent] == [
        (REFERRED, "2026-03-09", "Alder Street Surgery")
    ]
