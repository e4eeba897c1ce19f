"""Caseloads that show good practice, and something real to do for every role, in demos of
two sizes. Each seeds its own demo into an empty database, so they stand apart from
`test_demo.py`, whose module shares one small seeded demo: `seed_demo` loads only once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.accounts import permissions
from linkwork.accounts.demo import DEMO_EMAIL_DOMAIN
from linkwork.accounts.models import Membership, Role, Scheme, User
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
from linkwork.referrals.capacity import (
    LoadStatus,
    WorkerLoad,
    load_of,
    over_limit_message,
    scheme_loads,
)
from linkwork.referrals.lifecycle import OPEN_STATUSES, Complexity, Status
from linkwork.referrals.models import Referral
from linkwork.web.management.commands.seed_demo import demo_logins
from tests.conftest import sign_in_as_demo_user

HOME_HEADINGS = {
    Role.LINK_WORKER.label: "Your caseload",
    Role.SCHEME_LEAD.label: "Waiting for triage",
    Role.REFERRER.label: "Your organisation&#39;s referrals",
    Role.PROVIDER.label: "Your organisation",
    Role.CURATOR.label: "Directory curation",
    Role.ANALYST.label: "Referrals by route in the last 12 months",
    Role.ADMIN.label: "System administration",
}


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
        sign_in_as_demo_user(client, DEMO_LINK_WORKER)
        assert "You are near your caseload limit" in client.get(reverse("casework:caseload")).text
        other = User.objects.filter(
            email__startswith="lw.", memberships__role=Role.LINK_WORKER
        ).exclude(email=DEMO_LINK_WORKER)[0]
        sign_in_as_demo_user(client, other.email)
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
        sign_in_as_demo_user(client, DEMO_PROVIDER)
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
            sign_in_as_demo_user(client, email)
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
