"""The group session pages, under /groups/.

Every page passes the access gate with `Ability.RUN_GROUPS`: providers, link workers and
scheme leads may use them (anyone else gets 403), and a group or session is reached only
through `visible_to` (another organisation's or scheme's is 404); the gate audits each refusal.
The people a user may book are those they could already reach: a provider's through
`Connection.objects.for_provider`, a scheme's staff through `Connection.objects.visible_to`.
Every page showing a register is audited. Whoever may open a group may change its details and
close it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Organisation, Role, Scheme
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.casework.models import Connection
from linkwork.core import concurrency
from linkwork.directory.models import Service, ServiceStatus
from linkwork.groups import actions, presenters
from linkwork.groups.actions import BOOKABLE, GroupError
from linkwork.groups.forms import (
    BookForm,
    EditGroupForm,
    GroupForm,
    RegisterForm,
    entry_field_name,
)
from linkwork.groups.models import HOLDS_A_PLACE, Group, GroupSession, RegisterEntry

# How many sessions the group page lists, ahead and behind.
SHOWN_AHEAD = 8
SHOWN_BEHIND = 6


def _with_places(sessions: Any) -> Any:
    return sessions.annotate(taken=Count("entries", filter=Q(entries__status__in=HOLDS_A_PLACE)))


@login_required
@require_http_methods(["GET"])
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The groups the user runs, each with its next session."""
    gate.require(request, Ability.RUN_GROUPS)
    every = list(
        Group.objects.visible_to(request.user).select_related("service", "organisation", "scheme")
    )
    groups = [found for found in every if found.active]
    closed = [found for found in every if not found.active]
    next_sessions: dict[Any, GroupSession] = {}
    for session in GroupSession.objects.visible_to(request.user).filter(
        group__in=groups, starts_at__gte=timezone.now(), cancelled=False
    ):
        next_sessions.setdefault(session.group_id, session)
    return render(
        request,
        "groups/index.jinja",
        {
            "page_title": "Groups",
            "has_groups": bool(groups),
            "groups_table": presenters.groups_table(groups, next_sessions),
            "has_closed": bool(closed),
            "closed_table": presenters.closed_groups_table(closed),
        },
    )


@login_required
@require_http_methods(["GET"])
def group(request: AuthenticatedHttpRequest, group_id: Any) -> HttpResponse:
    """One group: where and when it meets, its coming sessions and its recent registers."""
    found = gate.get_visible_or_404(
        request,
        Group.objects.visible_to(request.user).select_related("service", "organisation", "scheme"),
        ability=Ability.RUN_GROUPS,
        pk=group_id,
    )
    now = timezone.now()
    sessions = _with_places(GroupSession.objects.visible_to(request.user).filter(group=found))
    ahead = list(sessions.filter(starts_at__gte=now).order_by("starts_at")[:SHOWN_AHEAD])
    behind = list(sessions.filter(starts_at__lt=now).order_by("-starts_at")[:SHOWN_BEHIND])
    return render(
        request,
        "groups/group.jinja",
        {
            "page_title": found.name,
            "group": found,
            "rows": [
                {"key": {"text": "Service"}, "value": {"text": found.service.name}},
                {"key": {"text": "Run by"}, "value": {"text": presenters.run_by(found)}},
                {"key": {"text": "Where"}, "value": {"text": found.venue}},
                {"key": {"text": "When"}, "value": {"text": presenters.when(found)}},
                {
                    "key": {"text": "Places at each session"},
                    "value": {"text": str(found.capacity)},
                },
            ],
            "closed": not found.active,
            "has_ahead": bool(ahead),
            "has_behind": bool(behind),
            "ahead": presenters.sessions_table("Coming sessions", ahead),
            "behind": presenters.sessions_table("Past sessions", behind),
        },
    )


def _group(request: AuthenticatedHttpRequest, group_id: Any) -> Group:
    return gate.get_visible_or_404(
        request,
        Group.objects.visible_to(request.user).select_related("service", "organisation", "scheme"),
        ability=Ability.RUN_GROUPS,
        pk=group_id,
    )


