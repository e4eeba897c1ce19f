"""Every dashboard draws from the demo data for each role that may see it, never links to a
person, and suppresses small numbers for those without case access."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from linkwork.accounts.models import Membership, Role
from linkwork.insights.dashboards import DASHBOARDS
from tests.conftest import seeded_demo_by_module, signed_in

# A link to one person's or one referral's record.
RECORD_LINK = re.compile(r"/(people|referrals|casework)/[0-9a-f]{8}-[0-9a-f-]{27}")


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with seeded_demo_by_module(django_db_blocker, people=120, seed=7):
        yield


def _user(role: Role) -> Any:
    return Membership.objects.filter(role=role).select_related("user").first().user


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SCHEME_LEAD, Role.ANALYST, Role.ADMIN])
def test_every_dashboard_draws_for_each_role(seeded_demo, client: Client, role):
    signed_in(client, _user(role))
    assert client.get(reverse("insights:index")).status_code == 200
    for slug in DASHBOARDS:
        response = client.get(reverse("insights:dashboard", args=[slug]))
        assert response.status_code == 200, slug
        body = response.content.decode()
        assert not RECORD_LINK.search(body), slug
        assert '<svg class="lw-chart" role="img"' in body or slug in {"waits", "outcomes"}, slug


@pytest.mark.django_db
def test_analyst_page_shows_no_count_below_five(seeded_demo, client: Client):
    signed_in(client, _user(Role.ANALYST))
    response = client.get(reverse("insights:dashboard", args=["referrals"]))
    body = response.content.decode()
    cells = [
        re.sub(
            r"<span class=\"nhsuk-table__heading\"[^>]*>.*?</span>", "", cell, flags=re.S
        ).strip()
        for cell in re.findall(r"nhsuk-table__cell--numeric[^>]*>(.*?)</td>", body, flags=re.S)
    ]
    assert "&lt;5" in cells
    assert not [c for c in cells if c in {"1", "2", "3", "4"}]


@pytest.mark.django_db
def test_demo_figures_are_believable(seeded_demo):
    """A spread by route, deprivation and ethnicity; some services over capacity; unfunded
    providers carrying most of the connections, some of them many."""
    from linkwork.accounts.models import Scheme
    from linkwork.insights.model import Filters

    every = Filters(schemes=frozenset(Scheme.objects.values_list("pk", flat=True)))

    def table(slug: str, name: str) -> list[dict[str, Any]]:
        return next(t for t in DASHBOARDS[slug].build(every).tables if t.slug == name).rows

    routes = [r for r in table("referrals", "referrals_by_route") if r["count"]]
    assert len(routes) >= 8
    quintiles = [r for r in table("equity", "equity_deprivation") if r["count"]]
    assert len(quintiles) >= 5
    groups = [r for r in table("equity", "equity_ethnicity") if r["count"]]
    assert len(groups) >= 4
    assert table("unmet-need", "over_capacity")
    split = {
        r["funded"]: r["received_count"]
        for r in table("voluntary-sector", "voluntary_sector_funding")
    }
    assert split["No"] > split["Yes"] > 0
    busiest: dict[str, int] = {}
    for row in table("voluntary-sector", "voluntary_sector_demand"):
        busiest[row["funded"]] = max(busiest.get(row["funded"], 0), row["received_count"])
    assert busiest["No"] >= max(5, busiest["Yes"])
