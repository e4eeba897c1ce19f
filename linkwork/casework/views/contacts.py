from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.audit import auditor
from linkwork.casework import actions, presenters
from linkwork.casework.forms import ContactForm
from linkwork.casework.models import Contact
from linkwork.casework.safeguarding import safeguarding_concerns
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.scoping import get_case_or_404


@login_required
def contacts(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """The contacts of one episode, newest first, and quick entry of another."""
    referral = get_case_or_404(request, referral_id)
    person = referral.person
    form = ContactForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.record_contact(
            by=request.user,
            referral=referral,
            occurred_at=data["occurred_at"],
            mode=data["mode"],
            duration_minutes=data["duration_minutes"],
            outcome=data["outcome"],
            note=data["note"],
        )
        messages.success(request, "Contact recorded")
        return redirect("casework:contacts", referral.pk)
    auditor.record(
        action="contacts.viewed", request=request, target=referral, scheme_id=referral.scheme_id
    )
    found = list(
        Contact.objects.visible_to(request.user)
        .filter(referral=referral)
        .select_related("recorded_by")
    )
    missed = actions.missed_in_a_row(found)
    return render(
        request,
        "casework/contacts.jinja",
        {
            "page_title": f"Contacts for referral {referral.reference}",
            "referral": referral,
            "person": person,
            "contacts": found,
            "contacts_table": presenters.contacts_table(found),
            "missed": missed,
            "review": missed >= referral.scheme.missed_contacts_before_review
            and referral.status in (Status.ACTIVE, Status.ON_HOLD),
            "safeguarding": safeguarding_concerns(request.user, referral),
            "form": form,
            "form_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )
