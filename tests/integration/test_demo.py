"""The demo data: deterministic, covering every route and state, and every demo login
reaches its role's home page through the real login and two-factor pages, where it has
something real to do: caseloads below their limits (the demo link worker's near hers), a
provider inbox with requests in every section, referrals waiting for triage."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.accounts.demo import CLOSED_ORGANISATION, DEMO_PASSWORD
from linkwork.accounts.models import Organisation, OrganisationKind, Role, Scheme, User
from linkwork.casework.models import Connection
from linkwork.notifications.addressing import Recipient
from linkwork.notifications.models import DeliveryChannel, Mailbox
from linkwork.people.demo import generate_people
from linkwork.people.models import ConsentKind, Person
from linkwork.referrals.addressing import gp_recipient
from linkwork.referrals.lifecycle import TRANSITIONS, Status
from linkwork.referrals.models import Referral
from linkwork.vocabulary.routes import Route
from linkwork.web.management.commands.seed_demo import demo_logins
from tests.conftest import seeded_demo_by_module, sign_in_as_demo_user

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
    with seeded_demo_by_module(django_db_blocker, people=120, seed=7) as printed:
        yield printed


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


def test_demo_casework_pages_open_for_each_role(client, demo):
    """The demo has casework to show: the caseload, a case's pages, capacity and the inbox."""

    emails = {role: email for role, email, _ in demo_logins()}
    worker = User.objects.get(email=emails[Role.LINK_WORKER.label])
    sign_in_as_demo_user(client, worker.email)
    assert client.get(reverse("casework:caseload")).status_code == 200
    case = Referral.objects.filter(link_worker=worker, status=Status.ACTIVE).first()
    assert case is not None
    for name in ("plan", "contacts", "connections", "notes", "plan_letter", "discharge"):
        assert client.get(reverse(f"casework:{name}", args=[case.pk])).status_code == 200, name
    sign_in_as_demo_user(client, emails[Role.SCHEME_LEAD.label])
    assert client.get(reverse("casework:capacity")).status_code == 200
    sign_in_as_demo_user(client, emails[Role.PROVIDER.label])
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


def test_demo_link_worker_has_an_open_self_harm_flag_the_lead_sees(client, demo):
    """The demo shows safety flags as they should be: most handled, with what was done, and
    one open on the demo link worker's caseload for the flag journey to be tried."""
    from linkwork.outcomes.models import SafetyFlag

    emails = {role: email for role, email, _ in demo_logins()}
    worker = User.objects.get(email=emails[Role.LINK_WORKER.label])
    open_flag = SafetyFlag.objects.open().get(referral__link_worker=worker, kind="self_harm")
    assert open_flag.measure is not None
    assert open_flag.measure.responses["items"][8] > 0
    assert open_flag.referral.status == Status.ACTIVE
    # Closed cases never carry an open flag; every safeguarding note raised a flag.
    assert not SafetyFlag.objects.open().filter(referral__status=Status.CLOSED).exists()
    assert SafetyFlag.objects.filter(kind="safeguarding").exists()
    assert not SafetyFlag.objects.filter(kind="safeguarding", handling__isnull=True).exists()
    sign_in_as_demo_user(client, worker.email)
    page = client.get(reverse("referrals:detail", args=[open_flag.referral_id])).content.decode()
    assert "Safety flag: thoughts of self-harm" in page
    sign_in_as_demo_user(client, emails[Role.SCHEME_LEAD.label])
    home = client.get(reverse("web:home")).content.decode()
    assert open_flag.referral.reference in home


def test_demo_gp_practices_get_the_message_back_by_email(demo):
    """Every demo practice has a secure mailbox, so a GP copy of the message back is sent to
    it by email, never skipped for want of an address."""
    practices = Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE)
    boxes = Mailbox.objects.filter(organisation__in=practices).exclude(email="")
    assert practices.exists()
    assert boxes.count() == practices.count()
    assert all(box.email.endswith("@demo.linkwork.invalid") for box in boxes)
    referral = Referral.objects.filter(person__gp_practice__isnull=False).first()
    assert referral is not None
    recipient = gp_recipient(referral, {ConsentKind.MESSAGE_BACK: True})
    assert isinstance(recipient, Recipient)
    assert recipient.channel == DeliveryChannel.EMAIL
    assert recipient.address == boxes.get(organisation=referral.person.gp_practice).email


