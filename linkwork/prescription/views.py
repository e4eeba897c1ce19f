"""The person's own pages (no login) and the staff pages about them.

The person's pages: a link `/p/<token>/` is exchanged once for a short session in the browser
that opens it, then the page is shown at `/p/` (reloads and printing work; the token leaves the
address bar). An unknown, expired, revoked or already-used link gets one and the same page,
which shows nothing about anyone (404). The survey works the same way at `/s/<token>/`.
Every showing is audited; every answer is kept out of caches, search engines and referrers.

The staff pages go through the access gate: a case's link worker and scheme leads make, send,
print and revoke links; a scheme's leads set the contact details shown on its people's pages;
curators and a service's provider read its feedback results.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Role, Scheme
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core.forms import error_summary
from linkwork.core.presenters import date_uk
from linkwork.directory.models import Service
from linkwork.insights import suppression
from linkwork.prescription import actions, content, language, presenters, results
from linkwork.prescription.forms import LinkForm, SchemeContactForm, SurveyForm
from linkwork.prescription.messages import absolute
from linkwork.prescription.models import (
    FeedbackAnswer,
    PrescriptionLink,
    SchemeContact,
    SurveyInvitation,
)
from linkwork.referrals.scoping import get_case_or_404

LINK_KEY = "prescription.link"
LINK_UNTIL = "prescription.link_until"
SURVEY_KEY = "prescription.survey"
SURVEY_UNTIL = "prescription.survey_until"
SHOWN_ONCE = "prescription.shown_once"
EASY_READ = "easy-read"


def session_seconds() -> int:
    return int(getattr(settings, "LINKWORK_PRESCRIPTION_SESSION_MINUTES", 60)) * 60


# The survey's form posts back to us: with no referrer at all a browser sends its origin as
# "null", which the CSRF check rightly refuses. Same-origin still tells no other site anything.
FORM_REFERRER_POLICY = "same-origin"


def _private(response: HttpResponse, lang: str, referrer: str = "no-referrer") -> HttpResponse:
    """Nothing of a person's page is cached, indexed or sent on as a referrer."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = referrer
    response["Content-Language"] = lang
    return response


def _person_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    lang: str,
    status: int = 200,
    referrer: str = "no-referrer",
) -> HttpResponse:
    with translation.override(lang):
        page = render(
            request,
            template,
            {
                **context,
                "lang": "cy" if lang == language.WELSH else "en",
                "path": reverse("prescription:page"),
                "referrer": referrer,
            },
            status=status,
        )
    return _private(page, lang, referrer)


def _gone(request: HttpRequest) -> HttpResponse:
    """The one answer for every link that does not work: it names no one."""
    lang = language.chosen(request)
    return _person_page(
        request, "prescription/gone.jinja", {"page_title": _title(lang, "gone")}, lang, 404
    )


def _title(lang: str, which: str) -> str:
    with translation.override(lang):
        return {
            "gone": _("This link does not work"),
            "page": _("Your social prescription"),
            "survey": _("How is it going?"),
            "answered": _("You have already answered"),
            "thanks": _("Thank you for your answers"),
        }[which]


# --- The person's prescription --------------------------------------------------------------


@require_http_methods(["GET"])
def open_prescription(request: HttpRequest, token: str) -> HttpResponse:
    link = actions.open_link(request=request, token=token, bound=request.session.get(LINK_KEY))
    if link is None:
        return _gone(request)
    request.session[LINK_KEY] = str(link.pk)
    request.session[LINK_UNTIL] = time.time() + session_seconds()
    # The format and language the link asked for; the token is left behind.
    query = {key: request.GET[key] for key in ("lang", "format") if request.GET.get(key)}
    target = reverse("prescription:page")
    if query.get("lang") in language.ASKED:
        target += f"?lang={query['lang']}"
        if query.get("format") == EASY_READ:
            target += f"&format={EASY_READ}"
    elif query.get("format") == EASY_READ:
        target += f"?format={EASY_READ}"
    return _private(redirect(target), language.chosen(request, link.referral.person))


def bound_link(request: HttpRequest) -> PrescriptionLink | None:
    """The link this browser opened, while its session lasts and the link still works."""
    pk = request.session.get(LINK_KEY)
    if not pk or time.time() > float(request.session.get(LINK_UNTIL, 0)):
        return None
    link = (
        PrescriptionLink.objects.select_related(
            "referral__person", "referral__scheme", "referral__link_worker"
        )
        .filter(pk=pk)
        .first()
    )
    return link if link is not None and link.usable() else None


@require_http_methods(["GET"])
def page(request: HttpRequest) -> HttpResponse:
    link = bound_link(request)
    if link is None:
        return _gone(request)
    lang = language.chosen(request, link.referral.person)
    easy = request.GET.get("format") == EASY_READ
    actions.record_view(request=request, link=link, view="easy_read" if easy else "page")
    with translation.override(lang):
        prescription = content.build(link.referral)
    return _person_page(
        request,
        "prescription/easy_read.jinja" if easy else "prescription/page.jinja",
        {
            "page_title": _title(lang, "page"),
            "prescription": prescription,
            "status_words": content.status_words,
            "day": content.day,
            "expires_on": timezone.localdate(link.expires_at),
            "other_lang": "en" if lang == language.WELSH else "cy",
        },
        lang,
    )


