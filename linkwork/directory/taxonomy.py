"""The Linkwork taxonomies as HSDS rows: the vocabulary's service categories and audiences
(reviewed data in `linkwork.vocabulary`) written as taxonomies and terms of the directory.

Taxonomy ids are UUID5s of the slugs, so every installation gives the same term the same id
and ORUK feeds from different sites agree.
"""

from __future__ import annotations

import uuid
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Final

from django.db import transaction

from linkwork.directory.models import Taxonomy, TaxonomyTerm
from linkwork.vocabulary.categories import DEFINITION, TAXONOMY_NAME, TermSet

# Never change: the ids of every Linkwork taxonomy and term are derived from it.
NAMESPACE: Final = uuid.UUID("0d507e59-9d0f-414b-b4c3-29de343a6cfd")


def bundled_data() -> Traversable:
    """The directory's data files shipped inside the package (the demo postcodes and IMD
    deciles), wherever it is installed."""
    return files("linkwork.directory").joinpath("data")


def taxonomy_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"taxonomy/{name}")


def term_id(taxonomy_name: str, slug: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"taxonomy/{taxonomy_name}/term/{slug}")


LINKWORK_TAXONOMY_ID: Final = taxonomy_id(TAXONOMY_NAME)


def _ensure(term_set: TermSet, version: str) -> Taxonomy:
    taxonomy, _ = Taxonomy.objects.update_or_create(
        id=taxonomy_id(term_set.name),
        defaults={
            "name": term_set.name,
            "description": term_set.description,
            "version": version,
        },
    )
    TaxonomyTerm.objects.bulk_create(
        [
            TaxonomyTerm(
                id=term_id(term_set.name, term.slug),
                taxonomy=taxonomy,
                code=term.slug,
                name=term.name,
                description=term.description,
                language="en",
            )
            for term in term_set.terms.values()
        ],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["taxonomy", "code", "name", "description", "language"],
    )
    return taxonomy


def ensure_linkwork_taxonomy() -> Taxonomy:
    """Create or update the Linkwork category taxonomy (and the audience taxonomy) and their
    terms from the data file. Safe to run any number of times; returns the categories."""
    with transaction.atomic():
        taxonomy = _ensure(DEFINITION.categories, DEFINITION.version)
        if DEFINITION.audiences is not None:
            _ensure(DEFINITION.audiences, DEFINITION.version)
    return taxonomy
