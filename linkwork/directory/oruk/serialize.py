"""Directory records as Open Referral UK 3.0 JSON, for the API and the export.

Each record carries the fields its ORUK 3.0 schema defines, plus the HSDS 3.0 fields of the
same record that the UK profile leaves out but a referral needs (eligibility, application
process, phone numbers, language names). Nothing HSDS does not define is published: social
prescribing's own fields travel as attributes (see `attributes`), and link workers' tips,
funding notes and who assured a listing stay private. Ids are strings; an optional field
without a value is left out, never null or empty text. Required text the data lacks (an
organisation without a description) is sent as it is stored, because inventing text would be
worse.

List forms are flat (one-to-one fields, plus the organisation, or the location and service);
full forms nest every array. A page of records is read in a fixed number of queries: the
querysets here prefetch what the serialisers walk, and `Related` reads the attributes of a
whole page at once (they link by table name and id, not by foreign key).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Final, Literal

from django.db.models import Prefetch, Q, QuerySet

from linkwork.core import links
from linkwork.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Entity,
    Funding,
    Language,
    Location,
    Organization,
    OrganizationIdentifier,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from linkwork.directory.oruk.attributes import (
    ATTRIBUTE_TAXONOMY,
    TERMS,
    attribute_id,
    attribute_term_id,
    kind_of,
    service_attribute_terms,
    stored_attribute_term,
)
from linkwork.directory.text import plain_text

JSON = dict[str, Any]
Form = Literal["minimal", "list", "full"]

# What the API's root document and the export's index declare.
VERSION: Final = "HSDS-UK-3.0"
PROFILE_URL: Final = "https://openreferraluk.org/specifications/3.0/openapi.json"


def timestamp(value: datetime) -> str:
    """UTC with millisecond accuracy, as ORUK asks for `last_modified`."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# Values JSON takes as they are; checked by exact type first, as most values are these.
_AS_IS: Final = frozenset({str, int, float, bool, list, dict})


def _record(fields: Mapping[str, Any], required: Collection[str] = ("id",)) -> JSON:
    """The fields in order, leaving out optional ones that are None or empty text."""
    out: JSON = {}
    for key, value in fields.items():
        if (value is None or value == "") and key not in required:
            continue
        out[key] = value if type(value) in _AS_IS else _plain(value)
    return out


@dataclass
class Related:
    """The attribute rows of a page of records, keyed by (table name, record id)."""

    rows: dict[tuple[str, uuid.UUID], list[Attribute]] = field(default_factory=dict)

    @classmethod
    def load(cls, links: Mapping[str, Iterable[uuid.UUID]]) -> Related:
        """Read, in one query, the attributes of every record named in `links`."""
        condition = Q()
        for entity, ids in links.items():
            wanted = set(ids)
            if wanted:
                condition |= Q(link_entity=entity, link_id__in=wanted)
        rows: dict[tuple[str, uuid.UUID], list[Attribute]] = defaultdict(list)
        if condition:
            found = (
                Attribute.objects.filter(condition)
                .select_related("taxonomy_term__taxonomy")
                .order_by("link_type", "id")
            )
            for row in found:
                rows[(row.link_entity, row.link_id)].append(row)
        return cls(dict(rows))

    def of(self, entity: str, record_id: uuid.UUID) -> list[Attribute]:
        return self.rows.get((entity, record_id), [])


NO_ATTRIBUTES: Final = Related()


# Taxonomies and attributes -------------------------------------------------------------------


def taxonomy_term(term: TaxonomyTerm) -> JSON:
    """A taxonomy term (select its taxonomy with it)."""
    taxonomy = term.taxonomy_detail or (term.taxonomy.name if term.taxonomy else "")
    return _record(
        {
            "id": term.id,
            "name": term.name,
            "description": term.description,
            "code": term.code,
            "parent_id": term.parent_id,
            "taxonomy": taxonomy,
            "taxonomy_id": term.taxonomy_id,
            "language": term.language,
            "term_uri": links.safe_or_empty(term.term_uri),
            "term": term.name,
        },
        required=("id", "name", "description"),
    )


def attribute_term(term: str) -> JSON:
    """A social prescribing vocabulary term, such as `delivery:online`."""
    return {
        "id": str(attribute_term_id(term)),
        "name": term,
        "description": TERMS[term],
        "code": term,
        "taxonomy": ATTRIBUTE_TAXONOMY,
        "term": term,
    }


