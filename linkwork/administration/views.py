"""The service's management pages, under /manage/, for system admins.

Every page passes the access gate (`Ability.RUN_SERVICE`: 403 for any other role, audited);
the records they reach are the installation's own (organisations, schemes, staff accounts,
API tokens), never a person's. Every write goes through `actions` (or the api app's token
actions) and is audited there; forms name the field at fault.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages as banners
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Scheme,
    User,
    latest_list_sizes,
)
from linkwork.accounts.permissions import Ability
from linkwork.administration import actions
from linkwork.administration.forms import (
    ApiTokenForm,
    LicenceForm,
    MembershipForm,
    OrganisationForm,
    OrganisationSearchForm,
    RotateForm,
    SchemeForm,
    SearchForm,
    UserForm,
    UserSearchForm,
)
from linkwork.api import actions as token_actions
from linkwork.api.models import ApiToken, Scope
from linkwork.audit import auditor
from linkwork.core import tables
from linkwork.core.forms import error_summary
from linkwork.core.paging import paging
from linkwork.core.presenters import date_uk, datetime_uk
from linkwork.outcomes import INSTRUMENTS, licensing
from linkwork.outcomes.models import InstrumentLicence

PAGE_SIZE = 25
SCOPE_WORDS = {"referrals": "Referrals API", "fhir": "FHIR API"}


def _one(request: AuthenticatedHttpRequest, records: QuerySet[Any], pk: int) -> Any:
    """One of the installation's records, through the gate (403 for a role that may not
    manage the service; 404, audited, for an id that is not there)."""
    return gate.get_visible_or_404(request, records, ability=Ability.RUN_SERVICE, pk=pk)


def _form_page(
    request: AuthenticatedHttpRequest, template: str, context: dict[str, Any], *forms: Any
) -> HttpResponse:
    errors = [item for form in forms for item in error_summary(form)]
    return render(
        request,
        template,
        {**context, "errors": errors, "form_errors": bool(errors)},
        status=400 if errors else 200,
    )


def _list_page(
    request: AuthenticatedHttpRequest,
    template: str,
    title: str,
    form: Any,
    page: Page[Any],
    table: dict[str, Any],
) -> HttpResponse:
    """A searchable, paged list; a search form with errors answers 400 with the errors shown."""
    return render(
        request,
        template,
        {
            "page_title": title,
            "form": form,
            "form_errors": bool(form.errors),
            "page": page,
            "paging": paging(request.GET, page),
            "table": table,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.RUN_SERVICE)
    return render(
        request,
        "administration/index.jinja",
        {
            "page_title": "Manage the service",
            "counts": {
                "organisations": Organisation.objects.count(),
                "schemes": Scheme.objects.count(),
                "users": User.objects.filter(is_active=True).count(),
                "practices_without_mailbox": Organisation.objects.filter(
                    kind=OrganisationKind.GP_PRACTICE
                )
                .exclude(mailbox__email__gt="")
                .count(),
            },
        },
    )


# --- Organisations ------------------------------------------------------------------------


def _organisation_state(organisation: Organisation) -> dict[str, str]:
    if organisation.is_active:
        return {"text": "Active"}
    return {"text": "Inactive", "classes": "nhsuk-tag--grey"}


@login_required
@require_GET
def organisations(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.RUN_SERVICE)
    form = OrganisationSearchForm(request.GET or None)
    found = Organisation.objects.select_related("mailbox").order_by("name", "pk")
    if form.is_bound and form.is_valid():
        words = form.cleaned_data["q"].strip()
        if words:
            found = found.filter(Q(name__icontains=words) | Q(ods_code__iexact=words))
        if form.cleaned_data["kind"]:
            found = found.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["status"]:
            found = found.filter(is_active=form.cleaned_data["status"] == "active")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))

    def mailbox(org: Organisation) -> dict[str, Any]:
        if org.kind != OrganisationKind.GP_PRACTICE:
            return tables.text("")
        box = getattr(org, "mailbox", None)
        return tables.text(box.email if box is not None and box.email else "Not set")

    table = tables.records_table(
        "Organisations",
        [
            ("Name", lambda o: tables.link(o.name, f"{o.pk}/")),
            ("Kind", lambda o: tables.text(o.get_kind_display())),
            ("ODS code", lambda o: tables.text(o.ods_code)),
            ("Secure mailbox", mailbox),
            ("Status", lambda o: tables.html(tables.tag(_organisation_state(o)))),
        ],
        page.object_list,
        responsive=True,
    )
    return _list_page(
        request, "administration/organisations.jinja", "Organisations", form, page, table
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation(
    request: AuthenticatedHttpRequest, organisation_id: int | None = None
) -> HttpResponse:
    """Add an organisation, or change one; a GP practice's secure mailbox is set here."""
    gate.require(request, Ability.RUN_SERVICE)
    found = (
        _one(request, Organisation.objects.all(), organisation_id)
        if organisation_id is not None
        else Organisation()
    )
    form = OrganisationForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        saved = actions.save_organisation(
            by=request.user,
            organisation=form.save(commit=False),
            changed=form.changed_data,
            mailbox_email=form.cleaned_data["mailbox_email"],
            request=request,
        )
        banners.success(request, f"{saved.name} is saved")
        return redirect("administration:organisation", organisation_id=saved.pk)
    context: dict[str, Any] = {
        "page_title": found.name if found.pk else "Add an organisation",
        "form": form,
        "found": found,
        "state": _organisation_state(found),
    }
    if found.pk:
        size = latest_list_sizes().get(found.pk)
        context["list_size"] = size
        context["schemes"] = list(found.schemes.order_by("name"))
        context["tokens"] = ApiToken.objects.active().filter(organisation=found).count()
    return _form_page(request, "administration/organisation.jinja", context, form)


