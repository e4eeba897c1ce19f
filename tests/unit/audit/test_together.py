"""`auditor.together()`: the events an action records written in one INSERT as it ends, in
order, inside its transaction, or not at all."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from linkwork.audit import auditor
from linkwork.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _inserts(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]


def test_events_recorded_together_are_written_in_one_insert_in_order():
    with CaptureQueriesContext(connection) as queries, auditor.together():
        for step in ("first", "second", "third"):
            auditor.record(action=f"test.{step}", object_type="test", object_id=step)
        assert not AuditEvent.objects.exists(), "nothing is written before the block ends"
    assert len(_inserts(queries)) == 1
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "test.first",
        "test.second",
        "test.third",
    ]


def test_a_nested_block_writes_with_the_outermost():
    with CaptureQueriesContext(connection) as queries, auditor.together():
        auditor.record(action="test.outer")
        with auditor.together():
            auditor.record(action="test.inner")
        assert not AuditEvent.objects.exists()
    assert len(_inserts(queries)) == 1
    assert AuditEvent.objects.count() == 2


def test_a_failed_block_writes_none_of_its_events():
    # The block joins the caller's transaction without a savepoint: a caller that goes on
    # after a failure keeps a savepoint of its own.

    def failing_action() -> None:
        with auditor.together():
            auditor.record(action="test.before_the_failure")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError), transaction.atomic():
        failing_action()
    # Outside the block, events are written one by one again.
    auditor.record(action="test.after")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.after"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_audit_write_rolls_back_the_blocks_changes(monkeypatch):
    """A real transaction: the block's own write goes when the events cannot be written."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise DatabaseError("the audit table refused the rows")

    monkeypatch.setattr(AuditEvent.objects, "bulk_create", refuse)

    def action() -> None:
        with auditor.together():
            AuditEvent.objects.create(action="test.change_in_the_block")
            auditor.record(action="test.audited")

    with pytest.raises(DatabaseError):
        action()
    assert not AuditEvent.objects.exists()
