"""The taxonomy and needs-mapping files are complete and valid, broken files are refused
with the file and field named, and the taxonomy rows are upserted with stable ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwork.directory import taxonomy
from linkwork.directory.models import Attribute, Entity, LinkType, Service, Taxonomy, TaxonomyTerm
from linkwork.directory.taxonomy import (
    AUDIENCES,
    CATEGORIES,
    NEEDS_TO_CATEGORIES,
    TaxonomyError,
    categories_for_needs,
    ensure_linkwork_taxonomy,
    load_need_mapping,
    load_taxonomy,
)
from linkwork.referrals.needs import Need
from tests.factories import ServiceFactory

CANONICAL_CATEGORIES = [
    "social",
    "physical_activity",
    "arts_creativity",
    "nature_green",
    "learning_skills",
    "money_debt",
    "benefits",
    "housing",
    "employment",
    "emotional_support",
    "peer_support",
    "carers",
    "volunteering",
    "health_self_management",
    "food",
    "digital_skills",
    "bereavement",
    "substance_use",
]

VALID_TAXONOMY = """\
name = "demo"
description = "Demo categories."
version = "1.0.0"
source = "unit test"
authored_by = "tests"
checked_by = "pending review"

[[categories]]
slug = "social"
name = "Social"
description = "Meeting people."

[[categories]]
slug = "food"
name = "Food"
description = "Food help."
"""

VALID_MAPPING = """\
source = "unit test"
authored_by = "tests"
checked_by = "pending review"

