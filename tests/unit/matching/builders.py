"""Services and people for the matching engine's unit tests, with sensible defaults."""

from __future__ import annotations

import datetime as dt

from linkwork.matching.engine import Recommendations, rank
from linkwork.matching.facts import ServiceFacts
from linkwork.matching.index import build_index
from linkwork.matching.profile import Profile, parse_profile
from linkwork.matching.weights import DEFAULT_WEIGHTS

TODAY = dt.date(2026, 11, 1)
HOME = (53.80, -1.55)


def service(id: str, **facts: object) -> ServiceFacts:
    """A social group near home taking referrals, checked a month ago, unless `facts` say else."""
    defaults: dict[str, object] = {
        "name": id.replace("-", " ").title(),
        "assured_date": TODAY - dt.timedelta(days=30),
        "categories": frozenset({"social"}),
        "delivery": frozenset({"in_person"}),
        "places": (HOME,),
        "route": "referral",
        "capacity": "accepting",
    }
    defaults.update(facts)
    return ServiceFacts(id=id, **defaults)  # type: ignore[arg-type]


def person(**fields: object) -> Profile:
    """Someone lonely at home, unless `fields` say else."""
    base: dict[str, object] = {
        "needs": ["loneliness"],
        "location": {"latitude": HOME[0], "longitude": HOME[1]},
    }
    base.update(fields)
    return parse_profile(base)


def run(
    services: list[ServiceFacts], profile: Profile, k: int = 10, expire_days: int | None = None
) -> Recommendations:
    return rank(
        build_index(services),
        profile,
        k=k,
        weights=DEFAULT_WEIGHTS,
        today=TODAY,
        stale_days=365,
        expire_days=expire_days,
    )
