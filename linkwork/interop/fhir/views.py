"""The FHIR API's views: plain Django views that answer `application/fhir+json`, every error
an OperationOutcome (`outcome`). A caller signs in with an organisation's API token (`access`);
every call is audited by what it does."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from linkwork.api.models import ApiToken
from linkwork.audit import auditor
from linkwork.core.views import too_large_detail
from linkwork.interop.fhir import access, inbound, patch, retries, tasks
from linkwork.interop.fhir.capability import capability_statement
from linkwork.interop.fhir.emit import instant
from linkwork.interop.fhir.outcome import FhirError, Issue, error_response, fhir_response

logger = logging.getLogger(__name__)

Handler = Callable[..., HttpResponse]


def fhir_view(*methods: str, public: bool = False) -> Callable[[Handler], Handler]:
    """A view taking `methods`, behind an API token unless `public`, whose every failure is an
    OperationOutcome: never Django's HTML pages, never a 500 for bad input."""

    def decorate(handler: Handler) -> Handler:
        @csrf_exempt
        @wraps(handler)
        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    response = error_response(
                        FhirError.of(
                            405, "not-supported", f"This address takes {', '.join(methods)} only."
                        )
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                if public:
                    return handler(request, *args, **kwargs)
                return handler(request, access.caller(request), *args, **kwargs)
            except FhirError as error:
                response = error_response(error)
                if error.status == 401:
                    response["WWW-Authenticate"] = 'Bearer realm="linkwork"'
                return response
            except PermissionDenied as error:
                return error_response(FhirError.of(403, "forbidden", str(error) or "Not allowed."))
            except Http404 as error:
                return error_response(FhirError.of(404, "not-found", str(error) or NOT_FOUND))
            except RequestDataTooBig:
                return error_response(FhirError.of(413, "too-costly", too_large_detail()))
            except Exception:
                logger.exception("FHIR request failed: %s %s", request.method, request.path)
                return error_response(
                    FhirError.of(
                        500, "exception", "Something went wrong on our side; it has been logged."
                    )
                )

        return view

    return decorate


NOT_FOUND = "Nothing is published at this address: see /fhir/metadata for what is."


def json_body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise FhirError.of(400, "invalid", "The request body is not valid JSON.") from None


def with_version(body: dict[str, Any], status: int = 200, **headers: str) -> HttpResponse:
    meta = body.get("meta", {})
    if "versionId" in meta:
        headers["ETag"] = f'W/"{meta["versionId"]}"'
    if "lastUpdated" in meta:
        headers["Last-Modified"] = meta["lastUpdated"]
    return fhir_response(body, status, **headers)


@fhir_view("GET", public=True)
def metadata(request: HttpRequest) -> HttpResponse:
    """What the server supports; public, like any FHIR server's, and holds no personal data."""
    base = request.build_absolute_uri("/fhir/")
    return fhir_response(capability_statement(base, instant(timezone.now())))


@fhir_view("POST")
def transaction(request: HttpRequest, token: ApiToken) -> HttpResponse:
    """A referral sent as a transaction Bundle; sent again, the first answer (`retries`)."""
    body = json_body(request)
    answer, replayed = retries.once(
        request, token, body, lambda: inbound.receive(request, token, body)
    )
    if not replayed:
        return fhir_response(answer)
    task: dict[str, Any] = next(
        (entry["resource"] for entry in answer.get("entry", []) if "resource" in entry), {}
    )
    auditor.record(
        action="fhir.transaction_replayed",
        request=request,
        object_type="referrals.referral",
        object_id=str(task.get("id", "")),
        detail=access.about(token),
    )
    return fhir_response(answer, Idempotent_Replayed="true")


@fhir_view("GET")
def task_search(request: HttpRequest, token: ApiToken) -> HttpResponse:
    return fhir_response(tasks.search_bundle(request, token))


@fhir_view("GET", "PUT", "PATCH")
def task(request: HttpRequest, token: ApiToken, id: str) -> HttpResponse:
    record = access.find(request, token, id)
    if request.method == "GET":
        auditor.record(
            action="fhir.task_read",
            request=request,
            target=record,
            scheme_id=_scheme_of(record),
            detail=access.about(token),
        )
        return with_version(tasks.task_of(record))
    if request.method == "PUT":
        proposed = tasks.proposed_task(json_body(request), id)
    else:
        content_type = request.content_type or ""
        if content_type != "application/json-patch+json":
            raise FhirError(
                415,
                Issue(
                    "not-supported",
                    "PATCH takes a JSON Patch: Content-Type application/json-patch+json.",
                ),
            )
        proposed = tasks.proposed_task(patch.apply(tasks.task_of(record), json_body(request)), id)
    return with_version(tasks.update(request, token, record, proposed))


@fhir_view("GET")
def service_request(request: HttpRequest, token: ApiToken, id: str) -> HttpResponse:
    record = access.find(request, token, id)
    auditor.record(
        action="fhir.service_request_read",
        request=request,
        target=record,
        scheme_id=_scheme_of(record),
        detail=access.about(token),
    )
    return with_version(tasks.service_request_of(record))


def _scheme_of(record: Any) -> int:
    referral = getattr(record, "referral", record)
    return int(referral.scheme_id)


@fhir_view("GET", "POST", "PUT", "PATCH", "DELETE", public=True)
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise FhirError.of(404, "not-found", NOT_FOUND)
