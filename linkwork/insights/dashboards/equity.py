"""Equity: who is referred, who completes and who improves, by age band, sex, ethnic group,
deprivation quintile, digital access and language; against the catchment's population where
it is loaded (`linkwork import-population`: age bands, and deprivation through the IMD table).

One grouped query per characteristic the person record holds, one for the outcomes, and two
for the population. Characteristics the record does not hold are left out, not guessed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q

from linkwork.core.languages import language_name
from linkwork.directory.models import ImdDecile
from linkwork.insights import scope
from linkwork.insights.dashboards.outcomes import episodes, scores_of, value_of
from linkwork.insights.figures import (
    AGE_BANDS,
    NOT_RECORDED,
    age_band_name,
    age_band_of,
    annotate_age,
    deprivation_quintile,
    ethnicity_group,
    label_of,
    per_thousand,
    percent,
    person_fields,
)
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.insights.models import CatchmentPopulation
from linkwork.outcomes.change import too_soon
from linkwork.outcomes.models import TimePoint
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.referrals.lifecycle import ClosureReason, Status

TITLE = "Equity"
SUMMARY = (
    "Referrals, completion and outcomes by age, sex, ethnicity, deprivation, access, language."
)
ACCEPTED = (Status.ACCEPTED, Status.ACTIVE, Status.ON_HOLD, Status.CLOSED)


def _language(code: object) -> str:
    return language_name(str(code)) if code else NOT_RECORDED


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# (slug, title, person field, how a stored value becomes its group)
CHARACTERISTICS: tuple[tuple[str, str, str, Callable[[Any], str]], ...] = (
    ("age_band", "Age band", "date_of_birth", age_band_name),
    ("sex", "Sex", "sex", lambda v: label_of("sex", v)),
    ("ethnicity", "Ethnic group", "ethnicity", ethnicity_group),
    ("deprivation", "Deprivation quintile (IMD)", "imd_decile", deprivation_quintile),
    ("digital_access", "Digital access", "digital_access", lambda v: label_of("digital_access", v)),
    ("language", "Preferred language", "preferred_language", _language),
)


def _outcomes(
    filters: Filters, held: list[tuple[str, str, str, Callable[[Any], str]]]
) -> dict[str, dict[str, Counter[str]]]:
    """Per characteristic and group: scores compared with a threshold, and those improved."""
    fields = [f for _, _, f, _ in held if f != "date_of_birth"]
    found: dict[str, dict[str, Counter[str]]] = {slug: {} for slug, _, _, _ in held}
    rows = (
        scope.records(filters)
        .measures.values_list(
            "referral_id",
            "instrument",
            "time_point",
            "recorded_at",
            "result",
            "responses",
            "referral__received_at",
            "referral__person__date_of_birth",
            *(f"referral__person__{f}" for f in fields),
        )
        .order_by("referral_id", "instrument", "recorded_at")
        .iterator(chunk_size=5000)
    )
    for episode in episodes(rows):
        inst = INSTRUMENTS.get(episode[0][1])
        if inst is None:
            continue
        base = next((m for m in episode if m[2] == TimePoint.BASELINE), episode[0])
        later = [m for m in episode if m[3] > base[3] and not too_soon(base[3], m[3])]
        values = dict(zip(fields, episode[0][8:], strict=True))
        for score in scores_of(inst):
            if score.rule is None:
                continue
            start = value_of(score, base[4], base[5])
            ends = [v for m in later if (v := value_of(score, m[4], m[5])) is not None]
            if start is None or not ends:
                continue
            change = ends[-1] - start
            better = change if score.rule.improvement == "increase" else -change
            for slug, _, field, group_of in held:
                if field == "date_of_birth":
                    group = age_band_of(_age_on(episode[0][7], episode[0][6].date()))
                else:
                    group = group_of(values[field])
                tally = found[slug].setdefault(group, Counter())
                tally["compared"] += 1
                tally["improved"] += better >= score.rule.points
    return found


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
    referrals = scope.records(filters).referrals
    counts = {
        "n": Count("id"),
        "people": Count("person_id", distinct=True),
        "accepted": Count("id", filter=Q(status__in=ACCEPTED)),
        "completed": Count(
            "id", filter=Q(status=Status.CLOSED, closure_reason=ClosureReason.GOALS_MET)
        ),
    }
    outcomes = _outcomes(filters, held)
    by_band, by_quintile = _population()
    populations = {"age_band": by_band, "deprivation": by_quintile}
    tables = []
    for slug, title, field, group_of in held:
        if field == "date_of_birth":
            rows = annotate_age(referrals).values("age_band_low").annotate(**counts).order_by()
            key = "age_band_low"
        else:
            rows = referrals.values(f"person__{field}").annotate(**counts).order_by()
            key = f"person__{field}"
        groups: dict[str, Counter[str]] = {}
        for row in rows:
            tally = groups.setdefault(group_of(row[key]), Counter())
            for name in counts:
                tally[name] += row[name]
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
