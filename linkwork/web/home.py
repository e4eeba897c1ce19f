"""The role-aware home page: one section for each role the user holds.

The home page sits on the top floor, so it may read every app; the sections are listed here
in the order the page shows them, rather than registered by each app, because that order is
part of the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Role, Scheme, User
from linkwork.casework import presenters as casework_presenters
from linkwork.casework.caseload import caseload_entries
from linkwork.outcomes import presenters as outcome_presenters
from linkwork.outcomes.models import SafetyFlag
from linkwork.referrals import capacity, presenters
from linkwork.referrals.lifecycle import OPEN_STATUSES, Status
from linkwork.referrals.models import Referral
from linkwork.vocabulary.routes import NHS_ROUTES, Route

# Counts below this are shown as "fewer than 5" so a small group cannot be singled out.
SMALL_NUMBER = 5


@dataclass
class Section:
    role: Role
    heading: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.jinja",
        {"page_title": "Home", "sections": home_sections(request)},
    )


def home_sections(request: HttpRequest) -> list[Section]:
    """The sections of the roles the user holds, in the page's order."""
    user = request.user
    held = permissions.roles(user)
    builders = [
        (Role.LINK_WORKER, _caseload),
        (Role.SCHEME_LEAD, _triage),
        (Role.REFERRER, _my_referrals),
        (Role.PROVIDER, _provider),
        (Role.CURATOR, _curator),
        (Role.ANALYST, _analyst),
        (Role.ADMIN, _admin),
    ]
    return [build(request) for role, build in builders if role in held]


# How many of the caseload with nothing due this week the home page lists; the caseload
# page has them all.
OTHERS_SHOWN = 10
# Each of the due lists is cut here: a longer list is the caseload page's work.
DUE_SHOWN = 50
# Open safety flags listed on a scheme lead's home, the oldest first.
FLAGS_SHOWN = 20


def _caseload(request: HttpRequest) -> Section:
    """What is due today (overdue first), then in the next 7 days, then a few others."""
    today = timezone.localdate()
    referrals = Referral.objects.visible_to(request.user).filter(
        link_worker_id=request.user.pk, status__in=OPEN_STATUSES
    )
    entries = caseload_entries(referrals, today)
    week_end = today + dt.timedelta(days=7)
    due_today = [entry for entry in entries if entry.due]
    this_week = [
        entry
        for entry in entries
        if not entry.due and entry.earliest_due is not None and entry.earliest_due <= week_end
    ]
    others = sorted(
        (entry for entry in entries if not entry.due and entry not in this_week),
        key=lambda entry: entry.received_at,
    )

    def shown(
        part: list[casework_presenters.CaseloadEntry], most: int
    ) -> list[casework_presenters.CaseloadRow]:
        return casework_presenters.caseload_rows(part[:most], today)

    return Section(
        Role.LINK_WORKER,
        "Your caseload",
        "web/home/caseload.jinja",
        {
            "total": len(entries),
            "due_today": len(due_today),
            "this_week": len(this_week),
            "others": len(others),
            "today_table": casework_presenters.due_today_table(shown(due_today, DUE_SHOWN)),
            "week_table": casework_presenters.due_this_week_table(shown(this_week, DUE_SHOWN)),
            "others_table": casework_presenters.others_table(shown(others, OTHERS_SHOWN)),
        },
    )


def _triage(request: HttpRequest) -> Section:
    schemes = permissions.scheme_ids(request.user, Role.SCHEME_LEAD)
    waiting = (
        Referral.objects.visible_to(request.user)
        .filter(scheme_id__in=schemes, status=Status.RECEIVED)
        .select_related("person", "scheme")
        .order_by(
            # Urgent first, then the longest waiting.
            "-urgency",
            "received_at",
        )
    )
    led = list(Scheme.objects.filter(pk__in=schemes).order_by("name"))
    loads = capacity.scheme_loads(led)
    flags = (
        SafetyFlag.objects.visible_to(request.user)
        .open()
        .filter(referral__scheme_id__in=schemes)
        .select_related("referral__link_worker")
        .order_by("raised_at")
    )
    return Section(
        Role.SCHEME_LEAD,
        "Waiting for triage",
        "web/home/triage.jinja",
        {
            "table": presenters.triage_home_table(waiting[:50]),
            "total": waiting.count(),
            "link_workers": sum(len(scheme_loads) for scheme_loads in loads.values()),
            "link_workers_table": presenters.load_counts_table(led, loads),
            "schemes": led,
            "flags_table": outcome_presenters.open_flags_table(flags[:FLAGS_SHOWN]),
            "flags_total": flags.count(),
        },
    )


