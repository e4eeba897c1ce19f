"""Referrals: over time by route (NHS and each non-NHS route), by referring organisation, by
need, and the rate per 1,000 registered patients of each GP practice.

Four grouped queries over the referral facts (`insights.facts`), each grouped by narrow keys
(ids, the route, the month, the needs' key), then the names, the practices and the list sizes,
whatever the number of referrals. People are counted once: a person's only referral counts as
it is, and people with several are counted distinct through an index in practice and person
order.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet

from linkwork.accounts.models import Organisation, OrganisationKind
from linkwork.insights import population
from linkwork.insights.facts import needs_of
from linkwork.insights.figures import per_thousand
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.insights.scope import facts
from linkwork.vocabulary.needs import Need
from linkwork.vocabulary.routes import NHS_ROUTES, Route

TITLE = "Referrals"
SUMMARY = "Who refers, by which route, for which needs, and the rate per 1,000 patients."
NO_ORGANISATION = "No referring organisation recorded"
RATE_NOTE = (
    "People referred per 1,000 patients registered with the practice (the PCN Investment and "
    "Impact Fund social prescribing indicator's definition: distinct patients referred, over "
    "the practice's registered list). "
)


def build(filters: Filters, *, list_sizes: dict[int, int] | None = None) -> Dashboard:
    referrals = facts(filters).referrals
    by_month_route = list(
        referrals.values("received_month", "route")
        .annotate(n=Count("pk"))
        .order_by("received_month", "route")
    )
    by_route: Counter[str] = Counter()
    months: dict[str, Counter[str]] = {}
    for row in by_month_route:
        by_route[row["route"]] += row["n"]
        month = f"{row['received_month']:%Y-%m}"
        group = "nhs" if row["route"] in NHS_ROUTES else "non_nhs"
        months.setdefault(month, Counter())[group] += row["n"]

    routes = Table(
        "referrals_by_route",
        "Referrals by route",
        [Column("route", "Route"), Column("count", "Referrals", "count")],
        [{"route": route.value, "count": by_route.get(route.value, 0)} for route in Route],
        chart="bar",
        note="NHS routes: " + ", ".join(Route(r).label for r in sorted(NHS_ROUTES)) + ".",
    )
    monthly = Table(
        "referrals_by_month",
        "Referrals each month, NHS and non-NHS routes",
        [
            Column("month", "Month"),
            Column("nhs_count", "NHS routes", "count"),
            Column("non_nhs_count", "Non-NHS routes", "count"),
            Column("count", "All routes", "count"),
        ],
        [
            {
                "month": month,
                "nhs_count": counts["nhs"],
                "non_nhs_count": counts["non_nhs"],
                "count": counts["nhs"] + counts["non_nhs"],
            }
            for month, counts in sorted(months.items())
        ],
        chart="bar",
    )

    # One scan for two tables: referrals per referring organisation and GP practice (ids
    # alone), rolled up here to each organisation and to the practices' only referrals; the
    # names read afterwards for the groups found.
    pairs = list(
        referrals.values("referring_organisation_id", "gp_practice_id")
        .annotate(n=Count("pk"), single=Count("pk", filter=Q(only_referral=True)))
        .order_by()
    )
    referred: Counter[Any] = Counter()
    single: Counter[int] = Counter()
    for row in pairs:
        referred[row["referring_organisation_id"]] += row["n"]
        if row["gp_practice_id"] is not None:
            single[row["gp_practice_id"]] += row["single"]
    by_referrer = [{"referring_organisation_id": k, "n": n} for k, n in referred.items()]
    referrers = dict(
        Organisation.objects.filter(
            pk__in=sorted({row["referring_organisation_id"] for row in by_referrer} - {None})
        ).values_list("pk", "name")
    )
    organisations = Table(
        "referrals_by_organisation",
        "Referrals by referring organisation",
        [Column("organisation", "Referring organisation"), Column("count", "Referrals", "count")],
        [
            {"organisation": name or NO_ORGANISATION, "count": n}
            for _, _, name, n in sorted(
                (-row["n"], name is None, name or "", row["n"])
                for row in by_referrer
                for name in [referrers.get(row["referring_organisation_id"])]
            )
        ],
    )

    needs: Counter[str] = Counter()
    for row in referrals.values("needs_key").annotate(n=Count("pk")).order_by():
        for need in needs_of(row["needs_key"]):
            needs[need] += row["n"]
    need_labels = dict(Need.choices)
    by_need = Table(
        "referrals_by_need",
        "Referrals by need",
        [Column("need", "Need"), Column("count", "Referrals", "count")],
        [
            {"need": need_labels.get(need, need), "count": n}
            for need, n in sorted(needs.items(), key=lambda item: (-item[1], item[0]))
        ],
        chart="bar",
        note="A referral with several needs counts once under each.",
    )

    sizes = population.list_sizes() if list_sizes is None else list_sizes
    people = people_by_practice(referrals, single)
    practices = Organisation.objects.filter(
        kind=OrganisationKind.GP_PRACTICE, pk__in=set(people)
    ).order_by("name")
    if filters.referring_organisation is not None:
        practices = practices.filter(pk=filters.referring_organisation)
    rate = Table(
        "referral_rate_by_practice",
        "Referral rate per 1,000 registered patients, by GP practice",
        [
            Column("practice", "GP practice"),
            Column("ods_code", "ODS code"),
            Column("people_count", "People referred", "count"),
            Column("registered_patients", "Registered patients", "number"),
            Column("rate_per_1000", "Rate per 1,000 patients", "rate", ("people_count",)),
        ],
        [
            {
                "practice": practice.name,
                "ods_code": practice.ods_code,
                "people_count": people.get(practice.pk, 0),
                "registered_patients": sizes.get(practice.pk),
                "rate_per_1000": per_thousand(people.get(practice.pk, 0), sizes.get(practice.pk)),
            }
            for practice in practices
        ],
        note=RATE_NOTE
        + ("" if sizes else "List sizes not loaded: run `linkwork import-list-sizes FILE`."),
    )
    return Dashboard("referrals", TITLE, [routes, monthly, organisations, by_need, rate])


def people_by_practice(referrals: QuerySet[Any], single: Counter[int]) -> Counter[int]:
    """People referred, per GP practice: each person's only referral counted as it is (`single`,
    per practice), and the people referred more than once counted distinct
    (`referralfact_several_practice` gives them in practice and person order)."""
    people: Counter[int] = Counter({k: n for k, n in single.items() if n})
    registered = referrals.filter(gp_practice__isnull=False)
    # COUNT(DISTINCT) per practice needs its rows in practice order, which the index gives;
    # the plan without it sorts every referral, so the planner keeps to the index (a DISTINCT
    # subquery left it a hash of a table scan, within a few % of the index's cost).
    for row in (
        registered.filter(only_referral=False)
        .values("gp_practice_id")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    ):
        people[row["gp_practice_id"]] += row["n"]
    return people