# --- The feedback survey ----------------------------------------------------------------------


@require_http_methods(["GET"])
def open_survey(request: HttpRequest, token: str) -> HttpResponse:
    invitation = actions.open_survey(
        request=request, token=token, bound=request.session.get(SURVEY_KEY)
    )
    if invitation is None:
        return _gone(request)
    request.session[SURVEY_KEY] = str(invitation.pk)
    request.session[SURVEY_UNTIL] = time.time() + session_seconds()
    target = reverse("prescription:survey")
    if request.GET.get("lang") in language.ASKED:
        target += f"?lang={request.GET['lang']}"
    return _private(
        redirect(target), language.chosen(request, invitation.connection.referral.person)
    )


def bound_invitation(request: HttpRequest) -> SurveyInvitation | None:
    pk = request.session.get(SURVEY_KEY)
    if not pk or time.time() > float(request.session.get(SURVEY_UNTIL, 0)):
        return None
    invitation = (
        SurveyInvitation.objects.select_related(
            "connection__referral__person", "connection__service"
        )
        .filter(pk=pk)
        .first()
    )
    if invitation is None or invitation.expires_at <= timezone.now():
        return None
    return invitation


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest) -> HttpResponse:
    invitation = bound_invitation(request)
    if invitation is None:
        return _gone(request)
    lang = language.chosen(request, invitation.connection.referral.person)
    service = invitation.connection.service.name
    if FeedbackAnswer.objects.filter(connection_id=invitation.connection_id).exists():
        return _person_page(
            request,
            "prescription/survey_answered.jinja",
            {"page_title": _title(lang, "answered")},
            lang,
        )
    with translation.override(lang):
        form = SurveyForm(request.POST if request.method == "POST" else None)
        valid = request.method == "POST" and form.is_valid()
        summary = error_summary(form) if form.is_bound and not valid else []
    if valid:
        actions.answer_survey(request=request, invitation=invitation, answers=form.cleaned_data)
        return _private(redirect("prescription:survey_done"), lang)
    actions.record_survey_view(request=request, invitation=invitation)
    return _person_page(
        request,
        "prescription/survey.jinja",
        {
            "page_title": _title(lang, "survey"),
            "form": form,
            "form_errors": summary,
            "service": service,
            "other_lang": "en" if lang == language.WELSH else "cy",
        },
        lang,
        referrer=FORM_REFERRER_POLICY,
    )


@require_http_methods(["GET"])
def survey_done(request: HttpRequest) -> HttpResponse:
    # Nothing is looked up: the page thanks whoever reaches it.
    lang = language.chosen(request)
    return _person_page(
        request, "prescription/survey_done.jinja", {"page_title": _title(lang, "thanks")}, lang
    )


# --- Staff: a case's links --------------------------------------------------------------------

CANNOT_SEND = {
    "contact_consent_refused": "The person has said they do not want to be contacted. "
    "Print it and give it to them instead.",
    "no_way_to_reach_person": "There is no mobile number, email address or postal address "
    "for the person. Print it and give it to them instead.",
    "held": "Messages to the person are held, for example while the use of their record is "
    "restricted. Ask your scheme lead before printing it for them.",
}


@login_required
@require_http_methods(["GET", "POST"])
def case(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """The person's prescription links for one referral: make and send one, see each one's
    state, revoke one, print the page."""
    referral = get_case_or_404(request, referral_id)
    form = LinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.create_link(
                by=request.user, referral=referral, send=form.cleaned_data["how"] == "send"
            )
        except actions.CannotSend as refused:
            form.add_error("how", CANNOT_SEND.get(refused.reason, "The link cannot be sent."))
        else:
            if made.link.message_id:
                messages.success(
                    request, f"Link sent by {made.link.get_channel_display().lower()}."
                )
            else:
                request.session[SHOWN_ONCE] = {
                    "link": str(made.link.pk),
                    "url": absolute(
                        reverse("prescription:open", args=[made.token]),
                        language.for_person(referral.person),
                    ),
                }
                messages.success(request, "Link made. Print the page and give it to the person.")
            return redirect("prescription:case", referral_id=referral.pk)
    links = list(
        PrescriptionLink.objects.visible_to(request.user)
        .filter(referral=referral)
        .select_related("created_by", "revoked_by")
    )
    auditor.record(
        action="prescription_link.list_viewed",
        request=request,
        target=referral,
        scheme_id=referral.scheme_id,
    )
    shown_once = request.session.pop(SHOWN_ONCE, None)
    # A lead who could give the scheme's contact details is told when people's pages have none.
    contact_missing = (
        permissions.may(request.user, Ability.SET_SCHEME_CONTACT, referral.scheme)
        and not SchemeContact.objects.filter(scheme_id=referral.scheme_id)
        .exclude(phone="", email="", hours="")
        .exists()
    )
    return render(
        request,
        "prescription/case.jinja",
        {
            "page_title": f"The person's own prescription for referral {referral.reference}",
            "referral": referral,
            "links": links,
            "links_table": presenters.links_table(links, timezone.now()),
            "live": [
                (link, date_uk(timezone.localdate(link.created_at)))
                for link in links
                if link.usable()
            ],
            "form": form,
            "form_errors": error_summary(form) if form.errors else [],
            "shown_once": shown_once,
            "days": actions.link_days(),
            "contact_missing": contact_missing,
        },
    )


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, link_id: str) -> HttpResponse:
    link = gate.get_visible_or_404(
        request,
        PrescriptionLink.objects.select_related("referral"),
        ability=Ability.DO_CASEWORK,
        pk=link_id,
    )
    actions.revoke_link(by=request.user, link=link)
    messages.success(request, "Link revoked: it no longer opens, on any device.")
    return redirect("prescription:case", referral_id=link.referral_id)


