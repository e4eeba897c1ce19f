"""The message pages about referrals: "My referrals" for referrers, and every message about
one referral. The pages of one message, its letter and the failed messages are delivery's own,
in `linkwork.notifications.views`; all share the "notifications" URL names."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages as banners
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from linkwork.accounts import gate, permissions
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Role
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core.paging import paging
from linkwork.core.presenters import datetime_uk, status_tag
from linkwork.notifications.models import InboundMessage, InboundStatus, Message
from linkwork.notifications.presenters import MessageRow, ReplyRow
from linkwork.referrals import actions
from linkwork.referrals.lifecycle import WITHDRAWABLE_STATUSES, Status
from linkwork.referrals.models import Referral, StatusChange

PAGE_SIZE = 20


@dataclass(frozen=True)
class ReferralRow:
    id: str
    reference: str
    person: str
    scheme: str
    status: str
    received: str
    messages: list[MessageRow] = field(default_factory=list)
    tag: dict[str, str] = field(default_factory=dict)
    withdrawal_reason: str = ""
    # Only rows the organisation may still withdraw offer the button (`WITHDRAWABLE_STATUSES`).
    can_withdraw: bool = False

    @classmethod
    def of(cls, referral: Referral, messages: list[Message]) -> ReferralRow:
        return cls(
            id=str(referral.pk),
            reference=referral.reference,
            # A referrer's page: the person as they sent them, never a record joined since.
            person=referral.as_sent().full_name,
            scheme=referral.scheme.name,
            status=Status(referral.status).label,
            received=datetime_uk(referral.received_at),
            messages=[MessageRow.of(message, referral) for message in messages],
            tag=status_tag(referral),
            withdrawal_reason=next(
                (c.reason for c in reversed(getattr(referral, "withdrawals", []))), ""
            ),
            can_withdraw=referral.status in WITHDRAWABLE_STATUSES,
        )


@login_required
def my_referrals(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The referrals the user's organisation made, each with the messages sent back."""
    gate.require(request, Ability.FOLLOW_OWN_REFERRALS)
    organisations = permissions.organisation_ids(request.user, Role.REFERRER)
    sent_back = Message.objects.visible_to(request.user).defer("body").order_by("created_at", "id")
    referrals = (
        Referral.objects.visible_to(request.user)
        .filter(referring_organisation_id__in=organisations)
        .select_related("person", "scheme")
        .prefetch_related(
            Prefetch("messages", queryset=sent_back, to_attr="sent_back"),
            Prefetch(
                "history",
                queryset=StatusChange.objects.filter(to_status=Status.WITHDRAWN).order_by(
                    "changed_at", "id"
                ),
                to_attr="withdrawals",
            ),
        )
        .order_by("-received_at", "id")
    )
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [ReferralRow.of(referral, referral.sent_back) for referral in page.object_list]
    auditor.record(action="message.list_viewed", request=request, detail={"page": page.number})
    return render(
        request,
        "referrals/my_referrals.jinja",
        {
            "page_title": "Your organisation's referrals",
            "page": page,
            "paging": paging(request.GET, page),
            "rows": rows,
        },
    )


@login_required
def referral_messages(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """Every message about one referral that the user may read."""
    referral = gate.get_visible_or_404(request, Referral, pk=referral_id)
    found = (
        Message.objects.visible_to(request.user)
        .filter(referral=referral)
        .defer("body")
        .order_by("created_at", "id")
    )
    replies = list(
        InboundMessage.objects.visible_to(request.user)
        .filter(referral=referral)
        .order_by("received_at", "id")
    )
    rows = [MessageRow.of(message, referral) for message in found]
    # Reading the replies reads what the person wrote: the event names each one read.
    auditor.record(
        action="message.list_viewed",
        request=request,
        target=referral,
        scheme_id=referral.scheme_id,
        detail={"replies": [str(reply.pk) for reply in replies]} if replies else None,
    )
    return render(
        request,
        "referrals/referral_messages.jinja",
        {
            "page_title": f"Messages about referral {referral.reference}",
            "referral": referral,
            "rows": rows,
            "failed": [row for row in rows if row.is_failed],
            "replies": [ReplyRow.of(reply) for reply in replies],
        },
    )


@login_required
def unmatched_replies(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Text messages nobody's number matched for sure, for an admin to match by hand. Every
    view is audited, naming the replies shown."""
    gate.require(request, Ability.RUN_SERVICE)
    found = (
        InboundMessage.objects.visible_to(request.user)
        .filter(status=InboundStatus.UNMATCHED)
        .order_by("received_at", "id")
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    replies = list(page.object_list)
    auditor.record(
        action="reply.unmatched_list_viewed",
        request=request,
        detail={"page": page.number, "replies": [str(reply.pk) for reply in replies]},
    )
    return render(
        request,
        "referrals/unmatched_replies.jinja",
        {
            "page_title": "Replies to match",
            "page": page,
            "paging": paging(request.GET, page),
            "replies": [(reply, ReplyRow.of(reply)) for reply in replies],
            "errors": {},
        },
    )


@login_required
@require_POST
def match_reply(request: AuthenticatedHttpRequest, reply_id: str) -> HttpResponse:
    """ "Match to referral": thread an unmatched reply on the referral whose reference the
    admin typed, and tell its link worker."""
    reply = gate.get_visible_or_404(
        request,
        InboundMessage.objects.visible_to(request.user).filter(status=InboundStatus.UNMATCHED),
        ability=Ability.RUN_SERVICE,
        pk=reply_id,
    )
    reference = request.POST.get("reference", "").strip().upper()
    try:
        referral = actions.match_reply_to_reference(
            by=request.user, reply=reply, reference=reference
        )
    except ValueError as problem:
        banners.error(request, str(problem))
    else:
        banners.success(request, f"The reply is now on referral {referral.reference}")
    return redirect("notifications:unmatched_replies")