[needs]
loneliness = ["social"]
food = ["food", "social"]
"""


def write(tmp_path: Path, text: str, name: str = "file.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_taxonomy_file_has_canonical_categories_in_order():
    assert list(CATEGORIES) == CANONICAL_CATEGORIES


def test_taxonomy_file_names_and_describes_every_category():
    for term in CATEGORIES.values():
        assert term.name[:1].isupper()
        assert term.description.endswith(".")


def test_taxonomy_file_is_pending_review_with_provenance():
    assert taxonomy.DEFINITION.checked_by == "pending review"
    assert taxonomy.DEFINITION.authored_by
    assert taxonomy.DEFINITION.source
    assert taxonomy.TAXONOMY_NAME == "linkwork"


def test_taxonomy_file_lists_audiences():
    fixed = {"women_only", "men_only", "older_people", "young_people", "carers", "lgbtq"}
    assert fixed <= set(AUDIENCES)
    others = set(AUDIENCES) - fixed
    # The rest name a community or a faith, as the matching contract writes them.
    assert others
    assert all(slug.split(":")[0] in ("culture", "faith") for slug in others)
    assert {"culture:polish", "faith:muslim"} <= others


def test_audience_term_travels_through_oruk_terms():
    from linkwork.directory.oruk.attributes import TERMS

    assert "audience:culture:south_asian" in TERMS
    assert "audience:faith:sikh" in TERMS


def test_need_mapping_covers_every_need():
    assert set(NEEDS_TO_CATEGORIES) == set(Need.values)
    assert all(NEEDS_TO_CATEGORIES[need] for need in Need.values)


def test_need_mapping_uses_every_category():
    used = set().union(*NEEDS_TO_CATEGORIES.values())
    assert used == set(CATEGORIES)


def test_need_mapping_loneliness_as_designed():
    assert NEEDS_TO_CATEGORIES["loneliness"] == {
        "social",
        "peer_support",
        "arts_creativity",
        "nature_green",
        "volunteering",
    }


def test_categories_for_needs_unions_the_needs():
    found = categories_for_needs(["money_debt", "housing"])
    assert found == NEEDS_TO_CATEGORIES["money_debt"] | NEEDS_TO_CATEGORIES["housing"]
    assert categories_for_needs([]) == set()


def test_categories_for_needs_unknown_need_rejected():
    with pytest.raises(ValueError, match="Unknown need 'boredom'"):
        categories_for_needs(["loneliness", "boredom"])


def test_load_taxonomy_valid_file_accepted(tmp_path):
    definition = load_taxonomy(write(tmp_path, VALID_TAXONOMY))
    assert list(definition.categories.terms) == ["social", "food"]
    assert definition.audiences is None


@pytest.mark.parametrize(
    ("broken", "field", "message"),
    [
        (VALID_TAXONOMY.replace('checked_by = "pending review"\n', ""), "", "missing checked_by"),
        ('colour = "green"\n' + VALID_TAXONOMY, "", "unknown key(s) colour"),
        (VALID_TAXONOMY.replace('slug = "food"', 'slug = "social"'), "categories[1].slug", "twice"),
        (
            VALID_TAXONOMY.replace('slug = "food"', 'slug = "Food Help"'),
            "categories[1].slug",
            "slug",
        ),
        (VALID_TAXONOMY.replace('name = "Food"', 'name = ""'), "categories[1].name", "non-empty"),
        (
            VALID_TAXONOMY.replace('description = "Food help."', 'description = "x"\nicon = "y"'),
            "categories[1]",
            "unknown key(s) icon",
        ),
        (VALID_TAXONOMY + "[[categories]]\n", "categories[2]", "missing"),
        ('name = "demo"\nthis is not toml', "", "cannot be read as TOML"),
    ],
)
def test_load_taxonomy_broken_file_rejected(tmp_path, broken, field, message):
    path = write(tmp_path, broken)
    with pytest.raises(TaxonomyError) as raised:
        load_taxonomy(path)
    assert raised.value.source == str(path)
    assert raised.value.field == field
    assert message in raised.value.message


def test_load_need_mapping_valid_file_accepted(tmp_path):
    mapping = load_need_mapping(
        write(tmp_path, VALID_MAPPING), categories={"social", "food"}, needs=("loneliness", "food")
    )
    assert mapping == {"loneliness": {"social"}, "food": {"food", "social"}}


@pytest.mark.parametrize(
    ("broken", "field", "message"),
    [
        (VALID_MAPPING.replace('food = ["food", "social"]\n', ""), "needs", "no categories for"),
        (VALID_MAPPING + 'boredom = ["social"]\n', "needs", "unknown need(s) boredom"),
        (VALID_MAPPING.replace('["social"]', '["sociall"]'), "needs.loneliness", "'sociall'"),
        (VALID_MAPPING.replace('["social"]', "[]"), "needs.loneliness", "non-empty list"),
        (VALID_MAPPING.replace('["social"]', '["social", "social"]'), "needs.loneliness", "twice"),
        (VALID_MAPPING.replace('source = "unit test"\n', ""), "", "missing source"),
        (VALID_MAPPING.replace("[needs]", 'reviewer = "x"\n[needs]'), "", "unknown key(s)"),
    ],
)
def test_load_need_mapping_broken_file_rejected(tmp_path, broken, field, message):
    path = write(tmp_path, broken)
    with pytest.raises(TaxonomyError) as raised:
        load_need_mapping(path, categories={"social", "food"}, needs=("loneliness", "food"))
    assert raised.value.field == field
    assert message in raised.value.message


def test_load_need_mapping_bundled_file_rejects_missing_need(tmp_path):
    bundled = taxonomy.bundled_data().joinpath("needs_to_categories.toml").read_text("utf-8")
    broken = "\n".join(line for line in bundled.splitlines() if not line.startswith("transport"))
    with pytest.raises(TaxonomyError, match="transport"):
        load_need_mapping(write(tmp_path, broken), categories=CATEGORIES.keys())


def test_term_ids_are_the_same_on_every_installation():
    # Pinned: changing the namespace or the naming scheme would break every ORUK consumer.
    assert str(taxonomy.LINKWORK_TAXONOMY_ID) == "a4b2ed4a-7d34-5008-8b35-1c46e40c6572"
    assert str(taxonomy.term_id("linkwork", "social")) == "4770ea7e-1344-517b-a796-00e318806e08"
    assert taxonomy.term_id("linkwork", "social") != taxonomy.term_id("linkwork", "food")


@pytest.mark.django_db
def test_ensure_linkwork_taxonomy_creates_every_term():
    created = ensure_linkwork_taxonomy()
    assert created.id == taxonomy.LINKWORK_TAXONOMY_ID
    assert created.name == "linkwork"
    codes = set(created.taxonomy_terms.values_list("code", flat=True))
    assert codes == set(CATEGORIES)
    social = TaxonomyTerm.objects.get(id=taxonomy.term_id("linkwork", "social"))
    assert social.name == CATEGORIES["social"].name
    audience = Taxonomy.objects.get(name="linkwork_audience")
    assert audience.taxonomy_terms.count() == len(AUDIENCES)


@pytest.mark.django_db
def test_ensure_linkwork_taxonomy_is_idempotent_and_repairs_edits():
    ensure_linkwork_taxonomy()
    TaxonomyTerm.objects.filter(code="food").update(name="Edited by hand")
    ensure_linkwork_taxonomy()
    assert Taxonomy.objects.count() == 2
    assert TaxonomyTerm.objects.count() == len(CATEGORIES) + len(AUDIENCES)
    assert TaxonomyTerm.objects.get(code="food").name == CATEGORIES["food"].name


@pytest.mark.django_db
def test_services_in_categories_found_through_attributes():
    ensure_linkwork_taxonomy()
    food, walking, untagged = ServiceFactory(), ServiceFactory(), ServiceFactory()
    for service, slug in ((food, "food"), (walking, "physical_activity")):
        Attribute.objects.create(
            link_id=service.id,
            link_entity=Entity.SERVICE,
            link_type=LinkType.CATEGORY,
            taxonomy_term_id=taxonomy.term_id("linkwork", slug),
        )
    assert list(Service.objects.in_categories(["food"])) == [food]
    found = set(Service.objects.in_categories(categories_for_needs(["weight"])))
    assert found == {food, walking}
    assert untagged not in found
    assert [a.taxonomy_term.code for a in food.attributes] == ["food"]
