"""Each dashboard figure against a dataset built here, with the exact numbers it must give;
and each builder's queries fixed however many records it counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linkwork.accounts.models import OrganisationKind
from linkwork.casework.models import Attendance
from linkwork.directory.models import ImdDecile, Location, Postcode, ServiceAtLocation
from linkwork.insights.dashboards import (
    DASHBOARDS,
    connections,
    contacts,
    equity,
    funnel,
    outcomes,
    referrals,
    unmet_need,
    voluntary_sector,
    waits,
)
from linkwork.insights.model import Dashboard, Filters
from linkwork.insights.population_import import import_population
from linkwork.outcomes.models import OutcomeMeasure
from linkwork.referrals.models import StatusChange
from tests.conftest import at
from tests.factories import (
    ConnectionFactory,
    ContactFactory,
    DirectoryOrganizationFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    SchemeFactory,
    ServiceFactory,
    SupportPlanFactory,
    UserFactory,
    categorise,
)

pytestmark = pytest.mark.django_db


def rows(dashboard: Dashboard, slug: str) -> list[dict[str, Any]]:
    return next(t for t in dashboard.tables if t.slug == slug).rows


def keyed(dashboard: Dashboard, slug: str, key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows(dashboard, slug)}


def only(*schemes: Any, **more: Any) -> Filters:
    return Filters(schemes=frozenset(s.pk for s in schemes), **more)


# Referrals


def test_referrals_by_route_month_and_rate_per_thousand():
    scheme, other = SchemeFactory(), SchemeFactory()
    beck = OrganisationFactory(kind=OrganisationKind.GP_PRACTICE, name="Beck Surgery")
    dale = OrganisationFactory(kind=OrganisationKind.GP_PRACTICE, name="Dale Practice")
    twice = PersonFactory(gp_practice=beck)
    for n in range(6):
        person = twice if n < 2 else PersonFactory(gp_practice=beck if n < 5 else dale)
        ReferralFactory(
            scheme=scheme,
            person=person,
            route="gp_practice",
            referring_organisation=beck,
            received_at=at("2026-03-10") if n < 4 else at("2026-04-10"),
        )
    for _ in range(3):
        ReferralFactory(
            scheme=scheme,
            route="self",
            received_at=at("2026-04-11"),
            needs=["housing", "money_debt"],
        )
    ReferralFactory(scheme=scheme, route="police", received_at=at("2026-04-12"))
    ReferralFactory(scheme=other, route="gp_practice", received_at=at("2026-04-12"))

    built = referrals.build(only(scheme), list_sizes={beck.pk: 2500, dale.pk: 2000})

    by_route = {row["route"]: row["count"] for row in rows(built, "referrals_by_route")}
    assert (by_route["gp_practice"], by_route["self"], by_route["police"]) == (6, 3, 1)
    assert sum(by_route.values()) == 10
    assert rows(built, "referrals_by_month") == [
        {"month": "2026-03", "nhs_count": 4, "non_nhs_count": 0, "count": 4},
        {"month": "2026-04", "nhs_count": 2, "non_nhs_count": 4, "count": 6},
    ]
    needs = keyed(built, "referrals_by_need", "need")
    assert needs["Loneliness or isolation"]["count"] == 7
    assert needs["Housing"]["count"] == 3
    assert keyed(built, "referrals_by_organisation", "organisation")["Beck Surgery"]["count"] == 6
    rate = keyed(built, "referral_rate_by_practice", "practice")
    # Beck: 4 people (one referred twice) of 2,500 patients; Dale: 1 of 2,000.
    assert rate["Beck Surgery"]["people_count"] == 4
    assert rate["Beck Surgery"]["rate_per_1000"] == 1.6
    assert rate["Dale Practice"]["rate_per_1000"] == 0.5


def test_rate_per_thousand_empty_with_a_note_without_list_sizes():
    scheme = SchemeFactory()
    practice = OrganisationFactory(kind=OrganisationKind.GP_PRACTICE)
    ReferralFactory(scheme=scheme, person=PersonFactory(gp_practice=practice))
    built = referrals.build(only(scheme), list_sizes={})
    table = next(t for t in built.tables if t.slug == "referral_rate_by_practice")
    assert table.rows[0]["rate_per_1000"] is None
    assert "List sizes not loaded" in table.note


def test_filters_narrow_by_dates_route_and_practice():
    scheme = SchemeFactory()
    practice = OrganisationFactory(kind=OrganisationKind.GP_PRACTICE)
    ReferralFactory(
        scheme=scheme,
        route="self",
        person=PersonFactory(gp_practice=practice),
        received_at=at("2026-04-01"),
    )
    ReferralFactory(scheme=scheme, route="self", received_at=at("2026-04-01"))
    ReferralFactory(
        scheme=scheme,
        route="gp_practice",
        referring_organisation=practice,
        received_at=at("2026-05-01"),
    )

    def count(filters: Filters) -> int:
        built = referrals.build(filters, list_sizes={})
        return sum(r["count"] for r in rows(built, "referrals_by_route"))

    assert count(only(scheme)) == 3
    assert count(only(scheme, date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30))) == 2
    assert count(only(scheme, route="self")) == 2
    # A practice's own referrals and its registered patients' self-referrals.
    assert count(only(scheme, referring_organisation=practice.pk)) == 2


# The funnel


def test_funnel_counts_each_stage_and_where_people_left():
    scheme = SchemeFactory()
    user = UserFactory()

    def case(status: str, **extra: Any) -> Any:
        return ReferralFactory(scheme=scheme, status=status, **extra)

    case("received")
    case("declined", decline_reason="person_declined")
    case("accepted")
    stages = [
        ("active", {}, ()),
        ("active", {}, ("accepted",)),
        ("active", {}, ("in_progress",)),
        ("closed", {"closure_reason": "goals_met"}, ("completed",)),
    ]
    for status, extra, connection_statuses in stages:
        referral = case(status, **extra)
        ContactFactory(referral=referral, recorded_by=user)
        SupportPlanFactory(referral=referral, updated_by=user, agreed_on=dt.date(2026, 4, 1))
        for connection_status in connection_statuses:
            ConnectionFactory(referral=referral, status=connection_status, created_by=user)
    ended = case("closed", closure_reason="person_ended")
    ContactFactory(referral=ended, recorded_by=user)
    # A missed contact is no contact; a plan not yet agreed is no plan.
    missed = case("accepted")
    ContactFactory(referral=missed, outcome="did_not_attend", recorded_by=user)
    SupportPlanFactory(referral=missed, updated_by=user)

    built = funnel.build(only(scheme))

    assert [(r["stage"], r["count"]) for r in rows(built, "funnel")] == [
        ("Received", 9),
        ("Accepted", 7),
        ("First contact", 5),
        ("Support plan agreed", 4),
        ("Connected to a service", 3),
        ("Attended a service", 2),
        ("Closed with goals met", 1),
    ]
    assert rows(built, "funnel")[1]["percent_of_received"] == 77.8
    assert {
        (r["furthest_stage"], r["reason"]): r["count"] for r in rows(built, "funnel_leaving")
    } == {
        ("Received", "Still open"): 1,
        ("Received", "Declined: The person declined social prescribing"): 1,
        ("Accepted", "Still open"): 2,
        ("First contact", "Closed: Person chose to end support"): 1,
        ("Support plan agreed", "Still open"): 1,
        ("Connected to a service", "Still open"): 1,
        ("Attended a service", "Still open"): 1,
    }


def test_attendance_recorded_counts_as_attended():
    scheme = SchemeFactory()
    referral = ReferralFactory(scheme=scheme, status="active")
    joined = ConnectionFactory(referral=referral, status="accepted")
    Attendance.objects.create(
        connection=joined, session_on=dt.date(2026, 4, 1), attended=True, recorded_by=UserFactory()
    )
    reached = {r["stage"]: r["count"] for r in rows(funnel.build(only(scheme)), "funnel")}
    assert reached["Attended a service"] == 1


# Waiting times


def _triaged(referral: Any, when: dt.datetime) -> None:
    StatusChange.objects.create(
        referral=referral, from_status="received", to_status="accepted", changed_at=when
    )


def test_waits_in_working_days_across_easter():
    """Easter 2026: Good Friday 3 April and Easter Monday 6 April are bank holidays in England."""
    scheme = SchemeFactory()
    user = UserFactory()
    thursday = at("2026-04-02")
    w1 = ReferralFactory(scheme=scheme, status="active", received_at=thursday)
    _triaged(w1, at("2026-04-07"))  # Tuesday after Easter: 1 working day
    ContactFactory(referral=w1, occurred_at=at("2026-04-09"), recorded_by=user)  # 3 working days
    ContactFactory(referral=w1, occurred_at=at("2026-04-20"), recorded_by=user)  # not the first
    _triaged(
        ReferralFactory(scheme=scheme, status="accepted", received_at=thursday), at("2026-04-08")
    )
    monday = at("2026-04-13")
    _triaged(
        ReferralFactory(scheme=scheme, status="accepted", received_at=monday), at("2026-04-16")
    )
    _triaged(
        ReferralFactory(scheme=scheme, status="accepted", received_at=monday), at("2026-04-27")
    )
    ReferralFactory(scheme=scheme, status="received", received_at=monday)
    declined = ReferralFactory(
        scheme=scheme, status="declined", decline_reason="outside_area", received_at=monday
    )
    _triaged(declined, at("2026-04-14"))

    table = keyed(waits.build(only(scheme)), "waiting_times", "measure")

    # Waits 1, 1, 2, 3, 10: nearest-rank median 2, 90th percentile 10.
    assert table["Triage"] == {
        "measure": "Triage",
        "count": 5,
        "median_days": 2,
        "p90_days": 10,
        "waiting_count": 1,
    }
    # Only open referrals wait for a first contact; the declined one waits for nothing.
    assert table["First contact"] == {
        "measure": "First contact",
        "count": 1,
        "median_days": 3,
        "p90_days": 3,
        "waiting_count": 3,
    }


def test_a_withdrawal_is_its_own_outcome_and_never_a_triage_wait():
    """Withdrawn before triage: left at "received" as withdrawn (not declined, not still
    open), not timed as a triage, and waiting for nothing."""
    scheme = SchemeFactory()
    withdrawn = ReferralFactory(scheme=scheme, status="withdrawn", received_at=at("2026-04-13"))
    StatusChange.objects.create(
        referral=withdrawn,
        from_status="received",
        to_status="withdrawn",
        changed_at=at("2026-04-14"),
        reason="Sent in error",
    )
    built = funnel.build(only(scheme))
    assert [(r["stage"], r["count"]) for r in rows(built, "funnel")][:2] == [
        ("Received", 1),
        ("Accepted", 0),
    ]
    assert [(r["furthest_stage"], r["reason"]) for r in rows(built, "funnel_leaving")] == [
        ("Received", "Withdrawn by the referrer")
    ]
    table = keyed(waits.build(only(scheme)), "waiting_times", "measure")
    assert (table["Triage"]["count"], table["Triage"]["waiting_count"]) == (0, 0)
    assert table["First contact"]["waiting_count"] == 0


# Contacts and caseloads


def test_contacts_by_mode_and_outcome():
    scheme = SchemeFactory()
    referral = ReferralFactory(scheme=scheme, status="active")
    user = UserFactory()
    for mode, outcome, n in [
        ("phone", "attended", 3),
        ("phone", "did_not_attend", 1),
        ("in_person", "attended", 2),
        ("video", "cancelled", 1),
    ]:
        for _ in range(n):
            ContactFactory(referral=referral, mode=mode, outcome=outcome, recorded_by=user)
    table = keyed(contacts.build(only(scheme)), "contacts_by_mode", "mode")
    assert table["Phone"] == {
        "mode": "Phone",
        "count": 4,
        "attended_count": 3,
        "did_not_attend_count": 1,
        "cancelled_count": 0,
        "did_not_attend_percent": 25.0,
    }
    assert (table["In person"]["attended_count"], table["Video call"]["cancelled_count"]) == (2, 1)
    assert table["Group session"]["count"] == 0


def test_caseloads_against_the_limits():
    from tests.factories import MembershipFactory

    scheme = SchemeFactory(active_caseload_limit=4)
    worker = UserFactory(full_name="Sam Link")
    MembershipFactory(user=worker, organisation=scheme.host, scheme=scheme, role="link_worker")
    for complexity in ("standard", "complex", "very_complex"):
        ReferralFactory(scheme=scheme, status="active", link_worker=worker, complexity=complexity)
    (row,) = rows(contacts.build(only(scheme)), "caseloads")
    assert (row["link_worker"], row["active_count"], row["active_weighted"]) == ("Sam Link", 3, 4.5)
    assert (row["active_limit"], row["status"]) == (4, "Over limit")


# Connections, voluntary sector and capacity


def _connections() -> Any:
    scheme = SchemeFactory()
    plain = DirectoryOrganizationFactory(name="Walkers Trust")
    funded = DirectoryOrganizationFactory(name="Funded Arts")
    s1 = ServiceFactory(organization=plain, funded_for_social_prescribing=False, name="Walks")
    s2 = ServiceFactory(organization=funded, funded_for_social_prescribing=True, name="Arts")
    categorise(s1, "social")
    categorise(s2, "social")
    categorise(s2, "physical_activity")
    asked = at("2026-03-02")  # a Monday

    def connect(service: Any, status: str, answered: str | None, **extra: Any) -> None:
        ConnectionFactory(
            referral=ReferralFactory(scheme=scheme, status="active"),
            service=service,
            status=status,
            requested_at=asked,
            responded_at=at(answered) if answered else None,
            **extra,
        )

    connect(s1, "accepted", "2026-03-04")
    connect(s1, "rejected", "2026-03-03", rejection_reason="no_capacity")
    connect(s1, "requested", None)
    connect(s2, "completed", "2026-03-09", supported_linking=True)
    connect(s2, "accepted", "2026-03-03", waiting_list=True)
    return scheme


def test_connections_by_category_provider_and_supported_linking():
    built = connections.build(only(_connections()))
    categories = {r["category"]: r["count"] for r in rows(built, "connections_by_category")}
    assert categories == {"Social groups and activities": 5, "Physical activity": 2}
    providers = keyed(built, "connections_by_provider", "provider")
    assert providers["Walkers Trust"] == {
        "provider": "Walkers Trust",
        "count": 3,
        "asked_count": 3,
        "answered_count": 2,
        "accepted_count": 1,
        "acceptance_percent": 50.0,
        "median_response_days": 1,
    }
    assert providers["Funded Arts"]["acceptance_percent"] == 100.0
    assert providers["Funded Arts"]["median_response_days"] == 1  # waits 1 and 5
    assert rows(built, "supported_linking") == [
        {"count": 5, "supported_count": 1, "supported_percent": 20.0}
    ]


def test_voluntary_sector_demand_split_by_funding():
    built = voluntary_sector.build(only(_connections()))
    split = keyed(built, "voluntary_sector_funding", "funded")
    assert split["No"] == {
        "funded": "No",
        "received_count": 3,
        "people_count": 1,
        "received_percent": 60.0,
    }
    assert split["Yes"] == {
        "funded": "Yes",
        "received_count": 2,
        "people_count": 2,
        "received_percent": 40.0,
    }
    assert keyed(built, "voluntary_sector_demand", "provider")["Walkers Trust"]["funded"] == "No"


def test_voluntary_sector_counts_a_person_once_per_provider_and_funding():
    scheme = SchemeFactory()
    trust = DirectoryOrganizationFactory(name="Walkers Trust")
    walks = ServiceFactory(organization=trust, funded_for_social_prescribing=False)
    runs = ServiceFactory(organization=trust, funded_for_social_prescribing=False)
    arts = ServiceFactory(
        organization=DirectoryOrganizationFactory(name="Funded Arts"),
        funded_for_social_prescribing=True,
    )
    person = PersonFactory()
    for service, status in ((walks, "accepted"), (runs, "completed"), (arts, "in_progress")):
        ConnectionFactory(
            referral=ReferralFactory(scheme=scheme, person=person, status="active"),
            service=service,
            status=status,
        )
    ConnectionFactory(
        referral=ReferralFactory(scheme=scheme, status="active"), service=runs, status="draft"
    )

    built = voluntary_sector.build(only(scheme))

    providers = keyed(built, "voluntary_sector_demand", "provider")
    assert (
        providers["Walkers Trust"]["received_count"],
        providers["Walkers Trust"]["people_count"],
    ) == (2, 1)
    assert (
        providers["Funded Arts"]["received_count"],
        providers["Funded Arts"]["people_count"],
    ) == (1, 1)
    split = keyed(built, "voluntary_sector_funding", "funded")
    assert (split["No"]["received_count"], split["No"]["people_count"]) == (2, 1)
    assert (split["Yes"]["received_count"], split["Yes"]["people_count"]) == (1, 1)
    assert [row["provider"] for row in rows(built, "voluntary_sector_demand")] == [
        "Walkers Trust",
        "Funded Arts",
    ]


def test_unmet_need_counts_needs_with_no_fresh_service_nearby():
    scheme = _connections()
    Postcode.objects.create(postcode="BK1 2AB", latitude=53.80, longitude=-1.55)
    Postcode.objects.create(postcode="BK9 9ZZ", latitude=54.80, longitude=-1.55)  # 111 km north
    listing = DirectoryOrganizationFactory()
    club = ServiceFactory(organization=listing, assured_date=timezone.localdate())
    categorise(club, "social")
    venue = Location.objects.create(organization=listing, latitude=53.81, longitude=-1.55)
    ServiceAtLocation.objects.create(service=club, location=venue)
    stale = ServiceFactory(organization=listing, assured_date=dt.date(2000, 1, 1))
    categorise(stale, "social")
    ServiceAtLocation.objects.create(
        service=stale,
        location=Location.objects.create(organization=listing, latitude=54.80, longitude=-1.55),
    )
    for postcode in ("BK1 2AB", "BK9 9ZZ", "ZZ9 9ZZ"):
        ReferralFactory(
            scheme=scheme, person=PersonFactory(postcode=postcode), needs=["loneliness"]
        )

    built = unmet_need.build(only(scheme))

    lonely = keyed(built, "unmet_need", "need")["Loneliness or isolation"]
    # The five connections' referrals (BK1 2AB, near the club) and the three above.
    assert lonely == {
        "need": "Loneliness or isolation",
        "count": 8,
        "unmet_count": 1,
        "unmet_percent": 14.3,
        "unknown_location_count": 1,
    }
    capacity = keyed(built, "over_capacity", "service")
    assert (capacity["Walks"]["no_capacity_count"], capacity["Walks"]["waitlisted_count"]) == (1, 0)
    assert (capacity["Arts"]["no_capacity_count"], capacity["Arts"]["waitlisted_count"]) == (0, 1)


# Outcomes


def _measure(referral: Any, when: dt.datetime, metric: float, time_point: str, user: Any) -> None:
    OutcomeMeasure.objects.create(
        referral=referral,
        instrument="swemwbs",
        instrument_version="1.0.0",
        time_point=time_point,
        responses={},
        result={"metric": metric},
        recorded_by=user,
        recorded_at=when,
    )


def test_outcomes_mean_change_interval_improvement_and_completion():
    scheme = SchemeFactory()
    user = UserFactory()
    start = at("2026-01-05")
    for later in (22.0, 24.0, 26.0):
        referral = ReferralFactory(scheme=scheme, status="active")
        _measure(referral, start, 20.0, "baseline", user)
        _measure(referral, start + dt.timedelta(weeks=8), later, "follow_up", user)
    early = ReferralFactory(scheme=scheme, status="active")
    _measure(early, start, 20.0, "baseline", user)
    _measure(early, start + dt.timedelta(weeks=2), 30.0, "follow_up", user)  # too soon
    ReferralFactory(scheme=scheme, status="active")

    built = outcomes.build(only(scheme))

    (change,) = rows(built, "outcome_change")
    # Changes 2, 4, 6: mean 4, SE 2/sqrt(3), t(0.975, 2) = 4.303: 4 +/- 4.968.
    assert change["score"].startswith("Short Warwick-Edinburgh")
    assert (change["follow_up_count"], change["mean_change"]) == (3, 4.0)
    assert (change["ci_low"], change["ci_high"]) == (-0.97, 8.97)
    assert (change["improved_count"], change["improved_percent"]) == (3, 100.0)
    (completion,) = rows(built, "outcome_completion")
    assert completion == {
        "score": change["score"],
        "accepted_count": 5,
        "baseline_count": 4,
        "baseline_percent": 80.0,
        "follow_up_count": 3,
        "follow_up_percent": 75.0,
    }


# Equity


def test_equity_by_age_band_sex_and_deprivation_against_population():
    scheme = SchemeFactory()
    young = PersonFactory(date_of_birth=dt.date(2008, 6, 10), sex="female", imd_decile=2)
    ReferralFactory(scheme=scheme, person=young, received_at=at("2026-06-09"))  # 17
    adult = PersonFactory(date_of_birth=dt.date(2008, 6, 10), sex="male", imd_decile=9)
    ReferralFactory(scheme=scheme, person=adult, received_at=at("2026-06-10"))  # 18 that day
    older = PersonFactory(date_of_birth=dt.date(1956, 1, 1), sex="female")
    ReferralFactory(scheme=scheme, person=older, status="closed", closure_reason="goals_met")
    ages = [0] * 91
    ages[17], ages[20] = 100, 200
    old = [0] * 91
    old[70] = 700
    header = "LSOA Code,LSOA Name,All Ages," + ",".join([*map(str, range(90)), "90+"])
    lines = [
        header,
        "E01000001,Beck 001A,300," + ",".join(map(str, ages)),
        "E01000002,Beck 001B,700," + ",".join(map(str, old)),
    ]
    assert import_population(lines) == 2
    ImdDecile.objects.create(lsoa="E01000001", decile=1)
    ImdDecile.objects.create(lsoa="E01000002", decile=10)

    built = equity.build(only(scheme))

    bands = keyed(built, "equity_age_band", "group")
    assert (bands["Under 18"]["count"], bands["Under 18"]["population"]) == (1, 100)
    assert bands["Under 18"]["rate_per_1000"] == 10.0
    assert (bands["18 to 24"]["count"], bands["18 to 24"]["rate_per_1000"]) == (1, 5.0)
    assert bands["65 to 74"]["population"] == 700
    sex = keyed(built, "equity_sex", "group")
    assert (sex["Female"]["count"], sex["Male"]["count"]) == (2, 1)
    assert (sex["Female"]["completed_count"], sex["Female"]["completed_percent"]) == (1, 100.0)
    deprivation = keyed(built, "equity_deprivation", "group")
    assert deprivation["1 (most deprived)"]["people_count"] == 1
    assert deprivation["1 (most deprived)"]["population"] == 300
    assert deprivation["1 (most deprived)"]["rate_per_1000"] == 3.3
    assert deprivation["5 (least deprived)"]["count"] == 1
    assert deprivation["Not recorded"]["count"] == 1
    assert keyed(built, "equity_language", "group")["English"]["count"] == 3


def test_equity_counts_a_person_referred_several_times_once_per_band_and_once_in_all():
    scheme = SchemeFactory()
    turning = PersonFactory(date_of_birth=dt.date(2008, 6, 10), sex="female", imd_decile=2)
    for day in ("2026-06-09", "2026-06-10", "2026-07-01"):  # 17, then 18 twice
        ReferralFactory(scheme=scheme, person=turning, received_at=at(day))
    twice = PersonFactory(date_of_birth=dt.date(1956, 1, 1), sex="female", imd_decile=9)
    for day in ("2026-03-02", "2026-05-04"):
        ReferralFactory(scheme=scheme, person=twice, received_at=at(day))
    once = PersonFactory(date_of_birth=dt.date(1990, 1, 1), sex="male", imd_decile=None)
    ReferralFactory(scheme=scheme, person=once, received_at=at("2026-03-02"))

    built = equity.build(only(scheme))

    bands = keyed(built, "equity_age_band", "group")
    assert {name: (row["count"], row["people_count"]) for name, row in bands.items()} == {
        "Under 18": (1, 1),
        "18 to 24": (2, 1),
        "35 to 44": (1, 1),
        "65 to 74": (2, 1),
    }
    sex = keyed(built, "equity_sex", "group")
    assert (sex["Female"]["count"], sex["Female"]["people_count"]) == (5, 2)
    assert (sex["Male"]["count"], sex["Male"]["people_count"]) == (1, 1)
    deprivation = keyed(built, "equity_deprivation", "group")
    assert deprivation["1 (most deprived)"]["people_count"] == 1
    assert deprivation["5 (least deprived)"]["people_count"] == 1
    assert deprivation["Not recorded"]["people_count"] == 1
    # Counted within the filters: from July only the third referral of the first person.
    july = equity.build(only(scheme, date_from=dt.date(2026, 7, 1)))
    assert {n: r["people_count"] for n, r in keyed(july, "equity_age_band", "group").items()} == {
        "18 to 24": 1
    }


# Queries


def _dataset(scheme: Any, size: int) -> None:
    user = UserFactory()
    service = ServiceFactory()
    for n in range(size):
        referral = ReferralFactory(
            scheme=scheme, status="active", person=PersonFactory(imd_decile=1 + n % 10)
        )
        _triaged(referral, timezone.now())
        ContactFactory(referral=referral, recorded_by=user)
        ConnectionFactory(
            referral=referral, service=service, created_by=user, requested_at=timezone.now()
        )
        _measure(referral, at("2026-01-05"), 20.0, "baseline", user)


@pytest.mark.parametrize("slug", list(DASHBOARDS))
def test_each_dashboard_counts_in_a_fixed_number_of_queries(slug):
    scheme = SchemeFactory()
    build = DASHBOARDS[slug].build
    _dataset(scheme, 2)
    with CaptureQueriesContext(connection) as few:
        build(only(scheme))
    _dataset(scheme, 6)
    with CaptureQueriesContext(connection) as more:
        build(only(scheme))
    assert len(more) == len(few), [q["sql"][:120] for q in more.captured_queries]
    assert len(few) <= 12


def test_working_day_waits_agree_with_the_referral_calendar():
    from linkwork.insights.figures import working_day_waits
    from linkwork.referrals.working_days import working_days_between

    days = [dt.date(2026, 3, 30) + dt.timedelta(days=n) for n in range(60)]
    pairs = [(a, b, 1) for a in days[:20] for b in days[::3]]
    expected: dict[int, int] = {}
    for a, b, n in pairs:
        wait = working_days_between(a, b)
        expected[wait] = expected.get(wait, 0) + n
    assert dict(working_day_waits(pairs)) == expected


def test_organisation_choices_are_practices_and_who_referred_into_the_schemes():
    from linkwork.insights.scope import organisation_choices

    scheme, other = SchemeFactory(), SchemeFactory()
    OrganisationFactory(kind=OrganisationKind.GP_PRACTICE, name="Beck Surgery")
    charity = OrganisationFactory(kind=OrganisationKind.VCSE, name="Beck Charity")
    elsewhere = OrganisationFactory(kind=OrganisationKind.VCSE, name="Other Charity")
    OrganisationFactory(kind=OrganisationKind.VCSE, name="Never Referred")
    ReferralFactory(scheme=scheme, referring_organisation=charity)
    ReferralFactory(scheme=other, referring_organisation=elsewhere)

    names = [name for _, name in organisation_choices(frozenset({scheme.pk}))]

    assert "Beck Surgery" in names
    assert "Beck Charity" in names
    assert "Other Charity" not in names
    assert "Never Referred" not in names
    assert names == sorted(names)
