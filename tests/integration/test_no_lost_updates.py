"""No lost updates (issue 16, item 8): two people edit the same record from the same version;
the first save stands, and the second is shown who changed it and when, with their own answers
kept, instead of silently writing over the first.

Each test opens the form as both people (so both hold the same version), saves as the first,
then as the second. The row lock taken by each action makes real concurrent saves take turns,
so the same check decides them on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import html
import re
import threading

import pytest
from django.db import connection as db_connection
from django.db import connections
from django.test import Client
from django.urls import reverse

from linkwork.accounts.models import Role
from linkwork.casework.actions import save_plan
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, SupportPlan
from linkwork.core.concurrency import EditConflict
from linkwork.directory.models import Service
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy
from linkwork.people.models import Person
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral
from tests.conftest import World, build_world, signed_in
from tests.factories import (
    ConnectionFactory,
    DirectoryOrganizationFactory,
    MembershipFactory,
    ReferralFactory,
    ServiceFactory,
    UserFactory,
)
from tests.integration.casework.test_plans import plan_data
from tests.integration.people.test_person_page import form_for
from tests.integration.test_directory_curation import listing_form

pytestmark = pytest.mark.django_db


def version_on(page: str) -> str:
    """The version the page's form carries."""
    found = re.search(r'name="version" value="([^"]*)"', page)
    assert found, "the form carries no version"
    return html.unescape(found.group(1))


