"""Reading the one search box: dates of birth in UK forms, NHS numbers, references, names."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwork.referrals.search import audit_detail, date_of_birth, parse


@pytest.mark.parametrize(
    "text",
    [
        "4/3/1950",
        "04/03/1950",
        "4-3-1950",
        "4.3.1950",
        "4 March 1950",
        "4 mar 1950",
        "4th March 1950",
    ],
)
def test_date_of_birth_reads_uk_forms_day_first(text):
    assert date_of_birth(text) == dt.date(1950, 3, 4)


@pytest.mark.parametrize("text", ["31/2/1950", "4 Smarch 1950", "1950-03-04", "Ann"])
def test_date_of_birth_none_when_not_a_real_uk_date(text):
    assert date_of_birth(text) is None


def test_parse_impossible_date_finds_no_one():
    found = parse("31/2/1950")
    assert found.kind == "date_of_birth"
    assert "pk__in" in str(found.condition)


@pytest.mark.parametrize("text", ["485 777 3456", "4857773456", "485-777-3456"])
def test_parse_nhs_number_with_or_without_spaces(text):
    found = parse(text)
    assert found.kind == "nhs_number"
    assert ("person__nhs_number", "4857773456") in found.condition.children


def test_parse_reference_without_hyphens_or_case():
    found = parse("lw abcd 2345")
    assert found.kind == "name_or_reference"
    assert "LW-ABCD-2345" in str(found.condition)


def test_parse_name_words_each_match_a_name():
    found = parse("  Ann   Example ")
    assert found.kind == "name"
    assert str(found.condition).count("icontains") == 4


def test_parse_empty_finds_everything_and_audits_nothing():
    found = parse("   ")
    assert found.kind == ""
    assert audit_detail(found) == {}


def test_audit_detail_names_the_kind_never_the_text():
    assert audit_detail(parse("Ann Example")) == {"search": "name"}
