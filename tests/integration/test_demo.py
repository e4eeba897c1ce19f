"""The demo data: deterministic, covering every route and state, and every demo login
reaches its role's home page through the real login and two-factor pages, where it has
something real to do: caseloads below their limits (the demo link worker's near hers), a
provider inbox with requests in every section, referrals waiting for triage."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.accounts import permissions
from linkwork.accounts.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD
from linkwork.accounts.models import Membership, Organisation, OrganisationKind, Role, Scheme, User
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection
from linkwork.casework.provider import SECTIONS
from linkwork.directory.models import (
    Capacity,
    ReferralRoute,
    Service,
    ServiceStatus,
    confirm_after_days,
)
from linkwork.people.demo import generate_people
from linkwork.people.models import Person
from linkwork.referrals.capacity import (
    LoadStatus,
    WorkerLoad,
    load_of,
    over_limit_message,
    scheme_loads,
)
from linkwork.referrals.lifecycle import OPEN_STATUSES, TRANSITIONS, Complexity, Status
from linkwork.referrals.models import Referral
from linkwork.vocabulary.routes import Route
from linkwork.web.management.commands.seed_demo import demo_logins
from tests.conftest import shared_by_module

HOME_HEADINGS = {
    Role.LINK_WORKER.label: "Your caseload",
    Role.SCHEME_LEAD.label: "Waiting for triage",
    Role.REFERRER.label: "Your organisation&#39;s referrals",
    Role.PROVIDER.label: "Your organisation",
    Role.CURATOR.label: "Directory curation",
    Role.ANALYST.label: "Referrals by route in the last 12 months",
    Role.ADMIN.label: "System administration",
}


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo, seeded once for the module: its tests read it, each in its own savepoint."""
    with shared_by_module(django_db_blocker):
        out = io.StringIO()
        call_command("seed_demo", people=120, seed=7, quiet=True, stdout=out)
        yield out.getvalue()


@pytest.fixture
def demo(seeded_demo: str, db: None) -> str:
    return seeded_demo


def test_seed_demo_builds_the_area(demo):
    assert Scheme.objects.count() == 2
    assert {scheme.host.kind for scheme in Scheme.objects.select_related("host")} == {
        OrganisationKind.PCN,
        OrganisationKind.VCSE,
    }
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert set(OrganisationKind.values) - {OrganisationKind.OTHER} <= kinds
    assert Organisation.objects.filter(kind=OrganisationKind.VCSE).count() >= 60
    assert Person.objects.count() == 120


def test_seed_demo_covers_every_route_and_status(demo):
    assert set(Referral.objects.values_list("route", flat=True)) == set(Route.values)
    assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)


def test_seed_demo_history_follows_lifecycle(demo):
    for referral in Referral.objects.prefetch_related("history")[:200]:
        steps = [change.to_status for change in referral.history.all()]
        assert steps[0] == Status.RECEIVED
        assert steps[-1] == referral.status
        for before, after in pairwise(steps):
            assert Status(after) in TRANSITIONS[Status(before)]


def test_seed_demo_people_are_synthetic(demo):
    assert not Person.objects.exclude(nhs_number="").exclude(nhs_number__startswith="999").exists()
    assert not Person.objects.exclude(email="").exclude(email__endswith="@example.com").exists()


def test_seed_demo_runs_once(demo):
    out = io.StringIO()
    call_command("seed_demo", people=50, quiet=True, stdout=out)
    assert "already loaded" in out.getvalue()
    assert Person.objects.count() == 120


def test_demo_people_are_deterministic_for_a_seed():
    places = [("BK1 1AA", "E01999001", 3), ("BK2 4QT", "E01999002", 8)]

    def build(seed: int) -> list[tuple[str, str, str]]:
        people = generate_people(
            rng=random.Random(seed), count=25, today=dt.date(2026, 1, 1), places=places
        )
        return [(str(p.id), p.full_name, p.nhs_number) for p in people]

    assert build(3) == build(3)
    assert build(3) != build(4)


def test_demo_caseloads_are_deterministic_for_a_seed(db):
    def caseloads(seed: int) -> list[tuple[str, str, str]]:
        with transaction.atomic():
            call_command("seed_demo", people=150, seed=seed, quiet=True, stdout=io.StringIO())
            rows = list(
                Referral.objects.order_by("id").values_list(
                    "id", "link_worker__email", "complexity"
                )
            )
            transaction.set_rollback(True)
        return [(str(pk), email or "", complexity) for pk, email, complexity in rows]

    assert caseloads(7) == caseloads(7)
    assert caseloads(7) != caseloads(8)


