"""Each database constraint of the accounts, people and referrals models holds."""

import pytest
from django.db import IntegrityError, transaction

from linkwork.accounts.models import Membership, Role
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    SchemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_link_worker_membership_needs_scheme():
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(), organisation=OrganisationFactory(), role=Role.LINK_WORKER
        )


def test_membership_unique_per_scheme_and_role():
    membership = MembershipFactory(role=Role.LINK_WORKER, scheme=SchemeFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=membership.user,
            organisation=membership.organisation,
            scheme=membership.scheme,
            role=Role.LINK_WORKER,
        )


def test_membership_unique_per_organisation_and_role():
    membership = MembershipFactory(role=Role.REFERRER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=membership.user, organisation=membership.organisation, role=Role.REFERRER
        )


def test_ods_code_unique_when_given():
    OrganisationFactory(ods_code="Z90001")
    OrganisationFactory(ods_code="")
    OrganisationFactory(ods_code="")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(ods_code="Z90001")


def test_scheme_caseload_limits_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        SchemeFactory(active_caseload_limit=0)


def test_person_imd_decile_in_range():
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(imd_decile=11)


def test_person_nhs_number_ten_digits():
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(nhs_number="12345")


def test_closed_referral_needs_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(status="closed", closure_reason="")


def test_open_referral_has_no_closure_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(status="active", closure_reason="goals_met")


def test_email_login_is_unique():
    UserFactory(email="same@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="same@example.org")
