"""The public Open Referral UK 3.0 API at `/oruk/`: read-only, no login, open to any origin.

Handlers parse the query, filter, page and serialise; nothing here writes. Errors are RFC 9457
problem documents naming the parameter at fault. Requests are throttled per client address
(`LINKWORK_ORUK_RATE`), counted in the cache.
"""

from __future__ import annotations

import json
import logging
import math
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, Final, Generic, Literal, TypeVar

import orjson
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, InterfaceError, OperationalError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import BaseRenderer
from ninja.throttling import AnonRateThrottle
from pydantic import Field, field_validator

from linkwork.core.postcodes import is_valid_postcode
from linkwork.core.views import RETRY_AFTER_SECONDS
from linkwork.directory.fulltext import RankedPages
from linkwork.directory.geography import GeocoderUnavailable, get_geocoder
from linkwork.directory.models import Organization, Service, ServiceAtLocation, Taxonomy
from linkwork.directory.oruk import serialize
from linkwork.directory.oruk.attributes import TERMS, TERMS_BY_ID
from linkwork.directory.oruk.queries import (
    ServiceFilters,
    by_distance,
    search_condition,
    taxonomy_term_condition,
    within,
)
from linkwork.directory.oruk.serialize import PROFILE_URL, VERSION

logger = logging.getLogger(__name__)

SCHEMA_URL: Final = "https://openreferraluk.org/specifications/3.0/schema/"
DEFAULT_PER_PAGE: Final = 50
# Far past any directory's last page, and small enough that the offset fits any database.
MAX_PAGE: Final = 1_000_000
MAX_PER_PAGE: Final = 1000
# Rows read and written at a time when a list is streamed as NDJSON.
STREAM_BATCH: Final = 500
JSON = dict[str, Any]
Row = TypeVar("Row")


class ClientThrottle(AnonRateThrottle):
    """Requests per client address at the `LINKWORK_ORUK_RATE` setting, read per request so
    a changed setting applies without a restart. The address is the connecting one unless
    `TRUSTED_PROXY_COUNT` says how many proxies to look through."""

    scope = "oruk"

    def __init__(self) -> None:
        super().__init__(settings.LINKWORK_ORUK_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.LINKWORK_ORUK_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class QueryParser(Parser):
    """An empty query parameter (`?search=&page=`) counts as not given, as forms send them."""

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        return {key: value for key, value in parsed.items() if value not in ("", [])}


class FastJSONRenderer(BaseRenderer):
    """JSON with orjson: a page of services encodes in a tenth of the time of the standard
    library, a large part of an API request once the database has answered."""

    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=DjangoJSONEncoder().default)


api = NinjaAPI(
    title="Linkwork Open Referral UK API",
    version=VERSION,
    description="The community directory as Open Referral UK 3.0 (HSDS 3.0 UK profile). "
    "Public and read-only. Filters combine with AND. Social prescribing details (delivery "
    "modes, format, cost, referral route, capacity, categories, audiences) are service "
    "attributes whose taxonomy term has taxonomy 'linkwork' and a name such as "
    "'delivery:online'.",
    urls_namespace="oruk",
    docs_url=None,
    throttle=[ClientThrottle()],
    parser=QueryParser(),
    renderer=FastJSONRenderer(),
)


# Problems (RFC 9457) -----------------------------------------------------------------------


