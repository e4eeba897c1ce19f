"""POST /fhir/ with a transaction Bundle: a referral from the token's organisation, made by
the referrals API's own action (same checks, same identity matching), which the link workers
of the scheme see; every problem is named by its element in the Bundle."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.people.models import Person, PersonMatch, current_consents
from linkwork.referrals.actions import accept_referral
from linkwork.referrals.models import Channel, Referral
from tests.conftest import World, signed_in
from tests.factories import PersonFactory
from tests.integration.interop.conftest import fhir, outcome, valid

pytestmark = pytest.mark.django_db

L = "https://linkwork.org.uk/fhir"


def bundle(scheme_slug: str) -> dict[str, Any]:
    """A referral as a GP system sends it: Patient, ServiceRequest, Task, Consent and the
    answers of Linkwork's referral questionnaire."""

    def entry(uuid: str, resource: dict[str, Any]) -> dict[str, Any]:
        return {
            "fullUrl": f"urn:uuid:{uuid}",
            "resource": resource,
            "request": {"method": "POST", "url": resource["resourceType"]},
        }

    patient = "urn:uuid:11111111-1111-4111-8111-111111111111"
    request = "urn:uuid:22222222-2222-4222-8222-222222222222"
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            entry(
                patient[9:],
                {
                    "resourceType": "Patient",
                    "identifier": [
                        {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}
                    ],
                    "name": [{"use": "official", "given": ["Nadia"], "family": "Okafor"}],
                    "gender": "female",
                    "birthDate": "1958-02-14",
                    "telecom": [
                        {"system": "phone", "value": "07700 900123", "rank": 1},
                        {"system": "email", "value": "nadia@example.org"},
                    ],
                    "address": [
                        {"line": ["4 Mill Lane"], "city": "Brackenfield", "postalCode": "BK1 2AB"}
                    ],
                },
            ),
            entry(
                request[9:],
                {
                    "resourceType": "ServiceRequest",
                    "status": "active",
                    "intent": "order",
                    "code": {
                        "coding": [{"system": "http://snomed.info/sct", "code": "871731000000106"}]
                    },
                    "category": [
                        {
                            "coding": [
                                {"system": f"{L}/CodeSystem/referral-route", "code": "gp_practice"}
                            ]
                        }
                    ],
                    "reasonCode": [
                        {"coding": [{"system": f"{L}/CodeSystem/need", "code": "loneliness"}]},
                        {"coding": [{"system": f"{L}/CodeSystem/need", "code": "money_debt"}]},
                    ],
                    "priority": "routine",
                    "subject": {"reference": patient},
                    "requester": {"display": "Dr Rita Referrer"},
                    "performer": [
                        {"identifier": {"system": f"{L}/Id/scheme", "value": scheme_slug}}
                    ],
                    "note": [{"text": "Lonely since her husband died."}],
                },
            ),
            entry(
                "33333333-3333-4333-8333-333333333333",
                {
                    "resourceType": "Task",
                    "status": "requested",
                    "intent": "order",
                    "code": {
                        "coding": [
                            {
                                "system": "http://hl7.org/fhir/CodeSystem/task-code",
                                "code": "fulfill",
                            }
                        ]
                    },
                    "focus": {"reference": request},
                    "for": {"reference": patient},
                },
            ),
            entry(
                "44444444-4444-4444-8444-444444444444",
                {
                    "resourceType": "Consent",
                    "status": "active",
                    "scope": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                "code": "treatment",
                            }
                        ]
                    },
                    "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
                    "patient": {"reference": patient},
                    "provision": {
                        "type": "permit",
                        "provision": [
                            {
                                "type": "permit",
                                "code": [
                                    {
                                        "coding": [
                                            {"system": f"{L}/CodeSystem/consent", "code": "contact"}
                                        ]
                                    }
                                ],
                            },
                            {
                                "type": "deny",
                                "code": [
                                    {
                                        "coding": [
                                            {
                                                "system": f"{L}/CodeSystem/consent",
                                                "code": "evaluation",
                                            }
                                        ]
                                    }
                                ],
                            },
                        ],
                    },
                },
            ),
            entry(
                "55555555-5555-4555-8555-555555555555",
                {
                    "resourceType": "QuestionnaireResponse",
                    "status": "completed",
                    "item": [
                        {
                            "linkId": "what-matters",
                            "answer": [{"valueString": "Getting out again."}],
                        }
                    ],
                },
            ),
        ],
    }


