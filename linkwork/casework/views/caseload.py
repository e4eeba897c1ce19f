"""Being written: each view is replaced by its real one in this change."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from linkwork.core.scoping import get_case_or_404


def caseload(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404


def capacity(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404


def assign(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404