class BadParameter(Exception):
    """A query parameter that parsed but cannot be used; the message is for the caller."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(detail)
        self.name = name
        self.detail = detail


def problem(
    request: HttpRequest, status: int, detail: str, errors: Sequence[JSON] = ()
) -> HttpResponse:
    """An RFC 9457 problem document. `instance` is the path only: a query may hold a postcode."""
    body: JSON = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = list(errors)
    return HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")


def _bad_parameters(request: HttpRequest, errors: list[JSON]) -> HttpResponse:
    names = list(dict.fromkeys(e["parameter"] for e in errors))
    noun = "parameter" if len(names) == 1 else "parameters"
    return problem(request, 400, f"Check the {noun} {', '.join(names)}.", errors)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())][1:]
        errors.append(
            {"parameter": ".".join(location) or "query", "detail": str(error.get("msg", ""))}
        )
    return _bad_parameters(request, errors)


@api.exception_handler(BadParameter)
def _unusable(request: HttpRequest, exc: BadParameter) -> HttpResponse:
    return _bad_parameters(request, [{"parameter": exc.name, "detail": exc.detail}])


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, str(exc) or "Nothing is published at this address.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, exc.message)


@api.exception_handler(GeocoderUnavailable)
def _geocoder_down(request: HttpRequest, exc: GeocoderUnavailable) -> HttpResponse:
    return problem(request, 503, "Postcodes cannot be looked up just now; try again later.")


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_away(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    # Not a fault of the service: the database is stopped or restarting.
    response = problem(request, 503, "The database cannot be reached just now; try again shortly.")
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


@api.exception_handler(Exception)
def _failed(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("ORUK API request failed: %s", request.path)
    return problem(request, 500, "Something went wrong on our side; it has been logged.")


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other address under `/oruk/`: a problem document, not the HTML page."""
    return problem(request, 404, "Nothing is published at this address.")


# Query parameters --------------------------------------------------------------------------


