"""RFC 9457 problem documents: every error this API answers is one.

`install` replaces Django Ninja's default error handlers on one API instance only, so other
APIs in the project keep their own. Validation errors name each field at fault by its path in
the request body (`person.date_of_birth`, `referral.needs[0]`) with what to do about it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from linkwork.accounts import gate
from linkwork.core.lifecycle import InvalidTransition
from linkwork.core.views import too_large_detail

logger = logging.getLogger(__name__)

MEDIA_TYPE: Final = "application/problem+json"
# Problem types with their own meaning; plain HTTP errors are "about:blank". The URIs are
# relative to this API and each serves a description of its problem type.
TYPES_PATH: Final = "/api/v1/problems/"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    title: str
    status: int
    description: str

    @property
    def uri(self) -> str:
        return TYPES_PATH + self.slug


VALIDATION = ProblemType(
    "validation-error",
    "Your request is not valid",
    422,
    "One or more fields are missing or wrong. `errors` lists each one as `field` (its path "
    "in the request body, such as `person.date_of_birth` or `referral.needs[0]`) and "
    "`message` (what to change). Nothing was saved.",
)
IDEMPOTENCY_KEY_REUSED = ProblemType(
    "idempotency-key-reused",
    "Idempotency-Key reused with a different request",
    422,
    "This organisation already sent a different request with the same Idempotency-Key. "
    "Use a new key for each new request, and the same key only to retry the same request "
    "byte for byte. Nothing was saved.",
)
INVALID_TRANSITION = ProblemType(
    "invalid-transition",
    "This status change is not allowed",
    409,
    "The referral's lifecycle does not allow this change from its current status; "
    "`detail` says which changes it allows. Nothing was saved.",
)
TYPES: Final = {
    kind.slug: kind for kind in (VALIDATION, IDEMPOTENCY_KEY_REUSED, INVALID_TRANSITION)
}

JSON = dict[str, Any]


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class InvalidRequest(Exception):
    """Input that has the right shape but cannot be used, such as an unknown scheme."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in errors))
        self.errors = list(errors)

    @classmethod
    def of(cls, field: str, message: str) -> InvalidRequest:
        return cls([FieldError(field, message)])

    @classmethod
    def from_django(cls, error: DjangoValidationError, prefix: str) -> InvalidRequest:
        """A model's `full_clean` errors, with each field named by its path under `prefix`."""
        found: list[FieldError] = []
        for name, messages in error.message_dict.items():
            field = prefix if name == "__all__" else f"{prefix}.{name}"
            found.extend(FieldError(field, message) for message in messages)
        return cls(found)


class IdempotencyKeyReused(Exception):
    pass