def _as_it_is(group: Group) -> dict[str, Any]:
    """The edit form's starting values: the group's details as they are now."""
    return {
        "name": group.name,
        "venue": group.venue,
        "starts_at": group.starts_at.strftime("%H:%M"),
        "duration_minutes": group.duration_minutes,
        "capacity": group.capacity,
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, group_id: Any) -> HttpResponse:
    """Change a group's name, venue, start time, length or places; its coming sessions follow."""
    found = _group(request, group_id)
    posted = request.POST if request.method == "POST" else None
    form = EditGroupForm(posted, initial=_as_it_is(found))
    conflict: concurrency.EditConflict | None = None
    if posted is not None and form.is_valid():
        data = form.cleaned_data
        try:
            changed = actions.edit_group(
                by=request.user,
                group=found,
                name=data["name"],
                venue=data["venue"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                capacity=data["capacity"],
                version=concurrency.sent_version(posted),
            )
        except GroupError as error:
            form.add_error(error.field or None, str(error))
        except concurrency.EditConflict as error:
            conflict = error
            found = _group(request, group_id)
            form.add_error(None, error.message)
        else:
            if changed:
                messages.success(request, "Group details saved: its coming sessions follow them")
            else:
                messages.info(request, "Nothing was changed")
            return redirect("groups:group", found.pk)
    return render(
        request,
        "groups/edit.jinja",
        {
            "page_title": f"Change {found.name}",
            "group": found,
            "form": form,
            "form_errors": bool(form.errors),
            "version": concurrency.version_to_show(
                stored=found.version, posted=posted, conflict=conflict
            ),
        },
        status=409 if conflict else 400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def close(request: AuthenticatedHttpRequest, group_id: Any) -> HttpResponse:
    """Close a group that has ended: its coming sessions are cancelled and no more are made.
    Refused while people are booked on a coming session."""
    found = _group(request, group_id)
    posted = request.POST if request.method == "POST" else None
    conflict: concurrency.EditConflict | None = None
    problem = ""
    if posted is not None:
        try:
            cancelled = actions.close_group(
                by=request.user, group=found, version=concurrency.sent_version(posted)
            )
        except GroupError as error:
            problem = str(error)
        except concurrency.EditConflict as error:
            conflict = error
            problem = error.message
            found = _group(request, group_id)
        else:
            messages.success(
                request,
                f"{found.name} closed: {cancelled} coming "
                f"{'session' if cancelled == 1 else 'sessions'} cancelled",
            )
            return redirect("groups:group", found.pk)
    coming = _with_places(
        GroupSession.objects.visible_to(request.user).filter(
            group=found, starts_at__gt=timezone.now(), cancelled=False, finalised_at__isnull=True
        )
    )
    booked = [session for session in coming if getattr(session, "taken", 0)]
    return render(
        request,
        "groups/close.jinja",
        {
            "page_title": f"Close {found.name}",
            "group": found,
            "problem": problem,
            "form_errors": bool(problem),
            "has_booked": bool(booked),
            "booked": presenters.sessions_table("Coming sessions with people booked", booked),
            "version": concurrency.version_to_show(
                stored=found.version, posted=posted, conflict=conflict
            ),
        },
        status=409 if conflict else 400 if problem else 200,
    )


def _session(request: AuthenticatedHttpRequest, group_session_id: Any) -> GroupSession:
    return gate.get_visible_or_404(
        request,
        _with_places(
            GroupSession.objects.visible_to(request.user).select_related(
                "group__service", "group__organisation", "group__scheme", "finalised_by"
            )
        ),
        ability=Ability.RUN_GROUPS,
        pk=group_session_id,
    )


def _bookable(request: AuthenticatedHttpRequest, session: GroupSession) -> Any:
    """The connections to the group's service that the user may book: a provider's group
    books the requests its organisation accepted, a scheme's group the scheme's own people."""
    group = session.group
    if group.organisation_id is not None:
        found = Connection.objects.for_provider(request.user).filter(
            service__organization__account_organisation_id=group.organisation_id
        )
    else:
        found = Connection.objects.visible_to(request.user).filter(
            referral__scheme_id=group.scheme_id
        )
    return found.filter(service_id=group.service_id, status__in=BOOKABLE).select_related(
        "referral__person"
    )


@login_required
@require_http_methods(["GET", "POST"])
def session(request: AuthenticatedHttpRequest, group_session_id: Any) -> HttpResponse:
    """A session's register: book people up to its places, mark who came, finalise it."""
    found = _session(request, group_session_id)
    as_provider = found.group.organisation_id is not None
    entries = list(
        RegisterEntry.objects.visible_to(request.user)
        .filter(session=found)
        .select_related("connection__referral__person")
        .order_by("booked_at", "pk")
    )
    labelled = [
        (entry, presenters.person_label(entry.connection, as_provider=as_provider))
        for entry in entries
    ]
    on_register = {entry.connection_id for entry in entries if entry.status in HOLDS_A_PLACE}
    bookable = [
        connection for connection in _bookable(request, found) if connection.pk not in on_register
    ]
    people = [
        (str(connection.pk), presenters.person_label(connection, as_provider=as_provider))
        for connection in bookable
    ]
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    book_form = BookForm(request.POST if posted == "book" else None, people=people)
    marked = [(str(entry.pk), label) for entry, label in labelled]
    register_form = RegisterForm(
        request.POST if posted == "mark" else None,
        rows=marked,
        initial={entry_field_name(entry.pk): entry.status for entry in entries},
    )
    problem = ""
    if request.method == "POST":
        try:
            if posted == "book" and book_form.is_valid():
                chosen = {str(c.pk): c for c in bookable}[book_form.cleaned_data["connection"]]
                actions.book(by=request.user, session=found, connection=chosen)
                messages.success(request, "Booked onto this session")
                return redirect("groups:session", found.pk)
            if posted == "mark" and register_form.is_valid():
                by_id = {str(entry.pk): entry for entry in entries}
                changed = actions.mark(
                    by=request.user,
                    entries={
                        by_id[entry_id]: register_form.cleaned_data[entry_field_name(entry_id)]
                        for entry_id, _ in marked
                    },
                )
                messages.success(request, f"Register saved: {changed} changed")
                return redirect("groups:session", found.pk)
            if posted == "finalise":
                written, skipped = actions.finalise(by=request.user, session=found)
                text = f"Register finalised: attendance written to {written} people's records"
                if skipped:
                    text += f". {skipped} not written because their connection had ended"
                messages.success(request, text)
                return redirect("groups:session", found.pk)
            if posted == "cancel":
                actions.cancel_session(by=request.user, session=found)
                messages.success(request, "Session cancelled")
                return redirect("groups:session", found.pk)
            if posted not in ("book", "mark", "finalise", "cancel"):
                problem = "Choose whether to book someone, save the register or finalise it"
        except GroupError as error:
            if error.field == "connection":
                book_form.add_error("connection", str(error))
            elif error.field and error.field in register_form.fields:
                register_form.add_error(error.field, str(error))
            else:
                problem = str(error)
        found = _session(request, group_session_id)
    auditor.record(
        action="register.viewed",
        request=request,
        target=found,
        scheme_id=found.group.scheme_id,
        detail={"entries": len(entries)},
    )
    has_errors = bool(book_form.errors or register_form.errors or problem)
    started = found.starts_at <= timezone.now()
    taken: int = getattr(found, "taken", 0)
    editable = not found.finalised and not found.cancelled
    return render(
        request,
        "groups/session.jinja",
        {
            "page_title": f"Register: {found.group.name}, {presenters.session_when(found)}",
            "form_errors": has_errors,
            "session": found,
            "group": found.group,
            "when": presenters.session_when(found),
            "state": presenters.session_state(found),
            "problem": problem,
            "book_form": book_form,
            "register_form": register_form,
            "has_entries": bool(entries),
            "register": presenters.register_table(labelled),
            "editable": editable,
            "can_book": editable and bool(people),
            "full": taken >= found.capacity,
            "taken": taken,
            "can_finalise": editable and started and bool(entries),
            "can_cancel": editable and not started,
            "finalised": presenters.finalised_text(found),
        },
        status=400 if has_errors else 200,
    )


def _runners(request: AuthenticatedHttpRequest) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Who the user may start a group for, and the services each may use: a provider
    organisation its own active services; a scheme the services its people are connected to."""
    user = request.user
    runners: list[tuple[str, str]] = []
    services: dict[str, list[tuple[str, str]]] = {}
    for organisation in Organisation.objects.filter(
        pk__in=permissions.organisation_ids(user, Role.PROVIDER)
    ).order_by("name"):
        key = f"organisation:{organisation.pk}"
        runners.append((key, organisation.name))
        services[key] = [
            (str(service.pk), service.name)
            for service in Service.objects.filter(
                organization__account_organisation=organisation, status=ServiceStatus.ACTIVE
            ).order_by("name")
        ]
    for scheme in Scheme.objects.filter(
        pk__in=permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    ).order_by("name"):
        key = f"scheme:{scheme.pk}"
        runners.append((key, scheme.name))
        connected = Connection.objects.visible_to(user).filter(referral__scheme=scheme)
        services[key] = [
            (str(service.pk), service.name)
            for service in Service.objects.filter(
                pk__in=connected.values("service_id"), status=ServiceStatus.ACTIVE
            ).order_by("name")
        ]
    return runners, services


@login_required
@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a group: its sessions are made from the first one to eight weeks ahead."""
    gate.require(request, Ability.RUN_GROUPS)
    runners, services = _runners(request)
    today = timezone.localdate()
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        runners=runners,
        services=services,
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind, _, runner_id = data["runner"].partition(":")
        try:
            made = actions.create_group(
                by=request.user,
                name=data["name"],
                service=Service.objects.select_related("organization").get(pk=data["service"]),
                venue=data["venue"],
                recurrence=data["recurrence"],
                weekday=data["weekday"],
                starts_at=data["starts_at"],
                first_on=data["first_on"],
                capacity=data["capacity"],
                organisation=Organisation.objects.get(pk=runner_id)
                if kind == "organisation"
                else None,
                scheme=Scheme.objects.get(pk=runner_id) if kind == "scheme" else None,
            )
        except GroupError as error:
            form.add_error(error.field or None, str(error))
        else:
            messages.success(request, f"{made.name} started: its sessions are planned")
            return redirect("groups:group", made.pk)
    return render(
        request,
        "groups/new.jinja",
        {"page_title": "Start a group", "form": form, "form_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )
