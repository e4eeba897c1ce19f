"""Sessions and login (issue 16, item 5): a new session key at login and at two-factor, idle
and absolute time-outs with the clock frozen, deactivation ending every session, throttling per
address across accounts, and every login attempt audited without personal data."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.accounts.sessions import deactivate_user, end_sessions
from linkwork.audit.models import AuditEvent
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


def log_in(client: Client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"email": email, "password": password})


def log_in_fully(client: Client, user) -> None:  # type: ignore[no-untyped-def]
    """Password then the authenticator code, as a person would."""
    log_in(client, user.email)
    device = TOTPDevice.objects.get(user=user)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    assert client.post(reverse("accounts:two_factor"), {"code": f"{code:06d}"}).status_code == 302


def test_login_gives_the_session_a_new_key(client, world: World):
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    assert before

    log_in(client, world.analyst.email)

    after = client.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session[SESSION_KEY] == str(world.analyst.pk)


def test_two_factor_gives_the_session_another_new_key(client, world: World):
    log_in(client, world.link_worker_a.email)
    after_password = client.session.session_key
    device = TOTPDevice.objects.get(user=world.link_worker_a)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()

    client.post(reverse("accounts:two_factor"), {"code": f"{code:06d}"})

    assert client.session.session_key != after_password
    assert client.get(reverse("web:home")).status_code == 200


def test_session_ends_after_thirty_idle_minutes(client, world: World):
    with time_machine.travel(START, tick=False) as clock:
        log_in_fully(client, world.link_worker_a)
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("web:home")).status_code == 200
        clock.shift(dt.timedelta(minutes=30))
        response = client.get(reverse("web:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    # The session store drops a session unused for 30 minutes, so nothing of it is left.
    assert not Session.objects.filter(expire_date__gt=START + dt.timedelta(minutes=59)).exists()


def session_writes(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if 'UPDATE "django_session"' in q["sql"]]


def test_requests_within_a_minute_write_nothing_to_the_session_store(client, world: World):
    """Renewing the idle clock on every request was an UPDATE and a commit on every page;
    it is renewed at most once a minute (`SESSION_RENEW_SECONDS`)."""
    with time_machine.travel(START, tick=False) as clock:
        log_in_fully(client, world.link_worker_a)
        clock.shift(dt.timedelta(minutes=2))
        with CaptureQueriesContext(connection) as renewed:
            assert client.get(reverse("web:home")).status_code == 200
        clock.shift(dt.timedelta(seconds=settings.SESSION_RENEW_SECONDS - 1))
        with CaptureQueriesContext(connection) as quiet:
            assert client.get(reverse("web:home")).status_code == 200
        clock.shift(dt.timedelta(seconds=1))
        with CaptureQueriesContext(connection) as renewed_again:
            assert client.get(reverse("web:home")).status_code == 200

    assert len(session_writes(renewed)) == 1
    assert session_writes(quiet) == []
    assert len(session_writes(renewed_again)) == 1


def test_an_idle_session_never_outlives_thirty_minutes_after_the_last_request(client, world: World):
    """A request that did not renew the clock (within a minute of one that did) ends up to a
    minute sooner, never later: at most 30 minutes after the last request."""
    with time_machine.travel(START, tick=False) as clock:
        log_in_fully(client, world.link_worker_a)
        clock.shift(dt.timedelta(seconds=50))
        assert client.get(reverse("web:home")).status_code == 200
        clock.shift(dt.timedelta(minutes=30))
        response = client.get(reverse("web:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_busy_session_ends_twelve_hours_after_login(client, world: World):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    with time_machine.travel(START, tick=False) as clock:
        log_in_fully(client, world.link_worker_a)
        # A request every 20 minutes keeps it from going idle, up to the 12-hour limit.
        for _ in range(35):
            clock.shift(dt.timedelta(minutes=20))
            assert client.get(reverse("web:home")).status_code == 200
        clock.shift(dt.timedelta(minutes=20))  # 12 hours since login
        response = client.get(reverse("web:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.get(action="session.expired").detail == {"reason": "absolute"}


def test_deactivating_a_user_ends_every_session_they_hold(world: World):
    user = world.link_worker_a
    laptop, phone, colleague = Client(), Client(), Client()
    with time_machine.travel(START, tick=False) as clock:
        log_in_fully(laptop, user)
        # An authenticator code is accepted once: the phone signs in with the next one.
        clock.shift(dt.timedelta(minutes=1))
        log_in_fully(phone, user)
        log_in_fully(colleague, world.link_worker_b)

        ended = deactivate_user(by=world.admin, user=user)

        assert ended == 2
        for device in (laptop, phone):
            response = device.get(reverse("web:home"))
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
        assert colleague.get(reverse("web:home")).status_code == 200
    event = AuditEvent.objects.get(action="user.deactivated")
    assert (event.actor, event.object_id, event.detail) == (
        world.admin,
        str(user.pk),
        {"sessions_ended": 2},
    )
    assert end_sessions(user) == 0


def test_deactivating_in_the_admin_ends_sessions(client, world: World):
    user = world.link_worker_a
    elsewhere = Client()
    log_in_fully(elsewhere, user)
    admin = UserFactory(totp=True, is_staff=True, is_superuser=True, full_name="Sys Admin")
    log_in_fully(client, admin)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    membership = user.memberships.get()
    form = {
        "email": user.email,
        "full_name": user.full_name,
        "job_title": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": str(membership.pk),
        "memberships-0-user": str(user.pk),
        "memberships-0-organisation": str(membership.organisation_id),
        "memberships-0-scheme": str(membership.scheme_id),
        "memberships-0-role": membership.role,
        "memberships-0-created_at_0": membership.created_at.strftime("%Y-%m-%d"),
        "memberships-0-created_at_1": membership.created_at.strftime("%H:%M:%S"),
    }
    assert client.get(url).status_code == 200

    response = client.post(url, form)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active is False
    assert elsewhere.get(reverse("web:home")).status_code == 302
    event = AuditEvent.objects.get(action="user.deactivated")
    assert (event.actor, event.object_id, event.detail) == (
        admin,
        str(user.pk),
        {"sessions_ended": 1},
    )


def test_guesses_spread_over_many_accounts_from_one_address_are_locked_out(client, db):
    accounts = [UserFactory(full_name=f"Staff {n}") for n in range(10)]
    answers = [
        log_in(client, account.email, f"guess-{round_}").status_code
        for round_ in range(4)
        for account in accounts
    ]

    # No account reached its own limit (4 guesses each, limit 5), yet the address is stopped.
    assert settings.AXES_FAILURE_LIMIT > 4
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert answers[:limit] == [200] * limit
    assert set(answers[limit:]) == {429}
    # Even the right password is refused from that address until the lock-out time passes.
    assert log_in(client, accounts[0].email).status_code == 429
    locked = AuditEvent.objects.filter(action="login.locked_out")
    assert locked.count() == len(answers) - limit + 1
    assert {event.detail["scope"] for event in locked} == {"address"}


def test_another_address_is_not_locked_out_by_one_addresses_guesses(db):
    target = UserFactory()
    noisy = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT + 1):
        log_in(noisy, UserFactory().email, f"guess-{n}")
    assert log_in(noisy, target.email).status_code == 429

    quiet = Client(REMOTE_ADDR="203.0.113.9")
    assert log_in(quiet, target.email).status_code == 302


def test_address_lock_out_ends_after_the_lock_out_time(db):
    target = UserFactory()
    with time_machine.travel(START, tick=False) as clock:
        for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
            log_in(Client(), UserFactory().email, f"guess-{n}")
        assert log_in(Client(), target.email).status_code == 429
        clock.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
        assert log_in(Client(), target.email).status_code == 302


def test_every_login_attempt_is_audited_without_personal_data(client, world: World):
    user = world.analyst
    log_in(client, user.email, "wrong-password")
    log_in(client, "nobody@example.org", "wrong-password")
    client.post(reverse("accounts:login"), {"email": "", "password": ""})
    log_in(client, user.email)

    events = list(
        AuditEvent.objects.filter(action__startswith="login.")
        .order_by("id")
        .values_list("action", "actor_id", "detail")
    )
    assert events == [
        ("login.failed", user.pk, {}),
        ("login.failed", None, {}),
        ("login.failed", None, {"reason": "incomplete"}),
        ("login.succeeded", user.pk, {}),
    ]
    stored = " ".join(
        str(value)
        for row in AuditEvent.objects.values_list("detail", "path", "object_id")
        for value in row
    )
    for secret in (user.email, "nobody@example.org", "wrong-password", PASSWORD):
        assert secret not in stored


def test_a_session_left_idle_is_audited_when_clearsessions_removes_it(client, world: World):
    """Nobody comes back, so the middleware never sees the session end: the sweep audits it."""
    user = world.link_worker_a
    anonymous = Client()
    with time_machine.travel(START, tick=False) as clock:
        log_in_fully(client, user)
        anonymous.get(reverse("refer"))  # a session nobody signed in to
        anonymous.session.save()
        clock.shift(dt.timedelta(minutes=31))
        call_command("clearsessions")

    event = AuditEvent.objects.get(action="session.expired")
    assert (event.actor, event.object_id) == (user, str(user.pk))
    assert event.detail == {
        "reason": "idle",
        "ended_at": (START + dt.timedelta(minutes=30)).isoformat(),
        "found_by": "clearsessions",
    }
    assert not Session.objects.exists()
    assert user.email not in str(event.detail) + event.path


def test_a_session_past_twelve_hours_is_audited_as_absolute_by_clearsessions(client, world: World):
    with time_machine.travel(START, tick=False) as clock:
        log_in_fully(client, world.link_worker_a)
        for _ in range(36):  # busy until the 12 hours are up, then never back
            clock.shift(dt.timedelta(minutes=20))
            client.get(reverse("web:home"))
        clock.shift(dt.timedelta(hours=1))
        call_command("clearsessions")

    reasons = [
        event.detail["reason"] for event in AuditEvent.objects.filter(action="session.expired")
    ]
    # The last request found the 12 hours up (audited by the middleware, which also ends the
    # session); what the sweep would find is then already gone, so nothing is audited twice.
    assert reasons == ["absolute"]
    assert not Session.objects.exists()


def test_an_unexpired_session_is_left_alone_by_clearsessions(client, world: World):
    log_in_fully(client, world.link_worker_a)

    call_command("clearsessions")

    assert client.get(reverse("web:home")).status_code == 200
    assert not AuditEvent.objects.filter(action="session.expired").exists()


def test_saving_a_user_inactive_by_any_path_ends_their_sessions(world: World):
    """A form, the shell or a service that saves the user: no need to call deactivate_user."""
    user = world.link_worker_a
    device = Client()
    log_in_fully(device, user)

    user.full_name = "Renamed Worker"
    user.save()  # a save that leaves is_active alone ends nothing
    assert device.get(reverse("web:home")).status_code == 200
    user.is_active = False
    user.save()

    assert Session.objects.count() == 0
    response = device.get(reverse("web:home"))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.deactivated")
    assert (event.actor, event.object_id, event.detail) == (
        None,
        str(user.pk),
        {"sessions_ended": 1},
    )
    # Saved inactive again, nothing more is ended or audited.
    user.save()
    assert AuditEvent.objects.filter(action="user.deactivated").count() == 1


def test_an_update_that_skips_save_still_signs_the_user_out(world: World):
    """`QuerySet.update` sends no signal; Django's backend then refuses the inactive user."""
    user = world.link_worker_a
    device = Client()
    log_in_fully(device, user)

    type(user).objects.filter(pk=user.pk).update(is_active=False)

    response = device.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
