"""Retention: the nightly review lists the records whose period has ended and never deletes
one; keep and disposal decisions are recorded and audited; admins of the platform change the
periods; the privacy page states them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.core import daily
from linkwork.notifications.models import Message
from linkwork.records import retention
from linkwork.records.models import RetentionRule, ReviewItem, ReviewStatus
from linkwork.records.tasks import review_retention
from linkwork.referrals.models import StatusChange
from tests.conftest import World, _member, signed_in
from tests.factories import ContactFactory, ReferralFactory

TODAY = dt.date(2026, 12, 6)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def counts() -> dict[str, int]:
    """Rows of every table but the review list itself and the audit log."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in {"records.ReviewItem", "audit.AuditEvent"}
    }


@pytest.fixture
def old_case(world: World):  # type: ignore[no-untyped-def]
    """A case of scheme A whose last contact was 8 years and a day before TODAY, a message
    about it as old, and an audit event of that month."""
    last = dt.date(2018, 12, 5)
    referral = ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        received_at=_at(dt.date(2018, 1, 10)),
        status="closed",
        closure_reason="goals_met",
    )
    StatusChange.objects.create(referral=referral, to_status="closed", changed_at=_at(last))
    ContactFactory(referral=referral, occurred_at=_at(dt.date(2018, 6, 1)))
    Message.objects.create(
        referral=referral,
        audience="referrer",
        event="closed",
        channel="email",
        recipient_address="gp@example.org",
        subject="Support ended",
        body="Ended.",
        status="sent",
        sent_at=_at(last),
        created_at=_at(last),
    )
    AuditEvent.objects.create(action="person.viewed", occurred_at=_at(dt.date(2018, 11, 1)))
    return referral


@pytest.fixture
def recent_case(world: World):  # type: ignore[no-untyped-def]
    """A case received long ago whose last contact was 8 years before
    TODAY less a day: its period ends tomorrow; and one received a year ago."""
    old = ReferralFactory(scheme=world.scheme_a, received_at=_at(dt.date(2016, 1, 1)))
    ContactFactory(referral=old, occurred_at=_at(dt.date(2018, 12, 7)))
    return old, ReferralFactory(scheme=world.scheme_a, received_at=_at(dt.date(2025, 12, 1)))


@pytest.mark.django_db
def test_review_lists_due_records_and_never_deletes(world: World, old_case, recent_case):
    before = counts()
    found = retention.review(TODAY)
    assert counts() == before, "the review changed or deleted a record"
    listed = {(i.record_class, i.organisation_id, i.object_id): i for i in ReviewItem.objects.all()}
    person = str(old_case.person_id)
    # The scheme's host and the referring practice each hold the record, each listed.
    assert ("person_record", world.scheme_a.host_id, person) in listed
    assert ("person_record", world.practice.pk, person) in listed
    assert ("messages", world.scheme_a.host_id, str(old_case.pk)) in listed
    assert ("audit", None, "2018-11") in listed
    item = listed[("person_record", world.scheme_a.host_id, person)]
    assert (item.last_activity, item.due_on) == (dt.date(2018, 12, 5), dt.date(2026, 12, 5))
    for referral in recent_case:
        assert str(referral.person_id) not in {key[2] for key in listed}
    assert found == {"person_record": 2, "messages": 1, "audit": 1}
    # Run again: the same list, nothing doubled.
    retention.review(TODAY)
    assert ReviewItem.objects.count() == len(listed)


@pytest.mark.django_db
def test_nightly_job_is_registered_and_runs(world: World, old_case):
    assert review_retention in daily.jobs()
    before = counts()
    assert review_retention.call()["person_record"] == 2
    assert counts() == before


@pytest.mark.django_db
def test_command_lists_and_says_nothing_was_deleted(world: World, old_case):
    out = io.StringIO()
    before = counts()
    call_command("retention_review", "--on", TODAY.isoformat(), stdout=out)
    assert "Social prescribing record (person, referrals and casework): 2 due" in out.getvalue()
    assert "Nothing was deleted" in out.getvalue()
    assert counts() == before
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("retention_review", "--on", "yesterday")


