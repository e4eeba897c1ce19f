"""The matching engine on hand-made services: hard constraints with their reasons, ranking,
diversification and reasons in plain English."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwork.matching.facts import Session
from linkwork.matching.index import build_index
from linkwork.matching.profile import ProfileError, Window, parse_profile
from tests.unit.matching.builders import TODAY, person, run, service


@pytest.mark.parametrize(
    ("facts", "fields", "reason"),
    [
        ({"status": "temporarily closed"}, {}, "status is temporarily closed, not active"),
        (
            {"assured_date": TODAY - dt.timedelta(days=1100)},
            {},
            "not checked since 28 October 2023, over 1095 days ago",
        ),
        ({"minimum_age": 65}, {"age": 40}, "for ages 65 to any age; the person is 40"),
        ({"maximum_age": 25}, {"age": 40}, "for ages 0 to 25; the person is 40"),
        ({"audiences": frozenset({"women_only"})}, {"sex": "male"}, "women only"),
        ({"audiences": frozenset({"women_only"})}, {"sex": "not_known"}, "women only"),
        ({"audiences": frozenset({"men_only"})}, {"sex": "female"}, "men only"),
        (
            {"delivery": frozenset({"online"}), "places": ()},
            {"digital_access": "none"},
            "online only, and the person has no digital access",
        ),
        ({"places": ((53.90, -1.55),)}, {}, "11.1 km away, beyond 5 km"),
        (
            {"places": (), "areas": frozenset({"E08000036", "E08000032"})},
            {"area": "E08000035"},
            "no venue, and serves only E08000032, E08000036; the person is in E08000035",
        ),
        ({"capacity": "full"}, {}, "full"),
        ({"languages": frozenset({"en"})}, {"languages": ["pl"]}, "no shared language"),
        ({}, {"languages": ["pl"]}, "no shared language"),
        ({"free": False}, {"preferences": {"free_only": True}}, "not free"),
    ],
)
def test_hard_constraint_excludes_with_reason(facts, fields, reason):
    found = run([service("the-service", **facts)], person(**fields))
    assert found.results == []
    assert [(e.service_id, e.reason) for e in found.excluded] == [("the-service", reason)]


def test_allowed_cases_are_not_excluded():
    services = [
        service("women", audiences=frozenset({"women_only"})),
        service("online", delivery=frozenset({"online"}), places=()),
        service("polish", languages=frozenset({"pl", "en"})),
        service("far-but-online", delivery=frozenset({"online"}), places=((54.5, -1.5),)),
        service("waiting", capacity="waiting_list"),
    ]
    found = run(services, person(sex="female", languages=["pl", "en"], digital_access="limited"))
    assert {r.service_id for r in found.results} == {
        "women",
        "polish",
        "online",
        "far-but-online",
        "waiting",
    }
    assert found.excluded == []


def test_need_and_words_rank_the_right_service_first():
    services = [
        service("debt-advice", categories=frozenset({"money_debt"}), description="Debt advice."),
        service(
            "walking-group", description="Friendly walks in the park for people who want company."
        ),
        service("choir", categories=frozenset({"arts_creativity"}), description="Community choir."),
    ]
    found = run(services, person(what_matters="I want to go walking with other people"))
    assert found.results[0].service_id == "walking-group"
    assert "helps with loneliness or isolation" in found.results[0].reasons
    assert "you mentioned walking" in found.results[0].reasons
    assert "0.0 km away" in found.results[0].reasons


def test_every_need_and_two_delivery_modes_in_top_results():
    social = [service(f"social-{n}", description="x" * n) for n in range(8)]
    debt = service(
        "debt-line", categories=frozenset({"money_debt"}), delivery=frozenset({"phone"}), places=()
    )
    found = run([*social, debt], person(needs=["loneliness", "money_debt"]), k=3)
    ids = [r.service_id for r in found.results]
    assert "debt-line" in ids
    assert len(ids) == 3


def test_opted_in_audience_is_a_boost_with_reason():
    services = [service("mixed"), service("womens-walk", audiences=frozenset({"women_only"}))]
    found = run(services, person(sex="female", preferences={"audience": ["women_only"]}))
    assert found.results[0].service_id == "womens-walk"
    assert "women-only, as you asked" in found.results[0].reasons


def test_identity_is_never_inferred():
    services = [service("mixed"), service("womens-walk", audiences=frozenset({"women_only"}))]
    found = run(services, person(sex="female"))
    assert all(r.components["audience"] == 0 for r in found.results)


def test_schedule_overlap_and_reason():
    services = [
        service("tuesday", sessions=(Session("TU", 9 * 60 + 30, 11 * 60),)),
        service("friday-evening", sessions=(Session("FR", 18 * 60, 20 * 60),)),
    ]
    profile = person(availability=[{"day": "TU", "from": "09:00", "to": "12:00"}])
    found = run(services, profile)
    assert found.results[0].service_id == "tuesday"
    assert "meets on Tuesday mornings" in found.results[0].reasons
    assert found.results[0].components["schedule"] > found.results[1].components["schedule"]


def test_waiting_list_is_penalised_and_said():
    found = run([service("open"), service("queue", capacity="waiting_list")], person())
    assert [r.service_id for r in found.results] == ["open", "queue"]
    assert "has a waiting list" in found.results[1].reasons


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"needs": ["flying"]}, "needs[0]"),
        ({"age": "old"}, "age"),
        ({"age": 200}, "age"),
        ({"sex": "f"}, "sex"),
        ({"languages": ["English"]}, "languages[0]"),
        ({"location": {"latitude": 91, "longitude": 0}}, "location.latitude"),
        ({"location": {"postcode": "BK1 2AB"}}, "location.postcode"),
        ({"location": "here"}, "location"),
        ({"max_distance_km": -1}, "max_distance_km"),
        ({"digital_access": "some"}, "digital_access"),
        ({"preferences": {"format": "pairs"}}, "preferences.format"),
        ({"preferences": {"free_only": "yes"}}, "preferences.free_only"),
        ({"availability": [{"day": "XX", "from": "09:00", "to": "10:00"}]}, "availability[0].day"),
        ({"availability": [{"day": "MO", "from": "9am", "to": "10:00"}]}, "availability[0].from"),
        ({"availability": [{"day": "MO", "from": "10:00", "to": "09:00"}]}, "availability[0].to"),
        ({"shoe_size": 9}, "shoe_size"),
        ([], "person"),
    ],
)
def test_bad_profile_names_the_field(raw, field):
    with pytest.raises(ProfileError) as caught:
        parse_profile(raw)
    assert caught.value.field == field


def test_profile_defaults():
    profile = parse_profile({})
    assert (profile.languages, profile.max_distance_km, profile.digital_access) == (
        ("en",),
        5.0,
        "confident",
    )
    assert profile.availability == ()
    assert Window("MO", 60, 120).end == 120


def test_need_coverage_weighs_the_first_category_most_whatever_the_hash_seed():
    from linkwork.matching.engine import _need_coverage

    index = build_index(
        [
            service("jobs-club", categories=frozenset({"employment"})),
            service("volunteer-centre", categories=frozenset({"volunteering"})),
        ]
    )
    assert _need_coverage(index, ["employment"])[0].tolist() == [1.0, 0.6]
