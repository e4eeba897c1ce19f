"""Synthetic people with a realistic spread of age, sex, ethnicity, deprivation, language and
digital access. Names are common UK names combined at random; NHS numbers are in the
999 range NHS England reserves for testing, so none can belong to a real person.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from linkwork.accounts.models import Organisation
from linkwork.people.models import (
    Consent,
    ConsentKind,
    ConsentMethod,
    ContactMethod,
    DigitalAccess,
    Ethnicity,
    GenderSameAsSex,
    Person,
    Sex,
)
from linkwork.people.nhs_number import check_digit

FEMALE_NAMES = (
    "Olivia Amelia Isla Ava Mia Grace Sophia Lily Emily Ella Margaret Susan Patricia Linda "
    "Barbara Jean Carol Sandra Janet Christine Karen Julie Sarah Emma Laura Rachel Hannah "
    "Aisha Fatima Zainab Maryam Priya Anjali Simran Harpreet Agnieszka Katarzyna Ioana "
    "Chioma Ngozi Abena Hodan Amina Mei Shirin Roisin Siobhan Bronwen Eilidh"
).split()
MALE_NAMES = (
    "Oliver George Noah Arthur Leo Harry Jack Charlie Thomas James John David Michael "
    "Robert Peter Paul Stephen Andrew Mark Richard Brian Kenneth Gary Kevin Daniel Ryan "
    "Liam Mohammed Ahmed Yusuf Imran Bilal Arjun Rohan Gurpreet Jaswinder Piotr Tomasz "
    "Andrei Kwame Chidi Emeka Abdi Wei Reza Ciaran Sean Rhys Callum Alasdair"
).split()
FAMILY_NAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson "
    "Evans Walker White Roberts Green Hall Thomas Clarke Jackson Wood Harris Edwards Turner "
    "Martin Cooper Hill Ward Hughes Moore Clark King Harrison Lewis Baker Lee Allen Morris "
    "Khan Ali Hussain Ahmed Begum Shah Singh Kaur Sharma Gill Nowak Kowalski Wisniewski "
    "Popescu Okafor Mensah Adeyemi Mohamed Abdi Chen Wong Kelly Murphy Byrne Macdonald "
    "Campbell Stewart Reid Murray Price Bennett Griffiths Lloyd Kirk Ford Hughes Shaw"
).split()

# Ethnic group shares like a mixed English town, in per mille, summing to 1000.
# Facts (ONS, Census 2021, usual residents, table TS021): in England 81.0% White, 9.6% Asian,
# 4.2% Black, 3.0% Mixed and 2.2% Other ethnic group; in England and Wales 74.4% "White:
# English, Welsh, Scottish, Northern Irish or British" and 6.2% "White: Other White". Within
# each group the split follows the census's detailed categories, rounded. A small share
# preferred not to say, and some referrers did not ask ("not known"), as in real intake.
ETHNICITY_WEIGHTS = {
    Ethnicity.WHITE_BRITISH: 690,
    Ethnicity.WHITE_IRISH: 8,
    Ethnicity.WHITE_GYPSY_OR_IRISH_TRAVELLER: 1,
    Ethnicity.WHITE_ROMA: 2,
    Ethnicity.WHITE_OTHER: 58,
    Ethnicity.MIXED_WHITE_AND_BLACK_CARIBBEAN: 8,
    Ethnicity.MIXED_WHITE_AND_BLACK_AFRICAN: 4,
    Ethnicity.MIXED_WHITE_AND_ASIAN: 8,
    Ethnicity.MIXED_OTHER: 8,
    Ethnicity.ASIAN_INDIAN: 30,
    Ethnicity.ASIAN_PAKISTANI: 26,
    Ethnicity.ASIAN_BANGLADESHI: 10,
    Ethnicity.ASIAN_CHINESE: 7,
    Ethnicity.ASIAN_OTHER: 16,
    Ethnicity.BLACK_AFRICAN: 24,
    Ethnicity.BLACK_CARIBBEAN: 10,
    Ethnicity.BLACK_OTHER: 5,
    Ethnicity.OTHER_ARAB: 6,
    Ethnicity.OTHER_ANY: 15,
    Ethnicity.PREFER_NOT_TO_SAY: 19,
    Ethnicity.NOT_KNOWN: 45,
}
# Languages other than English by ethnic group, with the share who prefer them.
LANGUAGES = {
    Ethnicity.WHITE_OTHER: (0.4, ["pl", "ro", "lt", "pt"]),
    Ethnicity.WHITE_ROMA: (0.5, ["ro"]),
    Ethnicity.ASIAN_INDIAN: (0.15, ["pa", "gu", "hi"]),
    Ethnicity.ASIAN_PAKISTANI: (0.25, ["ur", "pa"]),
    Ethnicity.ASIAN_BANGLADESHI: (0.35, ["bn"]),
    Ethnicity.ASIAN_CHINESE: (0.3, ["zh"]),
    Ethnicity.BLACK_AFRICAN: (0.2, ["so", "ar", "ti"]),
    Ethnicity.OTHER_ARAB: (0.35, ["ar"]),
    Ethnicity.OTHER_ANY: (0.3, ["ku", "fa"]),
}
# Social prescribing reaches the more deprived areas more often: deciles 1 (most) to 10.
IMD_WEIGHTS = [16, 14, 12, 11, 10, 9, 8, 7, 7, 6]
LONG_TERM_CONDITIONS = [
    "type 2 diabetes",
    "COPD",
    "asthma",
    "heart disease",
    "arthritis",
    "chronic pain",
    "hypertension",
    "depression",
    "anxiety",
    "dementia",
    "stroke",
    "cancer",
]
STREETS = ["Street", "Road", "Close", "Avenue", "Court"]
ACCESSIBILITY = [
    "Uses a wheelchair",
    "Hard of hearing: prefers face-to-face",
    "Large print letters",
    "Walks with a stick: ground floor rooms",
    "Partially sighted",
    "Easy read information",
]


def synthetic_nhs_number(rng: random.Random) -> str:
    while True:
        first_nine = f"999{rng.randrange(1_000_000):06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            return f"{first_nine}{digit}"


def _age(rng: random.Random) -> int:
    band = rng.choices([(18, 39), (40, 64), (65, 79), (80, 97)], weights=[24, 36, 26, 14])[0]
    return rng.randint(*band)


def _digital_access(rng: random.Random, age: int, decile: int) -> DigitalAccess:
    """Fewer people online with age and with deprivation, as the Lloyds Consumer Digital
    Index and ONS internet users surveys describe; a few not asked or declining."""
    none, limited = (
        (3, 12) if age < 40 else (8, 25) if age < 65 else (20, 35) if age < 80 else (40, 35)
    )
    if decile <= 3:
        none, limited = none + 5, limited + 5
    answer = rng.choices(
        [
            DigitalAccess.NONE,
            DigitalAccess.LIMITED,
            DigitalAccess.CONFIDENT,
            DigitalAccess.NOT_KNOWN,
        ],
        weights=[none, limited, 100 - none - limited, 6],
    )[0]
    if rng.random() < 0.01:
        return DigitalAccess.PREFER_NOT_TO_SAY
    return answer


def _gender(rng: random.Random) -> tuple[GenderSameAsSex | str, str]:
    """The ONS 2021 gender identity question: in England and Wales 93.5% answered that their
    gender was the same as their sex registered at birth, 0.5% that it was not, and 6.0% did
    not answer (ONS, Census 2021, TS078). Some referrers never ask (blank)."""
    answer = rng.choices(
        [GenderSameAsSex.YES, GenderSameAsSex.NO, GenderSameAsSex.PREFER_NOT_TO_SAY, ""],
        weights=[86, 0.6, 3.4, 10],
    )[0]
    if answer == GenderSameAsSex.NO:
        return answer, rng.choice(["Non-binary", "Trans woman", "Trans man", "Woman", "Man"])
    return answer, ""


def _contact_method(rng: random.Random, access: DigitalAccess) -> ContactMethod:
    if access == DigitalAccess.NONE:
        return rng.choices(
            [ContactMethod.PHONE, ContactMethod.LETTER, ContactMethod.IN_PERSON], [6, 3, 1]
        )[0]
    if access == DigitalAccess.LIMITED:
        return rng.choices(
            [ContactMethod.PHONE, ContactMethod.TEXT, ContactMethod.LETTER], [5, 4, 1]
        )[0]
    return rng.choices([ContactMethod.PHONE, ContactMethod.TEXT, ContactMethod.EMAIL], [3, 4, 3])[0]


def generate_people(
    *,
    rng: random.Random,
    count: int,
    today: dt.date,
    places: Sequence[tuple[Any, ...]],
    practices: Sequence[Organisation] = (),
) -> Iterator[Person]:
    """Yield `count` unsaved people. `places` holds (postcode, lsoa, imd decile[, local
    authority]) to draw from; `practices` the GP practices they are registered with (each
    practice drawing most of its patients from the postcode districts nearest it)."""
    ethnicities = list(ETHNICITY_WEIGHTS)
    ethnicity_weights = list(ETHNICITY_WEIGHTS.values())
    by_decile: dict[int, list[Any]] = {}
    for place in places:
        by_decile.setdefault(int(place[2]), []).append(place)
    deciles = sorted(by_decile)
    # Each postcode district's nearest practice: practices differ in the areas they serve.
    districts = sorted({str(place[0]).split(" ")[0] for place in places})
    home = {
        district: practices[i % len(practices)] for i, district in enumerate(districts) if practices
    }
    decile_weights = [IMD_WEIGHTS[d - 1] for d in deciles]
    for _ in range(count):
        # More women than men are referred to social prescribing.
        sex = rng.choices(
            [Sex.FEMALE, Sex.MALE, Sex.INDETERMINATE, Sex.PREFER_NOT_TO_SAY, Sex.NOT_KNOWN],
            [56, 41, 0.3, 1, 1.7],
        )[0]
        pool = (
            MALE_NAMES
            if sex == Sex.MALE
            else FEMALE_NAMES
            if sex == Sex.FEMALE
            else FEMALE_NAMES + MALE_NAMES
        )
        age = _age(rng)
        birthday = today - dt.timedelta(days=age * 365 + rng.randrange(365))
        ethnicity = rng.choices(ethnicities, ethnicity_weights)[0]
        language = "en"
        if ethnicity in LANGUAGES:
            share, options = LANGUAGES[ethnicity]
            if rng.random() < share:
                language = rng.choice(options)
        place = rng.choice(by_decile[rng.choices(deciles, decile_weights)[0]])
        postcode, lsoa, decile = place[0], place[1], int(place[2])
        local_authority = str(place[3]) if len(place) > 3 else ""
        access = _digital_access(rng, age, decile)
        method = _contact_method(rng, access)
        same_as_sex, gender_identity = _gender(rng)
        practice = _practice(rng, practices, home.get(postcode.split(" ")[0]))
        given, family = rng.choice(pool), rng.choice(FAMILY_NAMES)
        handle = f"{given}.{family}{rng.randrange(100)}".lower()
        yield Person(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            nhs_number=synthetic_nhs_number(rng) if rng.random() < 0.8 else "",
            given_name=given,
            family_name=family,
            date_of_birth=birthday,
            sex=sex,
            gender_same_as_sex=same_as_sex,
            gender_identity=gender_identity,
            ethnicity=ethnicity,
            preferred_language=language,
            interpreter_needed=language != "en" and rng.random() < 0.6,
            address=f"{rng.randint(1, 180)} {rng.choice(FAMILY_NAMES)} {rng.choice(STREETS)}, Brackenfield",
            postcode=postcode,
            lsoa_code=lsoa,
            local_authority=local_authority,
            imd_decile=decile,
            gp_practice=practice,
            no_known_gp_practice=practice is None and bool(practices),
            phone=f"07700 900{rng.randrange(1000):03d}"
            if method != ContactMethod.LETTER or rng.random() < 0.5
            else "",
            email=f"{handle}@example.com"
            if access == DigitalAccess.CONFIDENT and rng.random() < 0.7
            else "",
            preferred_contact_method=method,
            digital_access=access,
            accessibility_needs=rng.choice(ACCESSIBILITY) if rng.random() < 0.12 else "",
            long_term_conditions=rng.sample(
                LONG_TERM_CONDITIONS, k=rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0]
            ),
        )


def _practice(
    rng: random.Random, practices: Sequence[Organisation], nearest: Organisation | None
) -> Organisation | None:
    """Most people are registered with the practice nearest them; some elsewhere; about 1 in
    60 with no GP practice."""
    if not practices or rng.random() < 1 / 60:
        return None
    if nearest is not None and rng.random() < 0.75:
        return nearest
    return rng.choice(practices)


def generate_consents(*, rng: random.Random, people: Sequence[Person]) -> Iterator[Consent]:
    """Most people consent to everything; some refuse sharing or evaluation, as in practice."""
    shares = {
        ConsentKind.CONTACT: 0.99,
        ConsentKind.SHARE_WITH_PROVIDERS: 0.9,
        ConsentKind.MESSAGE_BACK: 0.93,
        ConsentKind.EVALUATION: 0.8,
    }
    for person in people:
        method = rng.choice([ConsentMethod.VERBAL, ConsentMethod.WRITTEN, ConsentMethod.ONLINE])
        for kind, share in shares.items():
            yield Consent(
                person=person,
                kind=kind,
                given=rng.random() < share,
                method=method,
                recorded_at=person.created_at,
            )


WELSH_FEMALE_NAMES = ("Siân", "Rhiannon", "Ffion", "Catrin", "Megan", "Gwenllian", "Eirlys")
WELSH_MALE_NAMES = ("Dafydd", "Rhodri", "Gwyn", "Iwan", "Emyr", "Gruffydd", "Owain")


def speak_welsh(person: Person, index: int) -> None:
    """Make `person` a Welsh speaker: Welsh as their language (so their messages and letters
    are in Welsh) and a Welsh first name. No random numbers are drawn, so the rest of the demo
    stays as it was for a given seed."""
    names = WELSH_MALE_NAMES if person.sex == Sex.MALE else WELSH_FEMALE_NAMES
    person.given_name = names[index % len(names)]
    person.preferred_language = "cy"
    person.interpreter_needed = False


def welsh_speakers(people: Sequence[Person], every: int = 60) -> list[Person]:
    """Every `every`-th White British person (in order) speaks Welsh: a few in a town near
    the border, enough that staff meet them in the demo."""
    british = [p for p in people if p.ethnicity == Ethnicity.WHITE_BRITISH]
    chosen = british[::every]
    for index, person in enumerate(chosen):
        speak_welsh(person, index)
    return chosen