def _scoped_links(request: AuthenticatedHttpRequest) -> Any:
    return PrescriptionLink.objects.visible_to(request.user).select_related(
        "referral__person", "referral__scheme", "referral__link_worker"
    )


@login_required
@require_http_methods(["GET"])
def print_page(request: AuthenticatedHttpRequest, link_id: str) -> HttpResponse:
    """The person's page as they see it, for staff to print and hand over or post."""
    link = gate.get_visible_or_404(
        request, _scoped_links(request), ability=Ability.DO_CASEWORK, pk=link_id
    )
    lang = language.chosen(request, link.referral.person)
    actions.record_view(request=request, link=link, view="printed")
    with translation.override(lang):
        prescription = content.build(link.referral)
    return _person_page(
        request,
        "prescription/page.jinja",
        {
            "page_title": _title(lang, "page"),
            "prescription": prescription,
            "status_words": content.status_words,
            "day": content.day,
            "expires_on": timezone.localdate(link.expires_at),
            "other_lang": "en" if lang == language.WELSH else "cy",
            "printed": True,
            "back": reverse("prescription:case", args=[link.referral_id]),
        },
        lang,
    )


# --- Staff: the scheme's contact details ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scheme_contact(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    """The phone, email and hours shown to the scheme's people on their prescription pages:
    set by its leads (and the system admins who operate the platform)."""
    scheme = gate.get_visible_or_404(
        request, Scheme.objects.all(), ability=Ability.SET_SCHEME_CONTACT, pk=scheme_id
    )
    contact = SchemeContact.objects.filter(scheme=scheme).first()
    initial = {name: getattr(contact, name) for name in actions.CONTACT_FIELDS} if contact else {}
    form = SchemeContactForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = actions.set_scheme_contact(
            by=request.user, scheme=scheme, request=request, **form.cleaned_data
        )
        messages.success(
            request,
            "Contact details saved. People see them on their prescription pages"
            if changed
            else "Nothing changed: the contact details were already these",
        )
        return redirect("prescription:scheme_contact", scheme_id=scheme.pk)
    leads = scheme.pk in permissions.scheme_ids(request.user, Role.SCHEME_LEAD)
    return render(
        request,
        "prescription/scheme_contact.jinja",
        {
            "page_title": f"Contact details on people's prescription pages: {scheme.name}",
            "scheme": scheme,
            "form": form,
            "form_errors": error_summary(form) if form.errors else [],
            "back": (
                (reverse("casework:capacity"), "Back to capacity")
                if leads
                else (reverse("administration:scheme", args=[scheme.pk]), "Back to the scheme")
            ),
        },
        status=400 if form.errors else 200,
    )


# --- Staff: feedback results ------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def feedback(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Services with feedback that the user may see: all for curators, their own for
    providers."""
    gate.require(request, Ability.EDIT_LISTINGS)
    services = Service.objects.editable_by(request.user)
    counts = results.answer_counts(services)
    listed = sorted(
        services.filter(pk__in=list(counts)).select_related("organization"),
        key=lambda s: s.name,
    )
    auditor.record(action="feedback.results_listed", request=request)
    return render(
        request,
        "prescription/feedback.jinja",
        {
            "page_title": "Feedback from people",
            "services": presenters.services_table(
                [(s, counts[s.pk]) for s in listed], suppression.threshold()
            ),
            "any": bool(listed),
            "threshold": suppression.threshold(),
        },
    )


@login_required
@require_http_methods(["GET"])
def feedback_service(request: AuthenticatedHttpRequest, service_id: str) -> HttpResponse:
    service = gate.get_visible_or_404(
        request,
        Service.objects.editable_by(request.user).select_related("organization"),
        ability=Ability.EDIT_LISTINGS,
        pk=service_id,
    )
    found = results.for_service(service)
    auditor.record(
        action="feedback.results_viewed",
        request=request,
        target=service,
        detail={"shown": found.shown},
    )
    return render(
        request,
        "prescription/feedback_service.jinja",
        {
            "page_title": f"Feedback about {service.name}",
            "result": found,
            "tables": presenters.question_tables(found),
            "threshold": suppression.threshold(),
        },
    )
