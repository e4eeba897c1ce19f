"""Recording contacts; the first attended contact starts support."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework.models import Contact
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import CodedEvent
from tests.conftest import LONDON, World, signed_in
from tests.factories import ReferralFactory


def contact_data(**changes: object) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "date[day]": today.day,
        "date[month]": today.month,
        "date[year]": today.year,
        "time": "00:05",
        "mode": "phone",
        "duration_minutes": "25",
        "outcome": "attended",
        "note": "Talked about the walking group.",
    }
    data.update(changes)
    return data


@pytest.fixture
def accepted(world: World):  # type: ignore[no-untyped-def]
    return ReferralFactory(
        scheme=world.scheme_a, status="accepted", link_worker=world.link_worker_a
    )


@pytest.mark.django_db
def test_first_attended_contact_starts_support(client, world: World, accepted):
    signed_in(client, world.link_worker_a)
    url = reverse("casework:contacts", args=[accepted.pk])
    response = client.post(url, contact_data())
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == Status.ACTIVE
    assert CodedEvent.objects.filter(referral=accepted, code="871731000000106").exists()
    contact = Contact.objects.get()
    assert (contact.mode, contact.duration_minutes, contact.recorded_by) == (
        "phone",
        25,
        world.link_worker_a,
    )
    assert AuditEvent.objects.filter(action="contact.recorded", object_id=str(contact.pk)).exists()
    assert "Talked about the walking group." in client.get(url).content.decode()


@pytest.mark.django_db
def test_missed_contact_does_not_start_support(client, world: World, accepted):
    signed_in(client, world.link_worker_a)
    client.post(
        reverse("casework:contacts", args=[accepted.pk]), contact_data(outcome="did_not_attend")
    )
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED


@pytest.mark.django_db
def test_contact_errors_named_and_nothing_saved(client, world: World, accepted):
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("casework:contacts", args=[accepted.pk]),
        contact_data(duration_minutes="-5", time="25:99", mode=""),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "The duration cannot be less than 0 minutes" in body
    assert "Enter the time as hours and minutes" in body
    assert "Select how the contact happened" in body
    assert not Contact.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("now", [None, dt.datetime(2028, 2, 29, 10, tzinfo=LONDON)])
def test_future_contact_refused(client, world: World, accepted, time_machine, now):
    if now is not None:
        time_machine.move_to(now, tick=False)
    signed_in(client, world.link_worker_a)
    # A year ahead, even from 29 February (which `replace(year=...)` would break on).
    future = timezone.localdate() + dt.timedelta(days=366)
    response = client.post(
        reverse("casework:contacts", args=[accepted.pk]),
        contact_data(
            **{"date[day]": future.day, "date[month]": future.month, "date[year]": future.year}
        ),
    )
    assert "must be today or in the past" in response.content.decode()
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_no_video_offered_without_digital_access(client, world: World, accepted):
    accepted.person.digital_access = "none"
    accepted.person.save()
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("casework:contacts", args=[accepted.pk])).content.decode()
    assert 'value="video"' not in body
    assert 'value="phone"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [("link_worker_b", 404), ("referrer", 403), ("admin", 403), ("provider", 403)],
)
def test_contacts_hidden_outside_the_scheme_team(client, world: World, accepted, persona, status):
    accepted.referring_organisation = world.practice
    accepted.save()
    signed_in(client, getattr(world, persona))
    assert client.get(reverse("casework:contacts", args=[accepted.pk])).status_code == status
    assert AuditEvent.objects.filter(action="access.denied").exists()


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 1, 9, 30, tzinfo=ZoneInfo("Europe/London")), tick=False)
def test_contact_date_and_time_start_at_now(client, world: World, accepted):
    signed_in(client, world.link_worker_a)
    body = client.get(reverse("casework:contacts", args=[accepted.pk])).content.decode()
    assert re.search(r'name="time"[^>]*value="09:30"', body)
    assert re.search(r'name="date\[day\]"[^>]*value="1"', body)
    assert re.search(r'name="date\[month\]"[^>]*value="6"', body)
    assert re.search(r'name="date\[year\]"[^>]*value="2026"', body)


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 1, 9, 30, tzinfo=ZoneInfo("Europe/London")), tick=False)
def test_contact_later_today_is_a_wrong_time_not_a_wrong_date(client, world: World, accepted):
    signed_in(client, world.link_worker_a)
    response = client.post(
        reverse("casework:contacts", args=[accepted.pk]),
        contact_data(**{"date[day]": 1, "date[month]": 6, "date[year]": 2026, "time": "11:00"}),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "The time must be now or earlier" in body
    assert 'href="#id_time"' in body
    assert "must be today or in the past" not in body
    assert not Contact.objects.exists()
