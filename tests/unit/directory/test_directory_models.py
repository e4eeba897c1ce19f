"""Directory querysets answer who may edit or see what, how fresh a listing is and how it is
delivered; metadata is an immutable history of edits."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwork.directory.models import (
    Entity,
    Metadata,
    MetadataAction,
    Organization,
    Service,
    ServiceTip,
    TipStatus,
    stale_after_days,
)
from linkwork.directory.versioning import record_changes
from tests.factories import ServiceFactory
from tests.unit.directory.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def test_services_editable_by_provider_only_their_own(world):
    own = ServiceFactory(organization=OrganizationFactory(account_organisation=world.provider_org))
    other = ServiceFactory()
    assert list(Service.objects.editable_by(world.provider)) == [own]
    assert list(Organization.objects.editable_by(world.provider)) == [own.organization]
    assert other not in Service.objects.editable_by(world.provider)


def test_services_editable_by_curator_all(world):
    services = {ServiceFactory(), ServiceFactory()}
    assert set(Service.objects.editable_by(world.curator)) == services
    assert Organization.objects.editable_by(world.curator).count() == 2


def test_services_editable_by_others_none(world):
    ServiceFactory(organization=OrganizationFactory(account_organisation=world.provider_org))
    for user in (world.link_worker_a, world.referrer, world.analyst):
        assert not Service.objects.editable_by(user).exists()
        assert not Organization.objects.editable_by(user).exists()


def test_tips_visible_to_link_workers_and_leads_only(world):
    tip = ServiceTip.objects.create(
        service=ServiceFactory(),
        author=world.link_worker_a,
        text="Use the side door.",
        status=TipStatus.APPROVED,
    )
    assert list(ServiceTip.objects.visible_to(world.link_worker_b)) == [tip]
    assert list(ServiceTip.objects.visible_to(world.scheme_lead_a)) == [tip]
    for user in (world.provider, world.referrer, world.curator, world.analyst):
        assert not ServiceTip.objects.visible_to(user).exists()


def test_service_stale_after_a_year_without_assurance():
    limit = TODAY - dt.timedelta(days=stale_after_days())
    fresh = ServiceFactory(assured_date=limit)
    stale = ServiceFactory(assured_date=limit - dt.timedelta(days=1))
    never = ServiceFactory(assured_date=None)
    assert set(Service.objects.stale(TODAY)) == {stale, never}
    assert not fresh.is_stale(TODAY)
    assert stale.is_stale(TODAY)
    assert never.is_stale(TODAY)


def test_service_delivery_modes_listed_and_filtered():
    phone_only = ServiceFactory(delivers_in_person=False, delivers_by_phone=True)
    hybrid = ServiceFactory(delivers_in_person=True, delivers_online=True)
    assert phone_only.delivery_modes == ["phone"]
    assert hybrid.delivery_modes == ["in_person", "online"]
    assert list(Service.objects.with_delivery_mode("phone")) == [phone_only]
    assert set(Service.objects.with_delivery_mode("online", "phone")) == {phone_only, hybrid}


def test_metadata_cannot_be_changed_or_deleted():
    service = ServiceFactory()
    (row,) = record_changes(before=None, after=service)
    row.replacement_value = "rewritten"
    with pytest.raises(ValueError, match="immutable"):
        row.save()
    with pytest.raises(ValueError, match="immutable"):
        row.delete()


def test_record_changes_create_then_each_changed_field(world):
    service = ServiceFactory(name="Chair Yoga", capacity="accepting")
    created = record_changes(before=None, after=service, by=world.curator)
    assert [(m.last_action_type, m.resource_type) for m in created] == [
        (MetadataAction.CREATE, Entity.SERVICE)
    ]
    before = Service.objects.get(pk=service.pk)
    service.name = "Chair Yoga for Beginners"
    service.capacity = "waiting_list"
    service.save()
    changes = record_changes(before=before, after=service, by=world.curator)
    assert sorted((m.field_name, m.previous_value, m.replacement_value) for m in changes) == [
        ("capacity", "accepting", "waiting_list"),
        ("name", "Chair Yoga", "Chair Yoga for Beginners"),
    ]
    assert {m.updated_by_user for m in changes} == {world.curator}
    assert service.metadata.count() == 3
    assert Metadata.objects.filter(resource_id=service.pk, field_name="name").exists()


def test_record_changes_refuses_different_records():
    with pytest.raises(ValueError, match="same record"):
        record_changes(before=ServiceFactory(), after=ServiceFactory())


def test_new_tip_waits_for_a_curator_shown_only_to_its_author(world):
    tip = ServiceTip.objects.create(
        service=ServiceFactory(), author=world.link_worker_a, text="Ring the bell twice."
    )
    assert tip.status == TipStatus.PENDING
    assert list(ServiceTip.objects.visible_to(world.link_worker_a)) == [tip]
    assert not ServiceTip.objects.visible_to(world.link_worker_b).exists()
    assert list(ServiceTip.objects.pending()) == [tip]


def test_rejected_tip_shown_to_no_one(world):
    ServiceTip.objects.create(
        service=ServiceFactory(),
        author=world.link_worker_a,
        text="Not about the service.",
        status=TipStatus.REJECTED,
    )
    for user in (world.link_worker_a, world.link_worker_b, world.scheme_lead_a):
        assert not ServiceTip.objects.visible_to(user).exists()