def test_bundle_becomes_a_referral_the_link_worker_sees(client, world: World, practice):
    response = fhir(client, practice, "POST", "/fhir/", bundle(world.scheme_a.slug))

    assert response.status_code == 200, response.content
    answer = valid(response.json())
    assert answer["type"] == "transaction-response"
    referral = Referral.objects.select_related("person").get()
    task_entry = answer["entry"][2]
    assert task_entry["resource"]["status"] == "requested"
    assert task_entry["response"]["location"] == f"Task/{referral.pk}/_history/{referral.version}"
    assert answer["entry"][1]["response"]["location"].startswith(f"ServiceRequest/{referral.pk}")
    assert (referral.channel, referral.referring_organisation) == (Channel.API, world.practice)
    assert referral.needs == ["loneliness", "money_debt"]
    assert (referral.what_matters, referral.reason) == (
        "Getting out again.",
        "Lonely since her husband died.",
    )
    assert referral.referrer_name == "Dr Rita Referrer"
    assert (referral.person.nhs_number, referral.person.postcode) == ("9434765919", "BK1 2AB")
    assert current_consents(referral.person) == {"contact": True, "evaluation": False}
    event = AuditEvent.objects.get(action="fhir.referral_received")
    assert event.detail == {"api_token": practice.token.pk, "organisation": world.practice.pk}

    # The referrer follows its Task; the scheme's link worker sees the referral.
    task = valid(fhir(client, practice, "GET", f"/fhir/Task/{referral.pk}").json())
    assert task["status"] == "requested"
    signed_in(client, world.scheme_lead_a)
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200
    assert "Nadia" in page.content.decode()


def test_known_person_goes_to_a_pending_match_never_changed(client, world: World, practice):
    known = PersonFactory(
        given_name="Nadia",
        family_name="Okafor",
        date_of_birth="1958-02-14",
        nhs_number="9434765919",
        phone="0113 000 0000",
    )
    response = fhir(client, practice, "POST", "/fhir/", bundle(world.scheme_a.slug))
    assert response.status_code == 200, response.content
    assert Person.objects.count() == 2
    known.refresh_from_db()
    assert known.phone == "0113 000 0000"
    match = PersonMatch.objects.get()
    assert match.existing_id == known.pk
    assert str(known.pk) not in response.content.decode()


def without(data: dict[str, Any], index: int, key: str) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    changed["entry"][index]["resource"].pop(key)
    return changed


@pytest.mark.parametrize(
    ("change", "status", "code", "expression"),
    [
        (
            lambda b: without(b, 0, "birthDate"),
            422,
            "required",
            "Bundle.entry[0].resource.birthDate",
        ),
        (
            lambda b: without(b, 1, "performer"),
            422,
            "required",
            "Bundle.entry[1].resource.performer",
        ),
        (lambda b: without(b, 1, "category"), 422, "required", "Bundle.entry[1].resource.category"),
        (
            lambda b: without(b, 1, "reasonCode"),
            422,
            "required",
            "Bundle.entry[1].resource.reasonCode",
        ),
        (lambda b: {**b, "type": "batch"}, 422, "value", "Bundle.type"),
        (lambda b: {**b, "entry": b["entry"][1:]}, 422, "required", "Bundle.entry"),
    ],
)
def test_bad_bundles_name_the_element(
    client, world: World, practice, change, status, code, expression
):
    response = fhir(client, practice, "POST", "/fhir/", change(bundle(world.scheme_a.slug)))
    issue = outcome(response, status, code)
    assert issue["expression"] == [expression]
    assert not Referral.objects.exists()


