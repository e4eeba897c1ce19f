"""What a listing holds beside its own fields, as the curation form edits it: its Linkwork
categories, its audiences (who can come included), its languages and its main phone number."""

from __future__ import annotations

from dataclasses import dataclass

from linkwork.directory.models import Attribute, Entity, LinkType, Service
from linkwork.directory.oruk.attributes import AUDIENCE_TAXONOMY_ID
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID


@dataclass(frozen=True)
class ListingLinks:
    categories: frozenset[str] = frozenset()
    audiences: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    phone: str = ""


def main_phone(service: Service) -> str:
    """The number shown first on the listing (the one the form edits)."""
    return service.phones.order_by("number").values_list("number", flat=True).first() or ""


def current_links(service: Service) -> ListingLinks:
    """The listing's categories, audiences, languages and main phone, as stored now."""
    codes = list(
        Attribute.objects.filter(
            link_entity=Entity.SERVICE,
            link_id=service.pk,
            link_type__in=[LinkType.CATEGORY, LinkType.AUDIENCE],
            taxonomy_term__taxonomy_id__in=[LINKWORK_TAXONOMY_ID, AUDIENCE_TAXONOMY_ID],
        ).values_list("taxonomy_term__code", "link_type")
    )
    return ListingLinks(
        categories=frozenset(code for code, kind in codes if kind == LinkType.CATEGORY),
        audiences=frozenset(code for code, kind in codes if kind == LinkType.AUDIENCE),
        languages=frozenset(
            code for code in service.languages.values_list("code", flat=True) if code
        ),
        phone=main_phone(service),
    )
