from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import LazyObject, empty

from linkwork.accounts import permissions
from linkwork.accounts.views import NEXT_SESSION_KEY

# Pages a signed-in user may reach before the second factor: signing in and out, resetting a
# forgotten password, and assets. The account pages for admins and scheme leads are not among
# them.
EXEMPT_PREFIXES = (
    "/account/login/",
    "/account/two-factor/",
    "/account/logout/",
    "/account/password-reset/",
    "/static/",
    "/healthz",
    "/refer/",
    # GOV.UK Notify's callbacks: server to server, a bearer token and no session.
    "/callbacks/",
)


class TwoFactorRequiredMiddleware:
    """Users whose roles can see personal data must pass two-factor before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Looked up here in any case: the rest of the request reads the user itself rather
        # than through two lazy proxies (Django's, then django-otp's), a few hundred reads a page.
        user = request.user = unwrapped(request.user)
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and permissions.needs_two_factor(user)
            and not permissions.passed_two_factor(user)
        ):
            if request.method == "GET":
                request.session[NEXT_SESSION_KEY] = request.get_full_path()
            return redirect("accounts:two_factor")
        return self.get_response(request)


def unwrapped(user: Any) -> Any:
    """The user behind `request.user`'s lazy proxies, looked up if it has not been yet."""
    while isinstance(user, LazyObject):
        proxy: Any = user  # the type stubs leave out the proxy's own attributes
        if proxy._wrapped is empty:
            proxy._setup()
        user = proxy._wrapped
    return user
