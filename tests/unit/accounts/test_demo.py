"""The link workers the demo adds when a scheme's referrals need more of them: made-up names
from the seeded generator, unique addresses under the demo domain, a membership of the scheme
and an authenticator, the same for the same seed."""

from __future__ import annotations

import random

import pytest
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.accounts.demo import (
    DEMO_EMAIL_DOMAIN,
    STAFF_FAMILY_NAMES,
    STAFF_FIRST_NAMES,
    add_link_workers,
    seed_accounts,
)
from linkwork.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db


def added(seed: int, count: int = 40) -> list[tuple[str, str]]:
    with transaction.atomic():
        accounts = seed_accounts(rng=random.Random(1))
        scheme = accounts.schemes[0]
        before = len(accounts.link_workers[scheme.pk])
        users = add_link_workers(
            rng=random.Random(seed), accounts=accounts, scheme=scheme, count=count
        )
        assert len(accounts.link_workers[scheme.pk]) == before + count
        found = [(user.email, user.full_name) for user in users]
        transaction.set_rollback(True)
    return found


def test_added_link_workers_are_members_of_the_scheme_with_an_authenticator():
    accounts = seed_accounts(rng=random.Random(1))
    scheme = accounts.schemes[1]
    users = add_link_workers(rng=random.Random(2), accounts=accounts, scheme=scheme, count=25)
    for user in users:
        membership = Membership.objects.get(user=user)
        assert membership.role == Role.LINK_WORKER
        assert membership.scheme == scheme
        assert membership.organisation == scheme.host
        assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        assert user.check_password("brackenfield-demo-2026")


def test_added_link_workers_have_made_up_names_and_unique_demo_addresses():
    # Enough link workers that some share a name; their addresses still differ.
    found = added(seed=3, count=200)
    emails = [email for email, _ in found]
    assert len(set(emails)) == len(emails)
    for email, name in found:
        first, family = name.split()
        assert first in STAFF_FIRST_NAMES
        assert family in STAFF_FAMILY_NAMES
        assert email.startswith(f"lw.{first.lower()}.{family.lower()}")
        assert email.endswith(f"@{DEMO_EMAIL_DOMAIN}")


def test_added_link_workers_are_the_same_for_a_seed():
    assert added(seed=5) == added(seed=5)
    assert added(seed=5) != added(seed=6)