def test_every_demo_login_reaches_its_home_page(client, demo):
    logins = demo_logins()
    assert {role for role, _, _ in logins} == set(HOME_HEADINGS)
    for role, email, _ in logins:
        client.logout()
        response = client.post(
            reverse("accounts:login"), {"email": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, role
        if response["Location"] == reverse("accounts:two_factor"):
            device = TOTPDevice.objects.get(user__email=email)
            code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
            response = client.post(reverse("accounts:two_factor"), {"code": f"{code:06d}"})
        assert response["Location"] == reverse("web:home"), role
        body = client.get(reverse("web:home")).content.decode()
        assert HOME_HEADINGS[role] in body, role
    assert User.objects.filter(email__endswith="@demo.linkwork.invalid").count() >= 7


def _sign_in_as(client, email: str) -> None:  # type: ignore[no-untyped-def]
    client.logout()
    client.post(reverse("accounts:login"), {"email": email, "password": DEMO_PASSWORD})
    device = TOTPDevice.objects.filter(user__email=email).first()
    if device is not None:  # roles without two-factor (curator, analyst) have none
        code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
        client.post(reverse("accounts:two_factor"), {"code": f"{code:06d}"})


def test_demo_casework_pages_open_for_each_role(client, demo):
    """The demo has casework to show: the caseload, a case's pages, capacity and the inbox."""
    from linkwork.casework.models import Connection

    emails = {role: email for role, email, _ in demo_logins()}
    worker = User.objects.get(email=emails[Role.LINK_WORKER.label])
    _sign_in_as(client, worker.email)
    assert client.get(reverse("casework:caseload")).status_code == 200
    case = Referral.objects.filter(link_worker=worker, status=Status.ACTIVE).first()
    assert case is not None
    for name in ("plan", "contacts", "connections", "notes", "plan_letter", "discharge"):
        assert client.get(reverse(f"casework:{name}", args=[case.pk])).status_code == 200, name
    _sign_in_as(client, emails[Role.SCHEME_LEAD.label])
    assert client.get(reverse("casework:capacity")).status_code == 200
    _sign_in_as(client, emails[Role.PROVIDER.label])
    inbox = client.get(reverse("casework:inbox"))
    assert inbox.status_code == 200
    assert Connection.objects.exclude(status__in=["draft", "signposted"]).exists()
    assert "LW-" in inbox.content.decode()  # the demo provider has requests to answer


def test_demo_has_outcome_measures_at_each_time_point(demo):
    from linkwork.outcomes.models import OutcomeMeasure
    from linkwork.outcomes.scoring import score

    points = set(OutcomeMeasure.objects.values_list("time_point", flat=True))
    assert points == {"baseline", "follow_up", "discharge"}
    for measure in OutcomeMeasure.objects.all()[:50]:
        # Stored results are exactly what the scoring library gives for the answers.
        assert score(measure.instrument, measure.responses).to_dict() == measure.result
    assert not OutcomeMeasure.objects.exclude(referral__status__in=["active", "on_hold", "closed"])


# Caseloads and something to do for every role, at the default size and a larger one. Each
# class seeds its demo once and rolls it back after its last test.

DEMO_LINK_WORKER = f"lw.amira@{DEMO_EMAIL_DOMAIN}"
DEMO_PROVIDER = f"provider.age@{DEMO_EMAIL_DOMAIN}"


@contextlib.contextmanager
def _seeded_once(django_db_blocker, **options: object) -> Iterator[None]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", quiet=True, stdout=io.StringIO(), **options)
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="class")
def default_demo(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    with _seeded_once(django_db_blocker):
        yield


@pytest.fixture(scope="class")
def larger_demo(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    with _seeded_once(django_db_blocker, people=5000, seed=31):
        yield


def _loads() -> list[WorkerLoad]:
    return [load for loads in scheme_loads(Scheme.objects.all()).values() for load in loads]


def _assert_below_the_limits() -> None:
    loads = _loads()
    assert loads
    for load in loads:
        assert load.active_weighted < load.active_limit, load.worker.email
        assert load.year_weighted < load.yearly_limit, load.worker.email
        assert load.status in (LoadStatus.HAS_ROOM, LoadStatus.NEAR_LIMIT), load.worker.email


def _assert_demo_link_worker_near_her_limit() -> None:
    loads = {load.worker.email: load for load in _loads()}
    amira = loads.pop(DEMO_LINK_WORKER)
    assert amira.status == LoadStatus.NEAR_LIMIT
    assert not amira.is_full
    # Everyone else is comfortably under: no warning on their pages.
    assert {load.status for load in loads.values()} == {LoadStatus.HAS_ROOM}


@pytest.mark.usefixtures("default_demo", "db")
class TestDefaultDemo:
    def test_no_link_worker_is_at_or_over_a_limit(self):
        _assert_below_the_limits()

    def test_demo_link_worker_is_near_her_active_limit(self):
        _assert_demo_link_worker_near_her_limit()

    def test_demo_link_worker_can_take_one_more_without_assigning_anyway(self):
        amira = User.objects.get(email=DEMO_LINK_WORKER)
        scheme = Scheme.objects.get(memberships__user=amira, memberships__role=Role.LINK_WORKER)
        waiting = Referral.objects.filter(scheme=scheme, status=Status.RECEIVED).first()
        assert waiting is not None
        load = load_of(amira, scheme)
        assert load.status == LoadStatus.NEAR_LIMIT
        assert over_limit_message(load, waiting, Complexity.STANDARD) is None

    def test_caseload_pages_warn_only_the_demo_link_worker(self, client):
        _sign_in_as(client, DEMO_LINK_WORKER)
        assert "You are near your caseload limit" in client.get(reverse("casework:caseload")).text
        other = User.objects.filter(
            email__startswith="lw.", memberships__role=Role.LINK_WORKER
        ).exclude(email=DEMO_LINK_WORKER)[0]
        _sign_in_as(client, other.email)
        page = client.get(reverse("casework:caseload")).text
        assert "caseload limit" not in page
        assert "LW-" in page

    def test_demo_provider_runs_services_that_take_referrals(self):
        provider = User.objects.get(email=DEMO_PROVIDER)
        services = Service.objects.editable_by(provider)
        taking = services.filter(referral_route=ReferralRoute.REFERRAL)
        assert taking.filter(status=ServiceStatus.ACTIVE, capacity=Capacity.ACCEPTING).exists()
        assert taking.filter(status=ServiceStatus.ACTIVE, capacity=Capacity.WAITING_LIST).exists()

    def test_demo_provider_has_requests_in_every_inbox_section(self, client):
        _sign_in_as(client, DEMO_PROVIDER)
        for section in SECTIONS:
            page = client.get(reverse("casework:inbox"), {"show": section.slug})
            assert page.status_code == 200
            assert "LW-" in page.text, section.slug

    def test_every_role_has_something_to_do_on_its_home_page(self, client):
        emails = {role: email for role, email, _ in demo_logins()}
        lead = User.objects.get(email=emails[Role.SCHEME_LEAD.label])
        referrer = User.objects.get(email=emails[Role.REFERRER.label])
        provider = User.objects.get(email=emails[Role.PROVIDER.label])
        amira = User.objects.get(email=emails[Role.LINK_WORKER.label])
        lead_schemes = Membership.objects.filter(user=lead, role=Role.SCHEME_LEAD).values("scheme")
        today = timezone.localdate()
        to_do = {
            Role.LINK_WORKER.label: Referral.objects.visible_to(amira).filter(
                link_worker=amira, status__in=OPEN_STATUSES
            ),
            Role.SCHEME_LEAD.label: Referral.objects.visible_to(lead).filter(
                scheme__in=lead_schemes, status=Status.RECEIVED
            ),
            Role.REFERRER.label: Referral.objects.visible_to(referrer).filter(
                referring_organisation_id__in=permissions.organisation_ids(referrer, Role.REFERRER)
            ),
            Role.PROVIDER.label: Connection.objects.for_provider(provider).filter(
                status=ConnectionStatus.REQUESTED
            ),
            Role.CURATOR.label: Service.objects.exclude(status=ServiceStatus.DEFUNCT).filter(
                assured_date__lt=today - dt.timedelta(days=confirm_after_days())
            ),
        }
        for role, found in to_do.items():
            assert found.exists(), role
        for role, email, _ in demo_logins():
            _sign_in_as(client, email)
            home = client.get(reverse("web:home"))
            assert home.status_code == 200, role
            assert HOME_HEADINGS[role] in home.text, role


@pytest.mark.usefixtures("larger_demo", "db")
class TestLargerDemo:
    def test_no_link_worker_is_at_or_over_a_limit(self):
        _assert_below_the_limits()

    def test_demo_link_worker_is_near_her_active_limit(self):
        _assert_demo_link_worker_near_her_limit()

    def test_more_link_workers_share_the_larger_caseload(self):
        workers = Membership.objects.filter(role=Role.LINK_WORKER).select_related("user")
        named = {"amira", "dan", "grace", "owen", "kasia", "imran", "beth"}
        added = [m for m in workers if m.user.email.split("@")[0][3:] not in named]
        assert len(added) > 10
        for membership in added:
            user = membership.user
            assert user.email.endswith(f"@{DEMO_EMAIL_DOMAIN}")
            assert len(user.full_name.split()) == 2
            assert membership.scheme is not None
            assert membership.organisation_id == membership.scheme.host_id
            assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        assert len({m.user.email for m in workers}) == len(workers)