@pytest.mark.django_db
def test_keep_and_disposal_decisions_are_recorded_audited_and_delete_nothing(
    client, world: World, old_case
):
    retention.review(TODAY)
    person = str(old_case.person_id)
    item = ReviewItem.objects.get(organisation=world.scheme_a.host, object_id=person)
    signed_in(client, world.admin)
    page = client.get(reverse("records:review")).content.decode()
    assert old_case.person.full_name in page
    url = reverse("records:review_item", args=[item.pk])
    response = client.post(url, {"decision": "keep"})
    assert response.status_code == 400
    assert 'href="#id_reason"' in response.content.decode()
    before = counts()
    assert client.post(url, {"decision": "keep", "reason": "Complaint open"}).status_code == 302
    item.refresh_from_db()
    assert item.status == ReviewStatus.KEPT
    assert item.keep_until == retention.rules()["person_record"].ends(timezone.localdate())
    # Kept: not listed again until the new period ends, then listed again.
    retention.review(TODAY)
    item.refresh_from_db()
    assert item.status == ReviewStatus.KEPT
    retention.review(item.keep_until)
    item.refresh_from_db()
    assert item.status == ReviewStatus.DUE
    assert client.post(url, {"decision": "dispose"}).status_code == 302
    item.refresh_from_db()
    assert item.status == ReviewStatus.DISPOSAL_AGREED
    assert counts() == before, "a decision deleted a record"
    events = AuditEvent.objects.filter(action="retention.reviewed").order_by("id")
    assert [e.detail["status"] for e in events] == ["kept", "disposal_agreed"]
    assert old_case.person.family_name not in str([e.detail for e in events])


@pytest.mark.django_db
def test_new_contact_takes_an_undecided_record_off_the_list(world: World, old_case):
    retention.review(TODAY)
    ContactFactory(referral=old_case, occurred_at=_at(dt.date(2026, 11, 1)))
    retention.review(TODAY)
    assert not ReviewItem.objects.filter(
        record_class="person_record", object_id=str(old_case.person_id)
    ).exists()
    assert ReviewItem.objects.filter(record_class="messages").exists()


@pytest.mark.django_db
def test_platform_items_only_for_staff_admins(client, world: World, old_case):
    retention.review(TODAY)
    audit_item = ReviewItem.objects.get(record_class="audit")
    plain_admin = _member(Role.ADMIN, world.scheme_a.host)
    signed_in(client, plain_admin)
    assert client.get(reverse("records:review_item", args=[audit_item.pk])).status_code == 404
    signed_in(client, world.admin)
    assert client.get(reverse("records:review_item", args=[audit_item.pk])).status_code == 200


@pytest.mark.django_db
def test_privacy_page_states_the_periods_and_rights(client, world: World):
    body = client.get(reverse("core:privacy")).content.decode()
    assert "8 years after the last contact" in body
    assert "Records Management Code of Practice 2023" in body
    assert "API idempotency keys" in body
    assert "1 day after the API request" in body
    for right in ("Article 15", "Article 17", "Article 18", "one calendar month"):
        assert right in body


@pytest.mark.django_db
def test_platform_admin_changes_a_period_and_the_privacy_page_follows(client, world: World):
    url = reverse("records:rule", args=["person_record"])
    plain_admin = _member(Role.ADMIN, world.scheme_a.host)
    signed_in(client, plain_admin)
    assert client.get(url).status_code == 403
    signed_in(client, world.admin)
    response = client.post(url, {"period": "ten", "unit": "years", "basis": "Local policy"})
    assert response.status_code == 400
    assert 'href="#id_period"' in response.content.decode()
    response = client.post(url, {"period": "0", "unit": "years", "basis": "Local policy"})
    assert response.status_code == 400
    response = client.post(url, {"period": "10", "unit": "years", "basis": "Local policy"})
    assert response.status_code == 302
    assert RetentionRule.objects.get(record_class="person_record").period == 10
    event = AuditEvent.objects.get(action="retention_rule.changed")
    assert (event.detail["before"], event.detail["after"]) == (
        {"period": 8, "unit": "years"},
        {"period": 10, "unit": "years"},
    )
    assert "10 years after the last contact" in client.get(reverse("core:privacy")).content.decode()
    assert client.get(reverse("records:rule", args=["nonsense"])).status_code == 404


@pytest.mark.django_db
def test_a_later_reply_from_the_person_keeps_the_messages_out_of_review(world: World, old_case):
    """Replies are messages too: one received after the last message sent starts the
    period again from the reply."""
    from linkwork.notifications.models import InboundMessage

    InboundMessage.objects.create(
        provider_id="late-reply",
        source_number="07700900123",
        body="Thank you for everything.",
        referral=old_case,
        status="matched",
        received_at=_at(dt.date(2019, 2, 1)),
    )
    retention.review(TODAY)
    assert not ReviewItem.objects.filter(record_class="messages").exists()
