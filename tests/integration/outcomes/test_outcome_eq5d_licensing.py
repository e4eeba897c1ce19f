"""Licensed instruments are recorded only when switched on; EQ-5D-5L is recorded through its
own form and charted by its index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.outcomes import score
from linkwork.outcomes.models import OutcomeMeasure
from tests.conftest import signed_in
from tests.html import plain

pytestmark = pytest.mark.django_db

DIMENSIONS = ["mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression"]


def record_url(referral, instrument="eq5d5l"):  # type: ignore[no-untyped-def]
    return reverse("outcomes:record", args=[referral.pk, instrument])


def chart_url(referral):  # type: ignore[no-untyped-def]
    return reverse("outcomes:trajectories", args=[referral.pk])


def eq5d_post(state="21334", vas="65", time_point="baseline"):  # type: ignore[no-untyped-def]
    data = {"time_point": time_point, "vas": vas}
    data.update({f"item_{d}": level for d, level in zip(DIMENSIONS, state, strict=False)})
    return data


@pytest.fixture
def licensed(settings):  # type: ignore[no-untyped-def]
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["eq5d5l", "swemwbs", "wemwbs"]
    settings.LINKWORK_EQ5D_METHOD = "england_5l"
    return settings


@pytest.fixture
def unlicensed(settings):  # type: ignore[no-untyped-def]
    settings.LINKWORK_LICENSED_INSTRUMENTS = []
    return settings


@pytest.mark.parametrize("instrument", ["eq5d5l", "wemwbs", "swemwbs"])
def test_unlicensed_instrument_is_404_and_not_offered(world, referral_a, unlicensed, instrument):
    client = signed_in(Client(), world.link_worker_a)
    assert client.get(record_url(referral_a, instrument)).status_code == 404
    assert client.post(record_url(referral_a, instrument), eq5d_post()).status_code == 404
    assert not OutcomeMeasure.objects.exists()
    page = client.get(chart_url(referral_a)).content.decode()
    assert record_url(referral_a, instrument) not in page
    # Unrestricted instruments are still offered, and scoring still works.
    assert record_url(referral_a, "phq9") in page
    assert score("eq5d5l", {"state": "11111"}).index == 1.0


def test_licensed_instruments_are_offered_and_recordable(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_a)
    page = client.get(chart_url(referral_a)).content.decode()
    for instrument in ("eq5d5l", "wemwbs", "swemwbs"):
        assert record_url(referral_a, instrument) in page
        assert client.get(record_url(referral_a, instrument)).status_code == 200


def test_only_listed_instruments_are_switched_on(world, referral_a, settings):
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["eq5d5l"]
    client = signed_in(Client(), world.link_worker_a)
    assert client.get(record_url(referral_a, "eq5d5l")).status_code == 200
    assert client.get(record_url(referral_a, "wemwbs")).status_code == 404


def test_eq5d_form_has_five_dimensions_of_five_levels_and_vas(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_a)
    page = client.get(record_url(referral_a)).content.decode()
    assert page.count('class="nhsuk-radios__input"') == 4 + 5 * 5
    for label in ("Mobility (MO)", "Self-care (SC)", "Pain/discomfort (PD)", "Level 1 (best)"):
        assert label in page
    assert 'name="vas"' in page


def test_eq5d_record_stores_index_equal_to_the_library(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(record_url(referral_a), eq5d_post("21334", "65"))
    assert response.status_code == 302
    measure = OutcomeMeasure.objects.get()
    expected = score("eq5d5l", {"state": "21334", "vas": 65}, method="england_5l")
    assert measure.responses == {"state": "21334", "vas": 65}
    assert measure.result["index"] == expected.index
    assert measure.result["index"] == round(measure.result["index"], 3)
    assert measure.result["method"] == "england_5l"
    assert measure.result["vas"] == 65
    page = client.get(chart_url(referral_a)).content.decode()
    assert 'aria-labelledby="chart-eq5d5l-index-title chart-eq5d5l-index-desc"' in page
    assert f"{expected.index:.3f}" in page
    assert '<th scope="col">EQ VAS</th>' in plain(page)
    assert "<td>65</td>" in plain(page)


def test_eq5d_record_uses_the_configured_method(world, referral_a, licensed):
    licensed.LINKWORK_EQ5D_METHOD = "vanhout_crosswalk"
    client = signed_in(Client(), world.link_worker_a)
    client.post(record_url(referral_a), eq5d_post("12345", ""))
    measure = OutcomeMeasure.objects.get()
    assert measure.result["method"] == "vanhout_crosswalk"
    assert (
        measure.result["index"]
        == score("eq5d5l", {"state": "12345"}, method=licensed.LINKWORK_EQ5D_METHOD).index
    )
    assert "vas" not in measure.responses


def test_eq5d_dsu_method_passes_sex_and_age(world, referral_a, licensed):
    licensed.LINKWORK_EQ5D_METHOD = "dsu_2023"
    person = referral_a.person
    person.sex = "female"
    person.date_of_birth = timezone.localdate().replace(day=1) - dt.timedelta(days=365 * 50 + 20)
    person.save()
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(record_url(referral_a), eq5d_post("21334", "65"))
    assert response.status_code == 302
    measure = OutcomeMeasure.objects.get()
    today = timezone.localdate()
    born = person.date_of_birth
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    expected = score("eq5d5l", {"state": "21334"}, method="dsu_2023", sex="female", age=age)
    assert measure.result["index"] == expected.index


def test_eq5d_dsu_method_with_unknown_sex_says_so_and_stores_nothing(world, referral_a, licensed):
    licensed.LINKWORK_EQ5D_METHOD = "dsu_2023"
    person = referral_a.person
    person.sex = "not_known"
    person.save()
    client = signed_in(Client(), world.link_worker_a)
    assert "needs the person&#39;s sex recorded as male or female" in (
        client.get(record_url(referral_a)).content.decode()
    )
    response = client.post(record_url(referral_a), eq5d_post())
    assert response.status_code == 200
    assert "needs the person&#39;s sex recorded as male or female" in response.content.decode()
    assert not OutcomeMeasure.objects.exists()


def test_eq5d_missing_dimension_names_it_and_stores_nothing(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_a)
    data = eq5d_post("21334")
    del data["item_usual_activities"]
    response = client.post(record_url(referral_a), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a level for Usual activities (UA)" in page
    assert 'href="#id_item_usual_activities"' in page
    assert not OutcomeMeasure.objects.exists()
    assert not AuditEvent.objects.filter(action="outcome.recorded").exists()


@pytest.mark.parametrize("vas", ["101", "-1", "abc"])
def test_eq5d_bad_vas_names_the_vas_field_and_stores_nothing(world, referral_a, licensed, vas):
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(record_url(referral_a), eq5d_post("21334", vas))
    page = response.content.decode()
    assert response.status_code == 200
    assert "EQ VAS" in page
    assert "it must be from 0 to 100" in page or "whole number from 0 to 100" in page
    assert 'href="#id_vas"' in page
    assert not OutcomeMeasure.objects.exists()
