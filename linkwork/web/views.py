"""The person page: one person, their details and the referrals of theirs the user may see;
and the form the scheme's staff use to change those details."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Role, User
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core import concurrency
from linkwork.people import presenters
from linkwork.people.actions import edit_person
from linkwork.people.forms import PersonDetailsForm
from linkwork.people.models import ConsentMethod, Person, Restriction, current_consents
from linkwork.people.nhs_number import format_nhs_number
from linkwork.referrals.models import Referral
from linkwork.referrals.presenters import person_referrals_table


def editable_people(user: User) -> QuerySet[Person]:
    """People the user may edit: those with a referral in a scheme where the user is a link
    worker or the scheme lead."""
    schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    return Person.objects.visible_to(user).filter(
        pk__in=Referral.objects.visible_to(user).filter(scheme_id__in=schemes).values("person_id")
    )


def restriction_for(user: User, person: Person) -> Restriction | None:
    """The restriction of processing one of the user's organisations placed on the person, if
    any. Another organisation's restriction is theirs to know: it is not shown."""
    mine = {grant.organisation_id for grant in permissions.grants(user)}
    return (
        Restriction.objects.active()
        .filter(person=person, organisation_id__in=mine)
        .select_related("organisation")
        .first()
    )


@login_required
def detail(request: AuthenticatedHttpRequest, person_id: str) -> HttpResponse:
    person = gate.get_visible_or_404(
        request, Person.objects.visible_to(request.user).select_related("gp_practice"), pk=person_id
    )
    referrals = (
        Referral.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("scheme", "link_worker")
    )
    schemes = permissions.scheme_ids(request.user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    may_edit = any(referral.scheme_id in schemes for referral in referrals)
    auditor.record(action="person.viewed", request=request, target=person)
    return render(
        request,
        "people/detail.jinja",
        {
            "page_title": person.full_name,
            "person": person,
            "restriction": restriction_for(request.user, person),
            "identity_rows": presenters.identity_rows(person, format_nhs_number(person.nhs_number)),
            "contact_rows": presenters.contact_rows(person),
            "consent_rows": presenters.consent_rows(current_consents(person)),
            "referrals_table": person_referrals_table(referrals),
            "may_edit": may_edit,
            "changes_table": presenters.changes_table(
                person.changes.select_related("changed_by")[:20]
            )
            if may_edit
            else None,
        },
    )


@login_required
def edit(request: AuthenticatedHttpRequest, person_id: str) -> HttpResponse:
    """Change the person's contact details, access needs and consent decisions."""
    gate.require(request, Ability.DO_CASEWORK)
    person = gate.get_visible_or_404(request, editable_people(request.user), pk=person_id)
    form = PersonDetailsForm(request.POST if request.method == "POST" else None, person=person)
    version = str(person.version)
    status = 200
    if request.method == "POST" and form.is_valid():
        method = form.cleaned_data.get("consent_method")
        try:
            changed = edit_person(
                by=request.user,
                person=person,
                details=form.details(),
                consents=form.consents(),
                consent_method=ConsentMethod(method) if method else None,
                version=concurrency.sent_version(request.POST),
            )
        except concurrency.EditConflict as conflict:
            # The user's answers stay in the form; saving again applies them to the new version.
            form.add_error(None, conflict.message)
            version = conflict.current
            status = 409
        else:
            messages.success(
                request,
                "Details saved" if changed else "Nothing changed: the details were the same",
            )
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/edit.jinja",
        {
            "page_title": f"Change details: {person.full_name}",
            "person": person,
            "form": form,
            "version": version,
        },
        status=status,
    )
