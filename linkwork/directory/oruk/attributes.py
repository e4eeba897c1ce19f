"""Social prescribing's own facts about a service, as Open Referral UK attributes.

HSDS has no fields for delivery modes, group or one-to-one format, referral route or capacity,
so a feed carries them as attributes whose taxonomy term is written `kind:value` (such as
`delivery:online`), with `taxonomy` "linkwork" and the same text as `name` and `code`. The
categories and audiences stored as attribute rows travel the same way (`category:social`,
`audience:carers`). This module is the only place that knows the vocabulary: the export calls
`service_attribute_terms`, the import calls `apply_attribute_terms`, the API filters with
`service_term_condition`. Term ids are UUID5s of the text, so every site gives a term the same id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from django.db.models import Q

from linkwork.directory.models import (
    DELIVERY_MODE_FIELDS,
    Attribute,
    Capacity,
    CostOption,
    DeliveryMode,
    Entity,
    LinkType,
    ReferralRoute,
    Service,
    ServiceFormat,
)
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID, NAMESPACE, taxonomy_id, term_id
from linkwork.vocabulary.categories import AUDIENCES, CATEGORIES, DEFINITION, TAXONOMY_NAME

# The `taxonomy` text of every social prescribing attribute term.
ATTRIBUTE_TAXONOMY: Final = "linkwork"

AUDIENCE_TAXONOMY_NAME: Final = DEFINITION.audiences.name if DEFINITION.audiences else ""
AUDIENCE_TAXONOMY_ID: Final = (
    taxonomy_id(AUDIENCE_TAXONOMY_NAME) if AUDIENCE_TAXONOMY_NAME else None
)

# Kinds in the order a service's terms are listed.
CATEGORY, AUDIENCE, DELIVERY, FORMAT, COST, ROUTE, CAPACITY = (
    "category",
    "audience",
    "delivery",
    "format",
    "cost",
    "route",
    "capacity",
)
FREE: Final = "cost:free"

_FIXED_TERMS: Final[Mapping[str, str]] = MappingProxyType(
    {
        f"{DELIVERY}:{DeliveryMode.IN_PERSON}": "Delivered in person.",
        f"{DELIVERY}:{DeliveryMode.ONLINE}": "Delivered online.",
        f"{DELIVERY}:{DeliveryMode.PHONE}": "Delivered by phone.",
        f"{FORMAT}:{ServiceFormat.GROUP}": "Run as a group.",
        f"{FORMAT}:{ServiceFormat.ONE_TO_ONE}": "Run one to one.",
        FREE: "Free for everyone.",
        f"{ROUTE}:{ReferralRoute.REFERRAL}": "Takes referrals from link workers and other "
        "professionals.",
        f"{ROUTE}:{ReferralRoute.SIGNPOST}": "Signpost only: people contact the service "
        "themselves.",
        f"{CAPACITY}:{Capacity.ACCEPTING}": "Accepting new people.",
        f"{CAPACITY}:{Capacity.WAITING_LIST}": "New people join a waiting list.",
        f"{CAPACITY}:{Capacity.FULL}": "Full: not taking new people at the moment.",
    }
)

# Every term of the vocabulary and its description.
TERMS: Final[Mapping[str, str]] = MappingProxyType(
    {
        **{f"{CATEGORY}:{slug}": term.description for slug, term in CATEGORIES.items()},
        **{f"{AUDIENCE}:{slug}": term.description for slug, term in AUDIENCES.items()},
        **_FIXED_TERMS,
    }
)


def attribute_term_id(term: str) -> uuid.UUID:
    """The id of a vocabulary term, the same on every installation."""
    return uuid.uuid5(NAMESPACE, f"attribute-term/{term}")


def attribute_id(service_id: uuid.UUID, term: str) -> uuid.UUID:
    """The id of a derived attribute (one not stored as a row), stable across exports."""
    return uuid.uuid5(NAMESPACE, f"service/{service_id}/attribute/{term}")


# Term id -> term, for the API's `taxonomy_term_id` filter and `/taxonomy_terms/{id}`.
TERMS_BY_ID: Final[Mapping[uuid.UUID, str]] = MappingProxyType(
    {attribute_term_id(term): term for term in TERMS}
)


def kind_of(term: str) -> str:
    """`delivery` for `delivery:online`: the attribute's `link_type`."""
    return term.split(":", 1)[0]


def stored_attribute_term(attribute: Attribute) -> str | None:
    """The vocabulary term of a stored category or audience attribute, None for others.

    Reads `attribute.taxonomy_term`, so select it with the attribute.
    """
    term = attribute.taxonomy_term
    if not term.code:
        return None
    if term.taxonomy_id == LINKWORK_TAXONOMY_ID:
        text = f"{CATEGORY}:{term.code}"
    elif AUDIENCE_TAXONOMY_ID is not None and term.taxonomy_id == AUDIENCE_TAXONOMY_ID:
        text = f"{AUDIENCE}:{term.code}"
    else:
        return None
    return text if text in TERMS else None


def is_free(service: Service) -> bool:
    """Free for everyone: every cost option costs nothing (and there is at least one)."""
    options = list(service.cost_options.all())
    return bool(options) and all(o.amount is not None and o.amount == 0 for o in options)


