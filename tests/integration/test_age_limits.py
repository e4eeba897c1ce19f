"""Each scheme's age limit (16 and over unless the scheme says otherwise) is checked at intake
on the staff form and the self-referral form (the API in `api/test_age_limit.py`), as an error
on the date of birth that says where to go instead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwork.referrals import intake
from linkwork.referrals.models import Referral
from tests.conftest import SELF_REFERRAL as SELF
from tests.conftest import World, signed_in
from tests.integration.test_referral_forms import PERSON, details

pytestmark = pytest.mark.django_db

SAYS = "this scheme supports people aged 16 and over"


def born(days_ago: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


def dob_fields(day: dt.date) -> dict[str, str]:
    return {
        "date_of_birth[day]": str(day.day),
        "date_of_birth[month]": str(day.month),
        "date_of_birth[year]": str(day.year),
    }


def test_self_referral_refuses_a_five_day_old_baby(client, world: World):
    response = client.post(reverse("refer"), {**SELF, **dob_fields(born(5))})
    page = response.content.decode()
    assert response.status_code == 200
    assert SAYS in page
    assert "GP practice" in page
    assert 'href="#date_of_birth' in page or 'href="#id_date_of_birth' in page
    assert not Referral.objects.exists()


def test_staff_form_refuses_someone_under_the_scheme_age(client, world: World):
    signed_in(client, world.referrer)
    client.get(reverse("referrals:new"))
    client.post(reverse("referrals:new_person"), {**PERSON, **dob_fields(born(365 * 10))})
    response = client.post(reverse("referrals:new_details"), details(world))
    page = response.content.decode()
    assert response.status_code == 200
    assert "date of birth" in page
    assert SAYS in page
    assert not Referral.objects.exists()


def test_staff_form_check_screen_refuses_a_date_of_birth_changed_after_the_scheme(
    client, world: World
):
    signed_in(client, world.referrer)
    client.get(reverse("referrals:new"))
    client.post(reverse("referrals:new_person"), PERSON)
    client.post(reverse("referrals:new_details"), details(world))
    client.post(reverse("referrals:new_person"), {**PERSON, **dob_fields(born(30))})
    response = client.post(reverse("referrals:new_check"), {"consent_to_refer": "on"})
    assert response.status_code == 302
    assert not Referral.objects.exists()


def test_age_limit_is_set_per_scheme(client, world: World):
    world.scheme_a.minimum_age = 18
    world.scheme_a.save()
    seventeen = born(365 * 17 + 10)
    problem = intake.too_young(world.scheme_a, seventeen)
    assert problem is not None
    assert "this scheme supports people aged 18 and over" in problem
    assert intake.too_young(world.scheme_b, seventeen) is None


def test_sixteenth_birthday_is_old_enough(world: World):
    today = dt.date(2026, 3, 1)
    assert intake.too_young(world.scheme_a, dt.date(2010, 3, 1), today) is None
    assert intake.too_young(world.scheme_a, dt.date(2010, 3, 2), today) is not None
