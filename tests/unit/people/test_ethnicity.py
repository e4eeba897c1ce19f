"""Ethnic group is recorded in the ONS 2021 census categories for England and Wales: 19
groups under 5 high-level groups, with "Prefer not to say"; the NHS 2001 letter codes that
older systems send are recorded as their 2021 group."""

from __future__ import annotations

from collections import Counter

import pytest

from linkwork.people.models import (
    NHS_ETHNIC_CATEGORY,
    EthnicGroup,
    Ethnicity,
    ethnic_group,
)

ANSWERS_IN_NO_GROUP = {Ethnicity.PREFER_NOT_TO_SAY, Ethnicity.NOT_KNOWN}


def test_there_are_19_groups_and_prefer_not_to_say():
    groups = [code for code in Ethnicity.values if code not in ANSWERS_IN_NO_GROUP]
    assert len(groups) == 19
    assert Ethnicity.PREFER_NOT_TO_SAY.label == "Prefer not to say"


def test_the_19_groups_fall_into_the_5_high_level_groups_as_in_the_census():
    counts = Counter(
        ethnic_group(code) for code in Ethnicity.values if code not in ANSWERS_IN_NO_GROUP
    )
    assert counts == {
        EthnicGroup.WHITE: 5,
        EthnicGroup.MIXED: 4,
        EthnicGroup.ASIAN: 5,
        EthnicGroup.BLACK: 3,
        EthnicGroup.OTHER: 2,
    }


@pytest.mark.parametrize(
    ("code", "group"),
    [
        (Ethnicity.ASIAN_CHINESE, EthnicGroup.ASIAN),
        (Ethnicity.WHITE_ROMA, EthnicGroup.WHITE),
        (Ethnicity.OTHER_ARAB, EthnicGroup.OTHER),
        (Ethnicity.MIXED_WHITE_AND_BLACK_AFRICAN, EthnicGroup.MIXED),
        (Ethnicity.PREFER_NOT_TO_SAY, EthnicGroup.PREFER_NOT_TO_SAY),
        (Ethnicity.NOT_KNOWN, EthnicGroup.NOT_KNOWN),
        ("rubbish", EthnicGroup.NOT_KNOWN),
    ],
)
def test_ethnic_group_of_a_code(code, group):
    assert ethnic_group(code) == group


def test_each_label_names_its_high_level_group():
    for code, label in Ethnicity.choices:
        if code not in ANSWERS_IN_NO_GROUP:
            assert label.startswith(ethnic_group(code).label.split(" ")[0]), code


def test_every_nhs_2001_code_maps_to_a_2021_category():
    assert set(NHS_ETHNIC_CATEGORY) == set("ABCDEFGHJKLMNPRSZ") | {"99"}
    assert NHS_ETHNIC_CATEGORY["R"] == Ethnicity.ASIAN_CHINESE
    assert NHS_ETHNIC_CATEGORY["Z"] == Ethnicity.PREFER_NOT_TO_SAY
    assert set(NHS_ETHNIC_CATEGORY.values()) <= set(Ethnicity)