def service_attribute_terms(
    service: Service, *, attributes: Iterable[Attribute] | None = None
) -> list[str]:
    """The vocabulary terms that describe the service, in a stable order.

    `attributes` are the service's stored attribute rows with their taxonomy terms; when not
    given they are read. Cost options are read through `service.cost_options`, so prefetch
    them when describing many services.
    """
    if attributes is None:
        attributes = Attribute.objects.linked_to(Entity.SERVICE, [service.pk]).select_related(
            "taxonomy_term"
        )
    stored = {stored_attribute_term(a) for a in attributes} - {None}
    terms = sorted(t for t in stored if t is not None and kind_of(t) == CATEGORY)
    terms += sorted(t for t in stored if t is not None and kind_of(t) == AUDIENCE)
    terms += [f"{DELIVERY}:{mode}" for mode in service.delivery_modes]
    if service.format in (ServiceFormat.GROUP, ServiceFormat.BOTH):
        terms.append(f"{FORMAT}:{ServiceFormat.GROUP}")
    if service.format in (ServiceFormat.ONE_TO_ONE, ServiceFormat.BOTH):
        terms.append(f"{FORMAT}:{ServiceFormat.ONE_TO_ONE}")
    if is_free(service):
        terms.append(FREE)
    # Only what a feed or a person stated: a fact not stated is left out, never defaulted.
    if service.referral_route:
        terms.append(f"{ROUTE}:{service.referral_route}")
    if service.capacity:
        terms.append(f"{CAPACITY}:{service.capacity}")
    return terms


@dataclass
class AppliedTerms:
    """What `apply_attribute_terms` could not set on the service itself."""

    # Unsaved category and audience attribute rows for the service, for the caller to save.
    attributes: list[Attribute] = field(default_factory=list)
    # Whether `cost:free` was given: the caller decides whether to record a free cost option.
    free: bool = False
    # Terms outside the vocabulary, and kinds given contradictory values, for the import report.
    unknown: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def _single(kind: str, values: set[str], result: AppliedTerms) -> str | None:
    if len(values) > 1:
        given = ", ".join(f"{kind}:{v}" for v in sorted(values))
        result.conflicts.append(f"{kind} has more than one value ({given})")
        return None
    return next(iter(values), None)


def apply_attribute_terms(service: Service, terms: Iterable[str]) -> AppliedTerms:
    """Set the service's social prescribing fields from vocabulary terms read from a feed.

    Does not save. A kind the terms do not mention (no `delivery:` term, say) leaves that field
    as it is; delivery modes, when given, replace the current ones.
    """
    result = AppliedTerms()
    given: dict[str, set[str]] = {}
    for term in dict.fromkeys(t.strip() for t in terms):
        if term not in TERMS:
            result.unknown.append(term)
            continue
        kind, value = term.split(":", 1)
        given.setdefault(kind, set()).add(value)

    for kind, taxonomy_name, link_type in (
        (CATEGORY, TAXONOMY_NAME, LinkType.CATEGORY),
        (AUDIENCE, AUDIENCE_TAXONOMY_NAME, LinkType.AUDIENCE),
    ):
        result.attributes += [
            Attribute(
                link_id=service.pk,
                link_entity=Entity.SERVICE,
                link_type=link_type,
                taxonomy_term_id=term_id(taxonomy_name, slug),
            )
            for slug in sorted(given.get(kind, ()))
        ]
    if DELIVERY in given:
        modes = given[DELIVERY]
        service.delivers_in_person = DeliveryMode.IN_PERSON in modes
        service.delivers_online = DeliveryMode.ONLINE in modes
        service.delivers_by_phone = DeliveryMode.PHONE in modes
    if FORMAT in given:
        formats = given[FORMAT]
        service.format = (
            ServiceFormat.BOTH
            if len(formats) > 1
            else ServiceFormat.GROUP
            if ServiceFormat.GROUP in formats
            else ServiceFormat.ONE_TO_ONE
        )
    result.free = COST in given
    route = _single(ROUTE, given.get(ROUTE, set()), result)
    if route is not None:
        service.referral_route = route
    capacity = _single(CAPACITY, given.get(CAPACITY, set()), result)
    if capacity is not None:
        service.capacity = capacity
    return result


def service_term_condition(term: str, prefix: str = "") -> Q:
    """The services (or, with `prefix` "service__", services at locations) a term describes."""
    kind, value = term.split(":", 1)
    if kind in (CATEGORY, AUDIENCE):
        taxonomy_name = TAXONOMY_NAME if kind == CATEGORY else AUDIENCE_TAXONOMY_NAME
        linked = Attribute.objects.filter(
            link_entity=Entity.SERVICE, taxonomy_term_id=term_id(taxonomy_name, value)
        ).values("link_id")
        return Q(**{f"{prefix}id__in": linked})
    if kind == DELIVERY:
        return Q(**{f"{prefix}{DELIVERY_MODE_FIELDS[value]}": True})
    if kind == FORMAT:
        return Q(**{f"{prefix}format__in": [value, ServiceFormat.BOTH]})
    if kind == COST:
        priced = CostOption.objects.exclude(amount=0).values("service_id")
        return Q(**{f"{prefix}id__in": CostOption.objects.values("service_id")}) & ~Q(
            **{f"{prefix}id__in": priced}
        )
    if kind == ROUTE:
        return Q(**{f"{prefix}referral_route": value})
    return Q(**{f"{prefix}capacity": value})
