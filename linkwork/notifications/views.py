"""Delivery's own message pages: one message, the PDF of a letter, and the failed messages
with "Try again". The referral message pages are in `linkwork.referrals.message_views`."""

from __future__ import annotations

from django.contrib import messages as banners
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Role
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core.paging import paging
from linkwork.core.presenters import datetime_uk
from linkwork.notifications import actions
from linkwork.notifications.catalogue import every_template
from linkwork.notifications.lifecycle import InvalidMessageTransition
from linkwork.notifications.models import FAILED_STATUSES, Letter, Message
from linkwork.notifications.presenters import MessageRow, paragraphs, summary_rows

PAGE_SIZE = 20


def _may_retry(user: object, message: Message) -> bool:
    leads = permissions.scheme_ids(user, Role.SCHEME_LEAD)
    return message.referral is not None and message.referral.scheme_id in leads


@login_required
def message(request: AuthenticatedHttpRequest, message_id: str) -> HttpResponse:
    """One message, in full. Each view is audited."""
    found = gate.get_visible_or_404(request, Message, pk=message_id)
    referral = found.referral
    auditor.record(
        action="message.viewed",
        request=request,
        target=found,
        scheme_id=referral.scheme_id if referral is not None else None,
    )
    return render(
        request,
        "notifications/message.jinja",
        {
            "page_title": found.subject,
            "message": found,
            "referral": referral,
            "rows": summary_rows(found),
            "paragraphs": paragraphs(found.body),
            "has_letter": Letter.objects.visible_to(request.user)
            .filter(message_id=found.pk)
            .exists(),
            "may_retry": found.status in FAILED_STATUSES and _may_retry(request.user, found),
        },
    )


@login_required
def letter(request: AuthenticatedHttpRequest, message_id: str) -> HttpResponse:
    """The printable PDF of a letter. Each view is audited."""
    found = gate.get_visible_or_404(request, Message, pk=message_id)
    pdf = (
        Letter.objects.visible_to(request.user)
        .filter(message_id=found.pk)
        .values_list("pdf", flat=True)
        .first()
    )
    if pdf is None:
        raise Http404("This message has no letter.")
    referral = found.referral
    auditor.record(
        action="message.viewed",
        request=request,
        target=found,
        scheme_id=referral.scheme_id if referral is not None else None,
        detail={"format": "pdf"},
    )
    name = f"letter-{referral.reference if referral else found.pk}.pdf"
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def failed(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Failed messages of the scheme lead's schemes, to try again."""
    gate.require(request, Ability.RETRY_MESSAGES)
    leads = permissions.scheme_ids(request.user, Role.SCHEME_LEAD)
    found = (
        Message.objects.visible_to(request.user)
        .filter(status__in=FAILED_STATUSES, referral__scheme_id__in=leads)
        .select_related("referral")
        .defer("body")
        .order_by("-created_at", "id")
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    auditor.record(
        action="message.failed_list_viewed", request=request, detail={"page": page.number}
    )
    return render(
        request,
        "notifications/failed.jinja",
        {
            "page_title": "Messages that could not be sent",
            "page": page,
            "paging": paging(request.GET, page),
            "rows": [MessageRow.of(message) for message in page.object_list],
        },
    )


@login_required
@require_POST
def retry(request: AuthenticatedHttpRequest, message_id: str) -> HttpResponse:
    leads = permissions.scheme_ids(request.user, Role.SCHEME_LEAD)
    found = gate.get_visible_or_404(
        request,
        Message.objects.visible_to(request.user).filter(referral__scheme_id__in=leads),
        ability=Ability.RETRY_MESSAGES,
        pk=message_id,
    )
    if found.status not in FAILED_STATUSES:
        banners.error(request, "This message has not failed, so there is nothing to try again")
    else:
        try:
            actions.retry_message(by=request.user, message=found)
        except InvalidMessageTransition:
            banners.error(request, "Someone else changed this message. Check it and try again")
        else:
            banners.success(request, "The message will be sent again")
    if request.POST.get("return_to") == "message":
        return redirect("notifications:message", message_id=found.pk)
    return redirect("notifications:failed")


@login_required
def print_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Letters waiting to be printed and posted, oldest first, of the user's schemes."""
    gate.require(request, Ability.DO_CASEWORK)
    waiting = (
        Letter.objects.visible_to(request.user)
        .filter(printed_at__isnull=True, via_notify=False)
        .select_related("message__referral")
        .defer("pdf", "message__body")
        .order_by("created_at", "message_id")
    )
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    letters = list(page.object_list)
    auditor.record(
        action="letter.queue_viewed",
        request=request,
        detail={"page": page.number, "messages": [str(letter.message_id) for letter in letters]},
    )
    return render(
        request,
        "notifications/print_queue.jinja",
        {
            "page_title": "Letters to print and post",
            "page": page,
            "paging": paging(request.GET, page),
            "rows": [
                (MessageRow.of(letter.message), datetime_uk(letter.created_at))
                for letter in letters
            ],
        },
    )


@login_required
@require_POST
def mark_printed(request: AuthenticatedHttpRequest, message_id: str) -> HttpResponse:
    """ "Printed and posted": who and when, audited."""
    gate.require(request, Ability.DO_CASEWORK)
    found = gate.get_visible_or_404(
        request,
        Message.objects.visible_to(request.user).filter(
            letter__isnull=False, letter__via_notify=False
        ),
        pk=message_id,
    )
    letter = Letter.objects.visible_to(request.user).get(message_id=found.pk)
    try:
        actions.mark_printed(by=request.user, letter=letter)
    except ValueError as problem:
        banners.error(request, str(problem))
    else:
        banners.success(request, f"Marked as printed and posted: {found.subject}")
    return redirect("notifications:print_queue")


@login_required
def templates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every message Linkwork sends, by event, audience and channel, each previewed with
    made-up example details. No personal data: the examples are synthetic."""
    gate.require(request, Ability.RUN_SERVICE)
    previews = [(template, *template.render()) for template in every_template()]
    auditor.record(action="message.templates_viewed", request=request)
    return render(
        request,
        "notifications/templates.jinja",
        {
            "page_title": "Message templates",
            "previews": [
                {
                    "id": f"template-{index}",
                    "template": template,
                    "subject": subject,
                    "paragraphs": paragraphs(body),
                }
                for index, (template, subject, body) in enumerate(previews, start=1)
            ],
        },
    )
