"""Changing one's own password (issue 19, item 6): any signed-in user, past two-factor, gives
their current password and a new one twice, checked by the installation's validators. Their
own session stays signed in with its second factor; every other session of the account ends;
they are emailed (without the password); every change and every wrong current password is
audited, without what was typed."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from tests.conftest import World, signed_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "copper kettle harbour lantern"
URL = "/account/password/"


def change(client: Client, current: str = PASSWORD, new: str = NEW_PASSWORD, again: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        URL, {"current_password": current, "password": new, "password_again": again or new}
    )


def sessions_of(user) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        s.session_key
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


def test_the_page_is_at_account_password():
    assert reverse("accounts:change_password") == URL


def test_the_header_links_to_the_page(client: Client, world: World):
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("web:home")).content.decode()
    assert f'href="{URL}"' in body
    assert "Change password" in body


def test_signed_out_goes_to_login(client: Client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_two_factor_is_asked_first(client: Client, world: World):
    """Signed in with a password only: the page is not reached before the security code."""
    client.force_login(world.link_worker_a)
    assert client.get(URL)["Location"] == reverse("accounts:two_factor")
    assert change(client)["Location"] == reverse("accounts:two_factor")
    world.link_worker_a.refresh_from_db()
    assert world.link_worker_a.check_password(PASSWORD)


def test_change_keeps_this_session_and_two_factor_and_ends_the_others(
    client: Client, world: World, django_capture_on_commit_callbacks
):
    user = world.link_worker_a
    signed_in(client, user)
    elsewhere = signed_in(Client(), user)
    other_user = signed_in(Client(), world.link_worker_b)
    assert elsewhere.get(reverse("web:home")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = change(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # This session: still signed in, still past two-factor (casework needs both).
    home = client.get(reverse("web:home"))
    assert home.status_code == 200
    assert "Your password has been changed. You have been logged out of 1 other session" in (
        home.content.decode()
    )
    assert client.get(reverse("casework:caseload")).status_code == 200
    assert len(sessions_of(user)) == 1
    # The other session of the account ends; another account's does not.
    assert elsewhere.get(reverse("web:home")).status_code == 302
    assert other_user.get(reverse("web:home")).status_code == 200
    (event,) = AuditEvent.objects.filter(action="password.changed")
    assert (event.actor, event.object_id) == (user, str(user.pk))
    assert event.detail == {"sessions_ended": 1}
    # The email says what happened, and never the password.
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Your password has been changed"
    assert "logged out everywhere else" in message.body
    assert "tell your system admin" in message.body
    assert NEW_PASSWORD not in message.body
    assert PASSWORD not in message.body
    assert NEW_PASSWORD not in str([e.detail for e in AuditEvent.objects.all()])


def test_the_new_password_works_at_login(client: Client, world: World):
    user = world.referrer
    signed_in(client, user)
    change(client)
    fresh = Client()
    refused = fresh.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert "Enter a correct email address and password" in refused.content.decode()
    accepted = fresh.post(
        reverse("accounts:login"), {"email": user.email, "password": NEW_PASSWORD}
    )
    assert accepted["Location"] == reverse("accounts:two_factor")


def test_a_wrong_current_password_is_refused_and_audited(client: Client, world: World):
    user = world.link_worker_a
    signed_in(client, user)
    response = change(client, current="not my password")
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_current_password"' in body
    assert "Your current password is wrong: enter it again" in body
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    (event,) = AuditEvent.objects.filter(action="password.change_failed")
    assert event.actor == user
    assert "not my password" not in str(event.detail)
    assert not AuditEvent.objects.filter(action="password.changed").exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("new", "again", "field", "message"),
    [
        ("short", "short", "password", "This password is too short"),
        ("password1234", "password1234", "password", "This password is too common"),
        ("x" * 201, "x" * 201, "password", "Enter a password of 200 characters or fewer"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "password_again", "The passwords do not match"),
        (PASSWORD, PASSWORD, "password", "Choose a new password that is not your current one"),
    ],
)
def test_the_new_password_is_checked(client: Client, world: World, new, again, field, message):
    user = world.link_worker_a
    signed_in(client, user)
    response = change(client, new=new, again=again)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'href="#id_{field}"' in body
    assert message in body
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action__startswith="password.").exists()


def test_an_empty_form_names_every_field(client: Client, world: World):
    signed_in(client, world.analyst)
    response = client.post(URL, {})
    assert response.status_code == 400
    body = response.content.decode()
    for words in ("Enter your current password", "Enter a new password"):
        assert words in body
    assert "Type the new password again" in body


def test_too_many_wrong_current_passwords_log_the_session_out(
    client: Client, world: World, settings
):
    """Someone at a session left open cannot guess the password without limit."""
    settings.AXES_FAILURE_LIMIT = 3
    user = world.link_worker_a
    signed_in(client, user)
    for _ in range(2):
        assert change(client, current="guess").status_code == 400
    response = change(client, current="guess")
    assert response["Location"] == reverse("accounts:login")
    assert sessions_of(user) == []
    assert AuditEvent.objects.filter(action="password.change_failed").count() == 3
    assert AuditEvent.objects.get(action="logout").detail == {"reason": "password_guesses"}
    login = client.get(reverse("accounts:login")).content.decode()
    assert "entered wrongly too many times" in login
