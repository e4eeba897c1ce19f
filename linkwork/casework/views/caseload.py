"""The link worker's caseload, the scheme lead's view of every link worker's load with the
waiting list, and (re)assigning a referral to a link worker."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Role, Scheme
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.casework import actions, presenters
from linkwork.casework.caseload import caseload_entries
from linkwork.core.forms import HouseVoice, choice_field
from linkwork.core.paging import paging
from linkwork.referrals import actions as referral_actions
from linkwork.referrals import capacity as workload
from linkwork.referrals import search
from linkwork.referrals.lifecycle import OPEN_STATUSES, Complexity, Status
from linkwork.referrals.models import Referral
from linkwork.referrals.scoping import get_case_or_404

# A page a phone can scroll and a screen reader can list.
PAGE_SIZE = 50
OPEN_STATUS_CHOICES = [(s.value, s.label) for s in Status if s in OPEN_STATUSES]


class CaseloadFilters(HouseVoice, forms.Form):
    """Quick filters, sent as GET parameters so they work without JavaScript."""

    status = forms.ChoiceField(
        choices=[("", "Any status"), *OPEN_STATUS_CHOICES],
        required=False,
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    complexity = forms.ChoiceField(
        choices=[("", "Any complexity"), *Complexity.choices],
        required=False,
        error_messages={"invalid_choice": "Select a complexity from the list"},
    )
    due = forms.BooleanField(label="Only people with something due", required=False)


class AssignForm(HouseVoice, forms.Form):
    link_worker = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label="Link worker",
        error_messages={
            "required": "Select the link worker who will support this person",
            "invalid_choice": "Select a link worker of this scheme",
        },
    )
    complexity = forms.ChoiceField(
        choices=Complexity.choices,
        widget=forms.RadioSelect,
        label="How complex are the person's needs?",
        help_text="A complex person counts as 1.5 on a caseload, a very complex person as 2.",
        error_messages={
            "required": "Select how complex the person's needs are",
            "invalid_choice": "Select how complex the person's needs are",
        },
    )
    assign_anyway = forms.BooleanField(label="Assign anyway", required=False)
    # The link worker the over-limit warning was shown for: ticking "Assign anyway" only
    # counts for the one the lead was warned about.
    warned_for = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, loads: list[workload.WorkerLoad], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link_worker"].choices = [  # type: ignore[attr-defined]
            (load.worker.pk, load.worker.full_name) for load in loads
        ]


@login_required
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A link worker's open referrals with what is due for each, overdue first, and their own
    load. A scheme lead who is not also a link worker sees every open referral of their
    schemes instead, with who has each."""
    gate.require(request, Ability.DO_CASEWORK)
    user = request.user
    today = timezone.localdate()
    filters = CaseloadFilters(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    query = request.GET.get("q", "")
    searched = search.parse(query)
    order = request.GET.get("sort", "")
    order = order if order in presenters.CASELOAD_SORTS else "due"
    own = permissions.has_role(user, Role.LINK_WORKER)
    referrals = Referral.objects.visible_to(user).filter(status__in=OPEN_STATUSES)
    loads: list[presenters.LoadSummary] = []
    if own:
        worker_schemes = permissions.scheme_ids(user, Role.LINK_WORKER)
        referrals = referrals.filter(link_worker=user, scheme_id__in=worker_schemes)
        loads = [
            presenters.LoadSummary.of(load)
            for load in workload.worker_loads(
                user, Scheme.objects.filter(pk__in=worker_schemes).order_by("name")
            )
        ]
    else:
        referrals = referrals.filter(scheme_id__in=permissions.scheme_ids(user, Role.SCHEME_LEAD))
    referrals = searched.apply(referrals)
    if chosen.get("status"):
        referrals = referrals.filter(status=chosen["status"])
    if chosen.get("complexity"):
        referrals = referrals.filter(complexity=chosen["complexity"])
    entries = caseload_entries(referrals, today)
    if chosen.get("due"):
        entries = [entry for entry in entries if entry.due]
    overdue = sum(1 for entry in entries if entry.overdue)
    page = Paginator(presenters.sort_caseload(entries, order), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    auditor.record(
        action="caseload.viewed",
        request=request,
        detail={
            "people": len(entries),
            "filters": {key: value for key, value in chosen.items() if value},
            # The default order and first page go unsaid, as before sorting and pages.
            **({"sort": order} if order != "due" else {}),
            **({"page": page.number} if page.number > 1 else {}),
            **search.audit_detail(searched),
        },
    )
    kept = {key: value for key, value in request.GET.items() if key not in ("page", "sort")}
    return render(
        request,
        "casework/caseload.jinja",
        {
            "page_title": "Your caseload" if own else "Open referrals",
            "own": own,
            "rows": presenters.caseload_rows(page.object_list, today),
            "people": len(entries),
            "page": page,
            "overdue": overdue,
            "query": query,
            "sort": order,
            "sorts": [
                (key, label, "?" + urlencode({**kept, "sort": key}))
                for key, (label, _) in presenters.CASELOAD_SORTS.items()
            ],
            "paging": paging(request.GET, page),
            "loads": loads,
            "filters": filters,
            "filtered": any(chosen.values()) or bool(searched.kind),
            "form_errors": bool(filters.errors),
        },
        status=400 if filters.errors else 200,
    )


@login_required
def capacity(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each link worker's load side by side, per scheme the user leads, and the waiting list."""
    gate.require(request, Ability.MANAGE_CAPACITY)
    led = permissions.scheme_ids(request.user, Role.SCHEME_LEAD)
    today = timezone.localdate()
    schemes = list(Scheme.objects.filter(pk__in=led).order_by("name"))
    loads = workload.scheme_loads(schemes)
    filters = CapacityFilters(request.GET or None)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    per_scheme = []
    for scheme in schemes:
        summaries = [presenters.LoadSummary.of(load) for load in loads[scheme.pk]]
        shown = [
            presenters.LoadSummary.of(load)
            for load in workload.filter_loads(
                loads[scheme.pk], status=wanted.get("status", ""), name=wanted.get("name", "")
            )
        ]
        page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get(f"page-{scheme.pk}"))
        per_scheme.append(
            presenters.SchemeLoads(
                scheme=scheme,
                loads=summaries,
                counts=presenters.status_counts(summaries),
                paging=paging(
                    request.GET,
                    page,
                    param=f"page-{scheme.pk}",
                    label=f"Pages of link workers in {scheme.name}",
                ),
                table=presenters.loads_table(scheme, page.object_list),
            )
        )
    waiting = Paginator(
        workload.waiting_list(
            Referral.objects.visible_to(request.user)
            .filter(scheme_id__in=led)
            .select_related("person", "scheme")
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("waiting-page"))
    waiting_rows = [presenters.WaitingRow.of(referral, today) for referral in waiting.object_list]
    auditor.record(action="capacity.viewed", request=request, detail={"schemes": sorted(led)})
    return render(
        request,
        "casework/capacity.jinja",
        {
            "page_title": "Capacity",
            "filters": filters,
            "schemes": per_scheme,
            "waiting": waiting,
            "waiting_paging": paging(
                request.GET, waiting, param="waiting-page", label="Pages of the waiting list"
            ),
            "waiting_table": presenters.waiting_table(
                waiting_rows, several_schemes=len(schemes) > 1
            ),
        },
    )


class CapacityFilters(HouseVoice, forms.Form):
    """Narrow the link workers listed: by how near their limits they are, or by name."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Everyone"), *workload.LoadStatus.choices],
    )
    name = forms.CharField(label="Name", required=False, max_length=workload.NAME_SEARCH_LENGTH)


@login_required
def assign(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """Give a referral to a link worker of its scheme, warning when that takes them over a
    limit; the lead may still go ahead by ticking "Assign anyway"."""
    referral = get_case_or_404(request, referral_id, ability=Ability.MANAGE_CAPACITY)
    scheme = referral.scheme
    loads = workload.scheme_loads([scheme])[scheme.pk]
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        loads=loads,
        initial={"link_worker": referral.link_worker_id, "complexity": referral.complexity},
    )
    warning: str | None = None
    is_open = referral.status in OPEN_STATUSES
    if request.method == "POST" and is_open and form.is_valid():
        data = form.cleaned_data
        worker = next(load.worker for load in loads if load.worker.pk == data["link_worker"])
        try:
            # The appointments to come follow the case into the new link worker's diary.
            actions.reassign_case(
                by=request.user,
                referral=referral,
                link_worker=worker,
                complexity=data["complexity"],
                over_limit_ok=data["assign_anyway"] and data["warned_for"] == worker.pk,
            )
        except workload.CapacityWarning as over:
            warning = str(over)
            data_with_warning = request.POST.copy()
            data_with_warning["warned_for"] = str(worker.pk)
            form.data = data_with_warning
            form.add_error(
                "assign_anyway",
                f"Tick \N{LEFT DOUBLE QUOTATION MARK}Assign anyway\N{RIGHT DOUBLE QUOTATION MARK}"
                f" to give this person to {worker.full_name} over the limit, or choose "
                "another link worker",
            )
        except referral_actions.AssignmentError as error:
            form.add_error("link_worker", str(error))
        else:
            messages.success(
                request, f"Referral {referral.reference} assigned to {worker.full_name}"
            )
            return redirect("casework:capacity")
    auditor.record(
        action="referral.assignment_viewed",
        request=request,
        target=referral,
        scheme_id=referral.scheme_id,
    )
    summaries = {load.worker.pk: presenters.LoadSummary.of(load) for load in loads}
    return render(
        request,
        "casework/assign.jinja",
        {
            "page_title": f"Assign referral {referral.reference}",
            "referral": referral,
            "person": referral.person,
            "is_open": is_open,
            "form": form,
            "worker_items": presenters.link_worker_items(_choice_params(form), summaries),
            "current": summaries.get(referral.link_worker_id or 0),
            "warning": warning,
            "confirm": warning is not None or bool(form["assign_anyway"].value()),
            "position": workload.waiting_list_position(referral),
            "form_errors": bool(form.errors),
        },
        status=400 if form.errors else (409 if request.method == "POST" and not is_open else 200),
    )


def _choice_params(form: AssignForm) -> dict[str, Any]:
    return choice_field(
        form["link_worker"],
        fieldset={"legend": {"text": "Link worker", "size": "s"}},
        hint={"text": "Each link worker's load is shown under their name."},
    )
