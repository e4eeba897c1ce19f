"""The weight commands: fitting stores a new inactive set with its evaluation; switching is
explicit, audited, leaves one set active, and matching then ranks with it."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework.matching import recommend_for_referral
from linkwork.casework.models import Attendance, Connection
from linkwork.matching import service
from linkwork.matching.learning import NOT_ENOUGH_DATA
from linkwork.matching.models import Shown, WeightSet
from linkwork.matching.weights import DEFAULT_VERSION, DEFAULT_WEIGHTS, Weights
from linkwork.referrals.models import Referral
from tests.factories import (
    PersonFactory,
    ReferralFactory,
    SchemeFactory,
    ServiceFactory,
    UserFactory,
    categorise,
)

CATEGORIES = ("arts_creativity", "social", "physical_activity", "nature_green", "food", "carers")


def _history(referrals: int, *, seed: int = 7) -> None:
    """Each referral is shown all six categories' services in a random order. A link worker
    looks at position k with probability 1 / k and connects with probability 0.7 for arts
    services, 0.2 for the rest; most connections are attended, some for 8 weeks."""
    rng = random.Random(seed)
    user = UserFactory()
    scheme = SchemeFactory()
    person = PersonFactory()
    services = {}
    for category in CATEGORIES:
        services[category] = ServiceFactory(name=f"{category} group")
        categorise(services[category], category)
    start = timezone.now() - dt.timedelta(days=400)
    shown, connections, attendance = [], [], []
    for r in range(referrals):
        referral = Referral.objects.create(
            person=person, scheme=scheme, route="gp_practice", needs=["loneliness"]
        )
        at = start + dt.timedelta(hours=6 * r)
        order = rng.sample(CATEGORIES, len(CATEGORIES))
        for position, category in enumerate(order, start=1):
            shown.append(
                Shown(
                    case_ref=referral.pk,
                    service=services[category],
                    position=position,
                    score=5.0 - 0.1 * position,
                    weights_version=DEFAULT_VERSION,
                    shown_at=at + dt.timedelta(microseconds=position),
                )
            )
            relevance = 0.7 if category == "arts_creativity" else 0.2
            if rng.random() < 1 / position and rng.random() < relevance:
                created = at + dt.timedelta(days=1)
                attended = rng.random() < 0.8
                connection = Connection(
                    referral=referral,
                    service=services[category],
                    status="in_progress" if attended else "requested",
                    requested_at=created,
                    created_at=created,
                    created_by=user,
                )
                connections.append(connection)
                if attended:
                    attendance.append(
                        Attendance(
                            connection=connection,
                            session_on=created.date() + dt.timedelta(days=rng.choice([7, 60])),
                            attended=True,
                            recorded_by=user,
                        )
                    )
    Shown.objects.bulk_create(shown)
    Connection.objects.bulk_create(connections)
    Attendance.objects.bulk_create(attendance)


def _run(*args: str, **options: object) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def _weight_set(version: str, **weights: object) -> WeightSet:
    data = {**DEFAULT_WEIGHTS.as_json(), **weights, "version": version}
    return WeightSet.objects.create(version=version, weights=data)


# Fitting ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_fit_stores_new_inactive_set_with_positive_adjustment_for_engaging_category():
    _history(600)
    current = _weight_set("current-1", need=2.5)
    _run("matching_weights", "activate", "current-1")
    output = _run("fit_matching_weights", "--version", "fitted-test", "--min-shown", "200")
    fitted = WeightSet.objects.get(version="fitted-test")
    assert not fitted.active
    current.refresh_from_db()
    assert current.active  # never switched on by fitting
    weights = Weights.from_json(fitted.weights)
    assert weights.version == "fitted-test"
    assert weights.need == 2.5  # the rest copied from the set in use
    adjustments = weights.category_adjustments
    assert adjustments["arts_creativity"] > 0.2
    # The others differ only by chance; with this little data they move a little.
    assert all(abs(adjustments.get(c, 0.0)) < 0.2 for c in CATEGORIES[1:]), adjustments
    evaluation = fitted.evaluation
    assert evaluation["base_version"] == "current-1"
    assert evaluation["held_out"]["referrals"] == 120
    assert evaluation["verdict"] in {"would have improved", "would not have improved"}
    assert evaluation["outcomes"]["shown"] == 3600
    assert evaluation["outcomes"]["attended"] > 0
    assert evaluation["outcomes"]["still_attending_at_8_weeks"] > 0
    assert f"Verdict: {evaluation['verdict']}" in output
    assert "Stored weight set fitted-test (not active; current-1 is still in use)" in output
    assert "arts_creativity" in output
    event = AuditEvent.objects.get(action="matching.weights_fitted")
    assert event.detail["version"] == "fitted-test"


@pytest.mark.django_db
def test_fit_with_little_data_says_not_enough_data_and_adjusts_nothing():
    _history(20)
    output = _run("fit_matching_weights")
    fitted = WeightSet.objects.get()
    assert fitted.version.startswith("fitted-")
    assert not fitted.active
    assert fitted.weights["category_adjustments"] == {}
    assert fitted.evaluation["verdict"] == NOT_ENOUGH_DATA
    assert "Verdict: not enough data" in output


@pytest.mark.django_db
def test_fit_refuses_a_version_that_exists():
    _weight_set("taken")
    with pytest.raises(CommandError, match="'taken' already exists"):
        _run("fit_matching_weights", "--version", "taken")
    with pytest.raises(CommandError, match="'default-1' already exists"):
        _run("fit_matching_weights", "--version", DEFAULT_VERSION)
    with pytest.raises(CommandError, match="not a date"):
        _run("fit_matching_weights", "--since", "last week")
    assert WeightSet.objects.count() == 1


# Switching ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_activate_switches_on_one_set_prints_changes_and_audits():
    _weight_set("one", category_adjustments={"social": 0.2})
    _weight_set("two", need=2.0, category_adjustments={"arts_creativity": 0.3})
    output = _run("matching_weights", "activate", "one")
    assert "Activated one, replacing default-1." in output
    assert "category social: +0.000 -> +0.200" in output
    output = _run("matching_weights", "activate", "two")
    assert "Activated two, replacing one." in output
    assert "need: 3 -> 2" in output
    assert "category arts_creativity: +0.000 -> +0.300" in output
    assert "category social: +0.200 -> +0.000" in output
    assert list(WeightSet.objects.filter(active=True).values_list("version", flat=True)) == ["two"]
    assert WeightSet.objects.get(version="two").activated_at is not None
    events = AuditEvent.objects.filter(action="matching.weights_activated").order_by("id")
    assert [e.detail["version"] for e in events] == ["one", "two"]
    assert events[1].detail["previous"] == "one"
    assert "need" in events[1].detail["changed"]
    assert events[1].object_id == str(WeightSet.objects.get(version="two").pk)
    assert service.active_weights().version == "two"


@pytest.mark.django_db
def test_activate_again_changes_nothing():
    _weight_set("one")
    _run("matching_weights", "activate", "one")
    assert "already active" in _run("matching_weights", "activate", "one")
    assert AuditEvent.objects.filter(action="matching.weights_activated").count() == 1


@pytest.mark.django_db
def test_deactivate_returns_to_default_weights():
    _weight_set("one", freshness=0.1)
    _run("matching_weights", "activate", "one")
    output = _run("matching_weights", "deactivate")
    assert "Deactivated one; the default weights default-1 are in use." in output
    assert "freshness: 0.1 -> 0.4" in output
    assert not WeightSet.objects.filter(active=True).exists()
    assert service.active_weights() == DEFAULT_WEIGHTS
    event = AuditEvent.objects.get(action="matching.weights_deactivated")
    assert event.detail["version"] == "one"
    assert "No weight set is active" in _run("matching_weights", "deactivate")


@pytest.mark.django_db
def test_unknown_version_is_a_clear_error():
    with pytest.raises(CommandError, match="No weight set is called 'nope'"):
        _run("matching_weights", "activate", "nope")
    with pytest.raises(CommandError, match="No weight set is called 'nope'"):
        _run("matching_weights", "show", "nope")
    with pytest.raises(CommandError, match="built-in default"):
        _run("matching_weights", "activate", DEFAULT_VERSION)
    assert not AuditEvent.objects.filter(action__startswith="matching.").exists()


@pytest.mark.django_db
def test_list_and_show_describe_sets():
    _weight_set("one", category_adjustments={"social": 0.25})
    WeightSet.objects.filter(version="one").update(
        evaluation={"verdict": "would have improved", "reason": "because"}
    )
    _weight_set("two")
    _run("matching_weights", "activate", "one")
    listing = _run("matching_weights", "list")
    assert "* one" in listing
    assert "  two" in listing
    assert "would have improved" in listing
    assert "In use: one" in listing
    shown = _run("matching_weights", "show", "one")
    assert "one (active)" in shown
    assert "social: +0.250" in shown
    assert "Verdict: would have improved" in shown
    assert "need: 3" in _run("matching_weights", "show", DEFAULT_VERSION)


@pytest.mark.django_db
def test_database_allows_only_one_active_set():
    _weight_set("one")
    _weight_set("two")
    WeightSet.objects.filter(version="one").update(active=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        WeightSet.objects.filter(version="two").update(active=True)


# Matching with the switched-on set ----------------------------------------------------------


@pytest.mark.django_db
def test_recommend_ranks_with_activated_weights_and_logs_version():
    referral = ReferralFactory(needs=["loneliness"])
    walking = ServiceFactory(name="Walking group")
    arts = ServiceFactory(name="Arts group")
    categorise(walking, "social")
    categorise(arts, "social")
    categorise(arts, "arts_creativity")
    _weight_set("arts-up", category_adjustments={"arts_creativity": 0.4})
    _run("matching_weights", "activate", "arts-up")
    service.clear_cache()
    found = recommend_for_referral(referral, k=5)
    assert found.weights_version == "arts-up"
    by_id = {r.service_id: r for r in found.results}
    assert by_id[str(arts.pk)].components["engagement"] == pytest.approx(0.4)
    assert by_id[str(walking.pk)].components["engagement"] == 0.0
    assert found.results[0].service_id == str(arts.pk)
    logged = Shown.objects.filter(case_ref=referral.pk)
    assert logged.count() == len(found.results)
    assert set(logged.values_list("weights_version", flat=True)) == {"arts-up"}
    _run("matching_weights", "deactivate")
    service.clear_cache()
    again = recommend_for_referral(referral, k=5)
    assert again.weights_version == DEFAULT_VERSION
    assert Shown.objects.filter(case_ref=referral.pk, weights_version=DEFAULT_VERSION).exists()
