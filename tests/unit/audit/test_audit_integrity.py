"""The audit log cannot be skipped: an action whose audit write fails leaves nothing behind,
every action that audits runs in one transaction, the site warns when it could truncate the
log, and refusals are logged as one line without personal data (issue 16, item 7)."""

from __future__ import annotations

import ast
import logging
import uuid
from pathlib import Path

import pytest
from django.core import checks
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse

from linkwork.audit.checks import audit_table_owner
from linkwork.audit.models import AuditEvent
from linkwork.outcomes.actions import raise_flag
from linkwork.outcomes.models import FlagKind, SafetyFlag
from tests.conftest import World, signed_in

ROOT = Path(__file__).resolve().parents[3] / "linkwork"


def _is_atomic(function: ast.FunctionDef) -> bool:
    decorated = any("atomic" in ast.unparse(d) for d in function.decorator_list)
    return decorated or "transaction.atomic" in ast.unparse(function)


def test_every_action_that_audits_runs_in_one_transaction():
    """An action that writes and audits outside a transaction could keep its change when the
    audit write fails."""
    found = [
        f"{path.relative_to(ROOT)}:{node.name}"
        for path in sorted(ROOT.glob("*/actions.py"))
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith("_")
        and "auditor.record" in ast.unparse(node)
        and not _is_atomic(node)
    ]
    assert not found, "audits outside a transaction:\n" + "\n".join(found)


@pytest.mark.django_db(transaction=True)
def test_a_failed_audit_write_rolls_the_change_back(world: World, referral_a, monkeypatch):
    """A real transaction (not the test's own): the failure must undo the flag itself."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise DatabaseError("the audit table refused the row")

    monkeypatch.setattr(AuditEvent.objects, "create", refuse)
    with pytest.raises(DatabaseError):
        raise_flag(by=world.link_worker_a, referral=referral_a, kind=FlagKind.SELF_HARM)
    assert not SafetyFlag.objects.filter(referral=referral_a).exists()


@pytest.mark.django_db(databases=["default"])
def test_the_site_is_warned_when_it_owns_the_audit_table():
    warnings = audit_table_owner(databases=["default"])
    if connection.vendor != "postgresql":
        assert warnings == []  # SQLite has no roles
        return
    # The test database belongs to the role the tests connect as: the warning stands.
    assert [w.id for w in warnings] == ["audit.W001"]
    assert all(isinstance(w, checks.Warning) for w in warnings)
    # Given to another role (rolled back with the test), the table no longer warns.
    other = f"linkwork_owner_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {other} NOLOGIN")
        cursor.execute(f"ALTER TABLE {AuditEvent._meta.db_table} OWNER TO {other}")
    assert audit_table_owner(databases=["default"]) == []


@pytest.mark.django_db
def test_refusals_log_one_line_and_no_personal_data(world: World, referral_a, caplog):
    person = referral_a.person
    person.nhs_number = "9434765919"
    person.email = "planted.person@example.org"
    person.save()
    client = signed_in(Client(), world.link_worker_b)
    with caplog.at_level(logging.DEBUG):
        response = client.get(reverse("people:detail", args=[person.pk]))
        assert response.status_code == 404
        forbidden = signed_in(Client(), world.referrer).get(reverse("casework:caseload"))
        assert forbidden.status_code == 403
    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert len(refusals) == 2
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in refusals)
    text = "\n".join(r.getMessage() for r in caplog.records)
    for planted in ("9434765919", "943 476 5919", "planted.person@example.org", person.given_name):
        assert planted not in text