def test_each_demo_link_worker_and_lead_has_read_and_unread_notifications(demo):
    from django.urls import resolve

    from linkwork.accounts.models import Membership
    from linkwork.notifications.models import Alert

    # Every lead, and every link worker who has had a case (in this small demo some have none).
    staff = set(
        Membership.objects.filter(role=Role.SCHEME_LEAD, user__is_active=True).values_list(
            "user_id", flat=True
        )
    ) | set(Referral.objects.exclude(link_worker=None).values_list("link_worker_id", flat=True))
    assert staff
    names = {p.family_name for p in Person.objects.all()} | {
        p.given_name for p in Person.objects.all()
    }
    kinds: set[str] = set()
    for user_id in staff:
        alerts = list(Alert.objects.filter(recipient_id=user_id))
        assert len(alerts) >= 2, user_id
        assert any(a.read_at is None for a in alerts), user_id
        assert any(a.read_at is not None for a in alerts), user_id
        kinds |= {a.kind for a in alerts}
        for alert in alerts:
            resolve(alert.link)
            assert not set(alert.text.replace("(", " ").split()) & names, alert.text
            assert alert.referral is None or alert.referral.reference in alert.text
    assert {"case_assigned", "conn_answered", "safety_flag", "overdue"} <= kinds


def test_demo_admin_sees_a_closed_organisation_that_no_form_offers(client, demo):
    """Running the service: one inactive organisation, listed as inactive on /manage/, not
    among those a role can be given in."""
    closed = Organisation.objects.get(is_active=False)
    assert closed.name == CLOSED_ORGANISATION
    assert not Referral.objects.filter(referring_organisation=closed).exists()
    emails = {role: email for role, email, _ in demo_logins()}
    sign_in_as_demo_user(client, emails[Role.ADMIN.label])
    listing = client.get(reverse("administration:organisations"), {"status": "inactive"})
    assert closed.name in listing.content.decode()
    user = User.objects.get(email=emails[Role.LINK_WORKER.label])
    page = client.get(reverse("administration:user", args=[user.pk])).content.decode()
    assert closed.name not in page


def test_demo_diaries_have_appointments_this_week(client, demo):
    """The demo link worker's diary has this week's appointments, some past and waiting to be
    recorded; the scheme lead sees them in the scheme's diary."""
    from django.utils import timezone

    from linkwork.casework.models import Appointment, AppointmentStatus

    emails = {role: email for role, email, _ in demo_logins()}
    worker = User.objects.get(email=emails[Role.LINK_WORKER.label])
    theirs = Appointment.objects.filter(link_worker=worker)
    assert theirs.count() >= 4
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    days = {timezone.localtime(a.starts_at).date() for a in theirs}
    assert days <= {monday + dt.timedelta(days=n) for n in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)}
    this_week = sum(
        1 for a in theirs if timezone.localtime(a.starts_at).date() < monday + dt.timedelta(days=7)
    )
    assert theirs.filter(status=AppointmentStatus.CANCELLED).count() <= 1
    assert not theirs.exclude(referral__status__in=["accepted", "active", "on_hold"]).exists()
    sign_in_as_demo_user(client, worker.email)
    week = client.get(reverse("casework:diary") + f"?date={monday.isoformat()}&view=week")
    assert week.status_code == 200
    assert f"<p>{this_week} appointment" in week.content.decode()
    sign_in_as_demo_user(client, emails[Role.SCHEME_LEAD.label])
    scheme = client.get(reverse("casework:scheme_diary") + f"?date={monday.isoformat()}&view=week")
    assert scheme.status_code == 200
    assert worker.full_name in scheme.content.decode()
