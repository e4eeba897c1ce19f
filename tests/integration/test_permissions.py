"""A user of one scheme cannot reach another scheme's records through any URL, and each
refused attempt is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.casework.models import PlanAction
from tests.conftest import World, signed_in
from tests.factories import (
    ConnectionFactory,
    FollowUpFactory,
    GoalFactory,
    SupportPlanFactory,
)


def record_urls(referral) -> list[str]:  # type: ignore[no-untyped-def]
    """Every URL that shows a scheme A person or referral."""
    return [
        reverse("people:detail", args=[referral.person_id]),
        reverse("referrals:detail", args=[referral.pk]),
    ]


OUTSIDERS = ["link_worker_b", "provider", "analyst", "curator", "admin"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", OUTSIDERS)
def test_record_urls_outside_scheme_give_404_and_audit(client, world: World, referral_a, persona):
    user = getattr(world, persona)
    signed_in(client, user)
    for url in record_urls(referral_a):
        response = client.get(url)
        assert response.status_code == 404, url
    denied = AuditEvent.objects.filter(action="access.denied", actor=user)
    assert denied.count() == len(record_urls(referral_a))
    assert {event.path for event in denied} == set(record_urls(referral_a))


@pytest.mark.django_db
def test_other_scheme_referral_not_listed(client, world: World, referral_a):
    signed_in(client, world.link_worker_b)
    response = client.get(reverse("referrals:list"))
    assert response.status_code == 200
    assert referral_a.reference not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["link_worker_a", "scheme_lead_a", "referrer"])
def test_record_urls_inside_scope_are_shown(client, world: World, referral_a, persona):
    signed_in(client, getattr(world, persona))
    for url in record_urls(referral_a):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_person_view_writes_audit_event(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    client.get(reverse("people:detail", args=[referral_a.person_id]))
    event = AuditEvent.objects.get(action="person.viewed")
    assert event.actor == world.link_worker_a
    assert event.object_type == "people.person"
    assert event.object_id == str(referral_a.person_id)
    assert event.ip_address == "127.0.0.1"
    # The audit row holds identifiers only, never the person's name.
    assert "Ann" not in str(event.detail)


@pytest.mark.django_db
def test_unknown_record_gives_404_and_audit(client, world: World):
    signed_in(client, world.link_worker_a)
    url = reverse("referrals:detail", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=world.link_worker_a).exists()


@pytest.mark.django_db
def test_audit_page_refused_to_non_admin(client, world: World):
    signed_in(client, world.link_worker_a)
    response = client.get(reverse("audit:search"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=world.link_worker_a).exists()


@pytest.mark.django_db
def test_audit_page_searches_for_admin(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    client.get(reverse("people:detail", args=[referral_a.person_id]))
    signed_in(client, world.admin)
    response = client.get(reverse("audit:search"), {"action": "person.viewed"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "person.viewed" in body
    assert world.link_worker_a.email in body
    assert "1 entry" in body


@pytest.mark.django_db
def test_audit_search_bad_date_names_field(client, world: World):
    signed_in(client, world.admin)
    response = client.get(reverse("audit:search"), {"since": "yesterday"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the from date as YYYY-MM-DD" in body
    assert 'href="#id_since"' in body


@pytest.mark.django_db
def test_anonymous_user_sent_to_login(client, referral_a):
    response = client.get(reverse("people:detail", args=[referral_a.person_id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def case_ids(referral) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Ids of one of each casework record of `referral`, for the URLs that take them."""
    plan = SupportPlanFactory(referral=referral)
    connection = ConnectionFactory(referral=referral)
    return {
        "person_id": referral.person_id,
        "referral_id": referral.pk,
        "goal_id": GoalFactory(plan=plan).pk,
        "action_id": PlanAction.objects.create(plan=plan, what="Call", who="Sam").pk,
        "connection_id": connection.pk,
        "follow_up_id": FollowUpFactory(referral=referral).pk,
        "service_id": connection.service_id,
    }


def personal_record_urls(referral) -> list[str]:  # type: ignore[no-untyped-def]
    """Every URL in the project that takes a person or referral id, filled in for `referral`
    (with one of each of its casework records for the URLs that take more ids).

    Walking the URL configuration means a record page added later is covered automatically.
    """
    from django.urls import URLPattern, URLResolver, get_resolver

    ids = case_ids(referral)
    found: list[str] = []

    def walk(patterns, namespace: str = "") -> None:  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                params = set(pattern.pattern.converters)
                if params & {"person_id", "referral_id"} and params <= set(ids):
                    kwargs = {name: ids[name] for name in params}
                    found.append(reverse(f"{namespace}{pattern.name}", kwargs=kwargs))

    walk(get_resolver().url_patterns)
    return found


@pytest.mark.django_db
def test_every_record_url_refuses_other_scheme(client, world: World, referral_a):
    urls = personal_record_urls(referral_a)
    assert set(record_urls(referral_a)) <= set(urls)
    signed_in(client, world.link_worker_b)
    for url in urls:
        response = client.get(url)
        if response.status_code == 405:  # a form's target: try it the way the form does
            response = client.post(url)
        assert response.status_code == 404, url
    denied = AuditEvent.objects.filter(action="access.denied", actor=world.link_worker_b)
    assert denied.count() == len(urls)


@pytest.mark.django_db
def test_every_record_url_refuses_writes_from_other_scheme(client, world: World, referral_a):
    urls = personal_record_urls(referral_a)
    signed_in(client, world.link_worker_b)
    before = AuditEvent.objects.exclude(action="access.denied").count()
    for url in urls:
        assert client.post(url, {"step": "cancel", "reason": "goals_met"}).status_code in (
            404,
            405,
        ), url
    referral_a.refresh_from_db()
    assert referral_a.status == "active"
    # Nothing but the refusals was written.
    assert AuditEvent.objects.exclude(action="access.denied").count() == before
