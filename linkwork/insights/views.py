"""Insights pages: the dashboards, their downloads and the quarterly return.

Aggregates only: no page here shows or links to a person's record. Scheme leads see exact
figures for the schemes they lead; anyone else (analysts, admins) sees small numbers
suppressed, and every download is suppressed for everyone.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core.forms import error_summary
from linkwork.core.presenters import datetime_uk
from linkwork.insights import downloads, facts, presenters, quarterly, scope, suppression
from linkwork.insights.dashboards import DASHBOARDS, Entry
from linkwork.insights.forms import FiltersForm
from linkwork.insights.model import Dashboard, Filters


def _filters(request: AuthenticatedHttpRequest) -> tuple[FiltersForm, Filters]:
    form = FiltersForm(request.GET or None, schemes=scope.scheme_ids_for(request.user))
    return form, form.filters()


def _entry(slug: str) -> Entry:
    try:
        return DASHBOARDS[slug]
    except KeyError:
        raise Http404("No such dashboard.") from None


def _audit(request: AuthenticatedHttpRequest, action: str, filters: Filters, **extra: Any) -> None:
    auditor.record(
        action=action,
        request=request,
        detail={
            "schemes": sorted(filters.schemes),
            "from": filters.date_from.isoformat() if filters.date_from else "",
            "to": filters.date_to.isoformat() if filters.date_to else "",
            "organisation": filters.referring_organisation,
            "route": filters.route,
            "link_worker": filters.link_worker,
            **extra,
        },
    )


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.VIEW_INSIGHTS)
    query = request.GET.urlencode()
    return render(
        request,
        "insights/index.jinja",
        {
            "page_title": "Insights",
            "dashboards": DASHBOARDS.values(),
            "query": f"?{query}" if query else "",
            "quarters": quarterly.recent_quarters(timezone.localdate()),
            "may_evaluate": permissions.may(request.user, Ability.RUN_EVALUATION),
            "small_label": suppression.label(),
            "small_number": suppression.threshold(),
        },
    )


@login_required
def dashboard(request: AuthenticatedHttpRequest, dashboard: str) -> HttpResponse:
    gate.require(request, Ability.VIEW_INSIGHTS)
    entry = _entry(dashboard)
    form, filters = _filters(request)
    built: Dashboard | None = None
    exact = False
    if not form.errors:
        built = entry.build(filters)
        exact = scope.exact_for(request.user, filters)
        if not exact:
            built = suppression.dashboard(built)
        _audit(request, "insights.viewed", filters, dashboard=entry.slug)
    query = request.GET.urlencode()
    return render(
        request,
        "insights/dashboard.jinja",
        {
            "page_title": entry.title,
            "entry": entry,
            "dashboards": DASHBOARDS.values(),
            "form": form,
            "form_errors": bool(form.errors),
            "errors": error_summary(form) if form.errors else [],
            "tables": [presenters.present(t) for t in built.tables] if built else [],
            "note": built.note if built else "",
            "exact": exact,
            "small_label": suppression.label(),
            "small_number": suppression.threshold(),
            "query": f"?{query}" if query else "",
            "as_of": datetime_uk(facts.as_of()),
        },
        status=400 if form.errors else 200,
    )


def _attachment(body: str | bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def table_csv(request: AuthenticatedHttpRequest, dashboard: str, table: str) -> HttpResponse:
    gate.require(request, Ability.VIEW_INSIGHTS)
    entry = _entry(dashboard)
    form, filters = _filters(request)
    if form.errors:
        raise Http404("Correct the filters on the dashboard first.")
    found = next((t for t in entry.build(filters).tables if t.slug == table), None)
    if found is None:
        raise Http404("No such table.")
    _audit(request, "insights.downloaded", filters, dashboard=entry.slug, table=table, format="csv")
    return _attachment(downloads.csv_text(found), "text/csv; charset=utf-8", f"{table}.csv")


@login_required
def xlsx(request: AuthenticatedHttpRequest, dashboard: str) -> HttpResponse:
    gate.require(request, Ability.VIEW_INSIGHTS)
    entry = _entry(dashboard)
    form, filters = _filters(request)
    if form.errors:
        raise Http404("Correct the filters on the dashboard first.")
    _audit(request, "insights.downloaded", filters, dashboard=entry.slug, format="xlsx")
    body = downloads.xlsx_bytes(entry.build(filters).tables)
    return _attachment(body, downloads.XLSX_TYPE, f"{entry.slug}.xlsx")


@login_required
def quarterly_return(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.VIEW_INSIGHTS)
    _, filters = _filters(request)
    today = timezone.localdate()
    try:
        start, end = quarterly.parse_quarter(request.GET.get("quarter", ""), today)
    except ValueError as error:
        raise Http404(str(error)) from None
    scoped = Filters(
        schemes=filters.schemes,
        date_from=start,
        date_to=end,
        referring_organisation=filters.referring_organisation,
        route=filters.route,
        link_worker=filters.link_worker,
    )
    _audit(request, "insights.downloaded", scoped, dashboard="quarterly-return", format="xlsx")
    body = downloads.xlsx_bytes(quarterly.tables(scoped))
    name = f"quarterly-return-{quarterly.quarter_name(start)}.xlsx"
    return _attachment(body, downloads.XLSX_TYPE, name)
