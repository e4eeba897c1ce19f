"""Open referrals for capacity and caseload tests: scheme A's link worker's by default."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linkwork.referrals.models import Referral
from tests.conftest import World
from tests.factories import ReferralFactory


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def case(world: World, **fields: object) -> Referral:
    fields.setdefault("status", "active")
    fields.setdefault("scheme", world.scheme_a)
    fields.setdefault("link_worker", world.link_worker_a)
    return ReferralFactory(**fields)
