"""The demo directory's data file (`directory/data/demo_catalogue.toml`) is reviewed data: every
name it uses for a category, audience, organisation, venue, language, format or delivery mode
exists, and its numbers make sense."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib.resources import files

from linkwork.directory import demo_catalogue as catalogue
from linkwork.directory.models import DeliveryMode, ServiceFormat
from linkwork.vocabulary.categories import AUDIENCES, CATEGORIES


def test_demo_catalogue_says_who_wrote_and_checked_it():
    text = files("linkwork.directory").joinpath("data/demo_catalogue.toml").read_text("utf-8")
    data = tomllib.loads(text)
    assert data["authored_by"]
    assert data["checked_by"]


def test_demo_organisations_name_known_categories_and_languages():
    slugs = [spec.slug for spec in catalogue.ORGANIZATIONS]
    assert len(slugs) == len(set(slugs))
    for spec in catalogue.ORGANIZATIONS:
        assert spec.name, spec.slug
        assert spec.description, spec.slug
        assert spec.legal_status, spec.slug
        assert set(spec.categories) <= set(CATEGORIES), spec.slug
        assert set(spec.languages) <= set(catalogue.LANGUAGES), spec.slug


def test_demo_service_kinds_name_known_things():
    slugs = {spec.slug for spec in catalogue.ORGANIZATIONS}
    for kind in catalogue.CATALOGUE:
        where = kind.names[0]
        assert kind.category in CATEGORIES, where
        assert set(kind.also) <= set(CATEGORIES), where
        assert set(kind.audiences) <= set(AUDIENCES), where
        assert set(kind.hosts) <= slugs, where
        assert set(kind.venues) <= set(catalogue.VENUES), where
        assert kind.format in ServiceFormat.values, where
        assert kind.modes, where
        assert set(kind.modes) <= set(DeliveryMode.values), where


def test_demo_service_kinds_numbers_make_sense():
    for kind in catalogue.CATALOGUE:
        where = kind.names[0]
        assert kind.names, where
        assert kind.descriptions, where
        assert kind.count >= 1, where
        assert 0 <= kind.free <= 1, where
        assert 0 <= kind.referral <= 1, where
        assert all(Decimal(price) > 0 for price in kind.price), where
        if kind.min_age is not None and kind.max_age is not None:
            assert kind.min_age <= kind.max_age, where
        assert kind.min_age != 0, "the file's 0 means no lower age limit, read as None"


def test_demo_venues_and_areas_are_complete():
    assert all(code.startswith("BK") for code in catalogue.AREAS)
    for kind, (names, chance) in catalogue.VENUES.items():
        assert names, kind
        assert 0 < chance <= 1, kind
    assert all(len(pair) == 2 for pair in catalogue.ACCESSIBILITY)
