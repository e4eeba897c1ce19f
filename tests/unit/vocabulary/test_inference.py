"""The category classifier, the feed-term mapping and the ages and sex limits found in text:
the reviewed files are valid, broken ones are refused with the field named, and the rules do
what their files say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from linkwork.vocabulary.categories import AUDIENCES, CATEGORIES, TaxonomyError
from linkwork.vocabulary.inference import (
    KEYWORDS,
    TERM_MAPPING,
    categories_from_terms,
    classify,
    find_ages,
    find_eligibility,
    find_sex,
    keyword_scores,
    load_keywords,
    load_term_mapping,
    suggest_categories,
)


def slugs(name: str, text: str = "") -> set[str]:
    return {guess.slug for guess in classify(name, text)}


def test_reviewed_files_cover_every_category_and_name_their_authors() -> None:
    assert set(KEYWORDS.categories) == set(CATEGORIES)
    assert KEYWORDS.authored_by
    assert KEYWORDS.checked_by
    assert TERM_MAPPING.authored_by
    assert TERM_MAPPING.checked_by
    mapped = {slug for found in TERM_MAPPING.terms.values() for slug in found}
    assert mapped == set(CATEGORIES)
    assert set(TERM_MAPPING.audiences) <= set(AUDIENCES)
    for entry in KEYWORDS.categories.values():
        assert any(keyword.points == 2 for keyword in entry.keywords)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (
            'threshold = 2\nsource = "s"\nauthored_by = "a"\nchecked_by = "c"\n',
            "missing categories",
        ),
        (
            'threshold = 0\nsource = "s"\nauthored_by = "a"\nchecked_by = "c"\n[categories]\n',
            "threshold: must be a positive number",
        ),
        (
            'threshold = 2\nsource = "s"\nauthored_by = "a"\nchecked_by = "c"\n'
            '[categories.social]\nstrong = ["club", "Club"]\n',
            "categories.social.strong: 'Club' is listed twice",
        ),
        (
            'threshold = 2\nsource = "s"\nauthored_by = "a"\nchecked_by = "c"\n'
            '[categories.social]\nstrong = ["club"]\nloud = ["x"]\n',
            "categories.social: unknown key(s) loud",
        ),
        (
            'threshold = 2\nsource = "s"\nauthored_by = "a"\nchecked_by = "c"\n'
            '[categories.social]\nstrong = ["club"]\n[categories.sociall]\nstrong = ["x"]\n',
            "unknown category 'sociall'",
        ),
    ],
)
def test_broken_keyword_file_is_refused_naming_the_field(
    tmp_path: Path, text: str, field: str
) -> None:
    path = tmp_path / "keywords.toml"
    path.write_text(text)
    with pytest.raises(TaxonomyError, match=re.escape(field)):
        load_keywords(path, categories=["social"])


def test_broken_term_mapping_is_refused_naming_the_term(tmp_path: Path) -> None:
    path = tmp_path / "terms.toml"
    path.write_text(
        'source = "s"\nauthored_by = "a"\nchecked_by = "c"\n[terms]\n"Lunch clubs" = ["lunch"]\n'
    )
    with pytest.raises(TaxonomyError, match=r"terms\.'Lunch clubs': unknown category 'lunch'"):
        load_term_mapping(path)
    path.write_text(
        'source = "s"\nauthored_by = "a"\nchecked_by = "c"\n[terms]\n'
        '"Carers\' support" = ["carers"]\n"carers support" = ["carers"]\n'
    )
    with pytest.raises(TaxonomyError, match="listed twice"):
        load_term_mapping(path)


def test_keywords_suggest_categories_with_the_words_that_gave_them() -> None:
    found = classify(
        "Riverside Health Walks",
        "Gentle led walks along the river path for people who want to get active.",
    )
    walks = next(g for g in found if g.slug == "physical_activity")
    assert "health walks" in walks.evidence
    assert walks.because.startswith("words 'health walks'")
    assert slugs("Oakfield Food Bank", "Emergency food parcels.") == {"food"}
    assert "bereavement" in slugs("Grief Support Line", "Someone to talk to if you are grieving.")


def test_a_category_needs_a_strong_word_and_ignored_phrases_do_not_count() -> None:
    # "team" and "club" are weak words: alone they suggest nothing.
    assert slugs("Team Club") == set()
    # "run by volunteers" says who runs a lunch club, not that it offers volunteering.
    assert "volunteering" not in slugs("Lunch club", "A lunch club run by volunteers.")
    # "social worker" is not a social group; "walking distance" is not a walk.
    assert (
        slugs("Duty desk", "Speak to a social worker, within walking distance of the bus.") == set()
    )
    # Plurals and prefixes: "befriend*" matches befriending and befrienders.
    assert "social" in slugs("Befrienders", "")


def test_scores_count_each_word_once_and_the_name_counts_more() -> None:
    score, words = keyword_scores("Yoga", "Yoga, yoga and more yoga.")["physical_activity"]
    assert words == ("yoga",)
    assert score == 3.0  # strong (2) and found in the name (1)


def test_feed_terms_map_by_name_whatever_their_spelling() -> None:
    found = categories_from_terms(["Lunch Clubs", "CARERS' SUPPORT", "Planning applications"])
    assert {g.slug: g.evidence for g in found} == {
        "social": ("Lunch Clubs",),
        "food": ("Lunch Clubs",),
        "carers": ("CARERS' SUPPORT",),
    }
    assert [g.slug for g in categories_from_terms([], audiences=["carers"])] == ["carers"]
    combined = suggest_categories("Drop-in", "", terms=["Debt advice"])
    assert [(g.slug, g.source) for g in combined] == [("money_debt", "feed_term")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("A club for girls aged 11-18.", "11-18"),
        ("Young people 13 to 19 welcome.", "13-19"),
        ("Walking football for over 50s.", "50-"),
        ("For over-60s.", "60-"),
        ("Drop-in for under-18s.", "-17"),
        ("Open to 11-19 year olds.", "11-19"),
        ("Adults aged 18 and over.", "18-"),
        ("Members 65+ only.", "65-"),
        ("Support for under 25s.", "-24"),
        ("Up to the age of 25.", "-25"),
        ("Children aged 4 to 14.", "4-14"),
    ],
)
def test_ages_in_the_text(text: str, value: str) -> None:
    assert [g.value for g in find_ages(text)] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Age UK Calderbrook, open 10-12 on Tuesdays.",
        "Sessions last over 2 hours.",
        "Tickets £5+ at the door.",
        "Up to 25 people can take part.",
        "Meetings 2-4pm.",
    ],
)
def test_no_ages_from_times_prices_or_names(text: str) -> None:
    assert find_ages(text) == []


def test_sex_limits_in_the_text() -> None:
    assert [g.value for g in find_sex("A walking group for women.")] == ["women_only"]
    assert [g.value for g in find_sex("Men's Shed: woodwork and a brew.")] == ["men_only"]
    assert [g.value for g in find_sex("Ladies only swim")] == ["women_only"]
    assert find_sex("A group for men and women.") == []
    assert find_sex("For mental health and wellbeing.") == []
    assert find_sex("Dads and mums welcome; for mums and dads.") == []
    kinds = [(g.kind, g.value) for g in find_eligibility("Girls Football", "Girls aged 8-14.")]
    assert kinds == [("audience", "women_only"), ("ages", "8-14")]


def test_held_out_precision_meets_the_issue_target() -> None:
    """The evaluation in benchmarks/category_inference.py, at the threshold in use."""
    from benchmarks import category_inference as evaluation

    items = evaluation.load()
    assert len(items) >= 200
    held_out = [item for item in items if not item.development]
    figures = evaluation.scores(held_out, evaluation.predict(held_out))
    assert figures["precision"] >= 0.8
    chosen, _ = evaluation.choose_threshold([item for item in items if item.development])
    assert chosen == KEYWORDS.threshold