def test_structural_and_rule_problems(client, world: World, practice):
    data = bundle(world.scheme_a.slug)
    data["entry"][0]["resource"]["birthDate"] = "1958-13-40"
    issue = outcome(fhir(client, practice, "POST", "/fhir/", data), 400, "value")
    assert issue["expression"] == ["Bundle.entry[0].resource.birthDate"]

    data = bundle("no-such-scheme")
    issue = outcome(fhir(client, practice, "POST", "/fhir/", data), 422, "business-rule")
    assert issue["expression"] == ["Bundle.entry[1].resource.performer[0].identifier.value"]

    data = bundle(world.scheme_a.slug)
    data["entry"][2]["resource"]["status"] = "ready"
    data["entry"][3]["resource"]["provision"]["type"] = "deny"
    issues = fhir(client, practice, "POST", "/fhir/", data).json()["issue"]
    assert {issue["expression"][0] for issue in issues} == {"Bundle.entry[2].resource.status"}
    data["entry"][2]["resource"]["status"] = "requested"
    issue = outcome(fhir(client, practice, "POST", "/fhir/", data), 422, "value")
    assert issue["expression"] == ["Bundle.entry[3].resource.provision.type"]
    assert "agrees" in issue["diagnostics"]
    outcome(fhir(client, practice, "POST", "/fhir/", "{oops"), 400, "invalid")
    outcome(fhir(client, practice, "POST", "/fhir/", {"resourceType": "Patient"}), 400, "invalid")
    assert not Referral.objects.exists()


def test_referrer_follows_its_task_and_may_not_answer_it(client, world: World, practice):
    fhir(client, practice, "POST", "/fhir/", bundle(world.scheme_a.slug))
    referral = Referral.objects.get()
    accept_referral(by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_a)
    found = valid(fhir(client, practice, "GET", "/fhir/Task?status=accepted").json())
    (entry,) = found["entry"]
    task = entry["resource"]
    assert (task["id"], task["status"]) == (str(referral.pk), "accepted")
    # Answering is the owner's (the scheme's); of the IG's requester statuses Linkwork takes
    # only a withdrawal (cancelled, entered-in-error) on a referral through the API.
    task["status"] = "completed"
    outcome(fhir(client, practice, "PUT", f"/fhir/Task/{referral.pk}", task), 403, "forbidden")
    task["status"] = "draft"
    outcome(fhir(client, practice, "PUT", f"/fhir/Task/{referral.pk}", task), 422, "not-supported")
    request = valid(fhir(client, practice, "GET", f"/fhir/ServiceRequest/{referral.pk}").json())
    assert request["code"]["coding"][0]["code"] == "871731000000106"


@pytest.mark.parametrize(
    ("entry", "element", "value"),
    [
        (0, "gender", "xyz"),
        (1, "priority", "whenever"),
        (0, "telecom", [{"system": "phone", "value": "07700 900123\u0000"}]),
        (0, "name", [{"given": ["N" * 500], "family": "Okafor"}]),
        (1, "reasonCode", [{"coding": [{"system": f"{L}/CodeSystem/need", "code": "nonsense"}]}]),
        (4, "item", [{"linkId": "favourite-colour", "answer": [{"valueString": "Blue"}]}]),
    ],
)
def test_odd_values_are_422_naming_the_element_never_500(
    client, world: World, practice, entry, element, value
):
    data = bundle(world.scheme_a.slug)
    data["entry"][entry]["resource"][element] = value
    response = fhir(client, practice, "POST", "/fhir/", data)
    assert response.status_code == 422, response.content
    issues = valid(response.json())["issue"]
    assert all(
        issue["expression"][0].startswith(f"Bundle.entry[{entry}].resource.{element}")
        for issue in issues
    ), issues
    assert not Referral.objects.exists()
