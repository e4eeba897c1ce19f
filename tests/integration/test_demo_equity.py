"""The demo people give the equity dashboards something true to show: a spread by sex,
ethnic group, deprivation, digital access and language like a mixed English town, each
person's area as the demo postcode and IMD tables give it, registered with the demo GP
practices, whose list sizes are loaded."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from linkwork.accounts.models import Organisation, OrganisationKind, PracticeListSize
from linkwork.people.demo import ETHNICITY_WEIGHTS, generate_people
from linkwork.people.models import EthnicGroup, Person, ethnic_group
from linkwork.web.management.commands.seed_demo import demo_places
from tests.conftest import seeded_demo_by_module


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with seeded_demo_by_module(django_db_blocker, people=300, seed=11):
        yield


@pytest.fixture
def demo(seeded_demo: None, db: None) -> None:
    return None


def test_ethnicity_weights_sum_to_a_thousand_and_cover_every_category():
    assert sum(ETHNICITY_WEIGHTS.values()) == 1000
    groups: Counter[str] = Counter()
    for code, weight in ETHNICITY_WEIGHTS.items():
        groups[ethnic_group(code)] += weight
    # England, Census 2021: White 81.0%, Asian 9.6%, Black 4.2%, Mixed 3.0%, Other 2.2%,
    # before the shares who declined or were not asked.
    answered = sum(weight for group, weight in groups.items() if group in EthnicGroup.values[:5])
    shares = {group: groups[group] / answered for group in EthnicGroup.values[:5]}
    assert shares[EthnicGroup.WHITE] == pytest.approx(0.81, abs=0.01)
    assert shares[EthnicGroup.ASIAN] == pytest.approx(0.096, abs=0.01)
    assert shares[EthnicGroup.BLACK] == pytest.approx(0.042, abs=0.005)
    assert shares[EthnicGroup.MIXED] == pytest.approx(0.03, abs=0.005)
    assert shares[EthnicGroup.OTHER] == pytest.approx(0.022, abs=0.005)


def test_generated_people_have_a_believable_spread():
    practices = [
        Organisation(pk=n, name=f"Practice {n}", kind=OrganisationKind.GP_PRACTICE)
        for n in range(1, 9)
    ]
    people = list(
        generate_people(
            rng=random.Random(5),
            count=3000,
            today=dt.date(2026, 1, 1),
            places=demo_places(),
            practices=practices,
        )
    )
    groups = Counter(ethnic_group(person.ethnicity) for person in people)
    assert 0.72 < groups[EthnicGroup.WHITE] / len(people) < 0.80
    assert all(groups[group] > 30 for group in EthnicGroup.values)
    deciles = Counter(person.imd_decile for person in people)
    # More people from the most deprived areas, as social prescribing reaches them more.
    assert sum(deciles[d] for d in (1, 2, 3)) > sum(deciles[d] for d in (8, 9, 10))
    assert len(deciles) >= 6
    digital = Counter(person.digital_access for person in people)
    assert {"none", "limited", "confident", "not_known", "prefer_not_to_say"} <= set(digital)
    languages = Counter(person.preferred_language for person in people)
    assert 0.85 < languages["en"] / len(people) < 0.97
    assert len(languages) >= 8
    sexes = Counter(person.sex for person in people)
    assert sexes["female"] > sexes["male"] > 0
    assert sexes["prefer_not_to_say"] > 0
    registered = Counter(person.gp_practice for person in people)
    assert 0 < registered[None] < len(people) * 0.05
    # Practices differ in whom they serve: the busiest has clearly more than the quietest.
    counts = [registered[practice] for practice in practices]
    assert max(counts) > 1.3 * min(counts)
    assert all(person.local_authority.startswith("E08") for person in people)


def test_demo_people_live_where_the_demo_tables_say(demo):
    places = {postcode: (lsoa, decile, la) for postcode, lsoa, decile, la in demo_places()}
    for person in Person.objects.all():
        assert (person.lsoa_code, person.imd_decile, person.local_authority) == places[
            person.postcode
        ]


def test_demo_people_are_registered_with_the_demo_practices(demo):
    practices = Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE)
    registered = Person.objects.filter(gp_practice__in=practices).count()
    assert registered > 0.9 * Person.objects.count()
    assert Person.objects.filter(no_known_gp_practice=True).exists()


def test_demo_practices_have_list_sizes_for_this_month_and_a_year_before(demo):
    practices = Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE)
    sizes = PracticeListSize.objects.filter(practice__in=practices)
    assert sizes.count() == 2 * practices.count()
    assert {size.extract_date.day for size in sizes} == {1}
    assert all(3_000 <= size.patients < 16_000 for size in sizes)


def test_demo_equality_answers_are_deterministic_for_a_seed():
    def build(seed: int) -> list[tuple[str, str, str, int | None]]:
        people = generate_people(
            rng=random.Random(seed), count=40, today=dt.date(2026, 1, 1), places=demo_places()
        )
        return [(p.sex, p.ethnicity, p.digital_access, p.imd_decile) for p in people]

    assert build(8) == build(8)
    assert build(8) != build(9)


def test_demo_gp_referrals_come_from_the_persons_own_practice(demo):
    from django.db.models import F

    from linkwork.referrals.models import Referral

    by_gp = Referral.objects.filter(route="gp_practice", person__gp_practice__isnull=False)
    assert by_gp.count() > 50
    assert not by_gp.exclude(referring_organisation_id=F("person__gp_practice_id")).exists()
