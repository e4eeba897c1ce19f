"""The shown-log's move from a foreign key to referrals to an opaque case reference keeps every
row, each with its referral's id, and can be undone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linkwork.matching.models import Shown
from tests.factories import ReferralFactory, ServiceFactory

BEFORE = ("matching", "0001_shown_and_weight_sets")


def _migrate_matching_to(target: tuple[str, str] | None) -> MigrationExecutor:
    """Every other app at its latest migration, matching at `target` (None: its latest)."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    targets = [node for node in leaves if node[0] != "matching"]
    targets.append(target or next(node for node in leaves if node[0] == "matching"))
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_shown_rows_keep_their_referral_as_case_ref_and_migrate_back():
    executor = _migrate_matching_to(BEFORE)
    old_apps = executor.loader.project_state([BEFORE]).apps
    old_shown = old_apps.get_model("matching", "Shown")
    first, second = ReferralFactory(), ReferralFactory()
    service = ServiceFactory()
    rows = {
        old_shown.objects.create(
            referral_id=referral.pk,
            service_id=service.pk,
            position=position,
            score=1.0,
            weights_version="default-1",
        ).pk: referral.pk
        for position, referral in enumerate((first, first, second), start=1)
    }

    _migrate_matching_to(None)
    assert dict(Shown.objects.values_list("pk", "case_ref")) == rows
    assert Shown.objects.filter(case_ref=first.pk).count() == 2

    # Going back, a deleted referral's rows go, as the foreign key would have taken them.
    second.delete()
    executor = _migrate_matching_to(BEFORE)
    old_shown = executor.loader.project_state([BEFORE]).apps.get_model("matching", "Shown")
    kept = {pk: ref for pk, ref in rows.items() if ref == first.pk}
    assert dict(old_shown.objects.values_list("pk", "referral_id")) == kept

    _migrate_matching_to(None)
    assert dict(Shown.objects.values_list("pk", "case_ref")) == kept