def taxonomy(record: Taxonomy, *, full: bool = False) -> JSON:
    out = _record(
        {
            "id": record.id,
            "name": record.name,
            "description": record.description,
            "uri": links.safe_or_empty(record.uri),
            "version": record.version,
        },
        required=("id", "name", "description"),
    )
    if full:
        out["taxonomy_terms"] = [taxonomy_term(t) for t in record.taxonomy_terms.all()]
    return out


def attribute(row: Attribute) -> JSON:
    return _record(
        {
            "id": row.id,
            "link_id": row.link_id,
            "link_entity": row.link_entity,
            "link_type": row.link_type,
            "taxonomy_term_id": row.taxonomy_term_id,
            "taxonomy_term": taxonomy_term(row.taxonomy_term),
            "value": row.value,
            "label": row.label,
        }
    )


def service_attributes(record: Service, stored: Sequence[Attribute]) -> list[JSON]:
    """The service's social prescribing terms, then any other attributes it has."""
    linkwork: dict[str, Attribute] = {}
    others: list[JSON] = []
    for row in stored:
        term = stored_attribute_term(row)
        if term is None:
            others.append(attribute(row))
        else:
            linkwork.setdefault(term, row)
    out = []
    for term in service_attribute_terms(record, attributes=stored):
        found = linkwork.get(term)
        out.append(
            _record(
                {
                    "id": found.id if found else attribute_id(record.id, term),
                    "link_id": record.id,
                    "link_entity": Entity.SERVICE.value,
                    "link_type": kind_of(term),
                    "taxonomy_term_id": attribute_term_id(term),
                    "taxonomy_term": attribute_term(term),
                    "value": found.value if found else "",
                    "label": found.label if found else "",
                }
            )
        )
    return out + others


# Organisations ---------------------------------------------------------------------------


def organization(record: Organization) -> JSON:
    """The one-to-one fields of an organisation (its list form)."""
    return _record(
        {
            "id": record.id,
            "name": record.name,
            "alternate_name": record.alternate_name,
            # Published without markup: the listing keeps sanitised HTML for its own pages.
            "description": plain_text(record.description),
            "email": record.email,
            "website": links.safe_or_empty(record.website),
            "tax_status": record.tax_status,
            "tax_id": record.tax_id,
            "year_incorporated": record.year_incorporated,
            "legal_status": record.legal_status,
            "logo": links.safe_or_empty(record.logo),
            "uri": links.safe_or_empty(record.uri),
            "parent_organization_id": record.parent_organization_id,
        },
        required=("id", "name", "description"),
    )


def organization_identifier(record: OrganizationIdentifier) -> JSON:
    return _record(
        {
            "id": record.id,
            "organization_id": record.organization_id,
            "identifier_scheme": record.identifier_scheme,
            "identifier_type": record.identifier_type,
            "identifier": record.identifier,
        },
        required=("id", "identifier_type", "identifier"),
    )


def organization_full(
    record: Organization, related: Related, services: list[JSON] | None = None
) -> JSON:
    out = organization(record)
    out["organization_identifiers"] = [
        organization_identifier(i) for i in record.organization_identifiers.all()
    ]
    out["phones"] = [phone(p) for p in record.phones.all()]
    if services is not None:
        out["services"] = services
    out["attributes"] = [attribute(a) for a in related.of(Entity.ORGANIZATION, record.id)]
    return out


# Locations -------------------------------------------------------------------------------


def location(record: Location) -> JSON:
    """The one-to-one fields of a location (its list form)."""
    return _record(
        {
            "id": record.id,
            "location_type": record.location_type,
            "url": links.safe_or_empty(record.url),
            "organization_id": record.organization_id,
            "name": record.name,
            "alternate_name": record.alternate_name,
            "description": record.description,
            "transportation": record.transportation,
            "latitude": record.latitude,
            "longitude": record.longitude,
            "external_identifier": record.external_identifier,
            "external_identifier_type": record.external_identifier_type,
        },
        required=("id", "location_type"),
    )


