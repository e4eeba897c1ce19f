"""The prescription panel on the referral page, for the case's link worker and scheme leads."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.permissions import Ability
from linkwork.prescription.models import PrescriptionLink
from linkwork.referrals.models import Referral


def referral_page_panel(request: HttpRequest, referral: Referral) -> str | None:
    """The latest link's state, and the way to the prescription page (`referrals.panels`)."""
    if not permissions.may(request.user, Ability.DO_CASEWORK, referral):
        return None
    latest = (
        PrescriptionLink.objects.visible_to(request.user)
        .filter(referral_id=referral.pk)
        .order_by("-created_at")
        .first()
    )
    return render_to_string(
        "prescription/_panel.jinja",
        {
            "referral": referral,
            "state": latest.state(timezone.now()).label if latest else "",
        },
    )
