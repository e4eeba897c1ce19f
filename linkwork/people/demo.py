"""Synthetic people with a realistic spread of age, sex, ethnicity, deprivation, language and
digital access. Names are common UK names combined at random; NHS numbers are in the
999 range NHS England reserves for testing, so none can belong to a real person.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator, Sequence

from linkwork.people.models import (
    Consent,
    ConsentKind,
    ConsentMethod,
    ContactMethod,
    DigitalAccess,
    Ethnicity,
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

# England and Wales 2021 census proportions by NHS ethnic category, in per mille.
ETHNICITY_WEIGHTS = {
    Ethnicity.A: 744,
    Ethnicity.B: 9,
    Ethnicity.C: 62,
    Ethnicity.D: 9,
    Ethnicity.E: 4,
    Ethnicity.F: 8,
    Ethnicity.G: 8,
    Ethnicity.H: 31,
    Ethnicity.J: 27,
    Ethnicity.K: 11,
    Ethnicity.L: 16,
    Ethnicity.M: 10,
    Ethnicity.N: 25,
    Ethnicity.P: 5,
    Ethnicity.R: 7,
    Ethnicity.S: 16,
    Ethnicity.Z: 10,
}
# Languages other than English by category, with the share who prefer them.
LANGUAGES = {
    Ethnicity.C: (0.4, ["pl", "ro", "lt", "pt"]),
    Ethnicity.H: (0.15, ["pa", "gu", "hi"]),
    Ethnicity.J: (0.25, ["ur", "pa"]),
    Ethnicity.K: (0.35, ["bn"]),
    Ethnicity.N: (0.2, ["so", "ar", "ti"]),
    Ethnicity.R: (0.3, ["zh"]),
    Ethnicity.S: (0.3, ["ar", "ku", "fa"]),
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


def _digital_access(rng: random.Random, age: int) -> DigitalAccess:
    none, limited = (
        (3, 12) if age < 40 else (8, 25) if age < 65 else (20, 35) if age < 80 else (40, 35)
    )
    return rng.choices(
        [DigitalAccess.NONE, DigitalAccess.LIMITED, DigitalAccess.CONFIDENT],
        weights=[none, limited, 100 - none - limited],
    )[0]


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
    places: Sequence[tuple[str, str, int]],
) -> Iterator[Person]:
    """Yield `count` unsaved people. `places` holds (postcode, lsoa, imd decile) to draw from."""
    ethnicities = list(ETHNICITY_WEIGHTS)
    ethnicity_weights = list(ETHNICITY_WEIGHTS.values())
    by_decile: dict[int, list[tuple[str, str, int]]] = {}
    for place in places:
        by_decile.setdefault(place[2], []).append(place)
    deciles = sorted(by_decile)
    decile_weights = [IMD_WEIGHTS[d - 1] for d in deciles]
    for _ in range(count):
        sex = rng.choices(
            [Sex.FEMALE, Sex.MALE, Sex.INDETERMINATE, Sex.NOT_KNOWN], [56, 42, 0.5, 1.5]
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
        access = _digital_access(rng, age)
        method = _contact_method(rng, access)
        postcode, lsoa, decile = rng.choice(by_decile[rng.choices(deciles, decile_weights)[0]])
        given, family = rng.choice(pool), rng.choice(FAMILY_NAMES)
        handle = f"{given}.{family}{rng.randrange(100)}".lower()
        yield Person(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            nhs_number=synthetic_nhs_number(rng) if rng.random() < 0.8 else "",
            given_name=given,
            family_name=family,
            date_of_birth=birthday,
            sex=sex,
            ethnicity=ethnicity,
            preferred_language=language,
            interpreter_needed=language != "en" and rng.random() < 0.6,
            address=f"{rng.randint(1, 180)} {rng.choice(FAMILY_NAMES)} {rng.choice(STREETS)}, Brackenfield",
            postcode=postcode,
            lsoa_code=lsoa,
            imd_decile=decile,
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
