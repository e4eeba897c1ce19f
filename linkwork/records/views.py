"""Records and rights pages for an organisation's admins (its information governance lead):
rights requests and subject access exports, the retention review, and the retention rules.

Every page passes the access gate: 403 for a role that may not use it, 404 for a record of
another organisation; every page view, export and decision is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Organisation, Role
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core import tables
from linkwork.core.forms import error_summary
from linkwork.core.presenters import date_uk
from linkwork.evaluation_reports.render import PdfUnavailable, pdf_of
from linkwork.people.models import Person, Restriction
from linkwork.people.nhs_number import format_nhs_number
from linkwork.records import actions, export, retention
from linkwork.records.forms import DecisionForm, LiftForm, RequestForm, ReviewForm, RuleForm
from linkwork.records.models import (
    Decision,
    LegalReason,
    RecordClass,
    RequestKind,
    RetentionRule,
    ReviewItem,
    ReviewStatus,
    RightsRequest,
)

FORMATS = {"json": "application/json", "pdf": "application/pdf"}


def _organisations(request: AuthenticatedHttpRequest) -> dict[int, str]:
    mine = permissions.organisation_ids(request.user, Role.ADMIN)
    return dict(Organisation.objects.filter(pk__in=mine).values_list("pk", "name"))


def _state(found: RightsRequest, today: Any) -> dict[str, str]:
    """The tag of a request: its decision, or open, or overdue."""
    if not found.is_open:
        return {"text": found.get_decision_display(), "classes": "nhsuk-tag--grey"}
    if found.overdue(today):
        return {"text": "Overdue", "classes": "nhsuk-tag--red"}
    return {"text": "Open", "classes": "nhsuk-tag--blue"}


@login_required
@require_GET
def requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every rights request made to the user's organisations, open ones first by due date."""
    gate.require(request, Ability.MANAGE_RECORDS)
    found = list(
        RightsRequest.objects.visible_to(request.user)
        .select_related("person", "organisation")
        .order_by("decided_at", "due_on", "recorded_at")
    )
    today = timezone.localdate()
    auditor.record(action="rights_request.list_viewed", request=request)
    table = tables.records_table(
        "Rights requests",
        [
            ("Person", lambda r: tables.link(r.person.full_name, f"{r.pk}/")),
            ("Request", lambda r: tables.text(r.get_kind_display())),
            ("Received", lambda r: tables.text(date_uk(r.received_on))),
            ("Answer due", lambda r: tables.text(date_uk(r.due_on))),
            ("Status", lambda r: tables.html(tables.tag(_state(r, today)))),
        ],
        found,
        responsive=True,
    )
    return render(
        request,
        "records/requests.jinja",
        {
            "page_title": "Rights requests",
            "table": table,
            "open": sum(1 for r in found if r.is_open),
            "overdue": sum(1 for r in found if r.overdue(today)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a request received: who it is about, who asked, when, and the identity check."""
    gate.require(request, Ability.MANAGE_RECORDS)
    organisations = _organisations(request)
    form = RequestForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid() and form.person is not None:
        data = form.cleaned_data
        found = actions.record_request(
            by=request.user,
            organisation=Organisation.objects.get(pk=data["organisation"]),
            person=form.person,
            kind=RequestKind(data["kind"]),
            received_on=data["received_on"],
            requester=data["requester"],
            requester_name=data["requester_name"],
            identity_checked=data["identity_checked"],
            identity_how=data["identity_how"],
            details=data["details"],
            request=request,
        )
        messages.success(request, f"Request recorded: the answer is due {date_uk(found.due_on)}")
        return redirect("records:request", request_id=found.pk)
    errors = error_summary(form) if form.errors else []
    return render(
        request,
        "records/new_request.jinja",
        {"page_title": "Record a rights request", "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: AuthenticatedHttpRequest, request_id: str) -> HttpResponse:
    """One request: its details, the export (for access), the decision, and the restriction
    it placed with the form to lift it."""
    found = gate.get_visible_or_404(
        request,
        RightsRequest.objects.visible_to(request.user).select_related(
            "person", "organisation", "recorded_by", "decided_by"
        ),
        ability=Ability.MANAGE_RECORDS,
        pk=request_id,
    )
    restriction = (
        Restriction.objects.active()
        .filter(person=found.person, organisation=found.organisation)
        .first()
    )
    posted = request.POST.get("form") if request.method == "POST" else None
    decide = DecisionForm(request.POST if posted == "decide" else None, prefix="decide")
    lift = LiftForm(request.POST if posted == "lift" else None, prefix="lift")
    if posted == "decide" and found.is_open and decide.is_valid():
        data = decide.cleaned_data
        actions.decide_request(
            by=request.user,
            found=found,
            decision=Decision(data["decision"]),
            legal_reason=LegalReason(data["legal_reason"]),
            notes=data["notes"],
            request=request,
        )
        messages.success(request, "Decision recorded")
        return redirect("records:request", request_id=found.pk)
    if posted == "lift" and restriction is not None and lift.is_valid():
        actions.lift_restriction(
            by=request.user,
            restriction=restriction,
            because=lift.cleaned_data["because"],
            request=request,
        )
        messages.success(request, "Restriction lifted")
        return redirect("records:request", request_id=found.pk)
    errors = error_summary(decide) + error_summary(lift)
    if request.method == "POST" and not errors:
        # A form for something already done (decided, or lifted), or none at all.
        decide.add_error(None, "Nothing to change: this has been done already")
        errors = error_summary(decide)
    auditor.record(action="rights_request.viewed", request=request, target=found)
    return render(
        request,
        "records/request.jinja",
        {
            "page_title": f"{found.get_kind_display()}: {found.person.full_name}",
            "found": found,
            "rows": _request_rows(found),
            "state": _state(found, timezone.localdate()),
            "restriction": restriction,
            "decide": decide,
            "lift": lift,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _request_rows(found: RightsRequest) -> list[dict[str, Any]]:
    def item(key: str, value: str) -> dict[str, Any]:
        return {"key": {"text": key}, "value": {"text": value or "Not recorded"}}

    rows = [
        item("Person", found.person.full_name),
        item("NHS number", format_nhs_number(found.person.nhs_number)),
        item("Organisation", found.organisation.name),
        item("Request", found.get_kind_display()),
        item("Received", date_uk(found.received_on)),
        item("Answer due", date_uk(found.due_on)),
        item(
            "Who asked",
            found.get_requester_display()
            + (f": {found.requester_name}" if found.requester_name else ""),
        ),
        item(
            "Identity",
            f"Checked: {found.identity_how}" if found.identity_checked else "Not checked yet",
        ),
        item("What they asked for", found.details),
        item("Recorded by", f"{found.recorded_by.full_name}, {date_uk(found.recorded_at)}"),
    ]
    if found.kind == RequestKind.ACCESS:
        rows.append(
            item(
                "Exports",
                f"{found.exports}, the last {date_uk(found.last_exported_at)}"
                if found.exports
                else "None yet",
            )
        )
    if not found.is_open and found.decided_by is not None:
        rows += [
            item("Decision", found.get_decision_display()),
            item("Legal reason", found.get_legal_reason_display()),
            item("Notes", found.decision_notes),
            item("Decided by", f"{found.decided_by.full_name}, {date_uk(found.decided_at)}"),
        ]
    return rows


@login_required
@require_GET
def download(request: AuthenticatedHttpRequest, request_id: str) -> HttpResponse:
    """The subject access export of the request's person, from the request's organisation
    only, as JSON or PDF; every download audited."""
    found = gate.get_visible_or_404(
        request,
        RightsRequest.objects.visible_to(request.user).select_related("person", "organisation"),
        ability=Ability.MANAGE_RECORDS,
        pk=request_id,
    )
    kind = request.GET.get("format", "json")
    if kind not in FORMATS:
        raise Http404("Choose format=json or format=pdf")
    if found.kind != RequestKind.ACCESS:
        raise Http404("Only a subject access request has an export")
    sections = actions.export_for(by=request.user, found=found, file_format=kind, request=request)
    if kind == "json":
        body = export.as_json(sections)
    else:
        try:
            body = pdf_of(export.as_html(sections, person=found.person))
        except PdfUnavailable as error:
            return HttpResponse(str(error), status=503, content_type="text/plain")
    response = HttpResponse(body, content_type=FORMATS[kind])
    response["Content-Disposition"] = f'attachment; filename="subject-access-{found.pk}.{kind}"'
    return response


# --- Retention -----------------------------------------------------------------------------


def _record_name(item: ReviewItem, people: dict[str, Person]) -> str:
    if item.object_type == "people.person" and item.object_id in people:
        person = people[item.object_id]
        number = format_nhs_number(person.nhs_number)
        return f"{person.full_name}{f', {number}' if number else ''}"
    if item.object_type == "audit.month":
        return f"Audit trail of {item.object_id}"
    return f"{item.object_type} {item.object_id}"


def _people_of(items: list[ReviewItem]) -> dict[str, Person]:
    ids = [i.object_id for i in items if i.object_type == "people.person"]
    return {str(p.pk): p for p in Person.objects.filter(pk__in=ids)}


@login_required
@require_GET
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Records of the user's organisations whose retention period has ended, for a decision.
    `?status=kept` or `disposal_agreed` shows the decided ones."""
    gate.require(request, Ability.MANAGE_RECORDS)
    status = request.GET.get("status", ReviewStatus.DUE)
    if status not in ReviewStatus.values:
        status = ReviewStatus.DUE
    items = list(
        ReviewItem.objects.visible_to(request.user)
        .filter(status=status)
        .select_related("organisation")[:500]
    )
    people = _people_of(items)
    auditor.record(action="retention.list_viewed", request=request, detail={"status": status})
    table = tables.records_table(
        "Records due for review",
        [
            ("Record", lambda i: tables.link(_record_name(i, people), f"{i.pk}/")),
            ("Class", lambda i: tables.text(i.get_record_class_display())),
            ("Organisation", lambda i: tables.text(i.organisation or "Platform")),
            ("Last activity", lambda i: tables.text(date_uk(i.last_activity))),
            ("Period ended", lambda i: tables.text(date_uk(i.due_on))),
        ],
        items,
        responsive=True,
    )
    return render(
        request,
        "records/review.jinja",
        {
            "page_title": "Records due for review",
            "table": table,
            "count": len(items),
            "status": status,
            "statuses": ReviewStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_item(request: AuthenticatedHttpRequest, item_id: str) -> HttpResponse:
    """Decide on one record: keep it for another period (with the reason), or mark it
    reviewed and agreed for disposal. Nothing is deleted here."""
    gate.require(request, Ability.MANAGE_RECORDS)
    item = gate.get_visible_or_404(
        request,
        ReviewItem.objects.visible_to(request.user).select_related("organisation"),
        pk=item_id,
    )
    rule = retention.rules()[item.record_class]
    keep_until = rule.ends(timezone.localdate())
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["decision"] == "keep"
        actions.decide_review(
            by=request.user,
            item=item,
            keep=keep,
            reason=form.cleaned_data["reason"],
            keep_until=keep_until,
            request=request,
        )
        messages.success(
            request,
            f"Kept until {date_uk(keep_until)}" if keep else "Marked reviewed for disposal",
        )
        return redirect("records:review")
    errors = error_summary(form) if form.errors else []
    auditor.record(action="retention.item_viewed", request=request, target=item)
    return render(
        request,
        "records/review_item.jinja",
        {
            "page_title": "Review a record",
            "item": item,
            "name": _record_name(item, _people_of([item])),
            "rule": rule,
            "keep_until": keep_until,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The retention rules: how long each class of record is kept, and why."""
    gate.require(request, Ability.MANAGE_RECORDS)
    may_change = permissions.may(request.user, Ability.SET_RETENTION)
    return render(
        request,
        "records/rules.jinja",
        {
            "page_title": "Retention rules",
            "rules": list(retention.rules().values()),
            "may_change": may_change,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule(request: AuthenticatedHttpRequest, record_class: str) -> HttpResponse:
    """Change how long one class of record is kept (admins who operate the platform)."""
    gate.require(request, Ability.SET_RETENTION)
    if record_class not in RecordClass.values:
        gate.refuse(request, ability=Ability.SET_RETENTION, record=(RetentionRule, record_class))
    current = retention.rules()[record_class]
    initial = {"period": current.period, "unit": current.unit, "basis": current.basis}
    form = RuleForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.save_rule(
            by=request.user, record_class=record_class, request=request, **form.cleaned_data
        )
        messages.success(request, "Retention rule saved")
        return redirect("records:rules")
    errors = error_summary(form) if form.errors else []
    return render(
        request,
        "records/rule.jinja",
        {"page_title": "Change a retention rule", "rule": current, "form": form, "errors": errors},
        status=400 if errors else 200,
    )
