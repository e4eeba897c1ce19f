"""Pages for running the service's accounts: a system admin resets a lost authenticator; a
scheme lead adds link workers to their scheme and removes them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.accounts import gate, passwords, permissions, staffing
from linkwork.accounts.forms import TWO_FACTOR_RESET_REASONS, AddLinkWorkerForm, TwoFactorResetForm
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Membership, Role, Scheme, User
from linkwork.accounts.permissions import Ability


@login_required
@never_cache
def reset_two_factor(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    user = gate.get_visible_or_404(
        request,
        permissions.users_administered_by(request.user),
        ability=Ability.RESET_TWO_FACTOR,
        pk=user_id,
    )
    form = TwoFactorResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        passwords.reset_two_factor(
            by=request.user, user=user, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(
            request,
            f"{user}'s authenticator app has been reset. They will set it up again when they "
            "next log in, and we have emailed them to say so",
        )
        return redirect("accounts:reset_two_factor", user_id=user.pk)
    return render(
        request,
        "accounts/reset_two_factor.jinja",
        {
            "page_title": f"Reset the authenticator app of {user}",
            "form": form,
            "form_errors": bool(form.errors),
            "account": user,
            "has_device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "reasons": TWO_FACTOR_RESET_REASONS,
        },
    )


def _lead_scheme(request: AuthenticatedHttpRequest, scheme_id: int) -> Scheme:
    return gate.get_visible_or_404(
        request,
        Scheme.objects.filter(pk__in=permissions.scheme_ids(request.user, Role.SCHEME_LEAD)),
        ability=Ability.MANAGE_SCHEME_STAFF,
        pk=scheme_id,
    )


@login_required
@never_cache
def scheme_link_workers(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    scheme = _lead_scheme(request, scheme_id)
    form = AddLinkWorkerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership, created = staffing.add_link_worker(
                request,
                by=request.user,
                scheme=scheme,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
            )
        except staffing.StaffingError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(
                request,
                f"{membership.user} is now a link worker in {scheme.name}"
                + (". We have emailed them a link to set their password" if created else ""),
            )
            return redirect("accounts:scheme_link_workers", scheme_id=scheme.pk)
    return _link_workers_page(request, scheme, form)


def _link_workers_page(
    request: AuthenticatedHttpRequest,
    scheme: Scheme,
    form: AddLinkWorkerForm,
    *,
    refused: str = "",
) -> HttpResponse:
    counts = staffing.open_cases(scheme)
    rows = [
        (membership, counts.get(membership.user_id, 0))
        for membership in staffing.link_workers(scheme)
    ]
    return render(
        request,
        "accounts/scheme_link_workers.jinja",
        {
            "page_title": f"Link workers in {scheme.name}",
            "scheme": scheme,
            "rows": rows,
            "form": form,
            "form_errors": bool(form.errors) or bool(refused),
            "refused": refused,
        },
        status=409 if refused else 200,
    )


@login_required
@require_POST
def remove_link_worker(
    request: AuthenticatedHttpRequest, scheme_id: int, user_id: int
) -> HttpResponse:
    scheme = _lead_scheme(request, scheme_id)
    # Refused (404, audited) for anyone who is not a link worker in this scheme.
    user = gate.get_visible_or_404(
        request,
        User.objects.filter(memberships__scheme=scheme, memberships__role=Role.LINK_WORKER),
        pk=user_id,
    )
    membership = Membership.objects.get(user=user, scheme=scheme, role=Role.LINK_WORKER)
    try:
        staffing.remove_link_worker(request, by=request.user, scheme=scheme, membership=membership)
    except staffing.StaffingError as error:
        return _link_workers_page(request, scheme, AddLinkWorkerForm(), refused=str(error))
    messages.success(request, f"{user} is no longer a link worker in {scheme.name}")
    return redirect("accounts:scheme_link_workers", scheme_id=scheme.pk)
