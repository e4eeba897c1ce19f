"""The needs and routes lists keep the canonical slugs: they are stored in data and used by
the API and the matching contract, so they may grow but are never renamed."""

from __future__ import annotations

from linkwork.vocabulary.needs import Need
from linkwork.vocabulary.routes import NHS_ROUTES, Route

CANONICAL_NEEDS = {
    "loneliness",
    "low_mood",
    "anxiety_stress",
    "physical_activity",
    "weight",
    "long_term_condition",
    "money_debt",
    "benefits",
    "housing",
    "employment",
    "education_skills",
    "carer_support",
    "bereavement",
    "substance_use",
    "food",
    "digital_skills",
    "relationships",
    "parenting",
    "legal_advice",
    "transport",
    "purpose_volunteering",
}


def test_needs_list_keeps_every_canonical_slug():
    assert set(Need.values) >= CANONICAL_NEEDS


def test_routes_list_has_nhs_and_non_nhs_routes_and_self_referral():
    assert set(Route) > NHS_ROUTES
    assert {Route.GP_PRACTICE, Route.HOSPITAL} <= NHS_ROUTES
    assert {Route.HOUSING, Route.POLICE, Route.SELF} <= set(Route) - NHS_ROUTES