def problem(
    request: HttpRequest,
    status: int,
    detail: str,
    *,
    kind: ProblemType | None = None,
    errors: Iterable[FieldError] = (),
) -> HttpResponse:
    body: JSON = {
        "type": kind.uri if kind else "about:blank",
        "title": kind.title if kind else HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    listed = [{"field": error.field, "message": error.message} for error in errors]
    if listed:
        body["errors"] = listed
    return HttpResponse(json.dumps(body), status=status, content_type=MEDIA_TYPE)


def invalid(request: HttpRequest, errors: Sequence[FieldError]) -> HttpResponse:
    fields = list(dict.fromkeys(error.field for error in errors))
    noun = "this field" if len(fields) == 1 else f"these {len(fields)} fields"
    return problem(
        request,
        422,
        f"Check {noun}: {', '.join(fields)}.",
        kind=VALIDATION,
        errors=errors,
    )


# Ninja's validation errors ------------------------------------------------------------------

# Where a parameter comes from, as Ninja names it in an error's location. Body fields are named
# by their path inside the body; headers and path parameters by their own names.
_SOURCES: Final = {"body", "header", "path", "query", "cookie", "form", "file"}


def field_path(location: Sequence[Any]) -> str:
    """`("body", "payload", "referral", "needs", 0)` as `referral.needs[0]`."""
    parts = list(location)
    if parts and parts[0] == "body":
        parts = parts[2:]
    elif parts and parts[0] in _SOURCES:
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def message_for(error: JSON) -> str:
    """A message for people, in place of pydantic's messages for programmers."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return "This field is required."
    if kind == "extra_forbidden":
        return "This field is not part of the API: check its name and where it goes."
    if kind.startswith("date_") or kind == "date_type":
        return "Enter a real date as YYYY-MM-DD, like 1960-05-17."
    if kind == "enum":
        return f"Choose one of {context.get('expected', 'the listed values')}."
    if kind in {"bool_parsing", "bool_type"}:
        return "Enter true or false."
    if kind == "string_type":
        return "Enter text, as a JSON string."
    if kind == "string_too_long":
        return f"Enter at most {context.get('max_length')} characters."
    if kind == "string_too_short":
        return "This field must not be empty."
    if kind == "too_short":
        least = context.get("min_length")
        return f"Give at least {least} {'item' if least == 1 else 'items'}."
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "Send a JSON object here."
    if kind == "list_type":
        return "Send a JSON array here."
    return str(error.get("msg", "This value is not valid."))


def _from_ninja(exc: ValidationError) -> list[FieldError]:
    found = []
    for error in exc.errors:
        field = field_path(error.get("loc", ()))
        if field == "body" and error.get("type") == "missing":
            found.append(FieldError(field, "Send the request as a JSON object in the body."))
        else:
            found.append(FieldError(field, message_for(error)))
    return found


# Handlers ------------------------------------------------------------------------------------


def install(api: NinjaAPI) -> None:
    """Answer every error of `api` with a problem document."""

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return invalid(request, _from_ninja(exc))

    @api.exception_handler(RequestDataTooBig)
    def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem(request, 413, too_large_detail())

    @api.exception_handler(InvalidRequest)
    def _invalid(request: HttpRequest, exc: InvalidRequest) -> HttpResponse:
        return invalid(request, exc.errors)

    @api.exception_handler(IdempotencyKeyReused)
    def _reused(request: HttpRequest, exc: IdempotencyKeyReused) -> HttpResponse:
        return problem(
            request,
            422,
            "This Idempotency-Key was sent before with a different request. Use a new key "
            "for a new request.",
            kind=IDEMPOTENCY_KEY_REUSED,
        )

    @api.exception_handler(InvalidTransition)
    def _transition(request: HttpRequest, exc: InvalidTransition) -> HttpResponse:
        return problem(request, 409, str(exc), kind=INVALID_TRANSITION)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        missing = exc.message == AuthenticationError().message
        # Whether a token was sent, never the token: a mistyped one may be nearly a secret.
        gate.audit_refusal(
            request, status=401, detail={"credentials": "missing" if missing else "not_valid"}
        )
        detail = (
            "Send your organisation's API token as `Authorization: Bearer <token>`."
            if missing
            else exc.message
        )
        response = problem(request, 401, detail)
        response["WWW-Authenticate"] = 'Bearer realm="linkwork"'
        return response

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(request, 403, str(exc) or "Your role may not use this.")

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(request, 404, str(exc) or NOT_FOUND)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):
            return problem(request, 400, "The request body is not valid JSON.")
        return problem(request, exc.status_code, exc.message)

    @api.exception_handler(Exception)
    def _failed(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API request failed: %s %s", request.method, request.path)
        return problem(request, 500, "Something went wrong on our side; it has been logged.")


NOT_FOUND: Final = "Nothing is published at this address. The API is described at /api/v1/docs."


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return problem(request, 404, NOT_FOUND)


def not_allowed(request: HttpRequest, allowed: Iterable[str]) -> HttpResponse:
    methods = ", ".join(sorted(allowed))
    response = problem(request, 405, f"This address takes {methods} only.")
    response["Allow"] = methods
    return response
