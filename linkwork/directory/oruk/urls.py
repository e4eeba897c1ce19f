"""URLs of the Open Referral UK API. Every answer under `/oruk/`, errors included, may be read
by a page on any origin: the feed is public, and there are no cookies to protect."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path

from linkwork.directory.oruk.api import api, not_found, problem

View = Callable[..., HttpResponseBase]


def with_cors(view: View) -> View:
    """Adds `Access-Control-Allow-Origin: *` to every answer, and answers preflights."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response: HttpResponseBase = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 405:
                response = problem(request, 405, "Only GET is allowed: the feed is read-only.")
                response["Allow"] = "GET, OPTIONS"
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "Retry-After"
        return response

    return wrapped


def _cors(entry: URLPattern | URLResolver) -> URLPattern:
    assert isinstance(entry, URLPattern), "the ORUK API has no nested URL resolvers"
    return URLPattern(entry.pattern, with_cors(entry.callback), entry.default_args, entry.name)


app_name = "oruk"
urlpatterns = [
    *(_cors(entry) for entry in api.urls[0]),
    re_path(r"", with_cors(not_found), name="not-found"),
]
