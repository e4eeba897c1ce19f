"""The notification centre (issue 19, item 3): `centre.tell`, each trigger at its source, the
daily jobs' keys, the pages (only the recipient's own alerts), and the header's unread count."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework import actions as casework_actions
from linkwork.casework.digest import remind_link_workers
from linkwork.notifications import centre
from linkwork.notifications.actions import choose_alert_emails
from linkwork.notifications.models import Alert, AlertKind, AlertSettings, Event, Message
from linkwork.outcomes.actions import raise_flag
from linkwork.outcomes.models import FlagKind
from linkwork.people.models import Consent, ConsentKind, ConsentMethod
from linkwork.referrals import actions as referral_actions
from linkwork.referrals.models import StatusChange
from tests.conftest import World, signed_in
from tests.factories import (
    DirectoryOrganizationFactory,
    FollowUpFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
    UserFactory,
)


def alerts_of(user, kind: str | None = None) -> list[Alert]:  # type: ignore[no-untyped-def]
    found = Alert.objects.filter(recipient=user)
    return list(found.filter(kind=kind) if kind else found)


# --- tell ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tell_alerts_each_active_user_once(world: World, referral_a):
    gone = UserFactory(is_active=False)
    made = centre.tell(
        [world.link_worker_a, world.link_worker_a, gone, world.scheme_lead_a],
        AlertKind.OUTCOME_DUE,
        "  SWEMWBS   for referral X is due ",
        "/referrals/1/",
        referral_a,
    )
    assert sorted(a.recipient_id for a in made) == sorted(
        [world.link_worker_a.pk, world.scheme_lead_a.pk]
    )
    assert {a.text for a in made} == {"SWEMWBS for referral X is due"}
    assert all(a.read_at is None and a.referral_id == referral_a.pk for a in made)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "link", "named"),
    [
        ("", "/x/", "text"),
        ("Due", "https://evil.example/", "link"),
        ("Due", "//evil.example/", "link"),
        ("Due", "relative/", "link"),
    ],
)
def test_tell_refuses_a_bad_alert_naming_the_part(world: World, text, link, named):
    with pytest.raises(centre.AlertError, match=f"^{named}:"):
        centre.tell([world.link_worker_a], AlertKind.OVERDUE, text, link)
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_key_makes_a_repeating_trigger_alert_once(world: World):
    for _ in range(3):
        centre.tell(
            [world.link_worker_a], AlertKind.OVERDUE, "Follow-up overdue", "/x/", key="fu:1"
        )
    centre.tell(
        [world.link_worker_a, world.scheme_lead_a], AlertKind.OVERDUE, "Again", "/x/", key="fu:1"
    )
    assert len(alerts_of(world.link_worker_a)) == 1
    assert len(alerts_of(world.scheme_lead_a)) == 1
    # Another key, or none, is another alert.
    centre.tell([world.link_worker_a], AlertKind.OVERDUE, "Other", "/x/", key="fu:2")
    centre.tell([world.link_worker_a], AlertKind.OVERDUE, "Other", "/x/")
    assert len(alerts_of(world.link_worker_a)) == 3


@pytest.mark.django_db
def test_email_goes_for_the_kinds_switched_on_and_safety_flags_by_default(
    world: World, referral_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        centre.tell([world.link_worker_a], AlertKind.OUTCOME_DUE, "Due", "/x/", referral_a)
        centre.tell([world.link_worker_a], AlertKind.SAFETY_FLAG, "Flag", "/y/", referral_a)
    (message,) = Message.objects.all()
    assert (message.event, message.subject) == (Event.SAFETY_FLAG, "Flag")
    assert message.recipient_address == world.link_worker_a.email
    assert message.body.endswith("/y/\n")

    choose_alert_emails(by=world.link_worker_a, kinds=[AlertKind.OUTCOME_DUE])
    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        centre.tell([world.link_worker_a], AlertKind.OUTCOME_DUE, "Due", "/x/", referral_a)
        centre.tell([world.link_worker_a], AlertKind.SAFETY_FLAG, "Flag", "/y/", referral_a)
    assert list(Message.objects.values_list("event", flat=True)) == [Event.OUTCOME_DUE]
    assert AuditEvent.objects.filter(action="alert_settings.changed").count() == 1


# --- The triggers at their sources ------------------------------------------------------------


@pytest.mark.django_db
def test_accepting_with_a_link_worker_alerts_them(world: World):
    referral = ReferralFactory(scheme=world.scheme_a, status="received")
    referral_actions.accept_referral(
        by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_a
    )
    (alert,) = alerts_of(world.link_worker_a, AlertKind.CASE_ASSIGNED)
    assert alert.text == f"Referral {referral.reference} is assigned to you"
    assert alert.link == reverse("referrals:detail", args=[referral.pk])
    assert referral.person.family_name not in alert.text
    assert not alerts_of(world.scheme_lead_a)


@pytest.mark.django_db
def test_assigning_alerts_the_new_link_worker_not_one_who_takes_it_themselves(world: World):
    referral = ReferralFactory(scheme=world.scheme_a, status="accepted", link_worker=None)
    referral_actions.assign_link_worker(
        by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_a
    )
    assert len(alerts_of(world.link_worker_a, AlertKind.CASE_ASSIGNED)) == 1
    # Assigned again to the same link worker: nothing new.
    referral_actions.assign_link_worker(
        by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_a
    )
    assert len(alerts_of(world.link_worker_a, AlertKind.CASE_ASSIGNED)) == 1
    other = ReferralFactory(scheme=world.scheme_a, status="accepted", link_worker=None)
    referral_actions.assign_link_worker(
        by=world.link_worker_a, referral=other, link_worker=world.link_worker_a
    )
    assert len(alerts_of(world.link_worker_a, AlertKind.CASE_ASSIGNED)) == 1


@pytest.fixture
def requested(world: World):  # type: ignore[no-untyped-def]
    person = PersonFactory(given_name="Ann", family_name="Example")
    Consent.objects.create(
        person=person,
        kind=ConsentKind.SHARE_WITH_PROVIDERS,
        given=True,
        method=ConsentMethod.VERBAL,
    )
    referral = ReferralFactory(
        scheme=world.scheme_a, person=person, link_worker=world.link_worker_a, status="active"
    )
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    service = ServiceFactory(organization=listing, name="Millbrook Walks")
    draft = casework_actions.create_connection(
        by=world.link_worker_a,
        referral=referral,
        service=service,
        shared_fields=["name"],
        send=False,
    )
    return casework_actions.request_connection(by=world.link_worker_a, connection=draft)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decision", "reason", "says"),
    [
        ("accept", "", "Millbrook Walks accepted referral {ref}"),
        ("waiting_list", "", "Millbrook Walks put referral {ref} on its waiting list"),
        ("decline", "no_capacity", "Millbrook Walks declined referral {ref}"),
    ],
)
def test_a_providers_answer_alerts_the_link_worker_and_emails_as_before(
    world: World, requested, decision, reason, says, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        casework_actions.respond_to_connection(
            by=world.provider, connection=requested, decision=decision, reason=reason
        )
    (alert,) = alerts_of(world.link_worker_a, AlertKind.CONNECTION_ANSWERED)
    assert alert.text == says.format(ref=requested.referral.reference)
    assert alert.link == reverse("casework:connections", args=[requested.referral_id])
    (email,) = Message.objects.filter(event=Event.CONNECTION_ANSWERED)
    assert email.recipient_address == world.link_worker_a.email
    assert email.subject == f"Millbrook Walks answered referral {requested.referral.reference}"
    assert "Example" not in alert.text + email.body


@pytest.mark.django_db
def test_a_link_worker_who_switched_answers_off_gets_the_alert_only(world: World, requested):
    choose_alert_emails(by=world.link_worker_a, kinds=[])
    casework_actions.respond_to_connection(
        by=world.provider, connection=requested, decision="accept"
    )
    assert len(alerts_of(world.link_worker_a, AlertKind.CONNECTION_ANSWERED)) == 1
    assert not Message.objects.filter(event=Event.CONNECTION_ANSWERED).exists()


@pytest.mark.django_db
def test_a_safety_flag_alerts_the_leads_and_the_link_worker_who_did_not_raise_it(
    world: World, referral_a
):
    raise_flag(by=None, referral=referral_a, kind=FlagKind.SAFEGUARDING)
    (lead,) = alerts_of(world.scheme_lead_a, AlertKind.SAFETY_FLAG)
    (worker,) = alerts_of(world.link_worker_a, AlertKind.SAFETY_FLAG)
    assert worker.text == lead.text
    assert (
        lead.text == f"Safety flag (safeguarding concern) raised on referral {referral_a.reference}"
    )
    assert lead.link == reverse("referrals:detail", args=[referral_a.pk])
    # By email too, by default: the lead's as before the centre, and the link worker's.
    assert set(
        Message.objects.filter(event=Event.SAFETY_FLAG).values_list("audience", flat=True)
    ) == {
        "scheme_lead",
        "link_worker",
    }
    raise_flag(by=world.link_worker_a, referral=referral_a, kind=FlagKind.SELF_HARM)
    assert len(alerts_of(world.link_worker_a, AlertKind.SAFETY_FLAG)) == 1
    assert len(alerts_of(world.scheme_lead_a, AlertKind.SAFETY_FLAG)) == 2


def _started(referral, days_ago: int) -> None:  # type: ignore[no-untyped-def]
    StatusChange.objects.create(
        referral=referral,
        from_status="accepted",
        to_status="active",
        changed_at=timezone.now() - dt.timedelta(days=days_ago),
    )


@pytest.mark.django_db
def test_the_daily_job_alerts_due_and_overdue_items_once_each(world: World, referral_a):
    _started(referral_a, 2)
    today = timezone.localdate()
    overdue = FollowUpFactory(referral=referral_a, due_on=today - dt.timedelta(days=3))
    FollowUpFactory(referral=referral_a, due_on=today)  # due today: in the digest, not overdue
    remind_link_workers.call()
    mine = alerts_of(world.link_worker_a)
    kinds = sorted(alert.kind for alert in mine)
    assert kinds == ["outcome_due", "outcome_due", "overdue"]
    (follow_up,) = alerts_of(world.link_worker_a, AlertKind.OVERDUE)
    assert follow_up.key == f"follow_up:{overdue.pk}:overdue"
    assert follow_up.link == reverse("casework:connections", args=[referral_a.pk])
    # The next day's run (and the one after) adds nothing.
    remind_link_workers.call()
    remind_link_workers.call()
    assert len(alerts_of(world.link_worker_a)) == 3
    assert all(referral_a.person.family_name not in alert.text for alert in mine)


@pytest.mark.django_db
def test_a_measure_past_its_grace_is_alerted_as_overdue_once(world: World, referral_a):
    _started(referral_a, 30)
    remind_link_workers.call()
    remind_link_workers.call()
    overdue = alerts_of(world.link_worker_a, AlertKind.OVERDUE)
    assert len(overdue) == 2
    assert all(alert.text.endswith("is overdue") for alert in overdue)


@pytest.mark.django_db
def test_a_connection_past_its_deadline_alerts_the_link_worker_and_leads_once(
    world: World, requested
):
    after = requested.respond_by + dt.timedelta(days=1)
    casework_actions.chase_connections(today=after)
    casework_actions.chase_connections(today=after + dt.timedelta(days=1))
    for user in (world.link_worker_a, world.scheme_lead_a):
        (alert,) = alerts_of(user, AlertKind.OVERDUE)
        assert alert.text.startswith("No answer from Millbrook Walks for referral")


# --- The pages ----------------------------------------------------------------------------------


def _alerts(user, count: int, **extra) -> list[Alert]:  # type: ignore[no-untyped-def]
    now = timezone.now()
    return [
        Alert.objects.create(
            recipient=user,
            kind=AlertKind.OUTCOME_DUE,
            text=f"Alert number {n}",
            link="/casework/caseload/",
            created_at=now - dt.timedelta(minutes=count - n),
            **extra,
        )
        for n in range(count)
    ]


@pytest.mark.django_db
def test_the_list_shows_ones_own_newest_first_with_unread_marked_and_paged(world: World):
    made = _alerts(world.link_worker_a, 23)
    Alert.objects.filter(pk=made[22].pk).update(read_at=timezone.now())
    _alerts(world.link_worker_b, 1)
    Alert.objects.filter(recipient=world.link_worker_b).update(text="Not yours")
    client = signed_in(Client(), world.link_worker_a)
    body = client.get(reverse("notification_centre:index")).content.decode()
    order = [int(n) for n in re.findall(r"Alert number (\d+)<", body)]
    assert order == list(range(22, 2, -1))
    assert "Not yours" not in body
    assert len(re.findall(r"nhsuk-tag--blue\"\s*>\s*Unread\s*<", body)) == 19
    assert "You have 22 unread notifications" in body
    assert "Mark all as read" in body
    second = client.get(reverse("notification_centre:index"), {"page": 2}).content.decode()
    assert [int(n) for n in re.findall(r"Alert number (\d+)<", second)] == [2, 1, 0]


@pytest.mark.django_db
def test_opening_one_marks_it_read_and_goes_to_its_link(world: World):
    (alert,) = _alerts(world.link_worker_a, 1)
    client = signed_in(Client(), world.link_worker_a)
    response = client.get(reverse("notification_centre:open", args=[alert.pk]))
    assert (response.status_code, response["Location"]) == (302, "/casework/caseload/")
    alert.refresh_from_db()
    assert alert.read_at is not None


@pytest.mark.django_db
def test_mark_as_read_and_mark_all_as_read(world: World):
    first, *_ = _alerts(world.link_worker_a, 3)
    (theirs,) = _alerts(world.link_worker_b, 1)
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(reverse("notification_centre:read", args=[first.pk]), {"page": "2"})
    assert response["Location"] == reverse("notification_centre:index") + "?page=2"
    assert Alert.objects.filter(read_at__isnull=True).count() == 3
    assert client.get(reverse("notification_centre:read", args=[first.pk])).status_code == 405
    client.post(reverse("notification_centre:read_all"))
    assert list(Alert.objects.filter(read_at__isnull=True)) == [theirs]


@pytest.mark.django_db
def test_another_users_alert_answers_404_audited_and_is_left_unread(world: World):
    (theirs,) = _alerts(world.link_worker_b, 1)
    client = signed_in(Client(), world.link_worker_a)
    for name, method in (("open", "get"), ("read", "post")):
        response = getattr(client, method)(reverse(f"notification_centre:{name}", args=[theirs.pk]))
        assert response.status_code == 404
    client.post(reverse("notification_centre:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    denied = AuditEvent.objects.filter(action="access.denied", object_id=str(theirs.pk))
    assert denied.count() == 2


@pytest.mark.django_db
def test_the_csrf_token_is_required_to_mark_read(world: World):
    (alert,) = _alerts(world.link_worker_a, 1)
    client = signed_in(Client(enforce_csrf_checks=True), world.link_worker_a)
    assert client.post(reverse("notification_centre:read", args=[alert.pk])).status_code == 403
    assert client.post(reverse("notification_centre:read_all")).status_code == 403
    alert.refresh_from_db()
    assert alert.read_at is None


@pytest.mark.django_db
def test_the_settings_page_shows_the_defaults_and_saves_choices(world: World):
    client = signed_in(Client(), world.link_worker_a)
    page = client.get(reverse("notification_centre:settings")).content.decode()
    assert re.search(r'value="safety_flag"[^>]*checked', page)
    assert not re.search(r'value="outcome_due"[^>]*checked', page)
    response = client.post(
        reverse("notification_centre:settings"), {"email_kinds": ["outcome_due", "overdue"]}
    )
    assert response.status_code == 302
    assert AlertSettings.objects.get(user=world.link_worker_a).email_kinds == [
        "outcome_due",
        "overdue",
    ]
    # None ticked: no emails at all.
    client.post(reverse("notification_centre:settings"), {})
    assert AlertSettings.objects.get(user=world.link_worker_a).email_kinds == []


@pytest.mark.django_db
def test_an_unknown_choice_is_named_and_nothing_is_saved(world: World):
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(reverse("notification_centre:settings"), {"email_kinds": ["sms"]})
    assert response.status_code == 200
    assert "Choose from the list of notifications" in response.content.decode()
    assert not AlertSettings.objects.exists()


# --- The header ---------------------------------------------------------------------------------


def _notifications_queries(queries: list[dict[str, str]]) -> list[str]:
    return [q["sql"] for q in queries if "notifications_alert" in q["sql"]]


@pytest.mark.django_db
def test_the_header_counts_unread_with_one_count_query(world: World):
    made = _alerts(world.link_worker_a, 3)
    Alert.objects.filter(pk=made[0].pk).update(read_at=timezone.now())
    _alerts(world.link_worker_b, 4)
    client = signed_in(Client(), world.link_worker_a)
    with CaptureQueriesContext(db_connection) as captured:
        body = client.get(reverse("web:home")).content.decode()
    assert "Notifications (2 unread)" in body
    assert f'href="{reverse("notification_centre:index")}"' in body
    (query,) = _notifications_queries(captured.captured_queries)
    assert "COUNT(" in query.upper()
    Alert.objects.update(read_at=timezone.now())
    body = client.get(reverse("web:home")).content.decode()
    assert "Notifications (" not in body
    assert "Notifications" in body


@pytest.mark.django_db
def test_the_header_has_no_count_before_signing_in(client):
    with CaptureQueriesContext(db_connection) as captured:
        body = client.get(reverse("core:accessibility")).content.decode()
    assert "Notifications" not in body
    assert not _notifications_queries(captured.captured_queries)


# --- What the database holds --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"kind": "gossip"}, "alert_kind_known"),
        ({"link": "https://elsewhere.example/"}, "alert_link_is_a_path"),
        ({"link": "//elsewhere.example/"}, "alert_link_is_a_path"),
    ],
)
def test_the_database_refuses_an_alert_it_cannot_hold(world: World, fields, constraint):
    row = {"recipient": world.link_worker_a, "kind": "overdue", "text": "Due", "link": "/"}
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Alert.objects.create(**{**row, **fields})


@pytest.mark.django_db
def test_the_database_holds_one_alert_per_recipient_and_key(world: World):
    row = {"recipient": world.link_worker_a, "kind": "overdue", "text": "Due", "link": "/"}
    Alert.objects.create(**row, key="k")
    Alert.objects.create(**row)
    Alert.objects.create(**row)  # no key: as many as made
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(**row, key="k")


@pytest.mark.django_db
def test_two_runs_at_once_still_alert_once(world: World, monkeypatch):
    """The second run did not see the first's alert when it looked: the unique key stops it."""
    centre.tell([world.link_worker_a], AlertKind.OVERDUE, "Overdue", "/x/", key="k")
    real_filter = Alert.objects.filter

    def blind(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        return (
            real_filter(*args, **kwargs).none() if "key" in kwargs else real_filter(*args, **kwargs)
        )

    monkeypatch.setattr(Alert.objects, "filter", blind)
    assert centre.tell([world.link_worker_a], AlertKind.OVERDUE, "Overdue", "/x/", key="k") == []
    monkeypatch.undo()
    assert Alert.objects.filter(recipient=world.link_worker_a).count() == 1