class PageQuery(Schema):
    """What every list takes."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    per_page: int = Field(
        DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Records per page, 1 to 1000."
    )
    format: Literal["json", "ndjson"] = Field(
        "json",
        description="`json` (a page), or `ndjson`: every matching record, one per line, "
        "without pages.",
    )
    search: str | None = Field(
        None,
        max_length=200,
        description="Words that must all appear in the name or the description, in any case.",
    )

    @field_validator("search")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        # PostgreSQL refuses text with NUL in it; refuse it here, as a bad parameter.
        if value is not None and "\x00" in value:
            raise ValueError("Search text cannot contain a NUL character.")
        return value


class ServiceFilterQuery(PageQuery):
    search: str | None = Field(
        None,
        max_length=200,
        description="Words to search for in the service's name, description and organisation "
        "name, with English stemming and synonyms (lonely also finds loneliness); results are "
        "ordered by relevance unless a postcode orders them by distance.",
    )
    taxonomy_term_id: uuid.UUID | None = Field(
        None, description="Only services with an attribute of this taxonomy term."
    )
    taxonomy_id: uuid.UUID | None = Field(
        None, description="Only services with an attribute of any term of this taxonomy."
    )
    organization_id: uuid.UUID | None = Field(
        None, description="Only services of this organization."
    )
    modified_after: datetime | None = Field(
        None,
        description="Only services modified at or after this ISO 8601 date-time (UTC if no "
        "offset is given).",
    )
    full: bool = Field(False, description="Nest every related record.")

    @field_validator("modified_after")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def filters(self) -> ServiceFilters:
        return ServiceFilters(
            search=self.search,
            taxonomy_term_id=self.taxonomy_term_id,
            taxonomy_id=self.taxonomy_id,
            organization_id=self.organization_id,
            modified_after=self.modified_after,
        )


class ServiceQuery(ServiceFilterQuery):
    minimal: bool = Field(False, description="Only id, name, status and last_modified.")


class ServiceAtLocationQuery(ServiceFilterQuery):
    postcode: str | None = Field(
        None,
        max_length=16,
        description="A UK postcode: results are ordered by distance from its centre.",
    )
    proximity: float | None = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="Metres from the postcode's centre; only locations that close.",
    )


class OrganizationQuery(PageQuery):
    full: bool = Field(False, description="Nest identifiers, phones and services.")
    full_service: bool = Field(False, description="Nest services in full (implies full).")


class OrganizationDetailQuery(Schema):
    full_service: bool = Field(False, description="Nest services in full.")


class TaxonomyTermQuery(PageQuery):
    taxonomy_id: uuid.UUID | None = Field(None, description="Only terms of this taxonomy.")
    parent_id: uuid.UUID | None = Field(None, description="Only children of this term.")
    top_only: bool = Field(False, description="Only terms without a parent.")


# Paging ------------------------------------------------------------------------------------


class Source(Generic[Row]):
    """What a list is paged from: counted, sliced, or read whole in batches."""

    def count(self) -> int:
        raise NotImplementedError

    def slice(self, start: int, stop: int) -> list[Row]:
        raise NotImplementedError

    def batches(self, size: int) -> Iterator[list[Row]]:
        for start in range(0, self.count(), size):
            yield self.slice(start, start + size)


class Rows(Source[Row]):
    """A queryset, optionally followed by a fixed list (the vocabulary terms)."""

    def __init__(self, records: QuerySet[Any], extra: Sequence[Row] = ()) -> None:
        self.records = records
        self.extra = list(extra)

    def count(self) -> int:
        return self.records.count() + len(self.extra)

    def slice(self, start: int, stop: int) -> list[Row]:
        rows: list[Row] = list(self.records[start:stop])
        if len(rows) < stop - start and self.extra:
            stored = start + len(rows) if rows else self.records.count()
            rows += self.extra[max(0, start - stored) : max(0, stop - stored)]
        return rows

    def batches(self, size: int) -> Iterator[list[Row]]:
        batch: list[Row] = []
        for row in self._all(size):
            batch.append(row)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _all(self, size: int) -> Iterator[Row]:
        yield from self.records.iterator(chunk_size=size)
        yield from self.extra


class Relevant(Source[Row]):
    """Records ranked by search relevance, a page at a time (`fulltext.RankedPages`)."""

    def __init__(self, records: QuerySet[Any]) -> None:
        self.pages = RankedPages(records)

    def count(self) -> int:
        return self.pages.count()

    def slice(self, start: int, stop: int) -> list[Row]:
        return self.pages[start:stop]


class Ranked(Source[Row]):
    """Records in the order of a list of their ids, read a page at a time."""

    def __init__(self, records: QuerySet[Any], ids: Sequence[uuid.UUID]) -> None:
        self.records = records
        self.ids = ids

    def count(self) -> int:
        return len(self.ids)

    def slice(self, start: int, stop: int) -> list[Row]:
        wanted = self.ids[start:stop]
        found = self.records.in_bulk(wanted) if wanted else {}
        return [found[i] for i in wanted if i in found]


def page(
    rows: Source[Any],
    query: PageQuery,
    serializer: Callable[[list[Any]], list[JSON]],
) -> JSON | StreamingHttpResponse:
    """One page in the ORUK envelope, or, for `format=ndjson`, every row streamed."""
    if query.format == "ndjson":
        lines = (
            json.dumps(item) + "\n"
            for batch in rows.batches(STREAM_BATCH)
            for item in serializer(batch)
        )
        return StreamingHttpResponse(lines, content_type="application/x-ndjson")
    start = (query.page - 1) * query.per_page
    found = rows.slice(start, start + query.per_page)
    # A short page tells the total without counting.
    total = start + len(found) if 0 < len(found) < query.per_page else rows.count()
    contents = serializer(found)
    total_pages = max(1, math.ceil(total / query.per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": query.page,
        "size": len(contents),
        "first_page": query.page == 1,
        "last_page": query.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def one(records: QuerySet[Any], record_id: uuid.UUID, noun: str) -> Any:
    try:
        return records.get(pk=record_id)
    except records.model.DoesNotExist:
        raise Http404(f"No {noun} has the id {record_id}.") from None


def _documented(schema: str, summary: str, lines_of: str | None = None) -> JSON:
    """OpenAPI for an operation: the ORUK schema of its answer, and its problems. A list
    (`lines_of` the schema of one record) is also served as NDJSON with `format=ndjson`."""
    problem_json = {"application/problem+json": {"schema": {"type": "object"}}}
    content: JSON = {"application/json": {"schema": {"$ref": SCHEMA_URL + schema}}}
    if lines_of is not None:
        content["application/x-ndjson"] = {
            "schema": {
                "type": "string",
                "description": f"With format=ndjson: one JSON record per line, each a "
                f"{SCHEMA_URL + lines_of}.",
            }
        }
    return {
        "summary": summary,
        "responses": {
            200: {"description": "OK", "content": content},
            400: {"description": "A parameter is not valid.", "content": problem_json},
            404: {"description": "No such record.", "content": problem_json},
            429: {"description": "Too many requests; see Retry-After.", "content": problem_json},
        },
    }


# Endpoints ---------------------------------------------------------------------------------


@api.get(
    "/",
    operation_id="getAPIMetaInformation",
    openapi_extra=_documented("api_details.json", "About this API"),
)
def about(request: HttpRequest) -> JSON:
    return {
        "version": VERSION,
        "profile": PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("oruk:openapi-json")),
    }


@api.get(
    "/services",
    operation_id="getPaginatedListOfServices",
    openapi_extra=_documented("service_list.json", "Services", lines_of="service.json"),
)
def list_services(request: HttpRequest, query: Query[ServiceQuery]) -> Any:
    form: serialize.Form = "minimal" if query.minimal else "full" if query.full else "list"
    records, searched = query.filters().apply(serialize.services_queryset(form))
    if searched:
        source: Source[Service] = Relevant(records.order_by("-relevance", "name", "id"))
    else:
        source = Rows(records.order_by("name", "id"))
    return page(source, query, lambda rows: serialize.serialize_services(rows, form))


@api.get(
    "/services/{id}",
    operation_id="getFullyNestedServiceById",
    openapi_extra=_documented("service.json", "A service, in full"),
)
def get_service(request: HttpRequest, id: uuid.UUID) -> JSON:
    record = one(serialize.services_queryset("full"), id, "service")
    return serialize.serialize_services([record], "full")[0]


@api.get(
    "/service_at_locations",
    operation_id="getPaginatedListOfServiceAtLocation",
    openapi_extra=_documented(
        "service_at_location_list.json",
        "Services at locations",
        lines_of="service_at_location.json",
    ),
)
def list_services_at_locations(request: HttpRequest, query: Query[ServiceAtLocationQuery]) -> Any:
    records, searched = query.filters().apply(
        serialize.services_at_locations_queryset(full=query.full), "service__"
    )
    if query.proximity is not None and not query.postcode:
        raise BadParameter("proximity", "Give a postcode to measure the distance from.")
    if query.postcode:
        if not is_valid_postcode(query.postcode):
            raise BadParameter("postcode", "Enter a full UK postcode, such as LS1 4AP.")
        centre = get_geocoder().locate(query.postcode)
        if centre is None:
            raise BadParameter("postcode", "That postcode is not in the postcode directory.")
        if query.proximity is not None:
            source: Source[ServiceAtLocation] = Ranked(
                records, within(records, centre, query.proximity)
            )
        else:
            source = Rows(by_distance(records, centre))
    else:
        order = ("service__name", "location__name", "id")
        if searched:
            source = Relevant(records.order_by("-relevance", *order))
        else:
            source = Rows(records.order_by(*order))
    return page(
        source,
        query,
        lambda rows: serialize.serialize_services_at_locations(rows, full=query.full),
    )


@api.get(
    "/service_at_locations/{id}",
    operation_id="getServiceAtLocationWithNestedDataById",
    openapi_extra=_documented("service_at_location.json", "A service at a location, in full"),
)
def get_service_at_location(request: HttpRequest, id: uuid.UUID) -> JSON:
    record = one(serialize.services_at_locations_queryset(full=True), id, "service at location")
    return serialize.serialize_services_at_locations([record], full=True)[0]


@api.get(
    "/organizations",
    operation_id="getPaginatedListOfOrganizations",
    openapi_extra=_documented(
        "organization_list.json", "Organizations", lines_of="organization.json"
    ),
)
def list_organizations(request: HttpRequest, query: Query[OrganizationQuery]) -> Any:
    full_service = query.full_service
    full = query.full or full_service
    records = (
        serialize.organizations_queryset(full=full, full_service=full_service)
        .filter(search_condition(query.search, ("name", "description")))
        .order_by("name", "id")
    )
    return page(
        Rows[Organization](records),
        query,
        lambda rows: serialize.serialize_organizations(rows, full=full, full_service=full_service),
    )


@api.get(
    "/organizations/{id}",
    operation_id="getOrganizationById",
    openapi_extra=_documented("organization.json", "An organization, with its services"),
)
def get_organization(
    request: HttpRequest, id: uuid.UUID, query: Query[OrganizationDetailQuery]
) -> JSON:
    records = serialize.organizations_queryset(full=True, full_service=query.full_service)
    record = one(records, id, "organization")
    return serialize.serialize_organizations([record], full=True, full_service=query.full_service)[
        0
    ]


@api.get(
    "/taxonomies",
    operation_id="getPaginatedListOfTaxonomies",
    openapi_extra=_documented("taxonomy_list.json", "Taxonomies", lines_of="taxonomy.json"),
)
def list_taxonomies(request: HttpRequest, query: Query[PageQuery]) -> Any:
    records = (
        serialize.taxonomies_queryset(full=False)
        .filter(search_condition(query.search, ("name", "description")))
        .order_by("name", "id")
    )
    return page(Rows[Taxonomy](records), query, lambda rows: [serialize.taxonomy(t) for t in rows])


@api.get(
    "/taxonomies/{id}",
    operation_id="getTaxonomyById",
    openapi_extra=_documented("taxonomy.json", "A taxonomy, with its terms"),
)
def get_taxonomy(request: HttpRequest, id: uuid.UUID) -> JSON:
    record = one(serialize.taxonomies_queryset(full=True), id, "taxonomy")
    return serialize.taxonomy(record, full=True)


def _vocabulary(query: TaxonomyTermQuery) -> list[str]:
    """The social prescribing terms a term list shows after the stored ones: they belong to
    no stored taxonomy and have no parent."""
    if query.taxonomy_id is not None or query.parent_id is not None:
        return []
    words = [w.casefold() for w in (query.search or "").split()]
    return [
        term
        for term, description in TERMS.items()
        if all(w in term.casefold() or w in description.casefold() for w in words)
    ]


def _term_json(row: Model | str) -> JSON:
    if isinstance(row, str):
        return serialize.attribute_term(row)
    return serialize.taxonomy_term(row)  # type: ignore[arg-type]


@api.get(
    "/taxonomy_terms",
    operation_id="getPaginatedListOfTaxonomyTerms",
    openapi_extra=_documented(
        "taxonomy_term_list.json", "Taxonomy terms", lines_of="taxonomy_term.json"
    ),
)
def list_taxonomy_terms(request: HttpRequest, query: Query[TaxonomyTermQuery]) -> Any:
    condition = taxonomy_term_condition(
        search=query.search,
        taxonomy_id=query.taxonomy_id,
        parent_id=query.parent_id,
        top_only=query.top_only,
    )
    records = (
        serialize.taxonomy_terms_queryset()
        .filter(condition)
        .order_by("taxonomy__name", "name", "id")
    )
    return page(
        Rows[Model | str](records, _vocabulary(query)),
        query,
        lambda rows: [_term_json(r) for r in rows],
    )


@api.get(
    "/taxonomy_terms/{id}",
    operation_id="getTaxonomyTermById",
    openapi_extra=_documented("taxonomy_term.json", "A taxonomy term"),
)
def get_taxonomy_term(request: HttpRequest, id: uuid.UUID) -> JSON:
    term = TERMS_BY_ID.get(id)
    if term is not None:
        return serialize.attribute_term(term)
    return serialize.taxonomy_term(one(serialize.taxonomy_terms_queryset(), id, "taxonomy term"))
