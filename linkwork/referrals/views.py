from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Membership, Organisation, OrganisationKind, Role, Scheme
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core import concurrency
from linkwork.core.lifecycle import InvalidTransition
from linkwork.core.paging import paging
from linkwork.core.tables import status_history_table
from linkwork.directory.geography import postcode_known
from linkwork.people.forms import equality_details
from linkwork.people.models import ConsentMethod, Person, PersonMatch
from linkwork.referrals import actions, capacity, intake, next_steps, panels, presenters, search
from linkwork.referrals.forms import (
    NO_GP,
    ROUTE_FOR_ORGANISATION,
    ConsentForm,
    PersonForm,
    ReferralForm,
    SelfReferralForm,
    TriageDecision,
    TriageForm,
    WithdrawForm,
)
from linkwork.referrals.lifecycle import (
    OPEN_STATUSES,
    WITHDRAWABLE_STATUSES,
    DeclineReason,
    Status,
)
from linkwork.referrals.models import Channel, Referral
from linkwork.referrals.scoping import get_case_or_404
from linkwork.vocabulary.routes import Route

PAGE_SIZE = 25
# The triage queue is worked from the top, urgent first: a page of 50 at a time.
TRIAGE_PAGE_SIZE = 50
DRAFT = "referral_draft"
SENT = "referral_sent"
SELF_SENT = "self_referral_reference"
# Self-referrals from one address in an hour before the form asks them to phone instead.
SELF_REFERRAL_LIMIT = 5


