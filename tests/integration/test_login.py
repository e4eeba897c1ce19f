"""Login by email and password, then a TOTP code; lock-out; idle sessions; logout."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.audit.models import AuditEvent
from tests.conftest import World, signed_in
from tests.factories import PASSWORD


def current_code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def log_in(client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"email": email, "password": password})


@pytest.mark.django_db
def test_login_then_two_factor_reaches_home(client, world: World):
    user = world.link_worker_a
    response = log_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")
    # Before the second factor, every page sends the user back to it.
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:two_factor")
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:two_factor"), {"code": current_code(device)})
    assert response["Location"] == reverse("web:home")
    home = client.get(reverse("web:home"))
    assert home.status_code == 200
    assert "Your caseload" in home.content.decode()
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert "login.succeeded" in actions
    assert "two_factor.verified" in actions


@pytest.mark.django_db
def test_login_returns_to_requested_page_after_two_factor(client, world: World):
    user = world.link_worker_a
    client.post(
        reverse("accounts:login") + "?next=/referrals/", {"email": user.email, "password": PASSWORD}
    )
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:two_factor"), {"code": current_code(device)})
    assert response["Location"] == "/referrals/"


@pytest.mark.django_db
def test_login_ignores_offsite_next(client, world: World):
    user = world.analyst  # analysts see no personal data, so need no second factor
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"email": user.email, "password": PASSWORD},
    )
    assert response["Location"] == reverse("web:home")


@pytest.mark.django_db
def test_two_factor_wrong_code_is_refused_with_field_error(client, world: World):
    log_in(client, world.link_worker_a.email)
    response = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "The security code is wrong or has expired" in body
    assert 'href="#id_code"' in body
    assert AuditEvent.objects.filter(action="two_factor.failed").exists()


@pytest.mark.django_db
def test_two_factor_code_must_be_six_digits(client, world: World):
    log_in(client, world.link_worker_a.email)
    response = client.post(reverse("accounts:two_factor"), {"code": "12ab"})
    assert "Enter the security code as 6 digits" in response.content.decode()


@pytest.mark.django_db
def test_first_login_sets_up_authenticator(client, world: World):
    user = world.link_worker_a
    TOTPDevice.objects.filter(user=user).delete()
    log_in(client, user.email)
    response = client.get(reverse("accounts:two_factor"))
    assert response["Location"] == reverse("accounts:two_factor_setup")
    page = client.get(reverse("accounts:two_factor_setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": current_code(device)})
    assert response["Location"] == reverse("web:home")
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="two_factor.enrolled", actor=user).exists()


@pytest.mark.django_db
def test_wrong_password_shows_error_and_audits_without_email(client, world: World):
    response = log_in(client, world.link_worker_a.email, "not-the-password")
    body = response.content.decode()
    assert "Enter a correct email address and password" in body
    assert "There is a problem" in body
    event = AuditEvent.objects.get(action="login.failed")
    assert event.actor == world.link_worker_a
    assert world.link_worker_a.email not in str(event.detail)


@pytest.mark.django_db
def test_login_form_names_missing_fields(client, db):
    response = client.post(reverse("accounts:login"), {"email": "", "password": ""})
    body = response.content.decode()
    assert "Enter your email address" in body
    assert "Enter your password" in body
    assert "<title>Error: " in body


@pytest.mark.django_db
def test_repeated_failures_lock_the_account(client, world: World):
    email = world.link_worker_a.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, email, "wrong-password-1")
    response = log_in(client, email)  # even the right password is refused now
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert AuditEvent.objects.filter(action="login.locked_out").exists()


@pytest.mark.django_db
def test_idle_session_ends_after_thirty_minutes(client, world: World):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Renewed at most once a minute, not on every request (tests/integration/accounts).
    assert settings.SESSION_RENEW_SECONDS == 60
    signed_in(client, world.link_worker_a)
    assert client.get(reverse("web:home")).status_code == 200
    session = client.session
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_logout_ends_session(client, world: World):
    signed_in(client, world.link_worker_a)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("web:home")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=world.link_worker_a).exists()


@pytest.mark.django_db
def test_logout_refuses_get(client, world: World):
    signed_in(client, world.link_worker_a)
    assert client.get(reverse("accounts:logout")).status_code == 405


@pytest.mark.django_db
def test_passwords_hashed_with_argon2(settings):
    from linkwork import settings as project_settings
    from tests.factories import UserFactory

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory()
    assert user.password.startswith("argon2")
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "needs_code"),
    [
        ("link_worker_a", True),
        ("scheme_lead_a", True),
        ("referrer", True),
        ("provider", True),
        ("admin", True),
        ("curator", False),
        ("analyst", False),
    ],
)
def test_two_factor_required_for_roles_that_see_personal_data(
    client, world: World, persona, needs_code
):
    response = log_in(client, getattr(world, persona).email)
    expected = reverse("accounts:two_factor") if needs_code else reverse("web:home")
    assert response["Location"] == expected
