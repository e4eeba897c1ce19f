"""The Linkwork taxonomy rows in the directory: upserted with stable ids, found through
attributes, and carried by the ORUK attribute terms."""

from __future__ import annotations

import pytest

from linkwork.directory import taxonomy
from linkwork.directory.models import Attribute, Entity, LinkType, Service, Taxonomy, TaxonomyTerm
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy
from linkwork.vocabulary.categories import AUDIENCES, CATEGORIES, categories_for_needs
from tests.factories import ServiceFactory


def test_audience_term_travels_through_oruk_terms():
    from linkwork.directory.oruk.attributes import TERMS

    assert "audience:culture:south_asian" in TERMS
    assert "audience:faith:sikh" in TERMS


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