@login_required
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.VIEW_REFERRAL)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "")
    searched = search.parse(query)
    # Referrals of other schemes are shown to the user as their referrer: by what was sent.
    record_schemes = permissions.scheme_ids(request.user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    referrals = searched.apply(
        Referral.objects.visible_to(request.user).select_related("person", "scheme"),
        record_schemes=record_schemes,
    )
    if status in Status.values:
        referrals = referrals.filter(status=status)
    page = Paginator(referrals.order_by("-received_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    auditor.record(
        action="referral.list_viewed",
        request=request,
        detail={"status": status, "page": page.number, **search.audit_detail(searched)},
    )
    return render(
        request,
        "referrals/list.jinja",
        {
            "page_title": "Referrals",
            "page": page,
            "referrals_table": presenters.list_table(page.object_list, record_schemes),
            "status": status,
            "statuses": Status.choices,
            "query": query,
            "paging": paging(request.GET, page),
        },
    )


@login_required
def detail(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    referral = gate.get_visible_or_404(request, Referral, pk=referral_id)
    auditor.record(
        action="referral.viewed", request=request, target=referral, scheme_id=referral.scheme_id
    )
    works_in_scheme = permissions.may(request.user, Ability.DO_CASEWORK, referral)
    return render(
        request,
        "referrals/detail.jinja",
        {
            "page_title": f"Referral {referral.reference}",
            "referral": referral,
            "summary_rows": presenters.ReferralSummary(referral).detail_rows(
                as_referrer=not works_in_scheme
            ),
            "history_table": status_history_table(
                referral.history.select_related("changed_by"), nobody="Self-referral"
            ),
            "can_triage": referral.status == Status.RECEIVED
            and permissions.may(request.user, Ability.TRIAGE_REFERRAL, referral),
            "works_in_scheme": works_in_scheme,
            "panels": panels.referral_page_panels(request, referral),
            "can_assign": referral.status in OPEN_STATUSES
            and permissions.may(request.user, Ability.MANAGE_CAPACITY, referral),
            "can_discharge": works_in_scheme and referral.status in (Status.ACTIVE, Status.ON_HOLD),
            "can_withdraw": may_withdraw(request.user, referral),
            **(_match_context(request, referral) if works_in_scheme else {}),
        },
    )


def _match_context(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    """The pending match of the referral's person, for a link worker or lead of its scheme,
    and whether they may open the record it matched."""
    match = PersonMatch.objects.pending().filter(candidate_id=referral.person_id).first()
    visible = (
        match is not None
        and Person.objects.visible_to(request.user).filter(pk=match.existing_id).exists()
    )
    return {"pending_match": match, "match_record_visible": visible}


@login_required
@require_http_methods(["POST"])
def match_decide(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """A link worker or lead of the scheme confirms or rejects a pending match."""
    referral = get_case_or_404(request, referral_id)
    decision = request.POST.get("decision", "")
    try:
        if decision == "confirm":
            actions.confirm_match(by=request.user, referral=referral)
            messages.success(request, "The referral has joined the record already on file.")
        elif decision == "reject":
            actions.reject_match(by=request.user, referral=referral)
            messages.success(request, "The person is kept as a record of their own.")
        else:
            messages.error(request, "Choose whether this is the same person or a different one.")
    except actions.MatchDecided as error:
        messages.error(request, str(error))
    return redirect("referrals:detail", referral.pk)


# --- The staff referral form: three screens, answers kept in the session ---------------------


def _referring_organisation(user: Any) -> Organisation | None:
    membership = (
        Membership.objects.filter(
            user=user, role__in=[Role.REFERRER, Role.LINK_WORKER, Role.SCHEME_LEAD]
        )
        .select_related("organisation")
        .order_by("role")
        .first()
    )
    return membership.organisation if membership else None


def _draft(request: HttpRequest) -> dict[str, Any]:
    draft: dict[str, Any] = request.session.get(DRAFT, {})
    return draft


def _save_draft(request: HttpRequest, step: str, data: dict[str, Any]) -> None:
    draft = _draft(request)
    draft[step] = data
    request.session[DRAFT] = draft


def _serialisable(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif hasattr(value, "pk"):
            out[key] = value.pk
        else:
            out[key] = value
    return out


def _initial(draft: dict[str, Any], step: str) -> dict[str, Any]:
    data = dict(draft.get(step, {}))
    if "date_of_birth" in data:
        data["date_of_birth"] = dt.date.fromisoformat(data["date_of_birth"])
    return data


@login_required
def new_referral(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.MAKE_REFERRAL)
    request.session.pop(DRAFT, None)
    return redirect("referrals:new_person")


def _step(
    request: HttpRequest,
    *,
    step: str,
    form_class: type[Any],
    template: str,
    title: str,
    next_url: str,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    gate.require(request, Ability.MAKE_REFERRAL)
    draft = _draft(request)
    initial = _initial(draft, step)
    if step == "details" and not initial:
        organisation = _referring_organisation(request.user)
        if organisation is not None:
            initial["route"] = ROUTE_FOR_ORGANISATION.get(
                OrganisationKind(organisation.kind), Route.OTHER
            )
    form = form_class(
        request.POST if request.method == "POST" else None, initial=initial, **(form_kwargs or {})
    )
    if request.method == "POST" and form.is_valid():
        _save_draft(request, step, _serialisable(form.cleaned_data))
        return redirect(next_url)
    return render(
        request,
        template,
        {"page_title": title, "form": form, "form_errors": bool(form.errors), "draft": draft},
    )


@login_required
def new_person(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _step(
        request,
        step="person",
        form_class=PersonForm,
        template="referrals/new_person.jinja",
        title="About the person",
        next_url=reverse("referrals:new_details"),
    )


@login_required
def new_details(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.MAKE_REFERRAL)
    draft = _draft(request)
    if "person" not in draft:
        return redirect("referrals:new_person")
    return _step(
        request,
        step="details",
        form_class=ReferralForm,
        template="referrals/new_details.jinja",
        title="Why you are referring",
        next_url=reverse("referrals:new_check"),
        form_kwargs={"date_of_birth": _date_of_birth(draft)},
    )


def _date_of_birth(draft: dict[str, Any]) -> dt.date | None:
    saved = draft.get("person", {}).get("date_of_birth")
    return dt.date.fromisoformat(saved) if saved else None


@login_required
def new_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Screen 3: consent, where the response goes, a summary of the answers, and send."""
    gate.require(request, Ability.MAKE_REFERRAL)
    draft = _draft(request)
    if "person" not in draft:
        return redirect("referrals:new_person")
    if "details" not in draft:
        return redirect("referrals:new_details")
    person_form = PersonForm(_form_data(draft["person"]))
    details_form = ReferralForm(_form_data(draft["details"]), date_of_birth=_date_of_birth(draft))
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if not (person_form.is_valid() and details_form.is_valid()):
        return redirect("referrals:new_person")
    if request.method == "POST" and form.is_valid():
        referral = _submit_staff_referral(request, person_form, details_form, form)
        request.session.pop(DRAFT, None)
        request.session[SENT] = str(referral.pk)
        return redirect("referrals:sent")
    return render(
        request,
        "referrals/new_check.jinja",
        {
            "page_title": "Check and send the referral",
            "form": form,
            "form_errors": bool(form.errors),
            "person_rows": presenters.check_person_rows(person_form.cleaned_data),
            "postcode_unknown": _postcode_unknown(person_form.cleaned_data["postcode"]),
            "referral_rows": presenters.check_referral_rows(details_form.cleaned_data),
        },
    )


def _postcode_unknown(postcode: str) -> bool:
    """A well-formed postcode the loaded postcode table does not list: worth a second look
    (the directory cannot find services near it), but never a reason to refuse a referral."""
    return bool(postcode) and postcode_known(postcode) is False


def _form_data(saved: dict[str, Any]) -> dict[str, Any]:
    """Stored answers back into the shape the form posts, so the form validates them again."""
    data = dict(saved)
    if "date_of_birth" in data:
        day = dt.date.fromisoformat(data.pop("date_of_birth"))
        data.update(
            {
                "date_of_birth[day]": day.day,
                "date_of_birth[month]": day.month,
                "date_of_birth[year]": day.year,
            }
        )
    if data.get("gp_practice") is None:
        data["gp_practice"] = ""
    return data


def _submit_staff_referral(
    request: AuthenticatedHttpRequest,
    person_form: PersonForm,
    details_form: ReferralForm,
    form: ConsentForm,
) -> Referral:
    person = person_form.cleaned_data
    details = details_form.cleaned_data
    user = request.user
    gp = person["gp_practice"]
    person_details = {
        "given_name": person["given_name"],
        "family_name": person["family_name"],
        "date_of_birth": person["date_of_birth"],
        "nhs_number": person["nhs_number"],
        "postcode": person["postcode"].upper(),
        "phone": person["phone"],
        "email": person["email"],
        "preferred_contact_method": person["preferred_contact_method"],
        "interpreter_needed": person["interpreter_needed"],
        "safeguarding_concerns": person["safeguarding_concerns"],
        "address": person["address"],
        "preferred_language": person["preferred_language"] or "en",
        "gp_practice_id": int(gp) if gp and gp != NO_GP else None,
        "no_known_gp_practice": gp == NO_GP,
        **equality_details(person),
    }
    organisation = _referring_organisation(user)
    # Whether they matched someone on record is not said: the scheme checks that.
    referral, _ = intake.submit(
        by=user,
        person_details=person_details,
        consents=intake.consent_choices(form.cleaned_data["consents"], contact=False),
        consent_method=ConsentMethod.VERBAL,
        referral={
            "scheme": details["scheme"],
            "route": details["route"],
            "channel": Channel.STAFF_FORM,
            "needs": details["needs"],
            "reason": details["reason"],
            "what_matters": details["what_matters"],
            "urgency": details["urgency"],
            "consent_to_refer": True,
            "referring_organisation": organisation,
            "referrer": {
                "name": user.full_name,
                "role": user.job_title,
                "email": user.email,
                "organisation": organisation.name if organisation else "",
            },
            "response_to": {
                "name": user.full_name,
                "email": form.cleaned_data["response_to_email"] or user.email,
            },
        },
    )
    return referral


@login_required
def sent(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.MAKE_REFERRAL)
    if not request.session.get(SENT):
        # A new session or a bookmark: nothing was sent here, so show what was sent before.
        return redirect("referrals:list")
    referral = gate.get_visible_or_404(request, Referral, pk=request.session[SENT])
    return render(
        request, "referrals/sent.jinja", {"page_title": "Referral sent", "referral": referral}
    )


# --- Self-referral: public, no login -------------------------------------------------------


def _client_address(request: HttpRequest) -> str | None:
    return auditor.client_ip(request)


def _too_many(request: HttpRequest) -> bool:
    from linkwork.audit.models import AuditEvent

    since = timezone.now() - dt.timedelta(hours=1)
    return (
        AuditEvent.objects.filter(
            action="referral.self_referred",
            ip_address=_client_address(request),
            occurred_at__gte=since,
        ).count()
        >= SELF_REFERRAL_LIMIT
    )


def _scheme_for(postcode: str) -> Scheme | None:
    district = postcode.upper().split(" ")[0] if postcode else ""
    schemes = [
        scheme
        for scheme in Scheme.objects.order_by("name")
        if not scheme.accepted_routes or Route.SELF in scheme.accepted_routes
    ]
    for scheme in schemes:
        if district and district in scheme.catchment_postcode_districts:
            return scheme
    return schemes[0] if schemes else None


def self_referral(request: HttpRequest) -> HttpResponse:
    form = SelfReferralForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _too_many(request):
            gate.audit_refusal(request, status=429, detail={"limit": SELF_REFERRAL_LIMIT})
            return render(
                request,
                "referrals/self_busy.jinja",
                {"page_title": "Please phone us instead"},
                status=429,
            )
        if form.is_valid():
            if form.cleaned_data["website"]:
                # Filled in by software, not a person: say thank you, store nothing.
                return render(request, "referrals/self_done.jinja", {"page_title": "Thank you"})
            postcode = form.cleaned_data["postcode"].upper()
            if _postcode_unknown(postcode) and request.POST.get("postcode_checked") != postcode:
                # Warn once, never block: sending again with the same postcode goes ahead.
                return render(
                    request,
                    "referrals/self_referral.jinja",
                    {
                        "page_title": "Refer yourself for social prescribing",
                        "form": form,
                        "form_errors": False,
                        "postcode_checked": postcode,
                    },
                )
            scheme = _scheme_for(postcode)
            if scheme is None:
                return render(
                    request, "referrals/self_busy.jinja", {"page_title": "Please phone us instead"}
                )
            young = intake.too_young(scheme, form.cleaned_data["date_of_birth"])
            if young is not None:
                form.add_error("date_of_birth", young)
            else:
                referral = _submit_self_referral(request, form, scheme)
                request.session[SELF_SENT] = referral.reference
                return redirect("refer_done")
    return render(
        request,
        "referrals/self_referral.jinja",
        {
            "page_title": "Refer yourself for social prescribing",
            "form": form,
            "form_errors": bool(form.errors),
        },
    )


def _submit_self_referral(request: HttpRequest, form: SelfReferralForm, scheme: Scheme) -> Referral:
    data = form.cleaned_data
    referral, _ = intake.submit(
        by=None,
        person_details={
            "given_name": data["given_name"],
            "family_name": data["family_name"],
            "date_of_birth": data["date_of_birth"],
            "postcode": data["postcode"].upper(),
            "phone": data["phone"],
            "email": data["email"],
            "address": data["address"],
            "preferred_contact_method": data["preferred_contact_method"],
            "preferred_language": data["preferred_language"] or "en",
            "interpreter_needed": data["interpreter_needed"],
            **form.gp_details(),
            **equality_details(data),
        },
        consents=intake.consent_choices([], contact=True),
        consent_method=ConsentMethod.ONLINE,
        referral={
            "scheme": scheme,
            "route": Route.SELF,
            "channel": Channel.SELF_REFERRAL,
            "needs": data["needs"],
            "what_matters": data["what_matters"],
            "consent_to_refer": True,
        },
    )
    auditor.record(action="referral.self_referred", request=request, target=referral)
    return referral


def self_referral_done(request: HttpRequest) -> HttpResponse:
    # The reference was kept in this visitor's session: nothing about the person is looked up.
    reference = request.session.pop(SELF_SENT, "")
    return render(
        request, "referrals/self_done.jinja", {"page_title": "Thank you", "reference": reference}
    )


# --- Triage --------------------------------------------------------------------------------


@login_required
def triage_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    gate.require(request, Ability.TRIAGE_REFERRAL)
    schemes = permissions.scheme_ids(request.user, Role.SCHEME_LEAD)
    query = request.GET.get("q", "")
    searched = search.parse(query)
    waiting = (
        searched.apply(Referral.objects.visible_to(request.user))
        .filter(scheme_id__in=schemes, status=Status.RECEIVED)
        .select_related("scheme", "person", "referring_organisation")
        .with_open_elsewhere()
        .order_by("-urgency", "received_at", "pk")
    )
    page = Paginator(waiting, TRIAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    auditor.record(
        action="referral.triage_queue_viewed",
        request=request,
        detail={"page": page.number, **search.audit_detail(searched)},
    )
    return render(
        request,
        "referrals/triage_queue.jinja",
        {
            "page_title": "Triage",
            "page": page,
            "total": page.paginator.count,
            "query": query,
            "paging": paging(request.GET, page),
            "waiting_table": presenters.triage_queue_table(page.object_list, timezone.localdate()),
        },
    )


# Link workers offered at triage without a search: those with the most room first. A scheme
# with hundreds of link workers is searched by name rather than listed whole.
SHOWN_LINK_WORKERS = 10


@dataclass(frozen=True)
class WorkerChoice:
    """The link workers the triage page offers, and what the lead asked for."""

    offered: list[capacity.WorkerLoad]
    total: int
    scheme_full: bool
    search: str


def _link_worker_choice(referral: Referral, search: str, chosen: str) -> WorkerChoice:
    """Link workers to offer: those matching `search` by name, or else the ones with the most
    room; the one already `chosen` on a failed form is always kept. Loads in fixed queries."""
    loads = capacity.scheme_loads([referral.scheme]).get(referral.scheme_id, [])
    search = capacity.name_search(search)
    if search:
        offered = capacity.filter_loads(loads, name=search)
    else:
        offered = sorted(
            loads, key=lambda load: (max(load.active_share, load.year_share), load.worker.full_name)
        )[:SHOWN_LINK_WORKERS]
    if chosen and all(str(load.worker.pk) != chosen for load in offered):
        offered += [load for load in loads if str(load.worker.pk) == chosen]
    return WorkerChoice(
        offered=offered,
        total=len(loads),
        scheme_full=all(load.is_full for load in loads),
        search=search,
    )


def _triage_page(request: HttpRequest, referral: Referral, **forms_context: Any) -> HttpResponse:
    choice = _link_worker_choice(
        referral, request.GET.get("worker", ""), request.POST.get("link_worker", "")
    )
    return render(
        request,
        "referrals/triage.jinja",
        {
            "page_title": f"Triage referral {referral.reference}",
            "referral": referral,
            "summary_rows": presenters.ReferralSummary(referral).triage_rows(),
            "postcode_unknown": _postcode_unknown(referral.person.postcode),
            "choice": choice,
            "scheme_full": choice.scheme_full,
            "limit": referral.scheme.active_caseload_limit,
            "decline_items": [
                {"value": v, "text": t}
                for v, t in DeclineReason.choices
                if v != DeclineReason.NOT_RECORDED
            ],
            "errors": forms_context.get("errors", {}),
            "error_list": [
                {"text": message, "href": f"#{name}"}
                for name, message in forms_context.get("errors", {}).items()
            ],
            "form_errors": bool(forms_context.get("errors")),
            "next_step_hints": next_steps.hints(),
            "version": concurrency.version_to_show(
                stored=referral.version,
                posted=request.POST if request.method == "POST" else None,
                conflict=forms_context.get("conflict"),
            ),
            **_match_context(request, referral),
        },
        status=409
        if forms_context.get("conflict")
        else 400
        if forms_context.get("errors")
        else 200,
    )


def _triageable(request: HttpRequest, referral_id: str) -> Referral:
    return gate.get_visible_or_404(
        request, Referral, ability=Ability.TRIAGE_REFERRAL, pk=referral_id
    )


@login_required
def triage(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    referral = _triageable(request, referral_id)
    auditor.record(
        action="referral.viewed", request=request, target=referral, scheme_id=referral.scheme_id
    )
    if referral.status != Status.RECEIVED:
        messages.info(request, f"This referral is already {referral.get_status_display().lower()}")
        return redirect("referrals:detail", referral.pk)
    return _triage_page(request, referral)


@login_required
@require_http_methods(["GET", "POST"])
def triage_decide(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """Accept, decline or redirect: one form, the decision chosen by radios. A failed form is
    shown at this address, so opening it again (a reload, a bookmark) goes back to triage."""
    referral = _triageable(request, referral_id)
    if request.method == "GET":
        return redirect("referrals:triage", referral_id=referral.pk)
    form = TriageForm(request.POST, referral=referral)
    version = concurrency.sent_version(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            match data["decision"]:
                case TriageDecision.ACCEPT:
                    actions.accept_referral(
                        by=request.user,
                        referral=referral,
                        link_worker=data["link_worker"],
                        version=version,
                    )
                case TriageDecision.WAITING_LIST:
                    actions.add_to_waiting_list(by=request.user, referral=referral, version=version)
                case TriageDecision.DECLINE:
                    actions.decline_referral(
                        by=request.user,
                        referral=referral,
                        reason=DeclineReason(data["decline_reason"]),
                        note=data["note"],
                        version=version,
                    )
                case TriageDecision.REDIRECT:
                    actions.redirect_referral(
                        by=request.user,
                        referral=referral,
                        to=data["redirect_to"],
                        note=data["note"],
                        version=version,
                    )
        except actions.AssignmentError as error:
            form.add_error("link_worker", str(error))
        except concurrency.EditConflict as conflict:
            # The first decision stands: say whose it was and when.
            referral.refresh_from_db()
            if referral.status != Status.RECEIVED:
                messages.error(request, conflict.message)
                return redirect("referrals:detail", referral.pk)
            return _triage_page(
                request, referral, errors={"decision": conflict.message}, conflict=conflict
            )
        except InvalidTransition as error:
            messages.error(request, str(error))
            return redirect("referrals:detail", referral.pk)
    if form.errors:
        errors = {name: field_errors[0] for name, field_errors in form.errors.items()}
        return _triage_page(request, referral, errors=errors)
    referral.refresh_from_db()
    messages.success(
        request, f"Referral {referral.reference} {referral.get_status_display().lower()}"
    )
    if form.cleaned_data["decision"] == TriageDecision.ACCEPT:
        # An app above may offer the next step, such as booking the first appointment.
        next_address = next_steps.after_accept(request, referral)
        if next_address:
            return redirect(next_address)
    return redirect("referrals:triage_queue")


def may_withdraw(user: Any, referral: Referral) -> bool:
    """Whether to offer "Withdraw this referral": the referral has not ended, and the user is
    a referrer of the organisation that sent it or a lead of its scheme."""
    return referral.status in WITHDRAWABLE_STATUSES and permissions.may(
        user, Ability.WITHDRAW_REFERRAL, referral
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """Confirm the withdrawal of a referral, with the reason."""
    referral = gate.get_visible_or_404(
        request, Referral, ability=Ability.WITHDRAW_REFERRAL, pk=referral_id
    )
    if request.method == "GET" and referral.status not in WITHDRAWABLE_STATUSES:
        messages.info(
            request,
            f"Referral {referral.reference} is {referral.get_status_display().lower()}: "
            "it can no longer be withdrawn.",
        )
        return redirect("referrals:detail", referral.pk)
    posted = request.POST if request.method == "POST" else None
    form = WithdrawForm(posted)
    conflict: concurrency.EditConflict | None = None
    # A referral that ended since the page was opened goes to the action, which refuses it
    # (audited) whatever the reason says.
    ended = referral.status not in WITHDRAWABLE_STATUSES
    if posted is not None and (form.is_valid() or ended):
        try:
            actions.withdraw_referral(
                who=request.user,
                referral=referral,
                reason=form.cleaned_data.get("reason", ""),
                version=concurrency.sent_version(posted),
            )
        except concurrency.EditConflict as error:
            conflict = error
            form.add_error("reason", error.message)
            referral.refresh_from_db()
        except InvalidTransition as error:
            messages.error(request, str(error))
            return redirect("referrals:detail", referral.pk)
        except ValueError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(
                request,
                f"Referral {referral.reference} withdrawn. The scheme has been told, and a "
                "confirmation is on its way to you.",
            )
            return redirect("referrals:detail", referral.pk)
    auditor.record(
        action="referral.withdraw_viewed",
        request=request,
        target=referral,
        scheme_id=referral.scheme_id,
    )
    return render(
        request,
        "referrals/withdraw.jinja",
        {
            "page_title": f"Withdraw referral {referral.reference}",
            "referral": referral,
            "person": referral.as_sent().full_name,
            "form": form,
            "form_errors": bool(form.errors),
            "version": concurrency.version_to_show(
                stored=referral.version, posted=posted, conflict=conflict
            ),
        },
        status=409 if conflict else 400 if form.errors else 200,
    )
