"""The home page shows each role its own section and navigation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import World, signed_in

HEADINGS = {
    "link_worker_a": "Your caseload",
    "scheme_lead_a": "Waiting for triage",
    "referrer": "Your organisation&#39;s referrals",
    "provider": "Your organisation",
    "curator": "Directory curation",
    "analyst": "Referrals by route in the last 12 months",
    "admin": "System administration",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "heading"), HEADINGS.items())
def test_home_shows_role_section(client, world: World, referral_a, persona, heading):
    signed_in(client, getattr(world, persona))
    body = client.get(reverse("web:home")).content.decode()
    assert heading in body
    others = [text for name, text in HEADINGS.items() if name != persona and text != heading]
    assert not [text for text in others if f">{text}</h2>" in body]


@pytest.mark.django_db
def test_home_caseload_lists_assigned_person(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("web:home")).content.decode()
    assert "Ann Example" in body
    assert referral_a.reference in body


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_caseload(
    client, world: World, django_assert_max_num_queries
):
    from tests.factories import ReferralFactory

    signed_in(client, world.link_worker_a)
    ReferralFactory.create_batch(
        3, scheme=world.scheme_a, link_worker=world.link_worker_a, status="active"
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("web:home"))
    ReferralFactory.create_batch(
        20, scheme=world.scheme_a, link_worker=world.link_worker_a, status="active"
    )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("web:home"))
    assert len(many) == len(few)


@pytest.mark.django_db
def test_navigation_depends_on_role(client, world: World):
    signed_in(client, world.admin)
    body = client.get(reverse("web:home")).content.decode()
    assert 'href="/audit/"' in body
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("web:home")).content.decode()
    assert 'href="/audit/"' not in body
    assert 'href="/referrals/"' in body


@pytest.mark.django_db
def test_analyst_counts_hide_small_numbers(client, world: World, referral_a):
    signed_in(client, world.analyst)
    body = client.get(reverse("web:home")).content.decode()
    assert "fewer than 5" in body
    assert "Ann Example" not in body


@pytest.mark.django_db
def test_user_without_role_told_to_ask_admin(client, db):
    from tests.factories import UserFactory

    signed_in(client, UserFactory())
    body = client.get(reverse("web:home")).content.decode()
    assert "does not have a role yet" in body


@pytest.mark.django_db
def test_provider_home_lists_own_listings_only(client, world: World):
    from tests.factories import ServiceFactory
    from tests.unit.directory.factories import OrganizationFactory

    own = ServiceFactory(
        organization=OrganizationFactory(account_organisation=world.provider_org), name="Our walk"
    )
    ServiceFactory(name="Someone else's choir")
    signed_in(client, world.provider)
    body = client.get(reverse("web:home")).content.decode()
    assert "Our walk" in body
    assert f"/directory/services/{own.pk}/" in body
    assert "Someone else&#39;s choir" not in body


@pytest.mark.django_db
def test_curator_home_counts_listings_due_a_check(client, world: World):
    from tests.factories import ServiceFactory

    ServiceFactory(name="Never checked walk", assured_date=None)
    signed_in(client, world.curator)
    body = client.get(reverse("web:home")).content.decode()
    assert "Due a check" in body
    assert "Never checked walk" in body


def _home_case(world: World, given: str, days: int):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from tests.factories import PersonFactory, ReferralFactory

    return ReferralFactory(
        scheme=world.scheme_a,
        link_worker=world.link_worker_a,
        status="active",
        received_at=timezone.now() - dt.timedelta(days=days),
        person=PersonFactory(given_name=given, family_name="Home"),
    )


@pytest.mark.django_db
def test_home_caseload_shows_due_today_then_this_week_before_others(client, world: World):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import FollowUpFactory

    today = timezone.localdate()
    _home_case(world, "Oldest", days=546)
    overdue = _home_case(world, "Overdue", days=10)
    FollowUpFactory(referral=overdue, due_on=today - dt.timedelta(days=2))
    due_now = _home_case(world, "Today", days=5)
    FollowUpFactory(referral=due_now, due_on=today)
    soon = _home_case(world, "Thursday", days=3)
    FollowUpFactory(referral=soon, due_on=today + dt.timedelta(days=4))
    later = _home_case(world, "Later", days=2)
    FollowUpFactory(referral=later, due_on=today + dt.timedelta(days=20))
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("web:home")).content.decode()
    order = [
        body.index(text)
        for text in (
            "<h3>Due today</h3>",
            "Overdue Home",
            "Today Home",
            "<h3>Due this week</h3>",
            "Thursday Home",
            "<h3>Nothing due this week</h3>",
            "Oldest Home",
        )
    ]
    assert order == sorted(order)
    assert body.index("Later Home") > body.index("Oldest Home")
    assert "1 follow-up overdue" in body
    assert "Follow-up due today" in body


@pytest.mark.django_db
def test_home_caseload_lists_only_a_few_people_with_nothing_due(client, world: World):
    for n in range(15):
        _home_case(world, f"Quiet{n:02d}", days=100 - n)
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("web:home")).content.decode()
    assert "Nothing is due or overdue today." in body
    assert body.count(" Home</a>") == 10
    assert "See all 15 people on your caseload" in body
