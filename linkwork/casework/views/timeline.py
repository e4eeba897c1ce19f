"""One referral's timeline, for the scheme's link workers and lead, filtered by kind."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.audit import auditor
from linkwork.casework import timeline as events
from linkwork.referrals.scoping import get_case_or_404


@login_required
def timeline(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """Everything that happened in the episode, newest first; `?kind=` narrows it."""
    referral = get_case_or_404(request, referral_id)
    chosen = events.kinds_of(request.GET.getlist("kind"))
    entries = events.timeline(referral, request.user, chosen or None)
    auditor.record(
        action="timeline.viewed",
        request=request,
        target=referral,
        scheme_id=referral.scheme_id,
        detail={"kinds": sorted(chosen)} if chosen else {},
    )
    return render(
        request,
        "casework/timeline.jinja",
        {
            "page_title": f"Timeline for referral {referral.reference}",
            "referral": referral,
            "person": referral.person,
            "entries": entries,
            "kinds": [
                {"value": kind.value, "text": kind.label, "checked": kind in chosen}
                for kind in events.Kind
            ],
            "filtered": bool(chosen),
        },
    )
