"""Provider deadlines in working days across bank holidays, and the daily chase: a reminder
to the provider on the reminder day, then escalation to the link worker and scheme lead
after the deadline, each once, naming the reference and service but never the person."""

from __future__ import annotations

import datetime as dt
import json

import holidays
import pytest
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework import actions
from linkwork.casework.models import Connection
from linkwork.casework.tasks import chase_connection_deadlines
from linkwork.notifications.models import Audience, Event, Message
from linkwork.people.models import Consent, ConsentKind, ConsentMethod
from tests.conftest import World
from tests.factories import (
    DirectoryOrganizationFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)

ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2026, 2028))

# (request day, reminder day at 6 working days, deadline at 10 working days)
CASES = {
    # 25 December (Friday), 28 December (Monday, for Boxing Day on a Saturday), 1 January.
    "christmas_2026": (dt.date(2026, 12, 18), dt.date(2026, 12, 30), dt.date(2027, 1, 6)),
    # Good Friday 3 April and Easter Monday 6 April 2026.
    "easter_2026": (dt.date(2026, 4, 2), dt.date(2026, 4, 14), dt.date(2026, 4, 20)),
    # Good Friday 26 March and Easter Monday 29 March 2027.
    "easter_2027": (dt.date(2027, 3, 25), dt.date(2027, 4, 6), dt.date(2027, 4, 12)),
    # Spring bank holiday, the last Monday of May: 25 May 2026.
    "late_may_2026": (dt.date(2026, 5, 22), dt.date(2026, 6, 2), dt.date(2026, 6, 8)),
    # Spring bank holiday, 31 May 2027.
    "late_may_2027": (dt.date(2027, 5, 28), dt.date(2027, 6, 8), dt.date(2027, 6, 14)),
}
CHRISTMAS_REQUEST, CHRISTMAS_REMINDER, CHRISTMAS_DEADLINE = CASES["christmas_2026"]


def _working_days_between(start: dt.date, end: dt.date) -> int:
    """Counted here from the `holidays` package, independently of the code under test."""
    days = (start + dt.timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for day in days if day.weekday() < 5 and day not in ENGLAND)


@pytest.fixture
def draft(world: World) -> Connection:
    """A draft connection from scheme A (10 and 6 working days) to the provider's service."""
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
    return actions.create_connection(
        by=world.link_worker_a,
        referral=referral,
        service=service,
        shared_fields=["name"],
        send=False,
    )


def request_on(monkeypatch, day: dt.date, connection: Connection, by) -> Connection:  # type: ignore[no-untyped-def]
    with monkeypatch.context() as patched:
        patched.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        return actions.request_connection(by=by, connection=connection)


def sent(event: Event) -> list[Message]:
    return list(Message.objects.filter(event=event).order_by("audience", "recipient_address"))


@pytest.mark.parametrize("case", CASES)
def test_bank_holidays_in_england_are_the_ones_expected(case):
    requested, remind_on, respond_by = CASES[case]
    assert _working_days_between(requested, remind_on) == 6
    assert _working_days_between(requested, respond_by) == 10
    for day in (remind_on, respond_by):
        assert day.weekday() < 5
        assert day not in ENGLAND


def test_christmas_holidays_skipped_are_christmas_boxing_day_and_new_year():
    skipped = sorted(
        day
        for day in ENGLAND
        if CHRISTMAS_REQUEST < day <= CHRISTMAS_DEADLINE and day.weekday() < 5
    )
    assert skipped == [dt.date(2026, 12, 25), dt.date(2026, 12, 28), dt.date(2027, 1, 1)]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_request_deadlines_skip_bank_holidays(monkeypatch, world: World, draft, case):
    requested, remind_on, respond_by = CASES[case]
    connection = request_on(monkeypatch, requested, draft, world.link_worker_a)
    connection.refresh_from_db()
    assert (connection.remind_on, connection.respond_by) == (remind_on, respond_by)


@pytest.fixture
def christmas_request(monkeypatch, world: World, draft) -> Connection:
    return request_on(monkeypatch, CHRISTMAS_REQUEST, draft, world.link_worker_a)


