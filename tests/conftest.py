"""Shared fixtures: the named personas of STYLE.md rule 10 and signed-in clients; the
Hypothesis profile for CI; `--now`, which runs the suite as if on another day; and what
several test modules build alike (the demo seeded once a module, a self-referral, a time)."""

from __future__ import annotations

import datetime as dt
import io
import time
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from linkwork.accounts import sessions
from linkwork.accounts.models import Organisation, OrganisationKind, Role, Scheme, User
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    SchemeFactory,
    UserFactory,
)
from tests.prerequisites import in_ci

# In CI, property tests draw the same examples every run, so a red build is never luck and a
# green one never hides a counterexample that only turns up sometimes. Locally they vary.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if in_ci():
    hypothesis_settings.load_profile("ci")

LONDON = zoneinfo.ZoneInfo("Europe/London")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--now",
        metavar="YYYY-MM-DDTHH:MM",
        help="run the suite as if it were this moment (Europe/London), the clock ticking on; "
        "for example 2028-02-29T00:02 to prove no test depends on the day it runs",
    )


@pytest.fixture(autouse=True, scope="session")
def _travel_to_now_option(request: pytest.FixtureRequest) -> Iterator[None]:
    given = request.config.getoption("--now")
    if not given:
        yield
        return
    moment = dt.datetime.fromisoformat(given)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Argon2 is slow on purpose; tests make many accounts, so they use a fast hash. The one
    test about hashing switches Argon2 back on."""
    from django.conf import settings

    real = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    settings.PASSWORD_HASHERS = real


@dataclass
class World:
    """Two schemes, their staff, and a referral in each, as the permission tests need."""

    scheme_a: Scheme
    scheme_b: Scheme
    practice: Organisation
    provider_org: Organisation
    link_worker_a: User
    link_worker_b: User
    scheme_lead_a: User
    provider: User
    referrer: User
    analyst: User
    admin: User
    curator: User


def _member(
    role: Role, organisation: Organisation, scheme: Scheme | None = None, **user: object
) -> User:
    person = UserFactory(totp=True, **user)
    MembershipFactory(user=person, organisation=organisation, scheme=scheme, role=role)
    return person


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@contextmanager
def shared_by_module(django_db_blocker: Any) -> Iterator[None]:
    """Rows written inside are seen by every test of one module and rolled back after it.

    For data that are slow to build and that tests only read, such as the demo: seeded once
    per module (per xdist worker), not once per test. Each test still runs in its own
    savepoint (it must use the `db` fixture), so what one test writes, the next never sees.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextmanager
def seeded_demo_by_module(django_db_blocker: Any, *, people: int, seed: int) -> Iterator[str]:
    """The demo of `people` people from `seed`, seeded once for a module (`shared_by_module`);
    gives what `seed_demo` printed."""
    with shared_by_module(django_db_blocker):
        out = io.StringIO()
        call_command("seed_demo", people=people, seed=seed, quiet=True, stdout=out)
        yield out.getvalue()


# A self-referral as the public form posts it.
SELF_REFERRAL = {
    "given_name": "Sam",
    "family_name": "Example",
    "date_of_birth[day]": "2",
    "date_of_birth[month]": "11",
    "date_of_birth[year]": "1990",
    "postcode": "BK2 4QT",
    "gp_practice": "unknown",
    "preferred_contact_method": "text",
    "phone": "07700 900456",
    "digital_access": "limited",
    "needs": ["anxiety_stress"],
    "consent": "on",
}


def at(day: str, hour: int = 12) -> dt.datetime:
    """`hour` o'clock on `day` (an ISO date) in the project's time zone."""
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def build_world() -> World:
    scheme_a = SchemeFactory(name="Scheme A")
    scheme_b = SchemeFactory(name="Scheme B")
    practice = OrganisationFactory(name="Alder Street Surgery", kind=OrganisationKind.GP_PRACTICE)
    provider_org = OrganisationFactory(name="Millbrook Walking Club", kind=OrganisationKind.VCSE)
    return World(
        scheme_a=scheme_a,
        scheme_b=scheme_b,
        practice=practice,
        provider_org=provider_org,
        link_worker_a=_member(Role.LINK_WORKER, scheme_a.host, scheme_a, full_name="Lina Worker"),
        link_worker_b=_member(Role.LINK_WORKER, scheme_b.host, scheme_b, full_name="Bea Other"),
        scheme_lead_a=_member(Role.SCHEME_LEAD, scheme_a.host, scheme_a, full_name="Lee Lead"),
        provider=_member(Role.PROVIDER, provider_org, full_name="Pat Provider"),
        referrer=_member(Role.REFERRER, practice, full_name="Dr Rita Referrer"),
        analyst=_member(Role.ANALYST, scheme_a.host, full_name="Ana Lyst"),
        admin=_member(Role.ADMIN, scheme_a.host, full_name="Ada Admin", is_staff=True),
        curator=_member(Role.CURATOR, scheme_a.host, full_name="Cora Curator"),
    )


@pytest.fixture
def referral_a(world: World):  # type: ignore[no-untyped-def]
    """A referral into scheme A from the practice, assigned to link worker A."""
    return ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        link_worker=world.link_worker_a,
        status="active",
        person=PersonFactory(given_name="Ann", family_name="Example"),
    )


def signed_in(client: Client, user: User) -> Client:
    """Sign `user` in with two-factor already passed, as after a real login."""
    client.force_login(user)
    session = client.session
    # The login view marks the session's start (`accounts.sessions.start`), so the first
    # request after it does not renew the idle clock; force_login does not, so mark it here.
    session[sessions.STARTED] = session[sessions.LAST_SEEN] = time.time()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sign_in_as_demo_user(client: Client, email: str) -> None:
    """Sign in a demo account through the real login and two-factor pages."""
    from django.urls import reverse
    from django_otp.oath import TOTP

    from linkwork.accounts.demo import DEMO_PASSWORD

    client.logout()
    client.post(reverse("accounts:login"), {"email": email, "password": DEMO_PASSWORD})
    device = TOTPDevice.objects.filter(user__email=email).first()
    if device is not None:  # roles without two-factor (curator, analyst) have none
        code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
        client.post(reverse("accounts:two_factor"), {"code": f"{code:06d}"})
