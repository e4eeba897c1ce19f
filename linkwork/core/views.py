from __future__ import annotations

import sys
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from linkwork.core import privacy as privacy_parts


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not. Names no personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.jinja", {"page_title": "Accessibility statement"})


def privacy(request: HttpRequest) -> HttpResponse:
    """Who holds a person's information, how long it is kept (the retention rules, from the
    app that keeps them) and the person's rights."""
    return render(
        request, "core/privacy.jinja", {"page_title": "Privacy", **privacy_parts.context()}
    )


def _error(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, f"errors/{status}.jinja", {"page_title": ""}, status=status)


def too_large_detail() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return (
        f"The request is too large: Linkwork accepts at most {limit:,} bytes of form or JSON "
        "data in one request. Send less text, or split it."
    )


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        # Django reads a body over DATA_UPLOAD_MAX_MEMORY_SIZE as a bad request; it is "too
        # large" (413), and the answer says what the limit is.
        if request.path.startswith("/api/"):
            body = {"type": "about:blank", "title": "Content Too Large", "status": 413}
            return JsonResponse(
                {**body, "detail": too_large_detail()},
                status=413,
                content_type="application/problem+json",
            )
        return render(
            request,
            "errors/413.jinja",
            {"page_title": "", "detail": too_large_detail()},
            status=413,
        )
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.jinja", {"page_title": "Your form has expired"}, status=403)


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 404)


FALLBACK_500 = (
    "<!DOCTYPE html><html lang='en'><title>Sorry, there is a problem with the service</title>"
    "<h1>Sorry, there is a problem with the service</h1><p>Try again later.</p></html>"
)


FALLBACK_503: Final = (
    "<!DOCTYPE html><html lang='en'><title>Sorry, the service is unavailable</title>"
    "<h1>Sorry, the service is unavailable</h1><p>Linkwork cannot reach its database just "
    "now. Try again in a minute.</p></html>"
)
# How long a client should wait before asking again while the database is away.
RETRY_AFTER_SECONDS: Final = "30"
# The machine-facing paths, which answer JSON rather than a page.
API_PREFIXES: Final = ("/api/", "/oruk/", "/fhir/")


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this while handling an uncaught exception, from a view or a middleware
    (sessions, sign-in) alike. A database that cannot be reached (stopped, restarting, the
    network down) is not a fault of the service: 503 with `Retry-After`, and the next request
    connects afresh (`CONN_HEALTH_CHECKS`), with no restart."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    try:
        return _error(request, 500)
    except Exception:  # the error page must never fail in turn
        return HttpResponse(FALLBACK_500, status=500)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith(API_PREFIXES):
        response = JsonResponse(
            {
                "type": "about:blank",
                "title": "Service Unavailable",
                "status": 503,
                "detail": "The database cannot be reached just now; try again shortly.",
            },
            status=503,
            content_type="application/problem+json",
        )
    else:
        try:
            # The page asks nothing of the database (no user, no session): it is rendered
            # without the request.
            response = HttpResponse(
                render_to_string("errors/503.jinja", {"page_title": ""}), status=503
            )
        except Exception:  # the error page must never fail in turn
            response = HttpResponse(FALLBACK_503, status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response