@pytest.mark.django_db
def test_reminder_sent_once_on_the_reminder_day(world: World, christmas_request):
    day_before = CHRISTMAS_REMINDER - dt.timedelta(days=1)
    assert actions.chase_connections(today=day_before) == {"reminded": 0, "escalated": 0}
    assert not sent(Event.CONNECTION_REMINDER)

    assert actions.chase_connections(today=CHRISTMAS_REMINDER) == {"reminded": 1, "escalated": 0}
    reminders = sent(Event.CONNECTION_REMINDER)
    assert {m.audience for m in reminders} == {Audience.PROVIDER}
    assert world.provider.email in {m.recipient_address for m in reminders}

    assert actions.chase_connections(today=CHRISTMAS_REMINDER) == {"reminded": 0, "escalated": 0}
    next_day = CHRISTMAS_REMINDER + dt.timedelta(days=1)
    assert actions.chase_connections(today=next_day) == {"reminded": 0, "escalated": 0}
    assert len(sent(Event.CONNECTION_REMINDER)) == len(reminders)


@pytest.mark.django_db
def test_escalation_only_after_the_deadline_day_and_once(world: World, christmas_request):
    assert actions.chase_connections(today=CHRISTMAS_DEADLINE)["escalated"] == 0
    assert not sent(Event.CONNECTION_OVERDUE)

    day_after = CHRISTMAS_DEADLINE + dt.timedelta(days=1)
    assert actions.chase_connections(today=day_after)["escalated"] == 1
    overdue = sent(Event.CONNECTION_OVERDUE)
    assert [(m.audience, m.recipient_address) for m in overdue] == sorted(
        [
            (Audience.LINK_WORKER, world.link_worker_a.email),
            (Audience.SCHEME_LEAD, world.scheme_lead_a.email),
        ]
    )
    assert AuditEvent.objects.filter(
        action="connection.escalated", object_id=str(christmas_request.pk)
    ).exists()

    assert actions.chase_connections(today=day_after + dt.timedelta(days=1))["escalated"] == 0
    assert len(sent(Event.CONNECTION_OVERDUE)) == 2


@pytest.mark.django_db
def test_no_reminder_or_escalation_once_answered(world: World, christmas_request):
    actions.respond_to_connection(
        by=world.provider, connection=christmas_request, decision="waiting_list"
    )
    assert actions.chase_connections(today=CHRISTMAS_REMINDER) == {"reminded": 0, "escalated": 0}
    after = CHRISTMAS_DEADLINE + dt.timedelta(days=1)
    assert actions.chase_connections(today=after) == {"reminded": 0, "escalated": 0}
    assert not sent(Event.CONNECTION_REMINDER)
    assert not sent(Event.CONNECTION_OVERDUE)


@pytest.mark.django_db
def test_chase_messages_name_the_reference_and_service_never_the_person(
    monkeypatch, world: World, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        connection = request_on(monkeypatch, CHRISTMAS_REQUEST, draft, world.link_worker_a)
    actions.chase_connections(today=CHRISTMAS_REMINDER)
    actions.chase_connections(today=CHRISTMAS_DEADLINE + dt.timedelta(days=1))
    messages = list(Message.objects.all())
    assert {m.event for m in messages} == {
        Event.CONNECTION_REQUESTED,
        Event.CONNECTION_REMINDER,
        Event.CONNECTION_OVERDUE,
    }
    reference = connection.referral.reference
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        assert reference in message.subject
        assert reference in message.body
        assert "Millbrook Walks" in text
        assert "Ann" not in text
        assert "Example" not in text


@pytest.mark.django_db
def test_daily_task_chases_and_returns_json_counts(monkeypatch, world: World, christmas_request):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: CHRISTMAS_REMINDER)
    result = chase_connection_deadlines.call()
    assert result == {"reminded": 1, "escalated": 0}
    assert json.loads(json.dumps(result)) == result
    # Queued as the daily command does (the test settings run tasks at once): nothing new.
    assert chase_connection_deadlines.enqueue().return_value == {"reminded": 0, "escalated": 0}