def address(record: Address) -> JSON:
    return _record(
        {
            "id": record.id,
            "location_id": record.location_id,
            "attention": record.attention,
            "address_1": record.address_1,
            "address_2": record.address_2,
            "city": record.city,
            "region": record.region,
            "state_province": record.state_province,
            "postal_code": record.postal_code,
            "country": record.country,
            "address_type": record.address_type,
        },
        required=(
            "id",
            "address_1",
            "city",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
    )


def accessibility(record: Accessibility) -> JSON:
    return _record(
        {
            "id": record.id,
            "location_id": record.location_id,
            "description": record.description,
            "details": record.details,
            "url": links.safe_or_empty(record.url),
            # The UK profile's name for the description.
            "accessibility": record.description,
        }
    )


def location_full(record: Location, related: Related) -> JSON:
    out = location(record)
    out["addresses"] = [address(a) for a in record.addresses.all()]
    out["accessibility"] = [accessibility(a) for a in record.accessibility.all()]
    out["attributes"] = [attribute(a) for a in related.of(Entity.LOCATION, record.id)]
    return out


# Services --------------------------------------------------------------------------------


def language(record: Language) -> JSON:
    return _record(
        {
            "id": record.id,
            "service_id": record.service_id,
            "location_id": record.location_id,
            "phone_id": record.phone_id,
            "name": record.name,
            "code": record.code,
            "note": record.note,
        }
    )


def phone(record: Phone) -> JSON:
    return _record(
        {
            "id": record.id,
            "location_id": record.location_id,
            "service_id": record.service_id,
            "organization_id": record.organization_id,
            "contact_id": record.contact_id,
            "service_at_location_id": record.service_at_location_id,
            "number": record.number,
            "extension": record.extension,
            "type": record.type,
            "description": record.description,
            "languages": [language(x) for x in record.languages.all()],
        },
        required=("id", "number"),
    )


def schedule(record: Schedule) -> JSON:
    return _record(
        {
            "id": record.id,
            "service_id": record.service_id,
            "location_id": record.location_id,
            "service_at_location_id": record.service_at_location_id,
            "valid_from": record.valid_from,
            "valid_to": record.valid_to,
            "dtstart": record.dtstart,
            "timezone": record.timezone,
            "until": record.until,
            "count": record.count,
            "wkst": record.wkst,
            "freq": record.freq,
            "interval": record.interval,
            "byday": record.byday,
            "byweekno": record.byweekno,
            "bymonthday": record.bymonthday,
            "byyearday": record.byyearday,
            "description": record.description,
            "opens_at": record.opens_at,
            "closes_at": record.closes_at,
            "schedule_link": links.safe_or_empty(record.schedule_link),
            "attending_type": record.attending_type,
            "notes": record.notes,
        }
    )


def service_area(record: ServiceArea) -> JSON:
    return _record(
        {
            "id": record.id,
            "service_id": record.service_id,
            "name": record.name,
            "description": record.description,
            "extent": record.extent,
            "extent_type": record.extent_type,
            "uri": links.safe_or_empty(record.uri),
            # The UK profile's name for the area, as its examples fill it.
            "service_area": record.name,
        }
    )


def funding(record: Funding) -> JSON:
    return _record(
        {
            "id": record.id,
            "organization_id": record.organization_id,
            "service_id": record.service_id,
            "source": record.source,
        }
    )


def cost_option(record: CostOption) -> JSON:
    return _record(
        {
            "id": record.id,
            "service_id": record.service_id,
            "valid_from": record.valid_from,
            "valid_to": record.valid_to,
            "option": record.option,
            "currency": record.currency,
            "amount": record.amount,
            "amount_description": record.amount_description,
        }
    )


def contact(record: Contact) -> JSON:
    return _record(
        {
            "id": record.id,
            "organization_id": record.organization_id,
            "service_id": record.service_id,
            "service_at_location_id": record.service_at_location_id,
            "location_id": record.location_id,
            "name": record.name,
            "title": record.title,
            "department": record.department,
            "email": record.email,
        }
    )


def service_minimal(record: Service) -> JSON:
    """Just enough to notice a change: id and last modified (name and status are required)."""
    return _record(
        {
            "id": record.id,
            "name": record.name,
            "status": record.status,
            "last_modified": record.last_modified,
        },
        required=("id", "name", "status"),
    )


def service(record: Service, *, with_organization: bool = True) -> JSON:
    """The one-to-one fields of a service (its list form)."""
    out = _record(
        {
            "id": record.id,
            "organization_id": record.organization_id,
            "name": record.name,
            "alternate_name": record.alternate_name,
            # Published without markup: the listing keeps sanitised HTML for its own pages.
            "description": record.description_text,
            "url": links.safe_or_empty(record.url),
            "email": record.email,
            "status": record.status,
            "interpretation_services": record.interpretation_services,
            "application_process": record.application_process,
            "fees_description": record.fees_description,
            # The UK profile still names the fees `fees`.
            "fees": record.fees_description,
            "wait_time": record.wait_time,
            "accreditations": record.accreditations,
            "eligibility_description": record.eligibility_description,
            "minimum_age": record.minimum_age,
            "maximum_age": record.maximum_age,
            "assured_date": record.assured_date,
            "assurer_email": record.assurer_email,
            "licenses": record.licenses,
            "alert": record.alert,
            "last_modified": record.last_modified,
        },
        required=("id", "name", "status"),
    )
    if with_organization:
        out["organization"] = organization(record.organization)
    return out


def service_full(
    record: Service,
    related: Related,
    *,
    with_organization: bool = True,
    with_locations: bool = True,
) -> JSON:
    """A service with every array nested (its `/services/{id}` form)."""
    out = service(record, with_organization=False)
    out["phones"] = [phone(p) for p in record.phones.all()]
    out["schedules"] = [schedule(s) for s in record.schedules.all()]
    out["service_areas"] = [service_area(a) for a in record.service_areas.all()]
    if with_locations:
        out["service_at_locations"] = [
            _service_at_location(sal, related) for sal in record.service_at_locations.all()
        ]
    out["languages"] = [language(x) for x in record.languages.all()]
    if with_organization:
        out["organization"] = organization_full(record.organization, related)
    out["funding"] = [funding(f) for f in record.funding.all()]
    out["cost_options"] = [cost_option(c) for c in record.cost_options.all()]
    out["contacts"] = [contact(c) for c in record.contacts.all()]
    out["attributes"] = service_attributes(record, related.of(Entity.SERVICE, record.id))
    return out


def _service_at_location(record: ServiceAtLocation, related: Related) -> JSON:
    out = _record(
        {
            "id": record.id,
            "service_id": record.service_id,
            "location_id": record.location_id,
            "description": record.description,
        }
    )
    out["location"] = location_full(record.location, related)
    return out


def service_at_location(record: ServiceAtLocation, related: Related, *, full: bool) -> JSON:
    """A service at a location, with its location and service (flat, or full)."""
    out = _record(
        {
            "id": record.id,
            "service_id": record.service_id,
            "location_id": record.location_id,
            "description": record.description,
        }
    )
    if full:
        out["location"] = location_full(record.location, related)
        out["service"] = service_full(record.service, related, with_locations=False)
    else:
        out["location"] = location(record.location)
        out["service"] = service(record.service)
    return out


# Querysets that prefetch what the serialisers walk -------------------------------------------


def _by(model: type[Any], *order: str) -> QuerySet[Any]:
    return model.objects.order_by(*order)


def _location_prefetches(prefix: str) -> list[Prefetch[Any]]:
    return [
        Prefetch(f"{prefix}addresses", queryset=_by(Address, "address_1", "id")),
        Prefetch(f"{prefix}accessibility", queryset=_by(Accessibility, "id")),
    ]


def _organization_prefetches(prefix: str) -> list[Prefetch[Any]]:
    return [
        Prefetch(
            f"{prefix}organization_identifiers",
            queryset=_by(OrganizationIdentifier, "identifier_type", "id"),
        ),
        Prefetch(f"{prefix}phones", queryset=_by(Phone, "id")),
        Prefetch(f"{prefix}phones__languages", queryset=_by(Language, "name", "id")),
    ]


def _service_prefetches(
    prefix: str, *, with_organization: bool = True, with_locations: bool = True
) -> list[Prefetch[Any]]:
    lookups = [
        Prefetch(f"{prefix}phones", queryset=_by(Phone, "id")),
        Prefetch(f"{prefix}phones__languages", queryset=_by(Language, "name", "id")),
        Prefetch(f"{prefix}schedules", queryset=_by(Schedule, "id")),
        Prefetch(f"{prefix}service_areas", queryset=_by(ServiceArea, "name", "id")),
        Prefetch(f"{prefix}languages", queryset=_by(Language, "name", "id")),
        Prefetch(f"{prefix}funding", queryset=_by(Funding, "id")),
        Prefetch(f"{prefix}cost_options", queryset=_by(CostOption, "id")),
        Prefetch(f"{prefix}contacts", queryset=_by(Contact, "id")),
    ]
    if with_locations:
        lookups += [
            Prefetch(
                f"{prefix}service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").order_by(
                    "location__name", "id"
                ),
            ),
            *_location_prefetches(f"{prefix}service_at_locations__location__"),
        ]
    if with_organization:
        lookups += _organization_prefetches(f"{prefix}organization__")
    return lookups


