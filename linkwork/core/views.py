from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not. Names no personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.jinja", {"page_title": "Accessibility statement"})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.jinja", {"page_title": "Privacy"})


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


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return _error(request, 500)
    except Exception:  # the error page must never fail in turn
        return HttpResponse(FALLBACK_500, status=500)
