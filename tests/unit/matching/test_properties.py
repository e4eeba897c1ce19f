"""Property: whatever the people and services, no recommended service breaks a hard
constraint, and every service is either recommended-eligible or excluded with a reason.

The rules are checked here from the facts, independently of the engine's own masks."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from linkwork.matching.engine import rank
from linkwork.matching.facts import ServiceFacts, Session
from linkwork.matching.index import build_index
from linkwork.matching.profile import Profile, Window
from linkwork.matching.weights import DEFAULT_WEIGHTS

TODAY = dt.date(2026, 11, 1)
STALE_DAYS = 365
EXPIRE_DAYS = 1095
AREAS = ["E08000035", "E08000036", "E06000014"]
CATEGORIES = ["social", "physical_activity", "money_debt", "emotional_support", "food"]
AUDIENCES = ["women_only", "men_only", "carers", "lgbtq", "culture:polish", "faith:sikh"]
LANGUAGES = ["en", "pl", "ur", "ar"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


places = st.tuples(st.floats(53.6, 54.0), st.floats(-1.8, -1.3))


@st.composite
def services(draw: st.DrawFn, n: int) -> ServiceFacts:
    minimum = draw(st.none() | st.integers(0, 80))
    maximum = draw(st.none() | st.integers(minimum or 0, 100))
    return ServiceFacts(
        id=f"s{n}",
        name=draw(st.sampled_from(["Walk", "Choir", "Debt advice", "Food bank", "Chat line"])),
        description=draw(st.sampled_from(["walking", "singing together", "money help", ""])),
        organization_id=f"o{draw(st.integers(0, 5))}",
        status=draw(
            st.sampled_from(["active", "active", "active", "inactive", "temporarily closed"])
        ),
        assured_date=draw(st.none() | st.dates(TODAY - dt.timedelta(days=1400), TODAY)),
        categories=frozenset(draw(st.sets(st.sampled_from(CATEGORIES), max_size=3))),
        audiences=frozenset(draw(st.sets(st.sampled_from(AUDIENCES), max_size=2))),
        delivery=frozenset(draw(st.sets(st.sampled_from(["in_person", "online", "phone"])))),
        formats=frozenset(draw(st.sets(st.sampled_from(["group", "one_to_one"])))),
        free=draw(st.booleans()),
        route=draw(st.sampled_from(["referral", "signpost", ""])),
        capacity=draw(st.sampled_from(["accepting", "waiting_list", "full", ""])),
        minimum_age=minimum,
        maximum_age=maximum,
        languages=frozenset(draw(st.sets(st.sampled_from(LANGUAGES), max_size=2))),
        places=tuple(draw(st.lists(places, max_size=2))),
        sessions=tuple(
            Session(day, start, start + 90)
            for day, start in draw(
                st.lists(st.tuples(st.sampled_from(DAYS), st.integers(0, 1200)), max_size=2)
            )
        ),
        areas=frozenset(draw(st.sets(st.sampled_from(AREAS), max_size=2))),
    )


@st.composite
def people(draw: st.DrawFn) -> Profile:
    located = draw(st.booleans())
    place = draw(places)
    return Profile(
        needs=tuple(
            draw(st.sets(st.sampled_from(["loneliness", "money_debt", "food"]), max_size=2))
        ),
        what_matters=draw(st.sampled_from(["", "walking and singing", "help with money"])),
        age=draw(st.none() | st.integers(16, 95)),
        sex=draw(st.sampled_from(["female", "male", "other", "not_known", ""])),
        languages=tuple(draw(st.sets(st.sampled_from(LANGUAGES), min_size=1, max_size=2))),
        latitude=place[0] if located else None,
        longitude=place[1] if located else None,
        area=draw(st.sampled_from(["", *AREAS])),
        max_distance_km=draw(st.floats(0.5, 20)),
        digital_access=draw(st.sampled_from(["none", "limited", "confident"])),
        audiences=tuple(draw(st.sets(st.sampled_from(AUDIENCES), max_size=2))),
        format=draw(st.sampled_from(["", "group", "one_to_one"])),
        free_only=draw(st.booleans()),
        availability=tuple(
            Window(day, start, start + 120)
            for day, start in draw(
                st.lists(st.tuples(st.sampled_from(DAYS), st.integers(0, 1200)), max_size=2)
            )
        ),
    )


def breaks_a_rule(service: ServiceFacts, person: Profile) -> bool:
    if service.status != "active":
        return True
    # Stale listings are ranked lower; only expired ones (checked, but too long ago) are out.
    if service.assured_date is not None and (TODAY - service.assured_date).days > EXPIRE_DAYS:
        return True
    if person.age is not None:
        if service.minimum_age is not None and person.age < service.minimum_age:
            return True
        if service.maximum_age is not None and person.age > service.maximum_age:
            return True
    if "women_only" in service.audiences and person.sex != "female":
        return True
    if "men_only" in service.audiences and person.sex != "male":
        return True
    if person.digital_access == "none" and service.delivery == {"online"}:
        return True
    in_person = "in_person" in service.delivery or (not service.delivery and service.places)
    if person.latitude is not None and in_person and service.places:
        nearest = min(km((person.latitude, person.longitude or 0), p) for p in service.places)
        if nearest > person.max_distance_km:
            return True
    if person.area and not service.places and service.areas and person.area not in service.areas:
        return True
    if service.capacity == "full":
        return True
    spoken = service.languages or frozenset({"en"})
    if "en" not in person.languages and not spoken & set(person.languages):
        return True
    return bool(person.free_only and not service.free)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=25, unique=True).flatmap(
        lambda ns: st.tuples(*[services(n) for n in ns])
    ),
    people(),
    st.integers(1, 12),
)
def test_no_recommendation_breaks_a_hard_constraint(catalogue, person, k):
    found = rank(
        build_index(list(catalogue)),
        person,
        k=k,
        weights=DEFAULT_WEIGHTS,
        today=TODAY,
        stale_days=STALE_DAYS,
        expire_days=EXPIRE_DAYS,
    )
    by_id = {s.id: s for s in catalogue}
    for result in found.results:
        assert not breaks_a_rule(by_id[result.service_id], person), result.service_id
    excluded = {e.service_id for e in found.excluded}
    # Exactly the services that break a rule are excluded, each with a reason.
    assert excluded == {s.id for s in catalogue if breaks_a_rule(s, person)}
    assert all(e.reason for e in found.excluded)
    eligible = len(catalogue) - len(excluded)
    assert len(found.results) == min(k, eligible)
    assert len({r.service_id for r in found.results}) == len(found.results)