# Never published, so never read: who assured a listing, funding notes, the signed-in
# organisation behind a listing. List forms leave out what only the attributes say, too.
# The listing's HTML description is read as its plain text (`description_text`), and the id a
# feed gave it is the curators' to see.
_PRIVATE: Final = (
    "assurer",
    "funding_note",
    "funded_for_social_prescribing",
    "description",
    "original_id",
)
_ATTRIBUTES_ONLY: Final = (
    "delivers_in_person",
    "delivers_online",
    "delivers_by_phone",
    "referral_route",
    "capacity",
    "format",
)


def _unread(prefix: str, *, full: bool, with_organization: bool = True) -> list[str]:
    fields = [*_PRIVATE, *(() if full else _ATTRIBUTES_ONLY)]
    if with_organization:
        fields.append("organization__account_organisation")
    return [prefix + name for name in fields]


def services_queryset(form: Form) -> QuerySet[Service]:
    """Services ready for `serialize_services` in the given form (unordered, unfiltered)."""
    if form == "minimal":
        return Service.objects.only("id", "name", "status", "last_modified")
    full = form == "full"
    services = Service.objects.select_related("organization").defer(*_unread("", full=full))
    if full:
        services = services.prefetch_related(*_service_prefetches(""))
    return services


def serialize_services(records: Sequence[Service], form: Form) -> list[JSON]:
    if form == "minimal":
        return [service_minimal(s) for s in records]
    if form == "list":
        return [service(s) for s in records]
    related = Related.load(
        {
            Entity.SERVICE: (s.id for s in records),
            Entity.ORGANIZATION: (s.organization_id for s in records),
            Entity.LOCATION: (
                sal.location_id for s in records for sal in s.service_at_locations.all()
            ),
        }
    )
    return [service_full(s, related) for s in records]


