"""Every write of the prescription app, each in one transaction with its own audit event.

Links: made and sent (or printed) by the case's staff, revoked by them, and opened once by the
person, which binds the link to that one browser. Surveys: sent by the daily job once per
connection, opened once, answered once. Audit events name records by id, never a name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.http import HttpRequest
from django.utils import timezone

from linkwork import notifications
from linkwork.accounts.models import Scheme, User
from linkwork.audit import auditor
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, ConnectionStatusChange
from linkwork.notifications.addressing import Recipient, person_recipient
from linkwork.notifications.holds import held_because
from linkwork.notifications.models import Audience, Event
from linkwork.people.models import current_consents
from linkwork.prescription import language, messages, tokens
from linkwork.prescription.models import (
    Channel,
    FeedbackAnswer,
    PrescriptionLink,
    SchemeContact,
    SurveyInvitation,
)
from linkwork.referrals.models import Referral


class CannotSend(Exception):
    """The person cannot be sent a link: they refused contact, or there is no way to reach
    them. `reason` is a code; the page words it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def link_days() -> int:
    return int(getattr(settings, "LINKWORK_PRESCRIPTION_LINK_DAYS", 14))


def survey_after_days() -> int:
    return int(getattr(settings, "LINKWORK_FEEDBACK_SURVEY_AFTER_DAYS", 7))


def survey_days() -> int:
    return int(getattr(settings, "LINKWORK_FEEDBACK_SURVEY_LINK_DAYS", 28))


@dataclass(frozen=True)
class Made:
    link: PrescriptionLink
    token: str  # shown once to staff for a printed link; never stored


