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
