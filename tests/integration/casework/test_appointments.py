"""Appointments (issue 19, item 1): booking the first one at triage and later ones from the
case, the diary by day and week and the scheme's, recording one as a contact exactly once,
missed appointments against the scheme's rule, the .ics file and the link worker's calendar
feed, the day-before reminder, and scoping."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.casework import actions
from linkwork.casework.models import (
    Appointment,
    AppointmentStatus,
    CalendarFeed,
    Contact,
    FollowUp,
    Mode,
)
from linkwork.core import concurrency
from linkwork.notifications.models import Event, Message
from linkwork.referrals.lifecycle import ClosureReason, Status
from linkwork.referrals.models import Referral
from tests.conftest import LONDON, World, signed_in
from tests.factories import MembershipFactory, ReferralFactory
from tests.integration.test_page_structure import skipped_levels
from tests.unit.notifications import helpers

pytestmark = pytest.mark.django_db

# A Wednesday in term time: the week runs Monday 7 to Sunday 13 December 2026.
NOW = dt.datetime(2026, 12, 9, 9, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


def booking(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "date[day]": "10",
        "date[month]": "12",
        "date[year]": "2026",
        "time": "14:30",
        "mode": "in_person",
        "place": "Millbrook Library, Station Road",
        "duration_minutes": "45",
    }
    data.update(changes)
    return data


def book(world: World, referral, when: dt.datetime, **kwargs):  # type: ignore[no-untyped-def]
    """Book as the link worker, at a moment before `when`."""
    with time_machine.travel(when - dt.timedelta(days=3), tick=False):
        return actions.book_appointment(
            by=world.link_worker_a,
            referral=referral,
            starts_at=when,
            duration_minutes=kwargs.pop("duration_minutes", 60),
            mode=kwargs.pop("mode", Mode.IN_PERSON),
            place=kwargs.pop("place", "Millbrook Library"),
            **kwargs,
        )


@pytest.fixture
def accepted(world: World):  # type: ignore[no-untyped-def]
    return ReferralFactory(
        scheme=world.scheme_a, status="accepted", link_worker=world.link_worker_a
    )


# Booking


def test_booking_from_the_case_puts_it_in_the_diary(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    url = reverse("casework:appointments", args=[referral_a.pk])
    response = client.post(url, booking())
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.starts_at, appointment.duration_minutes, appointment.mode) == (
        at(10, 14, 30),
        45,
        "in_person",
    )
    assert appointment.link_worker == world.link_worker_a
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.contact is None
    assert AuditEvent.objects.filter(
        action="appointment.booked", object_id=str(appointment.pk)
    ).exists()
    page = client.get(url)
    assert "10 December 2026 at 2:30pm" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="appointments.viewed", object_id=str(referral_a.pk)
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date[day]": "8"}, "date", "The date of the appointment must be today or later"),
        ({"time": "08:00", "date[day]": "9"}, "time", "The time must be later than now"),
        ({"time": "half two"}, "time", "Enter the time as hours and minutes, like 14:30"),
        ({"mode": ""}, "mode", "Select how you will meet"),
        ({"duration_minutes": "900"}, "duration_minutes", "600 minutes or less"),
        ({"date[month]": "13"}, "date", "Date of the appointment must be a real date"),
    ],
)
def test_booking_bad_input_names_the_field_and_saves_nothing(
    client, world: World, referral_a, changes, field, message
):
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("casework:appointments", args=[referral_a.pk]), booking(**changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'href="#id_{field}' in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_contact_form_still_refuses_a_future_date(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("casework:contacts", args=[referral_a.pk]),
        {
            "date[day]": "10",
            "date[month]": "12",
            "date[year]": "2026",
            "time": "10:00",
            "mode": "phone",
            "duration_minutes": "20",
            "outcome": "attended",
        },
    )
    assert response.status_code == 400
    assert "The date of the contact must be today or in the past" in response.content.decode()


def test_a_referral_not_yet_accepted_takes_no_appointment(world: World):
    received = ReferralFactory(scheme=world.scheme_a, status="received")
    with pytest.raises(actions.CaseworkError):
        book(world, received, at(12, 10))
    assert not Appointment.objects.exists()


def test_triage_accept_goes_on_to_book_the_first_appointment(client, world: World):
    lead = world.scheme_lead_a
    referral = ReferralFactory(scheme=world.scheme_a, status="received")
    signed_in(client, lead)
    page = client.get(reverse("referrals:triage", args=[referral.pk]))
    assert "you can book the first appointment" in page.content.decode()
    response = client.post(
        reverse("referrals:triage_decide", args=[referral.pk]),
        {"decision": "accept", "link_worker": world.link_worker_a.pk, "over_limit_ok": "yes"},
    )
    booking_url = reverse("casework:appointments", args=[referral.pk]) + "?after=triage"
    assert response.status_code == 302
    assert response["Location"] == booking_url
    page = client.get(booking_url)
    assert "<h1>Book the first appointment</h1>" in page.content.decode()
    response = client.post(booking_url, booking())
    assert response["Location"] == reverse("referrals:triage_queue")
    appointment = Appointment.objects.get(referral=referral)
    # In the assigned link worker's diary, not the lead's.
    assert appointment.link_worker == world.link_worker_a
    assert appointment.created_by == lead


def test_the_referral_page_shows_the_next_appointment(client, world: World, referral_a):
    book(world, referral_a, at(11, 10))
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("referrals:detail", args=[referral_a.pk])).content.decode()
    assert "Next appointment: 11 December 2026 at 10:00am" in page
    assert reverse("casework:appointments", args=[referral_a.pk]) in page
    # The referrer sees the referral, not the casework.
    signed_in(client, world.referrer)
    page = client.get(reverse("referrals:detail", args=[referral_a.pk])).content.decode()
    assert "Next appointment" not in page


# The diary


def test_diary_by_day_and_by_week(client, world: World, referral_a):
    book(world, referral_a, at(9, 15))
    book(world, referral_a, at(11, 10))
    book(world, referral_a, at(14, 10))  # next week
    signed_in(client, world.link_worker_a)
    day = client.get(reverse("casework:diary")).content.decode()
    assert "1 appointment." in day
    assert "3:00pm to 4:00pm" in day
    assert "Ann Example" in day
    assert referral_a.reference in day
    assert reverse("casework:appointments", args=[referral_a.pk]) in day or (
        f"/casework/referrals/{referral_a.pk}/appointments/" in day
    )
    week = client.get(reverse("casework:diary") + "?date=2026-12-10&view=week").content.decode()
    assert "2 appointments." in week
    assert "Monday 7 December 2026" in week
    assert "Sunday 13 December 2026" in week
    assert "Friday 11 December 2026" in week
    event = AuditEvent.objects.filter(action="diary.viewed").latest("id")
    assert event.detail["referrals"] == [str(referral_a.pk)]
    assert event.detail["view"] == "week"


def test_diary_shows_only_the_link_workers_own(client, world: World, referral_a):
    other = MembershipFactory(
        role=Role.LINK_WORKER, organisation=world.scheme_a.host, scheme=world.scheme_a
    ).user
    book(world, referral_a, at(9, 15), link_worker=other)
    signed_in(client, world.link_worker_a)
    assert "0 appointments." in client.get(reverse("casework:diary")).content.decode()


def test_diary_bad_date_names_the_field(client, world: World):
    signed_in(client, world.link_worker_a)
    response = client.get(reverse("casework:diary") + "?date=2026-02-30&view=fortnight")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Date must be a real date" in body
    assert "View must be day or week" in body


def test_scheme_diary_for_the_lead_shows_each_link_worker(client, world: World, referral_a):
    book(world, referral_a, at(9, 15))
    other_scheme = ReferralFactory(
        scheme=world.scheme_b, status="active", link_worker=world.link_worker_b
    )
    actions.book_appointment(
        by=world.link_worker_b,
        referral=other_scheme,
        starts_at=at(9, 16),
        duration_minutes=30,
        mode=Mode.PHONE,
    )
    signed_in(client, world.scheme_lead_a)
    body = client.get(reverse("casework:scheme_diary")).content.decode()
    assert "Lina Worker" in body
    assert "Ann Example" in body
    assert other_scheme.reference not in body
    assert "1 appointment." in body
    signed_in(client, world.link_worker_a)
    assert client.get(reverse("casework:scheme_diary")).status_code == 403


# Recording


def test_recording_attended_creates_one_contact_and_starts_support(client, world: World, accepted):
    appointment = book(world, accepted, at(9, 8))
    signed_in(client, world.link_worker_a)
    url = reverse("casework:appointment", args=[accepted.pk, appointment.pk])
    response = client.post(
        url, {"outcome": "attended", "note": "Met at the library.", "version": 1}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    contact = Contact.objects.get()
    assert appointment.contact == contact
    assert appointment.status == AppointmentStatus.ATTENDED
    assert (contact.occurred_at, contact.outcome, contact.mode) == (
        at(9, 8),
        "attended",
        "in_person",
    )
    accepted.refresh_from_db()
    assert accepted.status == Status.ACTIVE
    # Recording it again (a second tab, a double click) adds nothing.
    again = client.post(url, {"outcome": "did_not_attend"})
    assert again.status_code == 400
    assert "it can be recorded only once" in again.content.decode()
    assert Contact.objects.count() == 1
    with pytest.raises(actions.CaseworkError):
        actions.record_appointment(by=world.link_worker_a, appointment=appointment, attended=True)
    assert Contact.objects.count() == 1


def test_an_appointment_to_come_cannot_be_recorded(world: World, referral_a):
    appointment = book(world, referral_a, at(10, 9))
    with pytest.raises(actions.CaseworkError, match="once its time has come"):
        actions.record_appointment(by=world.link_worker_a, appointment=appointment, attended=True)
    assert not Contact.objects.exists()


def test_recording_on_an_old_version_is_refused(client, world: World, referral_a):
    appointment = book(world, referral_a, at(9, 8))
    actions.cancel_appointment(by=world.scheme_lead_a, appointment=appointment)
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("casework:appointment", args=[referral_a.pk, appointment.pk]),
        {"outcome": "attended", "version": "1"},
    )
    assert response.status_code == 409
    assert "Lee Lead changed this appointment" in response.content.decode()
    assert not Contact.objects.exists()


def test_missed_appointments_put_a_review_on_the_case_at_the_schemes_number(
    world: World, referral_a
):
    world.scheme_a.missed_contacts_before_review = 2
    world.scheme_a.save()
    first, second, third = (book(world, referral_a, at(day, 10)) for day in (2, 4, 7))
    recorded = actions.record_appointment(by=world.link_worker_a, appointment=first, attended=False)
    assert (recorded.missed_in_a_row, recorded.review_due) == (1, False)
    assert not FollowUp.objects.exists()
    recorded = actions.record_appointment(
        by=world.link_worker_a, appointment=second, attended=False
    )
    assert (recorded.missed_in_a_row, recorded.review_due) == (2, True)
    [review] = FollowUp.objects.all()
    assert review.reason == "Review: 2 contacts missed in a row"
    assert review.due_on == dt.date(2026, 12, 9)
    # A third miss is past the number: the review is already on the case.
    actions.record_appointment(by=world.link_worker_a, appointment=third, attended=False)
    assert FollowUp.objects.count() == 1
    assert Contact.objects.filter(outcome="did_not_attend").count() == 3


def test_cancelling_keeps_the_appointment_and_records_no_contact(client, world: World, referral_a):
    appointment = book(world, referral_a, at(11, 10))
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("casework:appointment", args=[referral_a.pk, appointment.pk]),
        {"action": "cancel", "version": "1"},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert not Contact.objects.exists()
    assert AuditEvent.objects.filter(action="appointment.cancelled").count() == 1


# Moving


def move(world: World, appointment, **changes):  # type: ignore[no-untyped-def]
    """Move as the link worker, keeping whatever `changes` leaves out."""
    values = {
        "starts_at": appointment.starts_at,
        "duration_minutes": appointment.duration_minutes,
        "mode": Mode(appointment.mode),
        "place": appointment.place,
    }
    values.update(changes)
    return actions.move_appointment(by=world.link_worker_a, appointment=appointment, **values)


def test_moving_changes_the_time_keeps_the_history_and_reminds_again(world: World):
    referral = helpers.active(world)
    appointment = book(world, referral, at(10, 11), place="Millbrook Library")
    assert actions.remind_appointments() == 1
    appointment.refresh_from_db()
    assert appointment.reminded_at is not None
    moved = move(
        world,
        appointment,
        starts_at=at(11, 15, 30),
        duration_minutes=30,
        mode=Mode.PHONE,
        place="07700 900123",
        version=str(appointment.version),
    )
    appointment.refresh_from_db()
    assert moved.pk == appointment.pk
    assert (appointment.starts_at, appointment.duration_minutes, appointment.mode) == (
        at(11, 15, 30),
        30,
        "phone",
    )
    assert appointment.place == "07700 900123"
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.reminded_at is None
    assert appointment.version == 2
    assert Appointment.objects.count() == 1
    event = AuditEvent.objects.get(action="appointment.rescheduled")
    assert event.object_id == str(appointment.pk)
    assert event.detail == {
        "referral": str(referral.pk),
        "starts_at_from": "2026-12-10T11:00:00+00:00",
        "starts_at_to": "2026-12-11T15:30:00+00:00",
        "duration_minutes": 30,
        "mode": "phone",
    }
    # No personal data: neither the place (here a telephone number) nor a name.
    assert "07700" not in str(event.detail)
    assert "Millbrook" not in str(event.detail)
    assert referral.person.given_name not in str(event.detail)
    # The reminder goes again, the day before the new time, naming no place for a call.
    with time_machine.travel(at(10, 9), tick=False):
        assert actions.remind_appointments() == 1
    latest = Message.objects.filter(event=Event.APPOINTMENT).order_by("-created_at").first()
    assert latest is not None
    assert "11 December 2026 at 3:30pm" in latest.body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_at": at(9, 8)}, "The appointment must be in the future"),
        ({"starts_at": NOW}, "The appointment must be in the future"),
        ({}, "Change the date, time, length, way or place to move the appointment"),
        ({"place": "  Millbrook Library  "}, "Change the date, time, length, way or place"),
    ],
)
def test_moving_to_the_past_or_to_the_same_is_refused(world: World, referral_a, changes, message):
    appointment = book(world, referral_a, at(11, 10))
    with pytest.raises(actions.CaseworkError, match=message):
        move(world, appointment, **changes)
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.version) == (at(11, 10), 1)
    assert not AuditEvent.objects.filter(action="appointment.rescheduled").exists()


def test_only_a_booked_appointment_can_be_moved(world: World, referral_a):
    appointment = book(world, referral_a, at(11, 10))
    actions.cancel_appointment(by=world.link_worker_a, appointment=appointment)
    with pytest.raises(actions.CaseworkError, match="only a booked appointment can be moved"):
        move(world, appointment, starts_at=at(12, 10))
    appointment.refresh_from_db()
    assert appointment.starts_at == at(11, 10)


def test_moving_on_an_old_version_is_refused(world: World, referral_a):
    appointment = book(world, referral_a, at(11, 10))
    move(world, appointment, starts_at=at(12, 10))
    with pytest.raises(concurrency.EditConflict):
        move(world, appointment, starts_at=at(14, 10), version="1")
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.version) == (at(12, 10), 2)


def test_moving_an_appointment_of_a_closed_referral_is_refused(world: World, referral_a):
    appointment = book(world, referral_a, at(11, 10))
    # Closing cancels what is booked; closed underneath the page (another tab) leaves it booked.
    Referral.objects.filter(pk=referral_a.pk).update(
        status=Status.CLOSED, closure_reason=ClosureReason.GOALS_MET
    )
    with pytest.raises(actions.CaseworkError, match="casework can only be recorded"):
        move(world, appointment, starts_at=at(12, 10))
    appointment.refresh_from_db()
    assert appointment.starts_at == at(11, 10)


def test_move_form_shows_the_appointment_as_booked(client, world: World, referral_a):
    appointment = book(world, referral_a, at(11, 10, 15), duration_minutes=45)
    signed_in(client, world.link_worker_a)
    response = client.get(reverse("casework:appointment", args=[referral_a.pk, appointment.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Move appointment" in page
    assert 'name="action" value="move"' in page
    assert 'name="version" value="1"' in page
    for name, value in (
        ("date[day]", "11"),
        ("date[month]", "12"),
        ("date[year]", "2026"),
        ("time", "10:15"),
        ("place", "Millbrook Library"),
        ("duration_minutes", "45"),
    ):
        assert re.search(rf'name="{re.escape(name)}"[^>]*value="{value}"', page), name
    assert re.search(r'value="in_person"[^>]*checked', page)
    assert skipped_levels(page) == []


def test_moving_from_the_page_saves_and_says_so(client, world: World, referral_a):
    appointment = book(world, referral_a, at(11, 10))
    signed_in(client, world.link_worker_a)
    url = reverse("casework:appointment", args=[referral_a.pk, appointment.pk])
    response = client.post(url, {"action": "move", "version": "1", **booking()})
    assert response.status_code == 302
    assert response["Location"] == url
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.duration_minutes, appointment.version) == (
        at(10, 14, 30),
        45,
        2,
    )
    assert appointment.place == "Millbrook Library, Station Road"
    page = client.get(url).content.decode()
    assert "Appointment moved to 10 December 2026 at 2:30pm" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date[day]": "8"}, "date", "The date of the appointment must be today or later"),
        ({"date[month]": "13"}, "date", "Date of the appointment must be a real date"),
        ({"time": "half two"}, "time", "Enter the time as hours and minutes, like 14:30"),
        ({"mode": "carrier_pigeon"}, "mode", "Select how you will meet"),
        ({"duration_minutes": "900"}, "duration_minutes", "600 minutes or less"),
        ({"place": "\x00"}, "place", "hidden (control) characters"),
    ],
)
def test_moving_with_bad_input_names_the_field_and_saves_nothing(
    client, world: World, referral_a, changes, field, message
):
    appointment = book(world, referral_a, at(11, 10))
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("casework:appointment", args=[referral_a.pk, appointment.pk]),
        {"action": "move", "version": "1", **booking(**changes)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'href="#id_{field}' in page
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.version) == (at(11, 10), 1)


def test_moving_to_the_same_from_the_page_says_what_to_change(client, world: World, referral_a):
    appointment = book(world, referral_a, at(10, 14, 30), duration_minutes=45)
    Appointment.objects.filter(pk=appointment.pk).update(place="Millbrook Library, Station Road")
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("casework:appointment", args=[referral_a.pk, appointment.pk]),
        {"action": "move", "version": "1", **booking()},
    )
    assert response.status_code == 400
    assert "Change the date, time, length, way or place" in response.content.decode()


def test_moving_on_an_old_version_from_the_page_shows_the_conflict(
    client, world: World, referral_a
):
    appointment = book(world, referral_a, at(11, 10))
    actions.move_appointment(
        by=world.scheme_lead_a,
        appointment=appointment,
        starts_at=at(12, 10),
        duration_minutes=60,
        mode=Mode.IN_PERSON,
        place="Millbrook Library",
    )
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("casework:appointment", args=[referral_a.pk, appointment.pk]),
        {"action": "move", "version": "1", **booking()},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Lee Lead changed this appointment" in page
    # The form keeps the answers sent, and now carries the version saved by the other change.
    assert re.search(r'name="time"[^>]*value="14:30"', page)
    assert 'name="version" value="2"' in page
    appointment.refresh_from_db()
    assert appointment.starts_at == at(12, 10)


def test_another_organisations_user_cannot_move_an_appointment(client, world: World, referral_a):
    appointment = book(world, referral_a, at(11, 10))
    signed_in(client, world.link_worker_b)
    response = client.post(
        reverse("casework:appointment", args=[referral_a.pk, appointment.pk]),
        {"action": "move", "version": "1", **booking()},
    )
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.version) == (at(11, 10), 1)
    assert not AuditEvent.objects.filter(action="appointment.rescheduled").exists()


# Calendar files and the feed


def _events(body: bytes) -> list:  # type: ignore[type-arg]
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_ics_download_validates_and_names_no_one(client, world: World, referral_a):
    appointment = book(world, referral_a, at(11, 10), mode=Mode.HOME_VISIT, place="1 High St")
    signed_in(client, world.link_worker_a)
    response = client.get(reverse("casework:appointment_ics", args=[referral_a.pk, appointment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    [event] = _events(response.content)
    assert event.decoded("dtstart") == at(11, 10)
    assert event.decoded("dtend") == at(11, 11)
    assert str(event["summary"]) == f"AE ({referral_a.reference}): Home visit"
    assert str(event["location"]) == "Home visit"
    body = response.content.decode()
    assert "Ann" not in body
    assert "Example" not in body
    assert "High St" not in body
    assert AuditEvent.objects.filter(
        action="appointment.downloaded", object_id=str(appointment.pk)
    ).exists()


def test_calendar_feed_validates_and_carries_only_the_link_workers_appointments(
    client, world: World, referral_a
):
    mine = book(world, referral_a, at(11, 10))
    cancelled = book(world, referral_a, at(12, 10))
    actions.cancel_appointment(by=world.link_worker_a, appointment=cancelled)
    old = book(world, referral_a, dt.datetime(2026, 10, 1, 10, tzinfo=LONDON))
    other = MembershipFactory(
        role=Role.LINK_WORKER, organisation=world.scheme_a.host, scheme=world.scheme_a
    ).user
    theirs = book(world, referral_a, at(11, 12), link_worker=other)
    token = actions.issue_calendar_feed(by=world.link_worker_a)
    response = client.get(reverse("casework:calendar_feed", args=[token]))
    assert response.status_code == 200
    events = {str(e["uid"]): e for e in _events(response.content)}
    assert set(events) == {f"{mine.pk}@linkwork", f"{cancelled.pk}@linkwork"}
    assert str(events[f"{cancelled.pk}@linkwork"]["status"]) == "CANCELLED"
    assert str(events[f"{mine.pk}@linkwork"]["location"]) == "Millbrook Library"
    assert f"{old.pk}" not in response.content.decode()
    assert f"{theirs.pk}" not in response.content.decode()
    assert "Ann Example" not in response.content.decode()
    feed = CalendarFeed.objects.get()
    assert feed.token_hash != token
    assert token not in feed.token_hash
    assert feed.last_read_at is not None
    assert AuditEvent.objects.filter(
        action="calendar_feed.read", actor=world.link_worker_a
    ).exists()


def test_calendar_feed_leaves_out_a_scheme_the_worker_has_left(client, world: World, referral_a):
    book(world, referral_a, at(11, 10))
    token = actions.issue_calendar_feed(by=world.link_worker_a)
    world.link_worker_a.memberships.all().delete()
    response = client.get(reverse("casework:calendar_feed", args=[token]))
    assert _events(response.content) == []


def test_revoked_or_replaced_feed_address_is_404(client, world: World, referral_a):
    signed_in(client, world.link_worker_a)
    page = client.post(reverse("casework:calendar"), {"action": "issue"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "/casework/diary/calendar/" in body
    assert "shown only once" in body
    first = actions.issue_calendar_feed(by=world.link_worker_a)
    second = actions.issue_calendar_feed(by=world.link_worker_a)
    assert client.get(reverse("casework:calendar_feed", args=[first])).status_code == 404
    assert client.get(reverse("casework:calendar_feed", args=[second])).status_code == 200
    client.post(reverse("casework:calendar"), {"action": "revoke"})
    assert client.get(reverse("casework:calendar_feed", args=[second])).status_code == 404
    assert client.get(reverse("casework:calendar_feed", args=["made-up"])).status_code == 404
    assert AuditEvent.objects.filter(action="calendar_feed.revoked").count() == 1
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0


def test_feed_of_a_deactivated_account_is_404(client, world: World):
    token = actions.issue_calendar_feed(by=world.link_worker_a)
    world.link_worker_a.is_active = False
    world.link_worker_a.save()
    assert client.get(reverse("casework:calendar_feed", args=[token])).status_code == 404


# The reminder the day before


def test_reminder_goes_the_day_before_once(world: World):
    referral = helpers.active(world)
    tomorrow = book(world, referral, at(10, 11), place="Millbrook Library")
    book(world, referral, at(11, 11))  # the day after tomorrow: not yet
    cancelled = book(world, referral, at(10, 15))
    actions.cancel_appointment(by=world.link_worker_a, appointment=cancelled)
    assert actions.remind_appointments() == 1
    [message] = Message.objects.filter(event=Event.APPOINTMENT)
    assert message.channel == "text"
    assert "10 December 2026 at 11:00am at Millbrook Library" in message.body
    assert "Ann" in message.body
    tomorrow.refresh_from_db()
    assert tomorrow.reminded_at is not None
    # The daily job running again (or twice in a day) sends nothing more.
    assert actions.remind_appointments() == 0
    assert Message.objects.filter(event=Event.APPOINTMENT).count() == 1


def test_reminder_of_a_home_visit_names_no_address(world: World):
    referral = helpers.active(world)
    book(world, referral, at(10, 11), mode=Mode.HOME_VISIT, place="Flat 2, 1 High Street")
    actions.remind_appointments()
    [message] = Message.objects.filter(event=Event.APPOINTMENT)
    assert "at your home" in message.body
    assert "High Street" not in message.body


def test_reminder_job_is_registered_daily():
    from linkwork.casework.tasks import remind_appointments
    from linkwork.core import daily

    assert remind_appointments in daily.jobs()


# Scoping


def test_another_schemes_appointment_is_refused_and_audited(client, world: World, referral_a):
    appointment = book(world, referral_a, at(11, 10))
    signed_in(client, world.link_worker_b)
    for name in ("casework:appointment", "casework:appointment_ics"):
        url = reverse(name, args=[referral_a.pk, appointment.pk])
        assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=world.link_worker_b).count() == 2
    # Another scheme's appointment under one's own referral is refused too.
    own = ReferralFactory(scheme=world.scheme_b, status="active", link_worker=world.link_worker_b)
    url = reverse("casework:appointment", args=[own.pk, appointment.pk])
    assert client.get(url).status_code == 404
    assert Appointment.objects.visible_to(world.link_worker_b).count() == 0
    assert Appointment.objects.visible_to(world.referrer).count() == 0


# What the database holds to


def test_a_recorded_appointment_must_have_its_contact(world: World, referral_a):
    from django.db import IntegrityError, transaction

    appointment = book(world, referral_a, at(11, 10))
    appointment.status = AppointmentStatus.ATTENDED
    with pytest.raises(IntegrityError), transaction.atomic():
        appointment.save()


def test_a_booked_appointment_has_no_contact(world: World, referral_a):
    from django.db import IntegrityError, transaction

    from tests.factories import ContactFactory

    appointment = book(world, referral_a, at(11, 10))
    appointment.contact = ContactFactory(referral=referral_a, recorded_by=world.link_worker_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        appointment.save()


@pytest.mark.parametrize("minutes", [0, 601])
def test_an_appointment_lasts_5_to_600_minutes(world: World, referral_a, minutes):
    from django.db import IntegrityError, transaction

    appointment = book(world, referral_a, at(11, 10))
    appointment.duration_minutes = minutes
    with pytest.raises(IntegrityError), transaction.atomic():
        appointment.save()


def test_one_contact_becomes_one_appointment_only(world: World, referral_a):
    from django.db import IntegrityError, transaction

    first = book(world, referral_a, at(8, 10))
    second = book(world, referral_a, at(8, 12))
    recorded = actions.record_appointment(by=world.link_worker_a, appointment=first, attended=True)
    second.status = AppointmentStatus.ATTENDED
    second.contact = recorded.contact
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_a_link_worker_has_one_live_calendar_address(world: World):
    from django.db import IntegrityError, transaction

    actions.issue_calendar_feed(by=world.link_worker_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create(user=world.link_worker_a, token_hash="0" * 64)


# An episode that ends takes its booked appointments with it


def test_ending_support_cancels_booked_appointments(world: World, referral_a):

    past = book(world, referral_a, at(8, 10))
    recorded = book(world, referral_a, at(8, 14))
    actions.record_appointment(by=world.link_worker_a, appointment=recorded, attended=True)
    ahead = book(world, referral_a, at(10, 11))
    actions.discharge(by=world.link_worker_a, referral=referral_a, reason=ClosureReason.MOVED)
    statuses = {
        a.pk: a.status for a in Appointment.objects.filter(pk__in=[past.pk, recorded.pk, ahead.pk])
    }
    assert statuses == {
        past.pk: AppointmentStatus.CANCELLED,
        recorded.pk: AppointmentStatus.ATTENDED,
        ahead.pk: AppointmentStatus.CANCELLED,
    }
    assert (
        AuditEvent.objects.filter(
            action="appointment.cancelled", detail__because="referral_closed"
        ).count()
        == 2
    )
    # No reminder goes for a cancelled appointment.
    assert actions.remind_appointments() == 0


def test_a_withdrawn_referral_cancels_its_booked_appointments(world: World, referral_a):
    from linkwork.referrals.actions import withdraw_referral

    ahead = book(world, referral_a, at(10, 11))
    withdraw_referral(who=world.referrer, referral=referral_a, reason="Moved away.")
    ahead.refresh_from_db()
    assert ahead.status == AppointmentStatus.CANCELLED
    assert ahead.updated_by == world.referrer


def test_reassigning_moves_the_appointments_to_come(client, world: World, referral_a):
    new = MembershipFactory(
        role=Role.LINK_WORKER, organisation=world.scheme_a.host, scheme=world.scheme_a
    ).user
    past = book(world, referral_a, at(8, 10))
    ahead = book(world, referral_a, at(10, 11))
    signed_in(client, world.scheme_lead_a)
    response = client.post(
        reverse("casework:assign", args=[referral_a.pk]),
        {"link_worker": new.pk, "complexity": "standard"},
    )
    assert response.status_code == 302
    past.refresh_from_db()
    ahead.refresh_from_db()
    assert (past.link_worker, ahead.link_worker) == (world.link_worker_a, new)
    event = AuditEvent.objects.get(action="appointment.moved")
    assert event.detail == {"from": world.link_worker_a.pk, "to": new.pk}