@transaction.atomic
def create_link(*, by: User, referral: Referral, send: bool) -> Made:
    """Make a new link to the person's prescription; with `send`, send it by the person's
    chosen channel (text, email or letter), else it is printed by staff. Earlier links of the
    referral that still work are revoked: one live link a person at a time."""
    token = tokens.new_token()
    days = link_days()
    now = timezone.now()
    recipient: Recipient | None = None
    if send:
        # A message a hold would keep back (a restriction of processing) is not sent at all:
        # staff are told, and may print the page instead.
        if held_because(referral.pk, Audience.PERSON):
            raise CannotSend("held")
        found = person_recipient(referral.person, current_consents(referral.person))
        if not isinstance(found, Recipient):
            raise CannotSend(found.reason)
        recipient = found
    earlier = list(
        PrescriptionLink.objects.select_for_update().filter(
            referral=referral, revoked_at__isnull=True, expires_at__gt=now
        )
    )
    for old in earlier:
        old.revoked_at, old.revoked_by = now, by
        old.save(update_fields=["revoked_at", "revoked_by"])
    link = PrescriptionLink.objects.create(
        referral=referral,
        token_digest=tokens.digest(token),
        channel=Channel(recipient.channel) if recipient else Channel.PRINTED,
        created_by=by,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    if recipient is not None:
        subject, body = messages.prescription_message(
            token=token,
            scheme=referral.scheme.name,
            language=language.for_person(referral.person),
            days=days,
        )
        message = notifications.send(
            to=recipient,
            event=Event.PRESCRIPTION,
            subject=subject,
            body=body,
            referral_id=referral.pk,
        )
        link.message_id = message.pk
        link.save(update_fields=["message_id"])
    auditor.record(
        action="prescription_link.created",
        actor=by,
        target=link,
        scheme_id=referral.scheme_id,
        detail={
            "referral": str(referral.pk),
            "channel": link.channel,
            "message": str(link.message_id or ""),
            "revoked": [str(old.pk) for old in earlier],
        },
    )
    return Made(link=link, token=token)


@transaction.atomic
def revoke_link(*, by: User, link: PrescriptionLink) -> PrescriptionLink:
    """Stop a link working, at once, in every browser it was opened in."""
    locked = PrescriptionLink.objects.select_for_update().get(pk=link.pk)
    if locked.revoked_at is None:
        locked.revoked_at, locked.revoked_by = timezone.now(), by
        locked.save(update_fields=["revoked_at", "revoked_by"])
    auditor.record(
        action="prescription_link.revoked",
        actor=by,
        target=locked,
        scheme_id=locked.referral.scheme_id,
        detail={"referral": str(locked.referral_id)},
    )
    return locked


# What a scheme lead sets of the scheme's contact, in the order the page asks for it.
CONTACT_FIELDS = ("phone", "email", "hours")


@transaction.atomic
def set_scheme_contact(
    *,
    by: User,
    scheme: Scheme,
    phone: str,
    email: str,
    hours: str,
    request: HttpRequest | None = None,
) -> list[str]:
    """Set who people call at the scheme (shown on their prescription pages), making the
    scheme's contact if it has none. Returns the names of the fields changed: when none did,
    nothing is written. The audit event names the fields, never their values."""
    # The scheme's row is the lock: two leads saving at once cannot both make its contact.
    Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
    contact = SchemeContact.objects.filter(scheme=scheme).first() or SchemeContact(scheme=scheme)
    wanted = {"phone": phone, "email": email, "hours": hours}
    changed = [name for name in CONTACT_FIELDS if getattr(contact, name) != wanted[name]]
    if not changed:
        return []
    created = contact.pk is None
    for name in changed:
        setattr(contact, name, wanted[name])
    contact.save()
    auditor.record(
        action="scheme_contact.changed",
        request=request,
        actor=by,
        target=contact,
        scheme_id=scheme.pk,
        detail={"changed": changed, "created": created},
    )
    return changed


def _refused(request: HttpRequest, kind: str, record: Any, reason: str) -> None:
    auditor.record(
        action=f"{kind}.link_refused",
        request=request,
        target=record,
        object_type="" if record is not None else kind,
        detail={"reason": reason},
    )


@transaction.atomic
def open_link(*, request: HttpRequest, token: str, bound: str | None) -> PrescriptionLink | None:
    """Exchange a link's token for this browser: the first opening binds it here; this
    browser may open it again; any other may not. None for a link that is unknown, expired,
    revoked or opened elsewhere (each refusal audited with its reason, never the token)."""
    link = (
        PrescriptionLink.objects.select_for_update()
        .select_related("referral")
        .filter(token_digest=tokens.digest(token))
        .first()
    )
    if link is None:
        _refused(request, "prescription", None, "unknown")
        return None
    state = link.state()
    if not link.usable():
        _refused(request, "prescription", link, state)
        return None
    if link.opened_at is not None and bound != str(link.pk):
        _refused(request, "prescription", link, "opened_elsewhere")
        return None
    if link.opened_at is None:
        link.opened_at = timezone.now()
        link.save(update_fields=["opened_at"])
        auditor.record(
            action="prescription_link.opened",
            request=request,
            target=link,
            scheme_id=link.referral.scheme_id,
            detail={"person": str(link.referral.person_id)},
        )
    return link


@transaction.atomic
def record_view(*, request: HttpRequest, link: PrescriptionLink, view: str) -> None:
    """Audit one showing of the person's page (`view`: "page", "easy_read" or "printed"), by
    the person through their link, or by staff printing it."""
    PrescriptionLink.objects.filter(pk=link.pk).update(
        views=link.views + 1, last_viewed_at=timezone.now()
    )
    by_staff = view == "printed"
    auditor.record(
        action="prescription.printed" if by_staff else "prescription.viewed",
        request=request,
        actor=request.user if by_staff else None,
        object_type="people.person",
        object_id=str(link.referral.person_id),
        scheme_id=link.referral.scheme_id,
        detail={"link": str(link.pk), "view": view, "who": "staff" if by_staff else "person"},
    )


# --- The feedback survey ----------------------------------------------------------------------


def started_on(connection_ids: list[Any]) -> dict[Any, dt.datetime]:
    """When each connection first went in progress (the person started going)."""
    return dict(
        ConnectionStatusChange.objects.filter(
            connection_id__in=connection_ids, to_status=ConnectionStatus.IN_PROGRESS
        )
        .values("connection_id")
        .annotate(first=Min("changed_at"))
        .order_by()
        .values_list("connection_id", "first")
    )


def due_for_survey(now: dt.datetime | None = None) -> list[Connection]:
    """Connections whose person started going at least a week ago (`survey_after_days`),
    within the last 60 days, or was signposted then, and who have had no survey for it."""
    now = now or timezone.now()
    latest = now - dt.timedelta(days=survey_after_days())
    earliest = now - dt.timedelta(days=60)
    started = (
        ConnectionStatusChange.objects.filter(to_status=ConnectionStatus.IN_PROGRESS)
        .values("connection_id")
        .annotate(first=Min("changed_at"))
        .filter(first__lte=latest, first__gte=earliest)
        .values("connection_id")
    )
    # A signposted service starts when the person is pointed to it.
    signposted = Q(
        status=ConnectionStatus.SIGNPOSTED, created_at__lte=latest, created_at__gte=earliest
    )
    return list(
        Connection.objects.filter(Q(pk__in=started) | signposted, survey_invitation__isnull=True)
        .exclude(status__in=[ConnectionStatus.CANCELLED, ConnectionStatus.REJECTED])
        .select_related("referral__person", "service")
        .order_by("pk")
    )


@transaction.atomic
def invite_to_survey(*, connection: Connection) -> SurveyInvitation | None:
    """Send the feedback survey for one connection by the person's channel, once: a second
    call for the same connection sends nothing and returns None."""
    locked = Connection.objects.select_for_update().get(pk=connection.pk)
    if SurveyInvitation.objects.filter(connection=locked).exists():
        return None
    referral = connection.referral
    token = tokens.new_token()
    found = person_recipient(referral.person, current_consents(referral.person))
    now = timezone.now()
    invitation = SurveyInvitation(
        connection=locked,
        token_digest=tokens.digest(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=survey_days()),
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:  # another worker sent it at the same moment
        return None
    if isinstance(found, Recipient):
        subject, body = messages.survey_message(
            token=token,
            service=connection.service.name,
            language=language.for_person(referral.person),
        )
        message = notifications.send(
            to=found,
            event=Event.FEEDBACK_SURVEY,
            subject=subject,
            body=body,
            referral_id=referral.pk,
        )
        invitation.channel, invitation.message_id = found.channel, message.pk
    else:
        invitation.skipped = found.reason
    invitation.save(update_fields=["channel", "message_id", "skipped"])
    auditor.record(
        action="feedback_survey.sent",
        target=invitation,
        scheme_id=referral.scheme_id,
        detail={
            "connection": str(connection.pk),
            "channel": invitation.channel,
            "skipped": invitation.skipped,
        },
    )
    return invitation


@transaction.atomic
def open_survey(*, request: HttpRequest, token: str, bound: str | None) -> SurveyInvitation | None:
    """Exchange a survey link's token for this browser, as `open_link` does."""
    invitation = (
        SurveyInvitation.objects.select_for_update()
        .select_related("connection__referral")
        .filter(token_digest=tokens.digest(token))
        .first()
    )
    if invitation is None:
        _refused(request, "feedback_survey", None, "unknown")
        return None
    if invitation.expires_at <= timezone.now():
        _refused(request, "feedback_survey", invitation, "expired")
        return None
    if invitation.opened_at is not None and bound != str(invitation.pk):
        _refused(request, "feedback_survey", invitation, "opened_elsewhere")
        return None
    if invitation.opened_at is None:
        invitation.opened_at = timezone.now()
        invitation.save(update_fields=["opened_at"])
        auditor.record(
            action="feedback_survey.opened",
            request=request,
            target=invitation,
            scheme_id=invitation.connection.referral.scheme_id,
            detail={"connection": str(invitation.connection_id)},
        )
    return invitation


@transaction.atomic
def record_survey_view(*, request: HttpRequest, invitation: SurveyInvitation) -> None:
    """Audit one showing of the survey to the person its link was sent to."""
    auditor.record(
        action="feedback_survey.viewed",
        request=request,
        object_type="people.person",
        object_id=str(invitation.connection.referral.person_id),
        scheme_id=invitation.connection.referral.scheme_id,
        detail={"invitation": str(invitation.pk), "who": "person"},
    )


@transaction.atomic
def answer_survey(
    *, request: HttpRequest, invitation: SurveyInvitation, answers: dict[str, str]
) -> FeedbackAnswer | None:
    """Keep the person's answers about one connection, once: None when it was answered
    already (nothing is changed)."""
    connection = Connection.objects.select_for_update().get(pk=invitation.connection_id)
    if FeedbackAnswer.objects.filter(connection=connection).exists():
        return None
    answer = FeedbackAnswer.objects.create(
        connection=connection,
        service_id=connection.service_id,
        went=answers["went"],
        welcome=answers["welcome"],
        helped=answers["helped"],
        recommend=answers["recommend"],
        comment=answers.get("comment", "").strip(),
    )
    auditor.record(
        action="feedback_survey.answered",
        request=request,
        target=answer,
        scheme_id=invitation.connection.referral.scheme_id,
        detail={"invitation": str(invitation.pk), "service": str(connection.service_id)},
    )
    return answer


def send_due_surveys() -> dict[str, int]:
    """The daily job's work: one survey per connection due, each in its own transaction."""
    sent = skipped = 0
    for connection in due_for_survey():
        invitation = invite_to_survey(connection=connection)
        if invitation is None:
            continue
        if invitation.skipped:
            skipped += 1
        else:
            sent += 1
    return {"sent": sent, "skipped": skipped}