def services_at_locations_queryset(*, full: bool) -> QuerySet[ServiceAtLocation]:
    records = ServiceAtLocation.objects.select_related("location", "service__organization").defer(
        *_unread("service__", full=full)
    )
    if full:
        records = records.prefetch_related(
            *_location_prefetches("location__"),
            *_service_prefetches("service__", with_locations=False),
        )
    return records


def serialize_services_at_locations(
    records: Sequence[ServiceAtLocation], *, full: bool
) -> list[JSON]:
    related = NO_ATTRIBUTES
    if full:
        related = Related.load(
            {
                Entity.SERVICE: (r.service_id for r in records),
                Entity.ORGANIZATION: (r.service.organization_id for r in records),
                Entity.LOCATION: (r.location_id for r in records),
            }
        )
    return [service_at_location(r, related, full=full) for r in records]


def organizations_queryset(*, full: bool, full_service: bool) -> QuerySet[Organization]:
    records = Organization.objects.defer("account_organisation")
    if full or full_service:
        services = _by(Service, "name", "id").defer(
            *_unread("", full=full_service, with_organization=False)
        )
        records = records.prefetch_related(
            *_organization_prefetches(""), Prefetch("services", queryset=services)
        )
    if full_service:
        records = records.prefetch_related(
            *_service_prefetches("services__", with_organization=False)
        )
    return records


def serialize_organizations(
    records: Sequence[Organization], *, full: bool, full_service: bool
) -> list[JSON]:
    if not (full or full_service):
        return [organization(o) for o in records]
    services = [s for o in records for s in o.services.all()]
    related = Related.load(
        {
            Entity.ORGANIZATION: (o.id for o in records),
            Entity.SERVICE: (s.id for s in services) if full_service else (),
            Entity.LOCATION: (
                (sal.location_id for s in services for sal in s.service_at_locations.all())
                if full_service
                else ()
            ),
        }
    )
    out = []
    for record in records:
        nested = [
            service_full(s, related, with_organization=False)
            if full_service
            else service(s, with_organization=False)
            for s in record.services.all()
        ]
        out.append(organization_full(record, related, nested))
    return out


def taxonomies_queryset(*, full: bool) -> QuerySet[Taxonomy]:
    records = Taxonomy.objects.all()
    if full:
        records = records.prefetch_related(
            Prefetch("taxonomy_terms", queryset=_by(TaxonomyTerm, "name", "id"))
        )
    return records


def taxonomy_terms_queryset() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy")
