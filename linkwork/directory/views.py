from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.permissions import Ability
from linkwork.core import concurrency
from linkwork.core.paging import paging
from linkwork.directory import actions, duplicates, presenters
from linkwork.directory.forms import (
    APPROVE,
    FREE,
    CostForm,
    ScheduleForm,
    SearchForm,
    ServiceForm,
    SuggestionDecisionForm,
    TipDecisionForm,
    TipForm,
    VenueForm,
)
from linkwork.directory.models import Schedule, Service, ServiceTip
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
    return render(
        request,
        "directory/search.jinja",
        {
            "page_title": "Find a service",
            "form": form,
            "form_errors": bool(form.errors),
            "found": found,
            "paging": paging(request.GET, found.page) if found else None,
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
    curator = permissions.may(request.user, Ability.CURATE_DIRECTORY)
    today = timezone.localdate()
    result = decorate([service], today=today)[0]
    places = service.service_at_locations.select_related("location").prefetch_related(
        "location__addresses", "location__accessibility"
    )
    return render(
        request,
        "directory/service.jinja",
        {
            "page_title": service.name,
            "service": service,
            "result": result,
            "sessions": [presenters.session(schedule) for schedule in result.sessions],
            "places": list(places),
            "cost_words": [presenters.cost(option) for option in service.cost_options.all()],
            "phones": list(service.phones.all()),
            "tips": list(ServiceTip.objects.visible_to(request.user).filter(service=service)),
            "can_edit": Service.objects.editable_by(request.user).filter(pk=service.pk).exists(),
            "can_add_tip": permissions.may(request.user, Ability.ADD_SERVICE_TIPS),
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


def _listing_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    form = context.get("form")
    return render(
        request,
        template,
        {**context, "form_errors": bool(form is not None and form.errors), "present": presenters},
    )


@login_required
def new_service(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A curator, or a provider for their own organisation, adds a listing."""
    gate.require(request, Ability.EDIT_LISTINGS)
    form = ServiceForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        instance=Service(),
    )
    if request.method == "POST" and form.is_valid():
        service = actions.create_service(
            by=request.user, fields=form.listing_fields(), links=form.new_links()
        )
        messages.success(request, "Listing added. Now add when and where it runs.")
        return redirect("directory:service", service.pk)
    return _listing_page(
        request,
        "directory/edit.jinja",
        {"page_title": "Add a listing", "service": None, "form": form},
    )


@login_required
def edit_service(request: AuthenticatedHttpRequest, service_id: str) -> HttpResponse:
    service = _editable(request, service_id)
    form = ServiceForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        instance=Service.objects.get(pk=service.pk),
    )
    conflict: concurrency.EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_service(
                by=request.user,
                service=service,
                changes=form.listing_changes(),
                links=form.new_links(),
                version=concurrency.sent_version(request.POST),
            )
        except concurrency.EditConflict as found:
            # The first save stands; the user's answers stay in the form.
            conflict = found
            form.add_error(None, conflict.message)
        else:
            messages.success(request, "Listing updated")
            return redirect("directory:service", service.pk)
    response = _listing_page(
        request,
        "directory/edit.jinja",
        {
            "page_title": f"Edit {service.name}",
            "service": service,
            "form": form,
            "version": concurrency.version_to_show(
                stored=service.last_modified,
                posted=request.POST if request.method == "POST" else None,
                conflict=conflict,
            ),
        },
    )
    if conflict is not None:
        response.status_code = 409
    return response


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _removed(request: HttpRequest, records: QuerySet[Any], what: str) -> Any:
    """The record named by the form's "remove" button among `records`, or None (with a
    message) when it is no longer there."""
    found = records.filter(pk=_uuid(request.POST.get("remove"))).first()
    if found is None:
        messages.error(request, f"That {what} was already removed")
    return found


def _sessions_of(service: Service) -> QuerySet[Schedule]:
    return (
        Schedule.objects.filter(Q(service=service) | Q(service_at_location__service=service))
        .distinct()
        .order_by("byday", "opens_at")
    )


@login_required
def service_schedules(request: AuthenticatedHttpRequest, service_id: str) -> HttpResponse:
    """When the listing runs: its weekly sessions, each removable, and a form to add one."""
    service = _editable(request, service_id)
    adding = request.method == "POST" and "remove" not in request.POST
    form = ScheduleForm(request.POST if adding else None)
    if request.method == "POST" and not adding:
        schedule = _removed(request, _sessions_of(service), "time")
        if schedule is not None:
            actions.remove_schedule(by=request.user, service=service, schedule=schedule)
            messages.success(request, f"Removed {presenters.session(schedule)}")
        return redirect("directory:schedules", service.pk)
    if adding and form.is_valid():
        schedule = actions.add_schedule(by=request.user, service=service, **form.cleaned_data)
        messages.success(request, f"Added {presenters.session(schedule)}")
        return redirect("directory:schedules", service.pk)
    sessions = sorted(_sessions_of(service), key=presenters.session_order)
    return _listing_page(
        request,
        "directory/schedules.jinja",
        {
            "page_title": f"When {service.name} runs",
            "service": service,
            "form": form,
            "sessions": [(schedule, presenters.session(schedule)) for schedule in sessions],
        },
    )


@login_required
def service_venues(request: AuthenticatedHttpRequest, service_id: str) -> HttpResponse:
    """Where the listing runs: its venues, each removable, and a form to add one."""
    service = _editable(request, service_id)
    adding = request.method == "POST" and "remove" not in request.POST
    form = VenueForm(request.POST if adding else None)
    places = service.service_at_locations.select_related("location").prefetch_related(
        "location__addresses", "location__accessibility"
    )
    if request.method == "POST" and not adding:
        place = _removed(request, places, "venue")
        if place is not None:
            actions.remove_venue(by=request.user, service=service, place=place)
            messages.success(request, "Venue removed from the listing")
        return redirect("directory:venues", service.pk)
    if adding and form.is_valid():
        assert form.point is not None
        actions.add_venue(by=request.user, service=service, point=form.point, **form.cleaned_data)
        messages.success(request, "Venue added")
        return redirect("directory:venues", service.pk)
    return _listing_page(
        request,
        "directory/venues.jinja",
        {
            "page_title": f"Where {service.name} runs",
            "service": service,
            "form": form,
            "places": list(places),
        },
    )


@login_required
def service_costs(request: AuthenticatedHttpRequest, service_id: str) -> HttpResponse:
    """What the listing costs: its cost options, each removable, and a form to add one."""
    service = _editable(request, service_id)
    adding = request.method == "POST" and "remove" not in request.POST
    form = CostForm(request.POST if adding else None)
    if request.method == "POST" and not adding:
        option = _removed(request, service.cost_options.all(), "cost")
        if option is not None:
            actions.remove_cost(by=request.user, service=service, option=option)
            messages.success(request, "Cost removed")
        return redirect("directory:costs", service.pk)
    if adding and form.is_valid():
        data = form.cleaned_data
        amount = Decimal(0) if data["kind"] == FREE else data["amount"]
        actions.add_cost(
            by=request.user,
            service=service,
            amount=amount,
            amount_description=data["amount_description"],
        )
        messages.success(request, "Cost added")
        return redirect("directory:costs", service.pk)
    return _listing_page(
        request,
        "directory/costs.jinja",
        {
            "page_title": f"What {service.name} costs",
            "service": service,
            "form": form,
            "costs": [
                (option, presenters.cost(option))
                for option in service.cost_options.order_by("amount")
            ],
        },
    )


@login_required
def add_tip(request: AuthenticatedHttpRequest, service_id: str) -> HttpResponse:
    """A link worker shares a tip about a service; a curator checks it before others see it."""
    gate.require(request, Ability.ADD_SERVICE_TIPS)
    service = _service(request, service_id)
    form = TipForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.add_tip(by=request.user, service=service, text=form.cleaned_data["text"])
        messages.success(
            request, "Thank you. Your tip will be shown to other link workers once checked."
        )
        return redirect("directory:service", service.pk)
    return _listing_page(
        request,
        "directory/tip.jinja",
        {"page_title": f"Add a tip about {service.name}", "service": service, "form": form},
    )


@login_required
def tips_to_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Curators approve or reject the tips waiting to be checked."""
    gate.require(request, Ability.CURATE_DIRECTORY)
    if request.method == "POST":
        decision = TipDecisionForm(request.POST)
        tip = (
            ServiceTip.objects.pending().filter(pk=decision.cleaned_data["tip"]).first()
            if decision.is_valid()
            else None
        )
        if tip is None:
            messages.error(request, "That tip has already been checked")
        else:
            approve = decision.cleaned_data["decision"] == APPROVE
            actions.moderate_tip(by=request.user, tip=tip, approve=approve)
            messages.success(request, "Tip approved" if approve else "Tip rejected")
        return redirect("directory:tips")
    pending = ServiceTip.objects.pending().select_related("service", "author")
    return _listing_page(
        request,
        "directory/tips.jinja",
        {"page_title": "Tips to check", "tips": list(pending)},
    )


@login_required
@require_POST
def verify_service(request: AuthenticatedHttpRequest, service_id: str) -> HttpResponse:
    service = _editable(request, service_id)
    actions.verify_service(by=request.user, service=service)
    messages.success(request, "Listing marked as checked today")
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
