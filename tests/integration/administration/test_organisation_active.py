"""An organisation made inactive on /manage/ (issue 19, item 6): its users with no role in an
active organisation cannot sign in (a clear message) and their sessions end; roles held in it
give no access; it cannot be chosen in forms; its API tokens answer 401 (`tests/integration/
api/test_auth.py`); lists show it as inactive; each change is audited; making it active
again gives everything back, nothing having been deleted."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from linkwork.accounts.models import Membership, Organisation, OrganisationKind, Role
from linkwork.accounts.permissions import Ability, may
from linkwork.administration.forms import MembershipForm, SchemeForm
from linkwork.api import tokens as api_tokens
from linkwork.api.actions import issue_api_token
from linkwork.audit.models import AuditEvent
from linkwork.people.forms import PersonDetailsForm
from linkwork.referrals.forms import PersonForm, SelfReferralForm
from tests.conftest import World, signed_in
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client: Client, world: World) -> Client:
    return signed_in(client, world.admin)


def set_active(admin: Client, organisation: Organisation, active: bool):  # type: ignore[no-untyped-def]
    url = reverse("administration:organisation_active", args=[organisation.pk])
    response = admin.post(url, {"active": "yes" if active else "no"})
    organisation.refresh_from_db()
    return response


def sessions_of(user) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk))


def test_deactivating_ends_its_users_sessions_and_is_audited(admin: Client, world: World):
    referrer = signed_in(Client(), world.referrer)
    assert referrer.get(reverse("notifications:my_referrals")).status_code == 200

    response = set_active(admin, world.practice, False)

    assert response.status_code == 302
    assert response["Location"] == reverse("administration:organisation", args=[world.practice.pk])
    assert not world.practice.is_active
    assert sessions_of(world.referrer) == 0
    assert referrer.get(reverse("web:home")).status_code == 302
    (event,) = AuditEvent.objects.filter(action="organisation.deactivated")
    assert (event.actor, event.object_id) == (world.admin, str(world.practice.pk))
    assert event.detail == {"kind": "gp_practice", "sessions_ended": 1}
    page = admin.get(response["Location"]).content.decode()
    assert "is inactive; sessions ended: 1" in page
    assert "Inactive" in page
    assert "Make the organisation active again" in page


def test_its_users_cannot_sign_in_with_a_clear_message(admin: Client, world: World):
    client = Client()
    set_active(admin, world.practice, False)

    response = client.post(
        reverse("accounts:login"), {"email": world.referrer.email, "password": PASSWORD}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "You cannot log in because Alder Street Surgery is no longer active" in body
    assert "ask your system admin" in body
    assert SESSION_KEY not in client.session
    (event,) = AuditEvent.objects.filter(action="login.refused")
    assert event.actor == world.referrer
    assert event.detail == {"reason": "organisation_inactive", "organisation": world.practice.pk}
    # Active again: the same password signs in (two-factor next), nothing was deleted.
    set_active(admin, world.practice, True)
    again = client.post(
        reverse("accounts:login"), {"email": world.referrer.email, "password": PASSWORD}
    )
    assert again["Location"] == reverse("accounts:two_factor")
    assert AuditEvent.objects.filter(action="organisation.reactivated").count() == 1
    assert Membership.objects.filter(user=world.referrer, organisation=world.practice).exists()


def test_a_user_with_a_role_elsewhere_signs_in_with_that_role_only(admin: Client, world: World):
    client = Client()
    MembershipFactory(user=world.referrer, organisation=world.provider_org, role=Role.PROVIDER)
    referrer = signed_in(Client(), world.referrer)
    set_active(admin, world.practice, False)

    # Their session goes on (their provider role is active) with the practice's role gone.
    assert AuditEvent.objects.get(action="organisation.deactivated").detail["sessions_ended"] == 0
    assert referrer.get(reverse("casework:inbox")).status_code == 200
    assert referrer.get(reverse("notifications:my_referrals")).status_code == 403
    response = client.post(
        reverse("accounts:login"), {"email": world.referrer.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:two_factor")


def test_a_role_in_an_inactive_organisation_gives_no_access(world: World, referral_a):
    world.practice.is_active = False
    world.practice.save(update_fields=["is_active"])
    referrer = type(world.referrer).objects.get(pk=world.referrer.pk)
    assert not may(referrer, Ability.MAKE_REFERRAL)
    assert not may(referrer, Ability.VIEW_REFERRAL, referral_a)


def test_an_admin_cannot_make_their_own_organisation_inactive(admin: Client, world: World):
    host = world.scheme_a.host
    response = set_active(admin, host, False)
    assert response.status_code == 302
    assert host.is_active
    page = admin.get(response["Location"]).content.decode()
    assert "You cannot make your own organisation inactive" in page
    assert not AuditEvent.objects.filter(action="organisation.deactivated").exists()


def test_asking_for_the_state_it_already_has_writes_nothing(admin: Client, world: World):
    set_active(admin, world.practice, True)
    assert world.practice.is_active
    assert not AuditEvent.objects.filter(action__startswith="organisation.").exists()


def test_only_admins_who_run_the_service_may(world: World):
    for persona in ("link_worker_a", "scheme_lead_a", "referrer", "provider"):
        client = signed_in(Client(), getattr(world, persona))
        response = set_active(client, world.practice, False)
        assert response.status_code == 403, persona
        assert world.practice.is_active


def test_lists_show_it_as_inactive_and_filter_by_status(admin: Client, world: World):
    closed = OrganisationFactory(name="Old Mill Surgery", kind="gp_practice", is_active=False)
    listing = admin.get(reverse("administration:organisations")).content.decode()
    assert "Old Mill Surgery" in listing
    assert "Inactive" in listing
    inactive = admin.get(reverse("administration:organisations"), {"status": "inactive"})
    body = inactive.content.decode()
    assert closed.name in body
    assert world.practice.name not in body
    active = admin.get(reverse("administration:organisations"), {"status": "active"})
    assert closed.name not in active.content.decode()
    garbled = admin.get(reverse("administration:organisations"), {"status": "closed"})
    assert garbled.status_code == 400
    assert 'href="#id_status"' in garbled.content.decode()
    # The users list's organisation filter still finds its users, and says it is inactive.
    users = admin.get(reverse("administration:users")).content.decode()
    assert "Old Mill Surgery (inactive)" in users
    # A user's page says which of their roles gives no access.
    world.practice.is_active = False
    world.practice.save(update_fields=["is_active"])
    page = admin.get(reverse("administration:user", args=[world.referrer.pk])).content.decode()
    assert "Organisation inactive: gives no access" in page
    page = admin.get(reverse("administration:user", args=[world.provider.pk])).content.decode()
    assert "Organisation inactive" not in page


def test_it_cannot_be_chosen_in_forms(world: World, referral_a):
    closed = OrganisationFactory(name="Old Mill Surgery", kind="gp_practice", is_active=False)
    MembershipFactory(user=world.link_worker_b, organisation=closed, role=Role.REFERRER)
    pk = str(closed.pk)

    def choices(form, name: str) -> set[str]:  # type: ignore[no-untyped-def]
        return {str(value) for value, _ in form.fields[name].choices}

    # The GP practice, at referral (staff and self-referral) and on the person's record.
    assert pk not in choices(PersonForm(), "gp_practice")
    assert pk not in choices(SelfReferralForm(), "gp_practice")
    assert str(world.practice.pk) in choices(SelfReferralForm(), "gp_practice")
    assert pk not in choices(PersonDetailsForm(person=referral_a.person), "gp_practice")
    # A person already registered there keeps it on their record.
    registered = PersonFactory(gp_practice=closed)
    assert pk in choices(PersonDetailsForm(person=registered), "gp_practice")
    # A role in it (a referrer, a provider), or a scheme it hosts.
    assert pk not in choices(MembershipForm(user=world.curator), "organisation")
    chosen = MembershipForm(
        {"role": "referrer", "organisation": pk}, user=world.curator, prefix=None
    )
    assert not chosen.is_valid()
    assert "organisation" in chosen.errors
    hosted = world.scheme_b
    hosted.host.is_active = False
    hosted.host.save(update_fields=["is_active"])
    assert str(hosted.pk) not in choices(MembershipForm(user=world.curator), "scheme")
    # A new scheme's host; a scheme it already hosts keeps it.
    assert closed not in SchemeForm().fields["host"].queryset
    assert hosted.host in SchemeForm(instance=hosted).fields["host"].queryset


def test_its_tokens_stop_working(admin: Client, world: World):
    _, secret = issue_api_token(by=None, organisation=world.practice, name="Practice system")
    assert api_tokens.authenticate(secret) is not None
    tokens_page = reverse("administration:tokens", args=[world.practice.pk])
    assert "none of its tokens works" not in admin.get(tokens_page).content.decode()
    world.practice.is_active = False
    world.practice.save(update_fields=["is_active"])
    assert api_tokens.authenticate(secret) is None
    assert "is inactive: none of its tokens works" in admin.get(tokens_page).content.decode()


def test_the_admin_site_form_keeps_the_switch():
    """New organisations are active; the kind of an inactive one is unchanged."""
    made = Organisation.objects.create(name="Fresh Start", kind=OrganisationKind.OTHER)
    assert made.is_active
    assert list(Organisation.objects.active()) == [made]
