"""PAM and MYCaW are recorded only where the deployment holds the licence, through a form that
takes the licensed tool's own results, and are stored exactly as given."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.outcomes import actions
from linkwork.outcomes.models import OutcomeMeasure
from tests.conftest import signed_in
from tests.html import plain

pytestmark = pytest.mark.django_db


def record_url(referral, instrument="pam"):  # type: ignore[no-untyped-def]
    return reverse("outcomes:record", args=[referral.pk, instrument])


def chart_url(referral):  # type: ignore[no-untyped-def]
    return reverse("outcomes:trajectories", args=[referral.pk])


def pam_post(score="62.5", level="3", time_point="baseline"):  # type: ignore[no-untyped-def]
    return {"time_point": time_point, "value_score": score, "value_level": level}


def mycaw_post(  # type: ignore[no-untyped-def]
    first=("Sleeping badly", "4"), second=("", ""), wellbeing="3", time_point="baseline"
):
    return {
        "time_point": time_point,
        "concern_1_text": first[0],
        "concern_1_score": first[1],
        "concern_2_text": second[0],
        "concern_2_score": second[1],
        "value_wellbeing": wellbeing,
    }


@pytest.fixture
def licensed(settings):  # type: ignore[no-untyped-def]
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["pam", "mycaw"]
    return settings


def assert_nothing_stored() -> None:
    assert not OutcomeMeasure.objects.exists()
    assert not AuditEvent.objects.filter(action="outcome.recorded").exists()


# --- Switched off --------------------------------------------------------------------------


@pytest.mark.parametrize("instrument", ["pam", "mycaw"])
def test_licensed_instrument_switched_off_is_404_and_not_offered(
    world, referral_a, settings, instrument
):
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["eq5d5l", "swemwbs", "wemwbs"]
    client = signed_in(Client(), world.link_worker_a)
    assert client.get(record_url(referral_a, instrument)).status_code == 404
    data = pam_post() if instrument == "pam" else mycaw_post()
    assert client.post(record_url(referral_a, instrument), data).status_code == 404
    assert_nothing_stored()
    page = client.get(chart_url(referral_a)).content.decode()
    assert record_url(referral_a, instrument) not in page
    assert record_url(referral_a, "swemwbs") in page


def test_switching_on_one_licensed_instrument_leaves_the_other_off(world, referral_a, settings):
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["mycaw"]
    client = signed_in(Client(), world.link_worker_a)
    assert client.get(record_url(referral_a, "mycaw")).status_code == 200
    assert client.get(record_url(referral_a, "pam")).status_code == 404


# --- PAM -----------------------------------------------------------------------------------


def test_pam_is_offered_and_its_form_has_number_inputs_with_hints(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_a)
    assert record_url(referral_a, "pam") in client.get(chart_url(referral_a)).content.decode()
    page = client.get(record_url(referral_a, "pam")).content.decode()
    assert "<h1>Patient Activation Measure (PAM)</h1>" in page
    assert "Insignia Health" in page
    assert "Linkwork does not calculate the PAM score or level" in page
    score_input = re.search(r'<input[^>]*name="value_score"[^>]*>', page)
    level_input = re.search(r'<input[^>]*name="value_level"[^>]*>', page)
    assert score_input is not None
    assert level_input is not None
    assert 'inputmode="decimal"' in score_input.group(0)
    assert 'aria-describedby="id_value_score-hint"' in score_input.group(0)
    assert 'inputmode="numeric"' in level_input.group(0)
    assert "One decimal place is allowed, for example 62.5." in page
    assert "From 1 to 4, as the licensed PAM software reported it." in page
    assert page.count('class="nhsuk-radios__input"') == 4  # the time point only


def test_pam_record_stores_exactly_the_licensed_values(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(record_url(referral_a, "pam"), pam_post("62.5", "3"))
    measure = OutcomeMeasure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{chart_url(referral_a)}?recorded={measure.pk}"
    assert measure.instrument == "pam"
    assert measure.instrument_version == "1.0.0"
    assert measure.responses == {"score": 62.5, "level": 3}
    assert measure.result == {"instrument": "pam", "version": "1.0.0", "score": 62.5, "level": 3}
    assert measure.flags == []
    event = AuditEvent.objects.get(action="outcome.recorded")
    assert event.detail == {"referral": str(referral_a.pk), "instrument": "pam", "version": "1.0.0"}


def test_pam_whole_number_score_is_stored_as_a_whole_number(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_a)
    client.post(record_url(referral_a, "pam"), pam_post("70", "4"))
    measure = OutcomeMeasure.objects.get()
    assert measure.result["score"] == 70
    assert isinstance(measure.result["score"], int)


@pytest.mark.parametrize(
    ("data", "message", "anchor"),
    [
        (pam_post(score="101"), "PAM score is 101; it must be from 0 to 100.", "id_value_score"),
        (pam_post(score="62.55"), "it can have at most one decimal place", "id_value_score"),
        (pam_post(score="sixty"), "PAM score must be a number from 0 to 100", "id_value_score"),
        (pam_post(score=""), "PAM score is missing.", "id_value_score"),
        (pam_post(level="5"), "PAM level is 5; it must be from 1 to 4.", "id_value_level"),
        (pam_post(level="2.5"), "PAM level must be a whole number from 1 to 4", "id_value_level"),
        (pam_post(level=""), "PAM level is missing.", "id_value_level"),
    ],
)
def test_pam_bad_value_names_the_field_and_stores_nothing(
    world, referral_a, licensed, data, message, anchor
):
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(record_url(referral_a, "pam"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert f'href="#{anchor}"' in page
    assert f'id="{anchor}-error"' in page
    assert_nothing_stored()


def test_pam_every_bad_field_is_named_at_once_and_typed_values_kept(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_a)
    page = client.post(
        record_url(referral_a, "pam"), pam_post(score="101", level="9", time_point="")
    ).content.decode()
    for anchor in ("id_time_point", "id_value_score", "id_value_level"):
        assert f'href="#{anchor}"' in page
    assert 'value="101"' in page
    assert_nothing_stored()


# --- MYCaW ---------------------------------------------------------------------------------


def test_mycaw_form_has_two_concerns_with_text_and_score_and_wellbeing(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_a)
    page = client.get(record_url(referral_a, "mycaw")).content.decode()
    assert "<h1>Measure Yourself Concerns and Wellbeing (MYCaW)</h1>" in page
    assert "Meaningful Measures Ltd" in page
    for name in ("concern_1_text", "concern_1_score", "concern_2_text", "concern_2_score"):
        assert f'name="{name}"' in page
    assert re.search(r"<legend[^>]*>\s*Concern 1\s*</legend>", page)
    assert re.search(r"<legend[^>]*>\s*Concern 2 \(if any\)\s*</legend>", page)
    assert "In the person&#39;s own words, as written on the MYCaW form." in page
    assert "From 0 to 6, as the person rated it on the form. Lower is better." in page
    wellbeing = re.search(r'<input[^>]*name="value_wellbeing"[^>]*>', page)
    assert wellbeing is not None
    assert 'inputmode="numeric"' in wellbeing.group(0)


def test_mycaw_record_stores_the_persons_words_and_scores_as_given(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_a)
    data = mycaw_post(("Sleeping badly", "4"), ("Money worries", "6"), wellbeing="2")
    response = client.post(record_url(referral_a, "mycaw"), data)
    assert response.status_code == 302
    measure = OutcomeMeasure.objects.get()
    assert measure.instrument_version == "1.0.0"
    assert measure.responses == {
        "concerns": [
            {"text": "Sleeping badly", "score": 4},
            {"text": "Money worries", "score": 6},
        ],
        "wellbeing": 2,
    }
    assert measure.result == {
        "instrument": "mycaw",
        "version": "1.0.0",
        "concern_scores": [4, 6],
        "wellbeing": 2,
    }


def test_mycaw_second_concern_left_blank_is_not_stored(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_a)
    client.post(record_url(referral_a, "mycaw"), mycaw_post(("Sleeping badly", "0")))
    measure = OutcomeMeasure.objects.get()
    assert measure.responses["concerns"] == [{"text": "Sleeping badly", "score": 0}]
    assert measure.result["concern_scores"] == [0]


@pytest.mark.parametrize(
    ("data", "message", "anchor"),
    [
        (mycaw_post(first=("", "4")), "Concern 1 is missing", "id_concern_1_text"),
        (mycaw_post(first=("Sleep", "")), "Concern 1 score is missing.", "id_concern_1_score"),
        (
            mycaw_post(first=("Sleep", "7")),
            "Concern 1 score is 7; it must be from 0 to 6.",
            "id_concern_1_score",
        ),
        (mycaw_post(second=("Money", "")), "Concern 2 score is missing.", "id_concern_2_score"),
        (mycaw_post(second=("", "3")), "Concern 2 is missing", "id_concern_2_text"),
        (
            mycaw_post(second=("x" * 201, "3")),
            "Concern 2 must be 200 characters or fewer; it has 201.",
            "id_concern_2_text",
        ),
        (
            mycaw_post(wellbeing="-1"),
            "Wellbeing is -1; it must be from 0 to 6.",
            "id_value_wellbeing",
        ),
        (mycaw_post(wellbeing=""), "Wellbeing is missing.", "id_value_wellbeing"),
    ],
)
def test_mycaw_bad_value_names_the_field_and_stores_nothing(
    world, referral_a, licensed, data, message, anchor
):
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(record_url(referral_a, "mycaw"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'href="#{anchor}"' in page
    assert_nothing_stored()


def test_other_scheme_link_worker_cannot_record_a_licensed_instrument(world, referral_a, licensed):
    client = signed_in(Client(), world.link_worker_b)
    assert client.get(record_url(referral_a, "pam")).status_code == 404
    assert client.post(record_url(referral_a, "pam"), pam_post()).status_code == 404
    assert_nothing_stored()


# --- Trajectories --------------------------------------------------------------------------


def _record(world, referral, instrument, responses, time_point, days_ago):  # type: ignore[no-untyped-def]
    measure = actions.record_measure(
        by=world.link_worker_a,
        referral=referral,
        instrument=instrument,
        time_point=time_point,
        responses=responses,
    )
    when = timezone.now() - dt.timedelta(days=days_ago)
    OutcomeMeasure.objects.filter(pk=measure.pk).update(recorded_at=when)
    return measure


def _table(page: str, caption: str) -> str:
    match = re.search(
        rf"<table[^>]*>\s*<caption[^>]*>{re.escape(caption)}.*?</table>", plain(page), re.DOTALL
    )
    assert match is not None, caption
    return match.group(0)


def test_pam_trajectory_charts_the_score_and_tables_the_level(world, referral_a, licensed):
    _record(world, referral_a, "pam", {"score": 47.5, "level": 2}, "baseline", 90)
    _record(world, referral_a, "pam", {"score": 62, "level": 3}, "follow_up", 10)
    client = signed_in(Client(), world.link_worker_a)
    response = client.get(chart_url(referral_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-labelledby="chart-pam-score-title chart-pam-score-desc"' in page
    assert "chart-pam-level" not in page
    assert "Higher scores are better" in page
    table = _table(page, "Patient Activation Measure (PAM): PAM score, oldest first")
    assert '<th scope="col">PAM level</th>' in table
    assert '<th scope="col">Band</th>' not in table
    assert re.search(r"<td>47\.5</td>\s*<td>2</td>", table)
    assert re.search(r"<td>62</td>\s*<td>3</td>", table)
    assert "+14.5" in table


def test_mycaw_trajectory_shows_each_concern_and_wellbeing_lower_is_better(
    world, referral_a, licensed
):
    baseline = {
        "concerns": [{"text": "Sleeping badly", "score": 5}, {"text": "Money", "score": 6}],
        "wellbeing": 4,
    }
    follow_up = {
        "concerns": [{"text": "Sleeping badly", "score": 3}],
        "wellbeing": 2,
    }
    _record(world, referral_a, "mycaw", baseline, "baseline", 90)
    _record(world, referral_a, "mycaw", follow_up, "follow_up", 10)
    client = signed_in(Client(), world.link_worker_a)
    response = client.get(chart_url(referral_a))
    assert response.status_code == 200
    page = response.content.decode()
    for key in ("concern-1", "concern-2", "wellbeing"):
        assert f'aria-labelledby="chart-mycaw-{key}-title chart-mycaw-{key}-desc"' in page
    assert page.count("Lower scores are better") >= 3
    name = "Measure Yourself Concerns and Wellbeing (MYCaW)"
    first = _table(page, f"{name}: concern 1 score, oldest first")
    assert '<th scope="col">Concern, in the person&#39;s words</th>' in first
    assert first.count("<td>Sleeping badly</td>") == 2
    assert "-2" in first
    second = _table(page, f"{name}: concern 2 score, oldest first")
    assert "<td>Money</td>" in second
    assert second.count("<tr>") == 2  # heading row and the one measure that had it
    wellbeing = _table(page, f"{name}: Wellbeing, oldest first")
    assert re.search(r"<td>4</td>", wellbeing)
    assert "-2" in wellbeing


def test_licensed_trajectories_still_render_after_the_licence_is_switched_off(
    world, referral_a, settings
):
    settings.LINKWORK_LICENSED_INSTRUMENTS = ["pam"]
    _record(world, referral_a, "pam", {"score": 55.5, "level": 3}, "baseline", 30)
    settings.LINKWORK_LICENSED_INSTRUMENTS = []
    client = signed_in(Client(), world.link_worker_a)
    response = client.get(chart_url(referral_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<td>55.5</td>" in plain(page)
    assert record_url(referral_a, "pam") not in page
