"""factory_boy factories for directory records. All data is synthetic."""

from __future__ import annotations

import factory

from linkwork.directory.models import (
    Location,
    Organization,
    Taxonomy,
    TaxonomyTerm,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Community Group {n}")
    description = "A community group."


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Community Centre {n}")
    latitude = 53.8
    longitude = -1.55


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Taxonomy

    name = factory.Sequence(lambda n: f"taxonomy_{n}")
    description = "A test taxonomy."


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxonomyTerm

    taxonomy = factory.SubFactory(TaxonomyFactory)
    code = factory.Sequence(lambda n: f"term_{n}")
    name = factory.Sequence(lambda n: f"Term {n}")
