"""The support demo: both schemes get required courses, training (some overdue), supervision
(one link worker each overdue for it), peer network entries, and wellbeing answers that the
larger scheme's lead sees last month (five or more) and the other's does not (fewer)."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwork.accounts.models import Role
from linkwork.support.demo import seed_support
from linkwork.support.measures import wellbeing_summary
from linkwork.support.models import PeerProfile, SupervisionSession, month_of
from linkwork.support.prompts import PromptKind, prompts_for
from linkwork.support.staff import link_workers
from linkwork.support.training import scheme_overview
from tests.factories import MembershipFactory, SchemeFactory, UserFactory

TODAY = dt.date(2026, 6, 15)


@pytest.mark.django_db
def test_support_demo_fills_both_schemes():
    schemes = [SchemeFactory(name="Central"), SchemeFactory(name="Community")]
    for scheme, workers in zip(schemes, (4, 3), strict=True):
        MembershipFactory(
            user=UserFactory(), organisation=scheme.host, scheme=scheme, role=Role.SCHEME_LEAD
        )
        for _ in range(workers):
            MembershipFactory(
                user=UserFactory(), organisation=scheme.host, scheme=scheme, role=Role.LINK_WORKER
            )

    counts = seed_support(seed=7, today=TODAY)

    central, community = schemes
    assert link_workers(central).count() == 5  # one added so that five can answer
    last_month = month_of(dt.date(2026, 5, 1))
    summary = wellbeing_summary(central, last_month)
    assert summary is not None
    assert summary.respondents == 5
    assert wellbeing_summary(community, last_month) is None
    for scheme in schemes:
        assert SupervisionSession.objects.filter(scheme=scheme).exists()
        overdue = [
            s for _, statuses in scheme_overview(scheme, TODAY) for s in statuses if s.overdue
        ]
        assert overdue
        kinds = {prompt.kind for prompt in prompts_for(scheme, TODAY)}
        assert PromptKind.NO_SUPERVISION in kinds
    assert PeerProfile.objects.filter(opted_in=True).count() == 4
    assert counts["sessions"] == SupervisionSession.objects.count()
