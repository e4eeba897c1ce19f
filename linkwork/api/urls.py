"""URLs of the API at `/api/v1/`. Answers Django would give as HTML pages (a wrong method, an
address that does not exist) are problem documents here too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt

from linkwork.api import problems
from linkwork.api.api import NAMESPACE, api

View = Callable[..., HttpResponseBase]


def with_problems(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = [method.strip() for method in response["Allow"].split(",")]
            return problems.not_allowed(request, allowed)
        return response

    return wrapped


def _entry(entry: URLPattern | URLResolver) -> URLPattern:
    assert isinstance(entry, URLPattern), "the API has no nested URL resolvers"
    # Ninja's view at the API's root only raises Http404 for Django's HTML page; it stays
    # for its name, which Ninja reverses to find where the API lives.
    callback = problems.not_found if entry.name == "api-root" else with_problems(entry.callback)
    return URLPattern(entry.pattern, callback, entry.default_args, entry.name)


# An address that does not exist is 404 whatever the method: a POST to a malformed id (such
# as /referrals/not-a-uuid/withdraw) must not meet the CSRF check of pages, which answers 403.
# The view writes nothing.
not_found = csrf_exempt(problems.not_found)

app_name = NAMESPACE
urlpatterns = [
    *(_entry(entry) for entry in api.urls[0]),
    re_path(r"", not_found, name="not-found"),
]
