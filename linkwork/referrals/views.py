from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from linkwork.accounts import permissions
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core.scoping import get_visible_or_404
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral
from linkwork.referrals.needs import Need
from linkwork.referrals.routes import Route

PAGE_SIZE = 25


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    if not permissions.may(request.user, Ability.VIEW_REFERRAL):
        raise PermissionDenied
    status = request.GET.get("status", "")
    referrals = Referral.objects.visible_to(request.user).select_related("person", "scheme")
    if status in Status.values:
        referrals = referrals.filter(status=status)
    page = Paginator(referrals.order_by("-received_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    auditor.record(
        action="referral.list_viewed",
        request=request,
        detail={"status": status, "page": page.number},
    )
    return render(
        request,
        "referrals/list.jinja",
        {
            "page_title": "Referrals",
            "page": page,
            "status": status,
            "statuses": Status.choices,
        },
    )


@login_required
def detail(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = get_visible_or_404(request, Referral, pk=referral_id)
    auditor.record(
        action="referral.viewed", request=request, target=referral, scheme_id=referral.scheme_id
    )
    history = referral.history.select_related("changed_by")
    return render(
        request,
        "referrals/detail.jinja",
        {
            "page_title": f"Referral {referral.reference}",
            "referral": referral,
            "route": Route(referral.route).label,
            "needs": [Need(slug).label for slug in referral.needs if slug in Need.values],
            "history": list(history),
        },
    )
