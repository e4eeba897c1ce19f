"""Running the service's accounts (issue 19, item 6): a system admin resets a lost
authenticator, audited, the user told by email; a scheme lead adds link workers to their own
scheme (an existing account, or a new one that gets a welcome email) and removes them once they
hold no open cases; another scheme's lead is refused and the refusal audited."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.accounts.models import Membership, Role, User
from linkwork.audit.models import AuditEvent
from tests.conftest import World, signed_in
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def running():  # type: ignore[no-untyped-def]
        return django_capture_on_commit_callbacks(execute=True)

    return running


# --- An admin resets a lost authenticator -----------------------------------------------------


def reset_url(user: User) -> str:
    return reverse("accounts:reset_two_factor", args=[user.pk])


def test_two_factor_page_explains_a_lost_authenticator(client, world: World):
    client.force_login(world.link_worker_a)
    body = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Lost your authenticator?" in body
    assert "ask your system admin to reset your authenticator app" in body


def test_admin_resets_a_lost_authenticator(client, world: World, on_commit):
    user = world.link_worker_a
    elsewhere = signed_in(Client(), user)
    signed_in(client, world.admin)
    assert "Reset their authenticator app" in client.get(reset_url(user)).content.decode()

    with on_commit():
        response = client.post(reset_url(user), {"reason": "lost_phone", "confirm": "on"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    # Their sessions ended; at the next login they set up an app again.
    assert elsewhere.get(reverse("web:home")).status_code == 302
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert (event.actor, event.object_id) == (world.admin, str(user.pk))
    assert event.detail == {"reason": "lost_phone", "devices_removed": 1, "sessions_ended": 1}
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Your authenticator app has been reset"
    assert "set up an authenticator app again" in message.body
    fresh = Client()
    fresh.force_login(user)
    assert fresh.get(reverse("accounts:two_factor"))["Location"] == reverse(
        "accounts:two_factor_setup"
    )


def test_admin_reset_needs_a_reason_and_a_check(client, world: World):
    signed_in(client, world.admin)
    response = client.post(reset_url(world.link_worker_a), {})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Select why you are resetting their authenticator app" in body
    assert "Confirm that you have checked who asked" in body
    assert TOTPDevice.objects.filter(user=world.link_worker_a).exists()
    assert not AuditEvent.objects.filter(action="two_factor.reset").exists()


def test_an_admin_of_another_organisation_is_refused(client, world: World):
    other_admin = UserFactory(totp=True)
    MembershipFactory(user=other_admin, organisation=world.scheme_b.host, role=Role.ADMIN)
    signed_in(client, other_admin)
    response = client.post(reset_url(world.link_worker_a), {"reason": "other", "confirm": "on"})
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=world.link_worker_a).exists()
    event = AuditEvent.objects.get(action="access.denied")
    assert (event.actor, event.object_id) == (other_admin, str(world.link_worker_a.pk))


def test_the_admin_pages_need_two_factor(client, world: World):
    client.force_login(world.admin)  # password only
    response = client.get(reset_url(world.link_worker_a))
    assert response["Location"] == reverse("accounts:two_factor")
    response = client.get(reverse("accounts:scheme_link_workers", args=[world.scheme_a.pk]))
    assert response["Location"] == reverse("accounts:two_factor")


# --- A scheme lead's link workers ---------------------------------------------------------------


def workers_url(world: World) -> str:
    return reverse("accounts:scheme_link_workers", args=[world.scheme_a.pk])


def remove_url(world: World, user: User) -> str:
    return reverse("accounts:remove_link_worker", args=[world.scheme_a.pk, user.pk])


def test_lead_sees_their_link_workers(client, world: World):
    ReferralFactory(scheme=world.scheme_a, link_worker=world.link_worker_a, status="active")
    signed_in(client, world.scheme_lead_a)
    body = client.get(workers_url(world)).content.decode()
    assert world.link_worker_a.email in body
    assert world.link_worker_b.email not in body


def test_lead_adds_an_existing_account(client, world: World, on_commit):
    someone = UserFactory(totp=True, email="kit.new@example.org")
    MembershipFactory(user=someone, organisation=OrganisationFactory(), role=Role.REFERRER)
    signed_in(client, world.scheme_lead_a)
    with on_commit():
        response = client.post(workers_url(world), {"email": "Kit.New@example.org"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=someone, role=Role.LINK_WORKER)
    assert (membership.scheme, membership.organisation) == (world.scheme_a, world.scheme_a.host)
    assert mail.outbox == []
    event = AuditEvent.objects.get(action="scheme.link_worker_added")
    assert (event.actor, event.object_id, event.scheme_id) == (
        world.scheme_lead_a,
        str(someone.pk),
        world.scheme_a.pk,
    )
    again = client.post(workers_url(world), {"email": someone.email})
    assert again.status_code == 200
    assert "They are already a link worker in Scheme A" in again.content.decode()


def test_lead_adds_a_new_account_who_sets_a_password(client, world: World, on_commit):
    signed_in(client, world.scheme_lead_a)
    missing_name = client.post(workers_url(world), {"email": "ola.new@example.org"})
    assert "Enter their full name" in missing_name.content.decode()
    assert not User.objects.filter(email="ola.new@example.org").exists()

    with on_commit():
        client.post(workers_url(world), {"email": "ola.new@example.org", "full_name": "Ola New"})

    user = User.objects.get(email="ola.new@example.org")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, scheme=world.scheme_a).exists()
    (message,) = mail.outbox
    assert message.subject.startswith("Your new account")
    assert "authenticator app" in message.body
    (url,) = re.findall(r"https?://\S+/account/password-reset/\S+", message.body)
    newcomer = Client()
    form = newcomer.get(urlsplit(url).path)["Location"]
    password = "fern window marble orchard"
    with on_commit():
        newcomer.post(form, {"password": password, "password_again": password})
    # Setting a first password is not a change to warn about.
    assert len(mail.outbox) == 1
    user.refresh_from_db()
    assert user.check_password(password)
    # At the first login they set up an authenticator app.
    login = newcomer.post(reverse("accounts:login"), {"email": user.email, "password": password})
    assert login["Location"] == reverse("accounts:two_factor")
    assert newcomer.get(login["Location"])["Location"] == reverse("accounts:two_factor_setup")


def test_lead_cannot_add_to_another_scheme(client, world: World):
    signed_in(client, world.scheme_lead_a)
    url = reverse("accounts:scheme_link_workers", args=[world.scheme_b.pk])
    response = client.post(url, {"email": "x@example.org", "full_name": "X"})
    assert response.status_code == 404
    assert not User.objects.filter(email="x@example.org").exists()
    event = AuditEvent.objects.get(action="access.denied")
    assert (event.actor, event.object_id) == (world.scheme_lead_a, str(world.scheme_b.pk))
    # A link worker may not use the page at all.
    signed_in(client, world.link_worker_a)
    assert client.get(workers_url(world)).status_code == 403


def test_removing_a_link_worker_with_open_cases_is_refused(client, world: World):
    ReferralFactory(scheme=world.scheme_a, link_worker=world.link_worker_a, status="active")
    ReferralFactory(scheme=world.scheme_a, link_worker=world.link_worker_a, status="on_hold")
    ReferralFactory(scheme=world.scheme_a, link_worker=world.link_worker_a, status="received")
    signed_in(client, world.scheme_lead_a)
    response = client.post(remove_url(world, world.link_worker_a))
    assert response.status_code == 409
    assert "Lina Worker has 2 open cases in Scheme A" in response.content.decode()
    assert Membership.objects.filter(user=world.link_worker_a, scheme=world.scheme_a).exists()
    assert not AuditEvent.objects.filter(action="scheme.link_worker_removed").exists()


def test_lead_removes_a_link_worker_without_open_cases(client, world: World):
    signed_in(client, world.scheme_lead_a)
    response = client.post(remove_url(world, world.link_worker_a))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=world.link_worker_a, scheme=world.scheme_a).exists()
    event = AuditEvent.objects.get(action="scheme.link_worker_removed")
    assert (event.object_id, event.scheme_id) == (str(world.link_worker_a.pk), world.scheme_a.pk)


def test_lead_cannot_remove_someone_elses_link_worker(client, world: World):
    signed_in(client, world.scheme_lead_a)
    response = client.post(remove_url(world, world.link_worker_b))
    assert response.status_code == 404
    assert Membership.objects.filter(user=world.link_worker_b, scheme=world.scheme_b).exists()
    assert AuditEvent.objects.get(action="access.denied").object_id == str(world.link_worker_b.pk)
