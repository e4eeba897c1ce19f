"""Choosing a link worker at triage in a scheme with many: the ones with the most room are
offered first, anyone else is found by name, and the loads are read in a fixed number of
queries however many link workers the scheme has."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwork.accounts.models import Role
from linkwork.referrals.lifecycle import Status
from tests.conftest import World, _member, signed_in
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _workers(world: World, count: int, busy: int = 0) -> list:  # type: ignore[type-arg]
    """`count` more link workers in scheme A, each with `busy` open cases."""
    made = []
    for n in range(count):
        worker = _member(
            Role.LINK_WORKER, world.scheme_a.host, world.scheme_a, full_name=f"Worker {n:02d}"
        )
        ReferralFactory.create_batch(
            busy, scheme=world.scheme_a, link_worker=worker, status=Status.ACTIVE
        )
        made.append(worker)
    return made


def _page(client, referral, **params):  # type: ignore[no-untyped-def]
    return client.get(reverse("referrals:triage", args=[referral.pk]), params).content.decode()


def test_offers_the_ten_with_most_room_and_finds_others_by_name(client, world: World):
    _workers(world, 12, busy=3)
    referral = ReferralFactory(scheme=world.scheme_a)
    signed_in(client, world.scheme_lead_a)
    page = _page(client, referral)
    assert "Lina Worker" in page  # no open cases: the most room
    assert "Showing the 10 with the most room of 13 link workers." in page
    assert page.count('name="link_worker"') == 10
    assert 'form="find-link-worker"' in page
    found = _page(client, referral, worker="worker 11")
    assert "Worker 11" in found
    assert found.count('name="link_worker"') == 1
    none = _page(client, referral, worker="Nobody")
    assert "No link worker in this scheme has a name containing" in none


def test_a_failed_accept_keeps_the_chosen_link_worker_offered(client, world: World):
    world.scheme_a.active_caseload_limit = 1
    world.scheme_a.save()
    busy = _workers(world, 11, busy=1)
    referral = ReferralFactory(scheme=world.scheme_a)
    signed_in(client, world.scheme_lead_a)
    chosen = busy[-1]  # full, and last by name: not among the ten offered first
    response = client.post(
        reverse("referrals:triage_decide", args=[referral.pk]),
        {"decision": "accept", "link_worker": chosen.pk},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Assign anyway" in page
    assert re.search(rf'value="{chosen.pk}"[^>]*checked', page)
    assert "Worker 10" in page


def test_triage_page_queries_do_not_grow_with_link_workers(client, world: World):
    referral = ReferralFactory(scheme=world.scheme_a)
    signed_in(client, world.scheme_lead_a)
    _workers(world, 2, busy=1)
    with CaptureQueriesContext(connection) as few:
        _page(client, referral)
    _workers(world, 15, busy=2)
    with CaptureQueriesContext(connection) as many:
        _page(client, referral)
    assert len(many.captured_queries) == len(few.captured_queries)
