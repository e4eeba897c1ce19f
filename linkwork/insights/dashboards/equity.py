"""Equity: who is referred, who completes and who improves, by age band, sex, ethnic group,
deprivation quintile, digital access and language; against the catchment's population where
it is loaded (`linkwork import-population`: age bands, and deprivation through the IMD table).

Three grouped queries over the facts (`insights.facts`), whatever the number of referrals:
referrals by every combination of the characteristics (rolled up to each one here), the
people referred more than once counted once per combination, and the outcome scores compared;
and two for the population. Characteristics the record does not hold are left out, not
guessed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Count, Q

from linkwork.core.languages import language_name
from linkwork.directory.models import ImdDecile
from linkwork.insights import scope
from linkwork.insights.figures import (
    AGE_BANDS,
    NOT_RECORDED,
    age_band_name,
    age_band_of,
    deprivation_quintile,
    ethnicity_group,
    label_of,
    per_thousand,
    percent,
    person_fields,
)
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.insights.models import CatchmentPopulation
from linkwork.referrals.lifecycle import ClosureReason, Status

TITLE = "Equity"
SUMMARY = (
    "Referrals, completion and outcomes by age, sex, ethnicity, deprivation, access, language."
)
ACCEPTED = (Status.ACCEPTED, Status.ACTIVE, Status.ON_HOLD, Status.CLOSED)


def _language(code: object) -> str:
    return language_name(str(code)) if code else NOT_RECORDED


# (slug, title, person field, how a stored value becomes its group)
CHARACTERISTICS: tuple[tuple[str, str, str, Callable[[Any], str]], ...] = (
    ("age_band", "Age band", "date_of_birth", age_band_name),
    ("sex", "Sex", "sex", lambda v: label_of("sex", v)),
    ("ethnicity", "Ethnic group", "ethnicity", ethnicity_group),
    ("deprivation", "Deprivation quintile (IMD)", "imd_decile", deprivation_quintile),
    ("digital_access", "Digital access", "digital_access", lambda v: label_of("digital_access", v)),
    ("language", "Preferred language", "preferred_language", _language),
)


# The fact column holding each person field's value.
COLUMN = {
    "date_of_birth": "age_band_low",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "imd_decile": "imd_decile",
    "digital_access": "digital_access",
    "preferred_language": "preferred_language",
}


def _outcomes(
    filters: Filters, held: list[tuple[str, str, str, Callable[[Any], str]]]
) -> dict[str, dict[str, Counter[str]]]:
    """Per characteristic and group: scores compared with a threshold, and those improved."""
    columns = [COLUMN[f] for _, _, f, _ in held]
    found: dict[str, dict[str, Counter[str]]] = {slug: {} for slug, _, _, _ in held}
    rows = (
        scope.facts(filters)
        .outcomes.filter(improved__isnull=False)
        .values(*columns, "improved")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        for slug, _, field, group_of in held:
            tally = found[slug].setdefault(group_of(row[COLUMN[field]]), Counter())
            tally["compared"] += row["n"]
            tally["improved"] += row["n"] if row["improved"] else 0
    return found


def _several(referrals: Any, columns: list[str]) -> list[dict[str, Any]]:
    """People referred more than once, per combination of the characteristics: `pairs` counts
    each person once in every age band they were referred in, `people` once in all (at their
    youngest band), so both add up across combinations without counting anyone twice."""
    inner, params = (
        referrals.filter(only_referral=False)
        .values("person_id", *columns)
        .distinct()
        .query.sql_with_params()
    )
    quoted = [connection.ops.quote_name(c) for c in columns]
    order = connection.ops.quote_name("age_band_low") if "age_band_low" in columns else "1"
    names = ", ".join(quoted)
    # The names are the fact table's own columns, quoted; every value is a parameter.
    person = connection.ops.quote_name("person_id")
    sql = (
        f"SELECT {names}, COUNT(*), SUM(CASE WHEN w.rn = 1 THEN 1 ELSE 0 END) FROM ("  # noqa: S608 # nosec B608
        f"SELECT d.*, ROW_NUMBER() OVER (PARTITION BY d.{person} ORDER BY d.{order}) AS rn "
        f"FROM ({inner}) d) w GROUP BY {names}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            {**dict(zip(columns, row[:-2], strict=True)), "pairs": row[-2], "people": row[-1]}
            for row in cursor.fetchall()
        ]


def _population() -> tuple[dict[str, int], dict[str, int]]:
    """Catchment residents by age band and by deprivation quintile; empty when not loaded."""
    by_band: Counter[str] = Counter()
    by_lsoa: dict[str, int] = {}
    for lsoa, all_ages, by_age in CatchmentPopulation.objects.values_list(
        "lsoa", "all_ages", "by_age"
    ):
        by_lsoa[lsoa] = all_ages
        for age, residents in enumerate(by_age or []):
            by_band[age_band_of(age)] += int(residents)
    by_quintile: Counter[str] = Counter()
    if by_lsoa:
        for lsoa, decile in ImdDecile.objects.filter(lsoa__in=list(by_lsoa)).values_list(
            "lsoa", "decile"
        ):
            by_quintile[deprivation_quintile(decile)] += by_lsoa[lsoa]
    return dict(by_band), dict(by_quintile)


COLUMNS = [
    Column("group", "Group"),
    Column("count", "Referrals", "count"),
    Column("people_count", "People", "count"),
    Column("accepted_count", "Accepted", "count"),
    Column("completed_count", "Closed with goals met", "count"),
    Column(
        "completed_percent",
        "% of accepted closed with goals met",
        "percent",
        ("accepted_count", "completed_count"),
    ),
    Column("compared_count", "Scores compared", "count"),
    Column("improved_count", "Meaningful improvement", "count"),
    Column("improved_percent", "% improved", "percent", ("compared_count", "improved_count")),
    Column("population", "Catchment residents", "number"),
    Column("rate_per_1000", "People referred per 1,000 residents", "rate", ("people_count",)),
]


def _order(slug: str, group: str) -> tuple[int, str]:
    if slug == "age_band":
        names = [name for _, _, name in AGE_BANDS]
        return (names.index(group) if group in names else len(names), group)
    return (1 if group == NOT_RECORDED else 0, group)


def build(filters: Filters) -> Dashboard:
    held_fields = person_fields()
    held = [c for c in CHARACTERISTICS if c[2] in held_fields]
    columns = [COLUMN[f] for _, _, f, _ in held]
    referrals = scope.facts(filters).referrals
    combinations = list(
        referrals.values(*columns)
        .annotate(
            n=Count("pk"),
            single=Count("pk", filter=Q(only_referral=True)),
            accepted=Count("pk", filter=Q(status__in=ACCEPTED)),
            completed=Count(
                "pk", filter=Q(status=Status.CLOSED, closure_reason=ClosureReason.GOALS_MET)
            ),
        )
        .order_by()
    )
    several = _several(referrals, columns) if columns else []
    outcomes = _outcomes(filters, held)
    by_band, by_quintile = _population()
    populations = {"age_band": by_band, "deprivation": by_quintile}
    tables = []
    for slug, title, field, group_of in held:
        column = COLUMN[field]
        groups: dict[str, Counter[str]] = {}
        for row in combinations:
            tally = groups.setdefault(group_of(row[column]), Counter())
            for name in ("n", "accepted", "completed"):
                tally[name] += row[name]
            tally["people"] += row["single"]
        for row in several:
            tally = groups.setdefault(group_of(row[column]), Counter())
            tally["people"] += row["pairs"] if field == "date_of_birth" else row["people"]
        population = populations.get(slug, {})
        if population:
            for group in population:
                groups.setdefault(group, Counter())
        out = []
        for group, tally in sorted(groups.items(), key=lambda i: _order(slug, i[0])):
            result = outcomes.get(slug, {}).get(group, Counter())
            residents = population.get(group)
            out.append(
                {
                    "group": group,
                    "count": tally["n"],
                    "people_count": tally["people"],
                    "accepted_count": tally["accepted"],
                    "completed_count": tally["completed"],
                    "completed_percent": percent(tally["completed"], tally["accepted"]),
                    "compared_count": result["compared"],
                    "improved_count": result["improved"],
                    "improved_percent": percent(result["improved"], result["compared"]),
                    "population": residents,
                    "rate_per_1000": per_thousand(tally["people"], residents),
                }
            )
        note = "Age on the day the referral was received." if slug == "age_band" else ""
        if slug in populations and not population:
            note += " Catchment population not loaded: run `linkwork import-population FILE`."
        tables.append(
            Table(
                f"equity_{slug}",
                f"By {title[0].lower()}{title[1:]}",
                COLUMNS,
                out,
                chart="bar",
                note=note.strip(),
            )
        )
    return Dashboard("equity", TITLE, tables)