def _my_referrals(request: HttpRequest) -> Section:
    organisations = permissions.organisation_ids(request.user, Role.REFERRER)
    referrals = (
        Referral.objects.visible_to(request.user)
        .filter(referring_organisation_id__in=organisations)
        .select_related("person", "scheme")
        .order_by("-received_at")
    )
    shown = list(referrals[:20])
    return Section(
        Role.REFERRER,
        "Your organisation's referrals",
        "web/home/my_referrals.jinja",
        {
            "referrals": shown,
            "table": presenters.my_referrals_table(shown),
            "total": referrals.count(),
        },
    )


def _provider(request: HttpRequest) -> Section:
    """The provider's own listings, oldest-checked first, so the ones to confirm lead."""
    from linkwork.casework.lifecycle import ConnectionStatus
    from linkwork.casework.models import Connection
    from linkwork.directory.models import Service
    from linkwork.directory.presenters import listings_table

    listings = (
        Service.objects.editable_by(request.user)
        .select_related("organization")
        .order_by(F("assured_date").asc(nulls_first=True), "name")
    )
    shown = list(listings[:50])
    return Section(
        Role.PROVIDER,
        "Your organisation",
        "web/home/provider.jinja",
        {
            "organisations": _organisations(request, Role.PROVIDER),
            "listings": shown,
            "table": listings_table(shown),
            "today": timezone.localdate(),
            "waiting": Connection.objects.for_provider(request.user)
            .filter(status=ConnectionStatus.REQUESTED)
            .count(),
        },
    )


def _curator(request: HttpRequest) -> Section:
    """How true the directory is: listings due a check and stale ones, the stalest first."""
    from linkwork.directory.models import Service, ServiceStatus, confirm_after_days

    today = timezone.localdate()
    live = Service.objects.exclude(status=ServiceStatus.DEFUNCT)
    due = live.filter(
        Q(assured_date__isnull=True)
        | Q(assured_date__lt=today - dt.timedelta(days=confirm_after_days()))
    )
    return Section(
        Role.CURATOR,
        "Directory curation",
        "web/home/curator.jinja",
        {
            "total": live.count(),
            "due": due.count(),
            "stale": live.stale(today).count(),
            "stalest": list(
                due.select_related("organization").order_by(
                    F("assured_date").asc(nulls_first=True), "name"
                )[:10]
            ),
            "today": today,
        },
    )


def _organisations(request: HttpRequest, role: Role) -> list[Any]:
    from linkwork.accounts.models import Organisation

    return list(
        Organisation.objects.filter(pk__in=permissions.organisation_ids(request.user, role))
    )


def _analyst(request: HttpRequest) -> Section:
    """Referrals by route over the last 12 months: counts only, small numbers suppressed."""
    since = timezone.now() - dt.timedelta(days=365)
    rows = (
        Referral.objects.for_analysis(request.user)
        .filter(received_at__gte=since)
        .values("route")
        .annotate(total=Count("*"))  # "*": read from the (scheme, received, route) index alone
        .order_by("-total")
    )
    table = [
        {
            "route": Route(row["route"]).label,
            "nhs": Route(row["route"]) in NHS_ROUTES,
            "total": row["total"] if row["total"] >= SMALL_NUMBER else None,
        }
        for row in rows
    ]
    return Section(
        Role.ANALYST,
        "Referrals by route in the last 12 months",
        "web/home/analyst.jinja",
        {
            "rows": table,
            "table": presenters.routes_table(table, SMALL_NUMBER),
            "small_number": SMALL_NUMBER,
        },
    )


def _admin(request: HttpRequest) -> Section:
    from linkwork.audit.models import AuditEvent

    today = timezone.localdate()
    return Section(
        Role.ADMIN,
        "System administration",
        "web/home/admin.jinja",
        {
            "events_today": AuditEvent.objects.filter(occurred_at__date=today).count(),
            "denied_today": AuditEvent.objects.filter(
                occurred_at__date=today, action="access.denied"
            ).count(),
            "active_users": User.objects.filter(is_active=True).count(),
            "runs_service": permissions.may(request.user, permissions.Ability.RUN_SERVICE),
        },
    )