@login_required
@require_POST
def organisation_active(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """Make an organisation inactive (its users cannot sign in, its API tokens stop working)
    or active again."""
    found = _one(request, Organisation.objects.all(), organisation_id)
    active = request.POST.get("active") == "yes"
    try:
        ended = actions.set_organisation_active(
            by=request.user, organisation=found, active=active, request=request
        )
    except actions.RefusedChange as refused:
        banners.error(request, str(refused))
    else:
        if active:
            banners.success(request, f"{found.name} is active again")
        else:
            banners.success(request, f"{found.name} is inactive; sessions ended: {ended}")
    return redirect("administration:organisation", organisation_id=found.pk)


# --- Schemes ------------------------------------------------------------------------------


@login_required
@require_GET
def schemes(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.RUN_SERVICE)
    form = SearchForm(request.GET or None)
    found = Scheme.objects.select_related("host").order_by("name", "pk")
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        found = found.filter(name__icontains=form.cleaned_data["q"].strip())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    table = tables.records_table(
        "Schemes",
        [
            ("Name", lambda s: tables.link(s.name, f"{s.pk}/")),
            ("Host", lambda s: tables.text(s.host.name)),
            ("Active caseload limit", lambda s: tables.text(s.active_caseload_limit)),
            ("Yearly caseload limit", lambda s: tables.text(s.yearly_caseload_limit)),
        ],
        page.object_list,
        responsive=True,
    )
    return render(
        request,
        "administration/schemes.jinja",
        {
            "page_title": "Schemes",
            "form": form,
            "page": page,
            "paging": paging(request.GET, page),
            "table": table,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme(request: AuthenticatedHttpRequest, scheme_id: int | None = None) -> HttpResponse:
    gate.require(request, Ability.RUN_SERVICE)
    found = _one(request, Scheme.objects.all(), scheme_id) if scheme_id is not None else Scheme()
    form = SchemeForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        saved = actions.save_scheme(
            by=request.user,
            scheme=form.save(commit=False),
            changed=form.changed_data,
            request=request,
        )
        banners.success(request, f"{saved.name} is saved")
        return redirect("administration:scheme", scheme_id=saved.pk)
    return _form_page(
        request,
        "administration/scheme.jinja",
        {"page_title": found.name if found.pk else "Add a scheme", "form": form, "found": found},
        form,
    )


# --- Users and their roles ----------------------------------------------------------------


@login_required
@require_GET
def users(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.RUN_SERVICE)
    form = UserSearchForm(request.GET or None)
    found = User.objects.order_by("full_name", "pk")
    searched = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        words = data["q"].strip()
        if words:
            found = found.filter(Q(full_name__icontains=words) | Q(email__icontains=words))
        holding = Membership.objects.all()
        if data["organisation"]:
            holding = holding.filter(organisation_id=data["organisation"])
        if data["role"]:
            holding = holding.filter(role=data["role"])
        if data["organisation"] or data["role"]:
            # A subquery, not a join: the roles counted below stay all of the user's roles.
            found = found.filter(pk__in=holding.values("user_id"))
        searched = bool(words or data["organisation"] or data["role"])
    found = found.annotate(roles=Count("memberships"))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    # The kind of search, never its words: they may be a name.
    auditor.record(
        action="user.list_viewed",
        request=request,
        detail={"searched": searched, "page": page.number},
    )
    table = tables.records_table(
        "Users",
        [
            ("Name", lambda u: tables.link(u.full_name or u.email, f"{u.pk}/")),
            ("Email address", lambda u: tables.text(u.email)),
            ("Roles", lambda u: tables.text(u.roles)),
            (
                "Status",
                lambda u: tables.html(
                    tables.tag(
                        {"text": "Active"}
                        if u.is_active
                        else {"text": "Deactivated", "classes": "nhsuk-tag--grey"}
                    )
                ),
            ),
        ],
        page.object_list,
        responsive=True,
    )
    return _list_page(request, "administration/users.jinja", "Users", form, page, table)


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new account, with no password yet: they set one through the password reset link."""
    gate.require(request, Ability.RUN_SERVICE)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = actions.create_user(by=request.user, user=form.save(commit=False), request=request)
        banners.success(
            request,
            f"{user.full_name} is added. They have no password yet: they set one with "
            "“Forgotten your password?” on the sign-in page. Now give them a role.",
        )
        return redirect("administration:user", user_id=user.pk)
    return _form_page(
        request, "administration/user_new.jinja", {"page_title": "Add a user", "form": form}, form
    )


@login_required
@require_http_methods(["GET", "POST"])
def user(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """One account: its details and its roles, each form on its own (`form`)."""
    found = _one(request, User.objects.all(), user_id)
    posted = request.POST.get("form") if request.method == "POST" else None
    details = UserForm(request.POST if posted == "details" else None, instance=found)
    role = MembershipForm(request.POST if posted == "role" else None, user=found, prefix="role")
    if posted == "details" and details.is_valid():
        actions.edit_user(
            by=request.user,
            user=details.save(commit=False),
            changed=details.changed_data,
            request=request,
        )
        banners.success(request, "Their details are saved")
        return redirect("administration:user", user_id=found.pk)
    if posted == "role" and role.is_valid() and role.membership is not None:
        added = actions.add_membership(by=request.user, membership=role.membership, request=request)
        banners.success(request, f"Role added: {added}")
        return redirect("administration:user", user_id=found.pk)
    if posted == "details":
        # A refused edit must not show the half-typed values as the account's own.
        found.refresh_from_db()
    memberships = list(
        found.memberships.select_related("organisation", "scheme").order_by("role", "pk")
    )
    return _form_page(
        request,
        "administration/user.jinja",
        {
            "page_title": found.full_name or found.email,
            "found": found,
            "details": details,
            "role": role,
            "memberships": memberships,
            "has_password": found.has_usable_password(),
            "is_self": found.pk == request.user.pk,
            # The authenticator reset is the accounts app's page, for the accounts the admin
            # administers (`permissions.users_administered_by`).
            "may_reset_two_factor": found.pk != request.user.pk
            and permissions.may(request.user, Ability.RESET_TWO_FACTOR, found),
        },
        details,
        role,
    )


@login_required
@require_POST
def user_active(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Deactivate an account (every session it holds ends) or reactivate it."""
    found = _one(request, User.objects.all(), user_id)
    active = request.POST.get("active") == "yes"
    try:
        ended = actions.set_active(by=request.user, user=found, active=active, request=request)
    except actions.RefusedChange as refused:
        banners.error(request, str(refused))
    else:
        if active:
            banners.success(request, "The account is active again")
        else:
            banners.success(request, f"The account is deactivated; sessions ended: {ended}")
    return redirect("administration:user", user_id=found.pk)


@login_required
@require_POST
def membership_remove(
    request: AuthenticatedHttpRequest, user_id: int, membership_id: int
) -> HttpResponse:
    found = _one(request, User.objects.all(), user_id)
    membership = _one(request, Membership.objects.filter(user=found), membership_id)
    try:
        actions.remove_membership(by=request.user, membership=membership, request=request)
    except actions.RefusedChange as refused:
        banners.error(request, str(refused))
    else:
        banners.success(request, f"Role removed: {membership}")
    return redirect("administration:user", user_id=found.pk)


# --- API tokens ---------------------------------------------------------------------------


def _token_state(token: ApiToken) -> dict[str, str]:
    if token.revoked_at is not None:
        return {"text": "Revoked", "classes": "nhsuk-tag--grey"}
    if not token.is_active:
        return {"text": "Expired", "classes": "nhsuk-tag--grey"}
    return {"text": "In use", "classes": "nhsuk-tag--green"}


def _secret_page(
    request: AuthenticatedHttpRequest,
    organisation: Organisation,
    token: ApiToken,
    secret: str,
    *,
    replaced: ApiToken | None = None,
) -> HttpResponse:
    """The one time a token is shown; never cached."""
    response = render(
        request,
        "administration/token_secret.jinja",
        {
            "page_title": "Copy the API token",
            "found": organisation,
            "token": token,
            "secret": secret,
            "replaced": replaced,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """An organisation's API tokens (never their secrets), and a form to make one."""
    found = _one(request, Organisation.objects.all(), organisation_id)
    form = ApiTokenForm(request.POST or None, initial={"scopes": list(Scope.values)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, secret = token_actions.issue_api_token(
            by=request.user,
            organisation=found,
            name=data["name"],
            scopes=data["scopes"],
            expires_at=data["expires"],
        )
        return _secret_page(request, found, token, secret)
    rows = list(ApiToken.objects.filter(organisation=found).order_by("-created_at", "pk"))
    return _form_page(
        request,
        "administration/tokens.jinja",
        {
            "page_title": f"API tokens: {found.name}",
            "found": found,
            "form": form,
            "rotate": RotateForm(),
            "rows": [
                {
                    "token": token,
                    "state": _token_state(token),
                    "scopes": ", ".join(SCOPE_WORDS.get(s, s) for s in token.scopes),
                    "created": datetime_uk(token.created_at),
                    "last_used": datetime_uk(token.last_used_at) if token.last_used_at else "Never",
                    "expires": date_uk(timezone.localtime(token.expires_at).date())
                    if token.expires_at
                    else "No end date",
                }
                for token in rows
            ],
        },
        form,
    )


@login_required
@require_POST
def token_rotate(
    request: AuthenticatedHttpRequest, organisation_id: int, token_id: int
) -> HttpResponse:
    found = _one(request, Organisation.objects.all(), organisation_id)
    token = _one(request, ApiToken.objects.filter(organisation=found), token_id)
    form = RotateForm(request.POST)
    if not form.is_valid():
        banners.error(request, "Select when the old token stops working")
        return redirect("administration:tokens", organisation_id=found.pk)
    try:
        new, secret = token_actions.rotate_api_token(
            by=request.user,
            token=token,
            grace=dt.timedelta(hours=form.cleaned_data["grace_hours"]),
        )
    except ValueError as refused:
        banners.error(request, str(refused))
        return redirect("administration:tokens", organisation_id=found.pk)
    return _secret_page(request, found, new, secret, replaced=token)


@login_required
@require_POST
def token_revoke(
    request: AuthenticatedHttpRequest, organisation_id: int, token_id: int
) -> HttpResponse:
    found = _one(request, Organisation.objects.all(), organisation_id)
    token = _one(request, ApiToken.objects.filter(organisation=found), token_id)
    token_actions.revoke_api_token(by=request.user, token=token)
    banners.success(request, f"{token.name} (lw_{token.prefix}) is revoked: it no longer works")
    return redirect("administration:tokens", organisation_id=found.pk)


# --- Licensed instruments -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def instruments(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The outcome instruments, which need a licence or registration and whether the
    installation allows them (`LINKWORK_LICENSED_INSTRUMENTS`, a setting, not a record: the
    page says so rather than pretend to change it); and, per scheme, a switch for each
    licensed instrument (`outcomes.licensing`), each change audited."""
    gate.require(request, Ability.RUN_SERVICE)
    form = LicenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        scheme = _one(request, Scheme.objects.all(), form.cleaned_data["scheme"])
        instrument = INSTRUMENTS[form.cleaned_data["instrument"]]
        try:
            licensing.set_licence(
                by=request.user,
                scheme=scheme,
                instrument=instrument,
                enabled=form.cleaned_data["enabled"],
                reference=form.cleaned_data["reference"],
                request=request,
            )
        except licensing.LicenceRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            state = "can record" if form.cleaned_data["enabled"] else "cannot record"
            banners.success(request, f"{scheme.name} {state} {instrument.name}")
            return redirect("administration:instruments")
    table = tables.records_table(
        "Outcome instruments",
        [
            ("Instrument", lambda i: tables.text(i.name)),
            ("Code", lambda i: tables.html(tables.markup("<code>{}</code>", i.id))),
            (
                "Licence",
                lambda i: tables.text(
                    "Needs a licence or registration" if i.requires_registration else "Free to use"
                ),
            ),
            (
                "Can be recorded",
                lambda i: tables.html(
                    tables.tag(
                        {"text": "Yes", "classes": "nhsuk-tag--green"}
                        if licensing.recordable(i)
                        else {"text": "No: not switched on", "classes": "nhsuk-tag--grey"}
                    )
                ),
            ),
        ],
        sorted(INSTRUMENTS.values(), key=lambda i: i.name.lower()),
        responsive=True,
    )
    rows = list(
        InstrumentLicence.objects.select_related("scheme").order_by("scheme__name", "instrument")
    )
    switches = tables.records_table(
        "Switches by scheme",
        [
            ("Scheme", lambda s: tables.text(s.scheme.name)),
            (
                "Instrument",
                lambda s: tables.text(
                    INSTRUMENTS[s.instrument].name if s.instrument in INSTRUMENTS else s.instrument
                ),
            ),
            (
                "Can the scheme record it?",
                lambda s: tables.html(
                    tables.tag(
                        {"text": "Follows the installation", "classes": "nhsuk-tag--green"}
                        if s.enabled
                        else {"text": "No: switched off", "classes": "nhsuk-tag--grey"}
                    )
                ),
            ),
            ("Licence reference", lambda s: tables.text(s.reference or "None given")),
            ("Changed", lambda s: tables.text(datetime_uk(s.changed_at))),
        ],
        rows,
        responsive=True,
    )
    return _form_page(
        request,
        "administration/instruments.jinja",
        {
            "page_title": "Outcome instruments",
            "table": table,
            "switches": switches if rows else None,
            "form": form,
        },
        form,
    )
