"""Recording outcome measures and viewing their trajectories through the test client."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.outcomes import actions
from linkwork.outcomes.models import ImmutableMeasure, OutcomeMeasure
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def record_url(referral, instrument="swemwbs"):  # type: ignore[no-untyped-def]
    return reverse("outcomes:record", args=[referral.pk, instrument])


def chart_url(referral):  # type: ignore[no-untyped-def]
    return reverse("outcomes:trajectories", args=[referral.pk])


def swemwbs_post(answers, time_point="baseline"):  # type: ignore[no-untyped-def]
    names = [
        "optimistic",
        "useful",
        "relaxed",
        "dealing_with_problems",
        "thinking_clearly",
        "close_to_others",
        "own_mind",
    ]
    data = {"time_point": time_point}
    data.update({f"item_{name}": str(a) for name, a in zip(names, answers, strict=False)})
    return data


def test_recording_swemwbs_stores_total_metric_and_version(world, referral_a):
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(record_url(referral_a), swemwbs_post([3, 3, 3, 3, 3, 3, 3]))
    measure = OutcomeMeasure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{chart_url(referral_a)}?recorded={measure.pk}"
    assert measure.instrument == "swemwbs"
    assert measure.instrument_version == "1.0.0"
    assert measure.time_point == "baseline"
    assert measure.responses == {"items": [3, 3, 3, 3, 3, 3, 3]}
    assert measure.result["total"] == 21
    assert measure.result["metric"] == 19.25
    assert measure.recorded_by == world.link_worker_a
    event = AuditEvent.objects.get(action="outcome.recorded")
    assert event.detail == {
        "referral": str(referral_a.pk),
        "instrument": "swemwbs",
        "version": "1.0.0",
    }


def test_record_form_has_one_radios_group_per_item(world, referral_a):
    client = signed_in(Client(), world.link_worker_a)
    page = client.get(record_url(referral_a)).content.decode()
    assert page.count('class="nhsuk-radios__input"') == 4 + 7 * 5
    assert "Feeling relaxed" in page


def test_record_missing_item_names_the_item_and_stores_nothing(world, referral_a):
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(record_url(referral_a), swemwbs_post([3, 3, 3]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Item 4 (Dealing with problems well) is missing" in page
    assert 'href="#id_item_dealing_with_problems"' in page
    assert not OutcomeMeasure.objects.exists()
    assert not AuditEvent.objects.filter(action="outcome.recorded").exists()


def test_record_out_of_range_answer_names_the_item_and_stores_nothing(world, referral_a):
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(record_url(referral_a), swemwbs_post([3, 3, 9, 3, 3, 3, 3]))
    page = response.content.decode()
    assert "Item 3 (Feeling relaxed) is 9; it must be from 1 to 5" in page
    assert 'href="#id_item_relaxed"' in page
    assert not OutcomeMeasure.objects.exists()


def test_record_without_time_point_asks_for_it(world, referral_a):
    client = signed_in(Client(), world.link_worker_a)
    response = client.post(record_url(referral_a), swemwbs_post([3] * 7, time_point=""))
    assert "Select when this measure was taken" in response.content.decode()
    assert not OutcomeMeasure.objects.exists()


def test_record_ons4_scores_named_items(world, referral_a):
    client = signed_in(Client(), world.link_worker_a)
    data = {
        "time_point": "baseline",
        "item_life_satisfaction": "7",
        "item_worthwhile": "8",
        "item_happiness": "6",
        "item_anxiety": "2",
    }
    response = client.post(record_url(referral_a, "ons4"), data)
    assert response.status_code == 302
    measure = OutcomeMeasure.objects.get()
    assert measure.result["bands"]["life_satisfaction"] == "high"
    page = client.get(chart_url(referral_a)).content.decode()
    assert "Anxiety yesterday" in page


def test_phq9_self_harm_answer_shows_a_warning_at_once(world, referral_a):
    client = signed_in(Client(), world.link_worker_a)
    data = {"time_point": "baseline"}
    data.update({f"item_{item}": "0" for item in _phq9_items()})
    data[f"item_{_phq9_items()[8]}"] = "2"
    response = client.post(record_url(referral_a, "phq9"), data, follow=True)
    page = response.content.decode()
    assert "Check this answer now" in page
    assert "thoughts of self-harm" in page
    assert OutcomeMeasure.objects.get().flags == ["self_harm_risk"]


def _phq9_items() -> list[str]:
    from linkwork.outcomes import get_instrument

    return [item.id for item in get_instrument("phq9").items]


def test_unknown_or_formless_instrument_is_404(world, referral_a):
    client = signed_in(Client(), world.link_worker_a)
    assert client.get(record_url(referral_a, "nope")).status_code == 404
    assert client.get(record_url(referral_a, "goal_progress")).status_code == 404


@pytest.mark.parametrize("url", [record_url, chart_url])
def test_other_scheme_link_worker_gets_404_with_audit(world, referral_a, url):
    client = signed_in(Client(), world.link_worker_b)
    assert client.get(url(referral_a)).status_code == 404
    assert client.post(url(referral_a), swemwbs_post([3] * 7)).status_code == 404
    assert not OutcomeMeasure.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=world.link_worker_b).exists()


@pytest.mark.parametrize("url", [record_url, chart_url])
def test_referrer_who_sees_the_referral_still_gets_403(world, referral_a, url):
    client = signed_in(Client(), world.referrer)
    assert client.get(url(referral_a)).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=world.referrer).exists()


def test_scheme_lead_sees_trajectories_and_view_is_audited(world, referral_a):
    client = signed_in(Client(), world.scheme_lead_a)
    assert client.get(chart_url(referral_a)).status_code == 200
    client.get(chart_url(referral_a))
    assert AuditEvent.objects.filter(action="outcome.trajectories_viewed").count() == 2


def _record(world, referral, answers, time_point, days_ago):  # type: ignore[no-untyped-def]
    measure = actions.record_measure(
        by=world.link_worker_a,
        referral=referral,
        instrument="swemwbs",
        time_point=time_point,
        responses={"items": answers},
    )
    when = timezone.now() - dt.timedelta(days=days_ago)
    OutcomeMeasure.objects.filter(pk=measure.pk).update(recorded_at=when)
    return measure


def test_trajectory_table_shows_meaningful_change_for_a_big_change(world, referral_a):
    _record(world, referral_a, [2] * 7, "baseline", 90)  # total 14, metric 15.32
    _record(world, referral_a, [4] * 7, "follow_up", 10)  # total 28, metric 25.03
    client = signed_in(Client(), world.link_worker_a)
    page = client.get(chart_url(referral_a)).content.decode()
    assert "15.32" in page
    assert "25.03" in page
    assert "+9.71" in page
    assert "meaningful change (improvement)" in page


def test_trajectory_table_small_change_is_not_meaningful(world, referral_a):
    _record(world, referral_a, [3] * 7, "baseline", 90)  # metric 19.25
    _record(world, referral_a, [3, 3, 3, 3, 3, 3, 4], "follow_up", 10)  # metric 19.98
    client = signed_in(Client(), world.link_worker_a)
    page = client.get(chart_url(referral_a)).content.decode()
    assert "+0.73" in page
    assert "meaningful change" not in page.replace("a change beyond it is a meaningful change", "")


def test_chart_is_an_svg_with_role_img_title_and_caption(world, referral_a):
    _record(world, referral_a, [2] * 7, "baseline", 90)
    _record(world, referral_a, [4] * 7, "follow_up", 10)
    client = signed_in(Client(), world.link_worker_a)
    page = client.get(chart_url(referral_a)).content.decode()
    svg = re.search(r"<svg class=\"lw-chart\"[^>]*>", page)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert 'aria-labelledby="chart-swemwbs-metric-title chart-swemwbs-metric-desc"' in svg.group(0)
    assert '<title id="chart-swemwbs-metric-title">' in page
    assert "<figcaption" in page
    assert page.count("<circle") == 2
    assert 'class="lw-chart__band"' in page


def test_measure_cannot_be_edited(world, referral_a):
    measure = _record(world, referral_a, [3] * 7, "baseline", 1)
    measure = OutcomeMeasure.objects.get(pk=measure.pk)
    measure.time_point = "discharge"
    with pytest.raises(ImmutableMeasure):
        measure.save()
    assert OutcomeMeasure.objects.get().time_point == "baseline"


def test_visible_to_scopes_measures_by_referral(world, referral_a):
    _record(world, referral_a, [3] * 7, "baseline", 1)
    assert OutcomeMeasure.objects.visible_to(world.link_worker_a).count() == 1
    assert OutcomeMeasure.objects.visible_to(world.link_worker_b).count() == 0


@pytest.mark.django_db
def test_referral_page_links_to_outcomes_for_its_scheme_only(client, world, referral_a):
    from django.urls import reverse

    from tests.conftest import signed_in

    url = reverse("referrals:detail", args=[referral_a.pk])
    signed_in(client, world.link_worker_a)
    assert (
        reverse("outcomes:trajectories", args=[referral_a.pk]) in client.get(url).content.decode()
    )
    signed_in(client, world.referrer)
    assert (
        reverse("outcomes:trajectories", args=[referral_a.pk])
        not in client.get(url).content.decode()
    )
