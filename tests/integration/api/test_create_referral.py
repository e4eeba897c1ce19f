"""POST /api/v1/referrals: a referral from the token's organisation, with the person made or
found, in one transaction."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkwork.audit.models import AuditEvent
from linkwork.people.models import Person, PersonMatch, current_consents
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Channel, Referral
from linkwork.vocabulary.routes import Route
from tests.factories import OrganisationFactory, PersonFactory
from tests.integration.api.conftest import post

pytestmark = pytest.mark.django_db


def test_post_referral_creates_referral_with_reference(client, practice, body):
    response = post(client, practice, body)

    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert set(answer) == {"id", "reference", "status", "received_at", "links"}
    referral = Referral.objects.get()
    assert answer["id"] == str(referral.pk)
    assert re.fullmatch(r"LW-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", answer["reference"])
    assert answer["reference"] == referral.reference
    assert answer["status"] == "received"
    assert answer["received_at"].startswith(referral.received_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert answer["links"] == {"self": f"/api/v1/referrals/{referral.pk}"}
    assert response["Location"] == answer["links"]["self"]


def test_post_referral_records_what_was_sent(client, scheme, practice, body):
    post(client, practice, body)

    referral = Referral.objects.select_related("person").get()
    assert referral.channel == Channel.API
    assert referral.referring_organisation == practice.organisation
    assert referral.scheme == scheme
    assert referral.route == Route.GP_PRACTICE
    assert referral.needs == ["loneliness", "money_debt"]
    assert referral.consent_to_refer is True
    assert (referral.referrer_name, referral.referrer_email) == (
        "Dr Rita Referrer",
        "rita@example.org",
    )
    assert referral.response_to_email == "surgery@example.org"
    assert referral.created_by is None
    person = referral.person
    assert person.nhs_number == "9434765919"
    assert person.postcode == "BK1 2AB"
    assert (person.given_name, person.family_name) == ("Nadia", "Okafor")
    assert person.digital_access == "limited"
    assert current_consents(person) == {
        "contact": True,
        "share_with_providers": True,
        "message_back": True,
        "evaluation": False,
    }
    assert list(referral.history.values_list("to_status", flat=True)) == [Status.RECEIVED]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"person.created", "referral.created", "api.referral_received"} <= actions
    received = AuditEvent.objects.get(action="api.referral_received")
    assert received.detail == {
        "api_token": practice.token.pk,
        "organisation": practice.organisation.pk,
        "known": False,
    }


def test_post_referral_leaves_out_consents_not_asked(client, practice, body):
    body["consents"] = {"contact": True}

    post(client, practice, body)

    assert current_consents(Person.objects.get()) == {"contact": True}


@pytest.mark.parametrize("route", Route.values)
def test_post_referral_from_every_route(client, practice, body, route):
    body["referral"]["route"] = route

    response = post(client, practice, body)

    assert response.status_code == 201, response.content
    assert Referral.objects.get().route == route


def test_post_referral_with_same_nhs_number_opens_a_pending_match(client, practice, body):
    known = PersonFactory(
        nhs_number="9434765919",
        given_name="Nadia",
        family_name="Okafor-Smith",
        postcode="",
        date_of_birth="1958-02-14",
    )

    response = post(client, practice, body)

    assert response.status_code == 201
    # The referral stays on a record made from what was sent until a link worker checks.
    referral = Referral.objects.get()
    assert referral.person != known
    match = PersonMatch.objects.get()
    assert (match.candidate, match.existing, match.status) == (referral.person, known, "pending")
    # Nothing about the person already on record is given away.
    assert b"Okafor-Smith" not in response.content
    assert set(response.json()) == {"id", "reference", "status", "received_at", "links"}
    # The decisions sent apply to this referral's record alone; the known record is untouched.
    assert current_consents(known) == {}
    assert current_consents(referral.person)["share_with_providers"] is True
    assert AuditEvent.objects.get(action="api.referral_received").detail["known"] is True


def test_post_referral_with_known_nhs_number_but_other_birth_date_is_a_new_person(
    client, practice, body
):
    """A mistyped but valid NHS number must not attach the referral to someone else."""
    PersonFactory(nhs_number="9434765919", date_of_birth="1971-01-01")
    assert post(client, practice, body).status_code == 201
    assert Person.objects.count() == 2


def test_post_referral_reuses_person_with_same_name_birth_date_and_postcode(client, practice, body):
    known = PersonFactory(
        given_name="nadia",
        family_name="OKAFOR",
        date_of_birth="1958-02-14",
        postcode="BK1 2AB",
        nhs_number="",
    )
    del body["person"]["nhs_number"]

    response = post(client, practice, body)

    assert response.status_code == 201
    assert PersonMatch.objects.get().existing == known
    assert Referral.objects.get().person != known


def test_post_referral_creates_person_when_nhs_numbers_differ(client, practice, body):
    """Same name, date of birth and postcode but another NHS number: another person."""
    PersonFactory(
        given_name="Nadia",
        family_name="Okafor",
        date_of_birth="1958-02-14",
        postcode="BK1 2AB",
        nhs_number="9434765870",
    )

    response = post(client, practice, body)

    assert response.status_code == 201
    assert Person.objects.count() == 2
    assert Referral.objects.get().person.nhs_number == "9434765919"


def test_post_referral_links_gp_practice_by_ods_code(client, practice, body):
    surgery = OrganisationFactory(name="Mill Lane Surgery", kind="gp_practice", ods_code="B82005")
    body["person"]["gp_practice_ods_code"] = "b82005"

    response = post(client, practice, body)

    assert response.status_code == 201
    assert Person.objects.get().gp_practice == surgery


def test_post_referral_records_no_known_gp_practice(client, practice, body):
    body["person"]["no_known_gp_practice"] = True

    post(client, practice, body)

    assert Person.objects.get().no_known_gp_practice is True


def test_post_referral_accepts_null_as_not_given(client, practice, body):
    body["person"]["nhs_number"] = None
    body["referral"]["response_to"] = None

    response = post(client, practice, body)

    assert response.status_code == 201, response.content
    assert Person.objects.get().nhs_number == ""


def test_safeguarding_concern_sent_by_api_raises_a_safety_flag(client, practice, body):
    from linkwork.outcomes.models import SafetyFlag

    body["person"]["safeguarding_concerns"] = "Carer reports bruising on her arms."
    response = post(client, practice, body)

    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert referral.safeguarding_concern == "Carer reports bruising on her arms."
    flag = SafetyFlag.objects.get()
    assert (flag.referral, flag.kind, flag.raised_by) == (referral, "safeguarding", None)


def test_post_referral_statement_budget(client, practice, body, settings):
    """Every statement is a round trip that waits for a processor under load (issue 16, item
    12): a new person's referral is checked, written, messaged and audited in few of them,
    its tasks queued in the database as in production."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    stranger = {**body["person"], "nhs_number": "", "family_name": "Warm"}
    post(client, practice, {**body, "person": stranger})
    with CaptureQueriesContext(connection) as queries:
        response = post(client, practice, body)
    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in queries.captured_queries]
    audits = [s for s in sql if s.startswith('INSERT INTO "audit_auditevent"')]
    assert len(audits) == 1, "the request's events are written together"
    assert len(sql) <= 22, "\n".join(sql)
