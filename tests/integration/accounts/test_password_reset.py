"""Forgotten password (issue 19, item 6): a single-use, expiring link by email; the same answer
whatever address is asked for; limits per account and per address; the new password checked
by the validators; every other session ended; two-factor still asked at the next login; every
step audited without the email address or the link."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.accounts import passwords
from linkwork.audit.models import AuditEvent
from tests.conftest import World, signed_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "copper kettle harbour lantern"
START = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def ask(client: Client, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Ask for a reset link for `email` as the login page does; gives the response."""

    def asking(email: str, who: Client = client):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return who.post(reverse("accounts:password_reset"), {"email": email})

    return asking


def link_in(message: mail.EmailMessage) -> str:
    """The path of the reset link in an email."""
    (url,) = re.findall(r"https?://\S+/account/password-reset/\S+", message.body)
    return urlsplit(url).path


def choose(client: Client, path: str, password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    """Follow the link and choose `password`; gives the last response."""
    response = client.get(path)
    if response.status_code != 302:
        return response
    return client.post(response["Location"], {"password": password, "password_again": password})


def test_login_page_links_to_the_reset(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Forgotten your password?" in body
    assert reverse("accounts:password_reset") in body


def test_the_answer_is_the_same_for_an_unknown_address(ask, world: World):
    known = ask(world.link_worker_a.email)
    unknown = ask("nobody-here@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.link_worker_a.email]
    # Both asks audited, neither with the address asked for.
    events = AuditEvent.objects.filter(action="password_reset.requested").order_by("id")
    assert [event.actor for event in events] == [world.link_worker_a, None]
    assert all("@" not in str(event.detail) for event in events)


def test_a_switched_off_account_gets_no_email(ask):
    user = UserFactory(is_active=False)
    assert ask(user.email)["Location"] == reverse("accounts:password_reset_sent")
    assert mail.outbox == []


def test_the_email_is_plain_and_the_link_is_kept_nowhere(ask, world: World):
    ask(world.link_worker_a.email)
    (message,) = mail.outbox
    path = link_in(message)
    assert message.subject.startswith("Reset your password")
    assert "works once, for the next 60 minutes" in message.body
    assert "security code" in message.body
    token = path.rstrip("/").rsplit("/", 1)[-1]
    assert token not in str(list(AuditEvent.objects.values_list("detail", "path")))


def test_the_link_sets_a_new_password_once(
    client, ask, world: World, django_capture_on_commit_callbacks
):
    user = world.link_worker_a
    ask(user.email)
    path = link_in(mail.outbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = choose(client, path)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Not signed in by the reset.
    assert "_auth_user_id" not in client.session
    # The address the browser shows after the link holds no token.
    completed = AuditEvent.objects.get(action="password_reset.completed")
    assert completed.actor == user
    assert completed.path.endswith("/new-password/")

    # They are told by email that the password changed.
    assert [m.subject for m in mail.outbox][1:] == ["Your password has been changed"]
    assert "tell your system admin" in mail.outbox[1].body

    again = Client().get(path)
    assert again.status_code == 410
    assert "This link does not work" in again.content.decode()
    assert AuditEvent.objects.filter(action="password_reset.link_refused").count() == 1


def test_the_link_expires(client, ask, world: World):
    with time_machine.travel(START, tick=False) as clock:
        ask(world.link_worker_a.email)
        path = link_in(mail.outbox[0])
        clock.shift(dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))
        response = client.get(path)
    assert response.status_code == 410
    world.link_worker_a.refresh_from_db()
    assert world.link_worker_a.check_password(PASSWORD)


def test_the_link_stops_working_when_the_password_changes(client, ask, world: World):
    user = world.link_worker_a
    ask(user.email)
    path = link_in(mail.outbox[0])
    user.set_password("another long passphrase here")
    user.save()
    assert client.get(path).status_code == 410


def test_a_tampered_link_is_refused(client, ask, world: World):
    ask(world.link_worker_a.email)
    path = link_in(mail.outbox[0])
    assert client.get(path[:-3] + "xx/").status_code == 410
    assert client.get("/account/password-reset/!!!/abc-def/").status_code == 410
    # Straight to the new password page without the link: refused too.
    uid = passwords.uid_of(world.link_worker_a)
    assert Client().get(reverse("accounts:password_reset_new", args=[uid])).status_code == 410


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("short", "short", "This password is too short"),
        ("password1234", "password1234", "This password is too common"),
        ("x" * 201, "x" * 201, "Enter a password of 200 characters or fewer"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The passwords do not match"),
        ("", "", "Enter a new password"),
    ],
)
def test_the_new_password_is_checked(client, ask, world: World, password, again, message):
    ask(world.link_worker_a.email)
    response = client.get(link_in(mail.outbox[0]))
    page = response["Location"]
    answer = client.post(page, {"password": password, "password_again": again})
    assert answer.status_code == 200
    assert message in answer.content.decode()
    world.link_worker_a.refresh_from_db()
    assert world.link_worker_a.check_password(PASSWORD)
    # The link still works after a refused password.
    assert choose(client, link_in(mail.outbox[0])).status_code == 302


def test_reset_ends_every_session_and_two_factor_is_still_asked(client, ask, world: World):
    user = world.link_worker_a
    elsewhere = signed_in(Client(), user)
    assert elsewhere.get(reverse("web:home")).status_code == 200
    ask(user.email)

    choose(client, link_in(mail.outbox[0]))

    assert AuditEvent.objects.get(action="password_reset.completed").detail == {"sessions_ended": 1}
    assert elsewhere.get(reverse("web:home")).status_code == 302
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    # Log in with the new password: the security code is asked before anything else.
    login = client.post(reverse("accounts:login"), {"email": user.email, "password": NEW_PASSWORD})
    assert login["Location"] == reverse("accounts:two_factor")
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:two_factor")
    device = TOTPDevice.objects.get(user=user)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    client.post(reverse("accounts:two_factor"), {"code": f"{code:06d}"})
    assert client.get(reverse("web:home")).status_code == 200


@override_settings(PASSWORD_RESET_ACCOUNT_LIMIT=2)
def test_an_account_gets_a_limited_number_of_emails(ask, world: World):
    for _ in range(4):
        assert ask(world.link_worker_a.email)["Location"] == reverse("accounts:password_reset_sent")
    assert len(mail.outbox) == 2
    sent = AuditEvent.objects.filter(action="password_reset.requested").order_by("id")
    assert [event.detail["sent"] for event in sent] == [True, True, False, False]


@override_settings(PASSWORD_RESET_ADDRESS_LIMIT=3)
def test_an_address_may_ask_a_limited_number_of_times(ask, world: World):
    for n in range(3):
        ask(f"someone{n}@example.org")
    refused = ask(world.link_worker_a.email)
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="password_reset.limited").count() == 1
    # Another address is not held back.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert ask(world.link_worker_a.email, other).status_code == 302
    assert len(mail.outbox) == 1


def test_bad_input_names_the_field(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "not an address"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter an email address in the correct format" in body
    assert 'href="#id_email"' in body
    assert AuditEvent.objects.filter(action="password_reset.requested").count() == 0
