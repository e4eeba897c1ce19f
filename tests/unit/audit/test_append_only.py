"""The audit log is append-only: the model refuses changes everywhere, and PostgreSQL
refuses UPDATE and DELETE from any client through a trigger."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from linkwork.audit import auditor
from linkwork.audit.models import AppendOnlyError, AuditEvent


@pytest.fixture
def event(db) -> AuditEvent:
    return auditor.record(action="person.viewed", detail={"reason": "test"})


def test_event_cannot_be_saved_again(event):
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_queryset_update_and_delete_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)


@postgres_only
def test_postgres_refuses_raw_update(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'tampered' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.action == "person.viewed"


@postgres_only
def test_postgres_refuses_raw_delete(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_record_without_request_has_no_actor_or_address(event):
    assert event.actor is None
    assert event.ip_address is None
    assert event.detail == {"reason": "test"}


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy: the header is ignored
        (1, "10.0.0.2", "198.51.100.7", "198.51.100.7"),
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a forged left part is ignored
        (2, "10.0.0.3", "198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", "not-an-address", None),
    ],
)
def test_client_ip_reads_past_trusted_proxies(rf, settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert auditor.client_ip(request) == expected
