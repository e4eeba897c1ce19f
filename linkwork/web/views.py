"""The person page: one person and the referrals of theirs the user may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from linkwork.accounts import gate
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.audit import auditor
from linkwork.people.models import Person
from linkwork.people.nhs_number import format_nhs_number
from linkwork.referrals.models import Referral
from linkwork.referrals.presenters import person_referrals_table


@login_required
def detail(request: AuthenticatedHttpRequest, person_id: str) -> HttpResponse:
    person = gate.get_visible_or_404(request, Person, pk=person_id)
    referrals = (
        Referral.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("scheme", "link_worker")
    )
    auditor.record(action="person.viewed", request=request, target=person)
    return render(
        request,
        "people/detail.jinja",
        {
            "page_title": person.full_name,
            "person": person,
            "nhs_number": format_nhs_number(person.nhs_number),
            "referrals_table": person_referrals_table(referrals),
        },
    )
