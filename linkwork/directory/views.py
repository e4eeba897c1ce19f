from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.permissions import Ability
from linkwork.directory import actions, duplicates, presenters
from linkwork.directory.forms import SearchForm, ServiceForm, SuggestionDecisionForm
from linkwork.directory.models import Service, ServiceTip
from linkwork.directory.search import decorate, search

# A link worker may search for one person (`?for=<referral id>`, from a referral's connections
# page). Casework, a floor above, registers how that case is fetched through the gate.
CaseLookup = Callable[[HttpRequest, str], Any]
_case_lookup: list[CaseLookup] = []


def register_case_lookup(lookup: CaseLookup) -> None:
    """Called once, from casework's AppConfig.ready()."""
    _case_lookup[:] = [lookup]


@login_required
def search_services(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Link workers find services by need, place, time, language, access and cost."""
    gate.require(request, Ability.SEARCH_DIRECTORY)
    # From a referral's connections page: each result offers to connect that person.
    wanted = request.GET.get("for")
    case = _case_lookup[0](request, wanted) if wanted and _case_lookup else None
    form = SearchForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = search(form.criteria(), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/search.jinja",
        {
            "page_title": "Find a service",
            "form": form,
            "form_errors": bool(form.errors),
            "found": found,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "present": presenters,
            "case": case,
        },
    )


def _service(request: HttpRequest, pk: str) -> Service:
    return gate.get_visible_or_404(request, Service.objects.select_related("organization"), pk=pk)


@login_required
def service_detail(request: AuthenticatedHttpRequest, service_id: str) -> HttpResponse:
    gate.require(request, Ability.SEARCH_DIRECTORY)
    service = _service(request, service_id)
    today = timezone.localdate()
    result = decorate([service], today=today)[0]
    places = service.service_at_locations.select_related("location").prefetch_related(
        "location__addresses", "location__accessibility"
    )
    curator = permissions.may(request.user, Ability.CURATE_DIRECTORY)
    return render(
        request,
        "directory/service.jinja",
        {
            "page_title": service.name,
            "service": service,
            "result": result,
            "sessions": [presenters.session(schedule) for schedule in result.sessions],
            "places": list(places),
            "costs": list(service.cost_options.all()),
            "phones": list(service.phones.all()),
            "tips": list(ServiceTip.objects.visible_to(request.user).filter(service=service)),
            "can_edit": Service.objects.editable_by(request.user).filter(pk=service.pk).exists(),
            "suggested_categories": presenters.suggested_categories(service),
            "suggestions": (
                presenters.suggestion_rows(service.suggestions.open()) if curator else []
            ),
            "today": today,
            "present": presenters,
        },
    )


def _editable(request: HttpRequest, service_id: str) -> Service:
    return gate.get_visible_or_404(
        request,
        Service.objects.editable_by(request.user).select_related("organization"),
        ability=Ability.EDIT_LISTINGS,
        pk=service_id,
    )


@login_required
def edit_service(request: AuthenticatedHttpRequest, service_id: str) -> HttpResponse:
    service = _editable(request, service_id)
    form = ServiceForm(
        request.POST if request.method == "POST" else None,
        instance=Service.objects.get(pk=service.pk),
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        actions.edit_service(by=request.user, service=service, changes=changes)
        messages.success(request, "Listing updated")
        return redirect("directory:service", service.pk)
    return render(
        request,
        "directory/edit.jinja",
        {
            "page_title": f"Edit {service.name}",
            "service": service,
            "form": form,
            "form_errors": bool(form.errors),
        },
    )


@login_required
@require_POST
def verify_service(request: AuthenticatedHttpRequest, service_id: str) -> HttpResponse:
    service = _editable(request, service_id)
    actions.verify_service(by=request.user, service=service)
    messages.success(request, "Listing marked as checked today")
    return redirect("directory:service", service.pk)


@login_required
@require_POST
def decide_suggestion(request: AuthenticatedHttpRequest, service_id: str) -> HttpResponse:
    """A curator confirms or rejects one suggestion on a listing, in one click."""
    gate.require(request, Ability.CURATE_DIRECTORY)
    service = _service(request, service_id)
    form = SuggestionDecisionForm(request.POST)
    suggestion = None
    if form.is_valid():
        suggestion = service.suggestions.filter(pk=form.cleaned_data["suggestion"]).first()
    if suggestion is None:
        messages.error(request, "That suggestion was not found on this listing")
        return redirect("directory:service", service.pk)
    what = presenters.suggestion_rows([suggestion])[0].what
    try:
        if form.cleaned_data["decision"] == "confirm":
            actions.confirm_suggestion(by=request.user, suggestion=suggestion)
            messages.success(request, f"Confirmed: {what}")
        else:
            actions.reject_suggestion(by=request.user, suggestion=suggestion)
            messages.success(request, f"Rejected: {what}")
    except actions.SuggestionDecided as exc:
        messages.error(request, str(exc).rstrip("."))
    return redirect("directory:service", service.pk)


@login_required
def duplicate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.CURATE_DIRECTORY)
    pairs = duplicates.likely_duplicates()
    return render(
        request,
        "directory/duplicates.jinja",
        {
            "page_title": "Likely duplicates",
            "pairs": pairs,
            "duplicates_table": presenters.duplicates_table(pairs),
        },
    )


@login_required
@require_POST
def merge(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.CURATE_DIRECTORY)
    keep = _service(request, request.POST.get("keep", ""))
    duplicate = _service(request, request.POST.get("duplicate", ""))
    if keep.pk == duplicate.pk:
        messages.error(request, "Choose two different listings to merge")
    else:
        actions.merge_services(by=request.user, keep=keep, duplicate=duplicate)
        messages.success(request, f"Merged the duplicate into {keep.name}")
    return redirect("directory:duplicates")
