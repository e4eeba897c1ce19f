"""Being written: each view is replaced by its real one in this change."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from linkwork.core.scoping import get_case_or_404


def connections(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404


def connect(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404


def connection(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404


def follow_up(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404


def discharge(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404