def opened(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return version_on(response.content.decode())


def other_client(user) -> Client:  # type: ignore[no-untyped-def]
    return signed_in(Client(), user)


def requested_connection(world: World, referral: Referral) -> tuple[Connection, str, str]:
    """A connection of `referral` requested from the provider's service, with the link
    worker's page of it and the provider's inbox page of it."""
    organisation = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    service = ServiceFactory(organization=organisation, name="Millbrook Walks")
    connection = ConnectionFactory(
        referral=referral, service=service, status=ConnectionStatus.REQUESTED
    )
    page_url = reverse("casework:connection", args=[referral.pk, connection.pk])
    inbox_url = reverse("casework:inbox_connection", args=[connection.pk])
    return connection, page_url, inbox_url


def test_person_details_second_save_is_refused_and_names_the_first(
    client, world: World, referral_a
):
    person = referral_a.person
    url = reverse("people:edit", args=[person.pk])
    first, second = other_client(world.scheme_lead_a), signed_in(client, world.link_worker_a)
    seen_first, seen_second = opened(first, url), opened(second, url)
    assert seen_first == seen_second == str(person.version)

    saved = first.post(url, {**form_for(person, phone="07700 900111"), "version": seen_first})
    assert saved.status_code == 302
    stale = second.post(url, {**form_for(person, phone="07700 900222"), "version": seen_second})

    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Lee Lead changed this person&#39;s details on " in page
    assert "Phone number" in page
    # The second person's answer is kept in the form, and the form now carries the new version.
    assert "07700 900222" in page
    assert version_on(page) == str(Person.objects.get(pk=person.pk).version)
    assert Person.objects.get(pk=person.pk).phone == "07700 900111"
    # Saving again, having seen the other change, goes through.
    again = second.post(
        url, {**form_for(person, phone="07700 900222"), "version": version_on(page)}
    )
    assert again.status_code == 302
    assert Person.objects.get(pk=person.pk).phone == "07700 900222"


def test_support_plan_second_save_is_refused_and_names_the_first(client, world: World, referral_a):
    url = reverse("casework:plan", args=[referral_a.pk])
    first, second = other_client(world.scheme_lead_a), signed_in(client, world.link_worker_a)
    seen_first, seen_second = opened(first, url), opened(second, url)
    assert seen_first == seen_second == "0"

    saved = first.post(url, plan_data(**{"plan-strengths": "Lead's words", "version": seen_first}))
    assert saved.status_code == 302
    stale = second.post(
        url, plan_data(**{"plan-strengths": "Worker's words", "version": seen_second})
    )

    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Lee Lead changed this support plan on " in page
    assert "Worker&#39;s words" in page
    plan = SupportPlan.objects.get(referral=referral_a)
    assert plan.strengths == "Lead's words"
    assert version_on(page) == str(plan.version) == "1"


def test_listing_second_save_is_refused_and_names_the_first(client, world: World):
    ensure_linkwork_taxonomy()
    organisation = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    signed_in(client, world.provider)
    client.post(reverse("directory:new"), listing_form(organisation))
    service = Service.objects.get()
    url = reverse("directory:edit", args=[service.pk])
    first, second = other_client(world.curator), client
    seen_first, seen_second = opened(first, url), opened(second, url)

    saved = first.post(
        url, {**listing_form(organisation, email="curator@example.org"), "version": seen_first}
    )
    assert saved.status_code == 302
    stale = second.post(
        url, {**listing_form(organisation, email="provider@example.org"), "version": seen_second}
    )

    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Cora Curator changed this listing on " in page
    assert "provider@example.org" in page
    assert Service.objects.get(pk=service.pk).email == "curator@example.org"


def test_triage_second_decision_is_refused_and_names_the_first(client, world: World):
    referral = ReferralFactory(scheme=world.scheme_a)
    other_lead = UserFactory(totp=True, full_name="Kit Colleague")
    MembershipFactory(
        user=other_lead,
        organisation=world.scheme_a.host,
        scheme=world.scheme_a,
        role=Role.SCHEME_LEAD,
    )
    url = reverse("referrals:triage", args=[referral.pk])
    decide = reverse("referrals:triage_decide", args=[referral.pk])
    first, second = other_client(other_lead), signed_in(client, world.scheme_lead_a)
    seen_first, seen_second = opened(first, url), opened(second, url)

    saved = first.post(
        decide,
        {"decision": "accept", "link_worker": world.link_worker_a.pk, "version": seen_first},
    )
    assert saved.status_code == 302
    stale = second.post(
        decide,
        {"decision": "decline", "decline_reason": "person_declined", "version": seen_second},
        follow=True,
    )

    page = stale.content.decode()
    assert "Kit Colleague changed this referral on " in page
    assert "(to accepted)" in page
    referral = Referral.objects.get(pk=referral.pk)
    assert (referral.status, referral.link_worker) == (Status.ACCEPTED, world.link_worker_a)


def test_connection_status_second_change_is_refused_and_names_the_first(
    client, world: World, referral_a
):
    connection, page_url, inbox_url = requested_connection(world, referral_a)
    provider, worker = other_client(world.provider), signed_in(client, world.link_worker_a)
    seen_provider, seen_worker = opened(provider, inbox_url), opened(worker, page_url)
    assert seen_provider == seen_worker

    answered = provider.post(
        inbox_url, {"form": "answer", "decision": "accept", "version": seen_provider}
    )
    assert answered.status_code == 302, answered.content.decode()
    stale = worker.post(page_url, {"step": "cancel", "version": seen_worker})

    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Pat Provider changed this connection on " in page
    assert "(to accepted)" in page
    assert Connection.objects.get(pk=connection.pk).status == ConnectionStatus.ACCEPTED


def test_provider_answer_on_a_stale_version_is_refused(client, world: World, referral_a):
    connection, page_url, inbox_url = requested_connection(world, referral_a)
    worker, provider = other_client(world.link_worker_a), signed_in(client, world.provider)
    seen_worker, seen_provider = opened(worker, page_url), opened(provider, inbox_url)

    assert worker.post(page_url, {"step": "cancel", "version": seen_worker}).status_code == 302
    stale = provider.post(
        inbox_url, {"form": "answer", "decision": "accept", "version": seen_provider}
    )

    assert stale.status_code == 409
    assert "Lina Worker changed this connection on " in stale.content.decode()
    assert Connection.objects.get(pk=connection.pk).status == ConnectionStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    db_connection.vendor != "postgresql", reason="SQLite's test database is one in-memory file"
)
def test_two_people_saving_the_plan_at_the_same_moment_one_wins():
    """Two real transactions at once on PostgreSQL: the row lock makes them take turns, so
    exactly one save stands and the other is told of it."""
    world = build_world()
    referral = ReferralFactory(
        scheme=world.scheme_a, link_worker=world.link_worker_a, status="active"
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, words: str) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            save_plan(
                by=user,
                referral=referral,
                what_matters="",
                strengths=words,
                needs_and_concerns="",
                review_on=None,
                agreed=False,
                version="0",
            )
            outcomes.append(words)
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(world.link_worker_a, "Worker's words")),
        threading.Thread(target=save, args=(world.scheme_lead_a, "Lead's words")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == 2
    assert outcomes.count("conflict") == 1
    winner = next(o for o in outcomes if o != "conflict")
    plan = SupportPlan.objects.get(referral=referral)
    assert (plan.strengths, plan.version) == (winner, 1)
