"""Data migrations keep existing records valid."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_declined_referrals_without_reason_become_not_recorded():
    executor = MigrationExecutor(connection)
    before = [
        ("referrals", "0001_initial"),
        ("people", "0001_initial"),
        ("accounts", "0001_initial"),
    ]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    organisation = apps.get_model("accounts", "Organisation").objects.create(name="PCN", kind="pcn")
    scheme = apps.get_model("accounts", "Scheme").objects.create(
        name="S", slug="s", host=organisation
    )
    person = apps.get_model("people", "Person").objects.create(
        given_name="A", family_name="B", date_of_birth=dt.date(1950, 1, 1)
    )
    referral = apps.get_model("referrals", "Referral").objects.create(
        person=person,
        scheme=scheme,
        route="gp_practice",
        status="declined",
        reference="LW-TEST-0001",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    apps = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    migrated = apps.get_model("referrals", "Referral").objects.get(pk=referral.pk)
    assert migrated.decline_reason == "not_recorded"


@pytest.mark.django_db(transaction=True)
def test_service_facts_become_nullable_and_stated_values_are_kept():
    executor = MigrationExecutor(connection)
    before = [("directory", "0008_listing_suggestions")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    organization = apps.get_model("directory", "Organization").objects.create(name="Org")
    service = apps.get_model("directory", "Service").objects.create(
        organization=organization,
        name="Walk",
        delivers_in_person=False,
        delivers_online=True,
        delivers_by_phone=True,
        referral_route="referral",
        capacity="waiting_list",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    after = [("directory", "0009_service_facts_not_stated")]
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    Service = apps.get_model("directory", "Service")
    kept = Service.objects.get(pk=service.pk)
    assert (kept.delivers_in_person, kept.delivers_online, kept.delivers_by_phone) == (
        False,
        True,
        True,
    )
    assert (kept.referral_route, kept.capacity) == ("referral", "waiting_list")
    new = Service.objects.create(organization_id=organization.pk, name="Unknown")
    assert (new.delivers_in_person, new.referral_route, new.capacity) == (None, "", "")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
