"""Being written: each view is replaced by its real one in this change."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from linkwork.core.scoping import get_case_or_404


def notes(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404


def plan(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404


def plan_letter(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404


def goal(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404


def plan_action(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if "referral_id" in kwargs:
        get_case_or_404(request, kwargs["referral_id"])
    raise Http404
