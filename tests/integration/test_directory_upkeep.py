"""Providers are asked to confirm listings nobody has checked; stale ones stay visible."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from linkwork.directory.models import ListingConfirmationRequest, Service, ServiceStatus
from linkwork.directory.tasks import ask_providers_to_confirm_listings
from tests.conftest import World
from tests.factories import ServiceFactory
from tests.unit.directory.factories import OrganizationFactory


@pytest.fixture
def listings(world: World) -> dict[str, Service]:
    today = timezone.localdate()
    own = OrganizationFactory(account_organisation=world.provider_org)
    other = OrganizationFactory()
    return {
        "old": ServiceFactory(
            organization=own, name="Old walk", assured_date=today - dt.timedelta(days=200)
        ),
        "never": ServiceFactory(organization=own, name="Never checked", assured_date=None),
        "recent": ServiceFactory(
            organization=own, name="Recent", assured_date=today - dt.timedelta(days=10)
        ),
        "defunct": ServiceFactory(
            organization=own, name="Gone", assured_date=None, status=ServiceStatus.DEFUNCT
        ),
        "unlinked": ServiceFactory(organization=other, name="Nobody to ask", assured_date=None),
    }


@pytest.mark.django_db
def test_providers_asked_about_listings_due_a_check(world: World, listings):
    count = ask_providers_to_confirm_listings.call()
    assert count == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.provider.email]
    assert "Old walk" in message.body
    assert "Never checked" in message.body
    assert "Recent" not in message.body
    assert "Gone" not in message.body
    assert f"/directory/services/{listings['old'].pk}/" in message.body
    asked = set(ListingConfirmationRequest.objects.values_list("service__name", flat=True))
    assert asked == {"Old walk", "Never checked"}


@pytest.mark.django_db
def test_providers_not_asked_twice_in_a_month(world: World, listings):
    ask_providers_to_confirm_listings.call()
    assert ask_providers_to_confirm_listings.call() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_confirm_age_is_configurable(world: World, listings, settings):
    settings.LINKWORK_LISTING_CONFIRM_DAYS = 300
    assert ask_providers_to_confirm_listings.call() == 1  # only the never-checked one


@pytest.mark.django_db
def test_reminder_command_queues_the_task(world: World, listings):
    out = io.StringIO()
    call_command("reminders", stdout=out)
    assert "ask_providers_to_confirm_listings: queued as" in out.getvalue()
    # The test settings run tasks immediately, as the worker would.
    assert ListingConfirmationRequest.objects.count() == 2


@pytest.mark.django_db
def test_stale_listings_left_out_of_fresh_but_never_deleted(world: World, listings, settings):
    settings.LINKWORK_LISTING_STALE_DAYS = 100
    fresh = set(Service.objects.fresh().values_list("name", flat=True))
    assert fresh == {"Recent"}
    assert set(Service.objects.stale().values_list("name", flat=True)) >= {
        "Old walk",
        "Never checked",
    }
    assert Service.objects.count() == 5
