"""The groups demo: the demo provider's weekly group with six finalised registers and this
week's to mark, people booked; the demo link worker's scheme's coffee morning."""

from __future__ import annotations

import pytest
from django.utils import timezone

from linkwork.accounts.models import Role
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Attendance
from linkwork.groups.demo import PAST_FINALISED, seed_groups
from linkwork.groups.models import Group, GroupSession, RegisterEntry
from tests.factories import (
    ConnectionFactory,
    DirectoryOrganizationFactory,
    MembershipFactory,
    OrganisationFactory,
    ReferralFactory,
    SchemeFactory,
    ServiceFactory,
    UserFactory,
)


@pytest.mark.django_db
def test_groups_demo_gives_the_provider_and_the_scheme_a_running_group():
    scheme = SchemeFactory()
    charity = OrganisationFactory(kind="vcse")
    provider = UserFactory(email="pat@demo.linkwork.invalid")
    worker = UserFactory(email="lee@demo.linkwork.invalid")
    MembershipFactory(user=provider, organisation=charity, role=Role.PROVIDER)
    MembershipFactory(user=worker, organisation=scheme.host, scheme=scheme, role=Role.LINK_WORKER)
    walks = ServiceFactory(organization=DirectoryOrganizationFactory(account_organisation=charity))
    cafe = ServiceFactory()
    for service in (walks, walks, walks, cafe, cafe):
        ConnectionFactory(
            referral=ReferralFactory(scheme=scheme, status="active", link_worker=worker),
            service=service,
            status=ConnectionStatus.IN_PROGRESS,
        )

    counts = seed_groups(seed=7)

    assert counts["groups"] == 2
    weekly = Group.objects.get(organisation=charity)
    past = GroupSession.objects.filter(group=weekly, starts_at__lt=timezone.now())
    assert past.filter(finalised_at__isnull=False).count() == PAST_FINALISED
    this_week = past.get(finalised_at__isnull=True)
    assert this_week.entries.count() == 3
    assert Attendance.objects.filter(register_entry__session__group=weekly).exists()
    assert weekly.sessions.filter(starts_at__gt=timezone.now()).count() >= 8
    coffee = Group.objects.get(scheme=scheme)
    assert RegisterEntry.objects.filter(session__group=coffee).count() == 2
