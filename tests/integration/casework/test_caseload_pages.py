"""The caseload in pages of 50, sorted by due date, name or days waiting, and drawn so that
below the tablet breakpoint each row is a card."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from tests.conftest import World, signed_in
from tests.factories import FollowUpFactory, PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db
URL = reverse("casework:caseload")


def case(world: World, given: str, family: str, days: int) -> object:
    return ReferralFactory(
        scheme=world.scheme_a,
        status="active",
        link_worker=world.link_worker_a,
        received_at=timezone.now() - dt.timedelta(days=days),
        person=PersonFactory(given_name=given, family_name=family),
    )


def names(body: str) -> list[str]:
    return re.findall(r'<a href="/referrals/[^"]+/">([^<]+)</a>', body)


@pytest.fixture
def three(world: World) -> None:
    case(world, "Cara", "Ashby", days=5)
    zed = case(world, "Zed", "Brook", days=40)
    case(world, "Abe", "Castle", days=20)
    FollowUpFactory(referral=zed, due_on=timezone.localdate() + dt.timedelta(days=30))


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", ["Zed Brook", "Abe Castle", "Cara Ashby"]),
        ("due", ["Zed Brook", "Abe Castle", "Cara Ashby"]),
        ("name", ["Cara Ashby", "Zed Brook", "Abe Castle"]),
        ("waiting", ["Zed Brook", "Abe Castle", "Cara Ashby"]),
    ],
)
def test_caseload_sorts_by_due_date_name_and_days_waiting(client, world, three, sort, order):
    signed_in(client, world.link_worker_a)
    body = client.get(URL, {"sort": sort} if sort else {}).content.decode()
    assert names(body) == order


def test_caseload_sort_by_name_puts_family_name_first_not_given(client, world, three):
    signed_in(client, world.link_worker_a)
    shown = names(client.get(URL, {"sort": "name"}).content.decode())
    assert shown.index("Cara Ashby") < shown.index("Abe Castle")


def test_caseload_unknown_sort_falls_back_to_due_date(client, world, three):
    signed_in(client, world.link_worker_a)
    response = client.get(URL, {"sort": "<script>"})
    assert response.status_code == 200
    assert names(response.content.decode())[0] == "Zed Brook"


def test_caseload_sort_links_mark_the_current_order(client, world, three):
    signed_in(client, world.link_worker_a)
    body = client.get(URL, {"sort": "name", "status": "active"}).content.decode()
    assert '<strong aria-current="true">Name</strong>' in body
    assert "?status=active&amp;sort=waiting" in body


def test_caseload_sort_is_audited(client, world, three):
    signed_in(client, world.link_worker_a)
    client.get(URL, {"sort": "waiting"})
    assert AuditEvent.objects.get(action="caseload.viewed").detail["sort"] == "waiting"


def test_caseload_pages_of_fifty_keep_sort_and_filters(client, world):
    for n in range(55):
        case(world, f"Person{n:02d}", "Paged", days=n)
    signed_in(client, world.link_worker_a)
    first = client.get(URL, {"sort": "name", "status": "active"}).content.decode()
    assert len(names(first)) == 50
    assert "55 people" in first
    assert "Showing 1 to 50" in first
    # The next page's link is the request's own filters with the page number added.
    assert 'href="?sort=name&amp;status=active&amp;page=2" rel="next"' in first
    second = client.get(URL + "?sort=name&status=active&page=2").content.decode()
    assert names(second) == [f"Person{n:02d} Paged" for n in range(50, 55)]
    assert AuditEvent.objects.filter(action="caseload.viewed").latest("pk").detail["page"] == 2


def test_caseload_pages_follow_the_due_order_and_count_everyone(client, world):
    """Every referral is ordered and counted, though only the page shown is put in words: the
    overdue come first on page 1, the rest after them across both pages."""
    today = timezone.localdate()
    for n in range(55):
        referral = case(world, f"Person{n:02d}", "Due", days=n)
        if n % 10 == 0:
            FollowUpFactory(referral=referral, due_on=today - dt.timedelta(days=n + 1))
    signed_in(client, world.link_worker_a)
    first = client.get(URL).content.decode()
    second = client.get(URL, {"page": 2}).content.decode()
    assert "55 people, 6 with something overdue" in first
    overdue = [f"Person{n:02d} Due" for n in (50, 40, 30, 20, 10, 0)]  # the earliest due first
    rest = [f"Person{n:02d} Due" for n in range(54, 0, -1) if n % 10]  # the longest waiting first
    assert names(first) + names(second) == overdue + rest


def test_caseload_queries_do_not_grow_with_people_or_pages(
    client, world, django_assert_num_queries
):
    signed_in(client, world.link_worker_a)
    for n in range(3):
        case(world, f"Person{n:02d}", "Few", days=n)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert len(names(client.get(URL).content.decode())) == 3
    for n in range(3, 60):
        case(world, f"Person{n:02d}", "Many", days=n)
    for params in ({}, {"page": 2}, {"sort": "name", "page": 2}, {"due": "on"}):
        with django_assert_num_queries(len(few)):
            client.get(URL, params)


def test_caseload_cells_carry_their_heading_for_the_card_list(client, world, three):
    signed_in(client, world.link_worker_a)
    body = client.get(URL).content.decode()
    assert "lw-card-table" in body
    assert body.count('<span class="lw-card-table__heading" aria-hidden="true">Due</span>') == 3
