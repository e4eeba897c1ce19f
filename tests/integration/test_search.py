"""One search box finds a person by name, date of birth, NHS number or reference on the
caseload, the referral list and the triage queue: within what the user may see, audited
without what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from tests.conftest import World, signed_in
from tests.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world: World) -> dict[str, object]:
    def referral(given: str, family: str, **fields: object) -> object:
        person = PersonFactory(
            given_name=given,
            family_name=family,
            date_of_birth=fields.pop("born", dt.date(1960, 5, 17)),
            nhs_number=fields.pop("nhs_number", ""),
        )
        fields.setdefault("scheme", world.scheme_a)
        fields.setdefault("status", "active")
        fields.setdefault("link_worker", world.link_worker_a)
        return ReferralFactory(person=person, **fields)

    return {
        "rowan": referral("Rowan", "Ashdown", born=dt.date(1950, 3, 4), nhs_number="4857773456"),
        "sam": referral("Sam", "Birchall"),
        "other": referral("Rowan", "Elsewhere", scheme=world.scheme_b, link_worker=None),
        "waiting": referral("Tamsin", "Rowe", status="received", link_worker=None),
    }


SEARCHES = [
    "Rowan",
    "rowan ashdown",
    "4/3/1950",
    "4 March 1950",
    "485 777 3456",
    "4857773456",
]


@pytest.mark.parametrize("query", SEARCHES)
def test_caseload_search_finds_person(client, world, people, query):
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("casework:caseload"), {"q": query}).content.decode()
    assert "Rowan Ashdown" in body
    assert "Sam Birchall" not in body
    assert "Rowan Elsewhere" not in body


def test_caseload_search_by_reference(client, world, people):
    signed_in(client, world.link_worker_a)
    reference = people["rowan"].reference  # type: ignore[attr-defined]
    body = client.get(
        reverse("casework:caseload"), {"q": reference.replace("-", " ").lower()}
    ).content.decode()
    assert "Rowan Ashdown" in body
    assert "Sam Birchall" not in body


@pytest.mark.parametrize("query", SEARCHES)
def test_referral_list_search_finds_person(client, world, people, query):
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("referrals:list"), {"q": query}).content.decode()
    assert people["rowan"].reference in body  # type: ignore[attr-defined]
    assert people["sam"].reference not in body  # type: ignore[attr-defined]
    assert people["other"].reference not in body  # type: ignore[attr-defined]


def test_referral_list_search_keeps_the_query_in_page_links(client, world, people):
    for _ in range(30):
        ReferralFactory(
            scheme=world.scheme_a, person=PersonFactory(given_name="Rowan", family_name="Many")
        )
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("referrals:list"), {"q": "Rowan"}).content.decode()
    assert "q=Rowan&amp;page=2" in body


def test_triage_queue_search_finds_waiting_referral(client, world, people):
    ReferralFactory(
        scheme=world.scheme_a,
        status="received",
        person=PersonFactory(given_name="Other", family_name="Waiting"),
    )
    signed_in(client, world.scheme_lead_a)
    body = client.get(reverse("referrals:triage_queue"), {"q": "tamsin"}).content.decode()
    assert people["waiting"].reference in body  # type: ignore[attr-defined]
    assert "Other Waiting" not in body
    assert 'name="q"' in body


@pytest.mark.parametrize(
    ("url", "persona", "action"),
    [
        ("casework:caseload", "link_worker_a", "caseload.viewed"),
        ("referrals:list", "link_worker_a", "referral.list_viewed"),
        ("referrals:triage_queue", "scheme_lead_a", "referral.triage_queue_viewed"),
    ],
)
def test_search_is_audited_without_the_words(client, world, people, url, persona, action):
    signed_in(client, getattr(world, persona))
    client.get(reverse(url), {"q": "Rowan Ashdown"})
    event = AuditEvent.objects.filter(action=action).latest("pk")
    assert event.detail["search"] == "name"
    assert "Rowan" not in str(event.detail)
    assert "Ashdown" not in str(event.detail)
    assert "Rowan" not in event.path


@pytest.mark.parametrize("url", ["casework:caseload", "referrals:list"])
def test_search_box_on_page(client, world, people, url):
    signed_in(client, world.link_worker_a)
    body = client.get(reverse(url)).content.decode()
    assert 'role="search"' in body
    assert "Name, date of birth (like 4/3/1950), NHS number or referral reference" in body
