"""Notices about connections to the people who must act: providers, link workers and scheme
leads. They go out through `linkwork.notifications.send` like every other message, so they are
kept, retried and visible in the failed list. They name the referral reference and the service,
never the person: the reader signs in to see more.

What each notice says, and to whom, is data (`NOTICES`); one builder, `send_notice`, fills it
in for a connection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from linkwork import notifications
from linkwork.accounts.models import Membership, Role, User
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection
from linkwork.directory.models import Capacity, Service, ServiceStatus
from linkwork.notifications import centre
from linkwork.notifications.addressing import Recipient
from linkwork.notifications.models import (
    Alert,
    AlertKind,
    Audience,
    DeliveryChannel,
    Event,
    Message,
)


@dataclass(frozen=True)
class Notice:
    """What one connection event says, and to whom. `subject` and `body` are `str.format`
    templates of the fields `_fields` gives."""

    to: tuple[Audience, ...]
    subject: str
    body: str


NOTICES: dict[Event, Notice] = {
    Event.CONNECTION_REQUESTED: Notice(
        to=(Audience.PROVIDER,),
        subject="New referral to {service}: {reference}",
        body=(
            "{scheme} has asked {service} to take a referral (reference {reference}).\n\n"
            "Please accept it, decline it or put the person on your waiting list by "
            "{respond_by}:\n{inbox_link}\n"
        ),
    ),
    Event.CONNECTION_REMINDER: Notice(
        to=(Audience.PROVIDER,),
        subject="Reminder: referral {reference} to {service} needs an answer",
        body=(
            "Referral {reference} from {scheme} to {service} is still waiting for an answer. "
            "Please reply by {respond_by}:\n{inbox_link}\n"
        ),
    ),
    Event.CONNECTION_OVERDUE: Notice(
        to=(Audience.LINK_WORKER, Audience.SCHEME_LEAD),
        subject="No answer from {service} for referral {reference}",
        body=(
            "{service} has not answered the request for referral {reference} by its deadline, "
            "{respond_by}. You may want to call them, or choose another service:\n"
            "{connections_link}\n"
        ),
    ),
    Event.CONNECTION_ANSWERED: Notice(
        to=(Audience.LINK_WORKER,),
        subject="{service} answered referral {reference}",
        body=(
            "{service} has marked referral {reference} as {status}{waiting_list}.\n"
            "{connections_link}\n"
        ),
    ),
    Event.SERVICE_PAUSED: Notice(
        to=(Audience.LINK_WORKER,),
        subject="{service} is paused: referral {reference} is on hold",
        body=(
            "{service} is {paused_because}, so the connection for referral {reference} is on "
            "hold. Linkwork suggests other services on the connections page:\n"
            "{connections_link}\n"
        ),
    ),
    Event.SERVICE_REOPENED: Notice(
        to=(Audience.LINK_WORKER,),
        subject="{service} has reopened: resume referral {reference}?",
        body=(
            "{service} is taking people again. The connection for referral {reference} is "
            "still on hold; you can resume it here:\n{connections_link}\n"
        ),
    ),
}


def send_notice(connection: Connection, event: Event) -> list[Message]:
    """Send the notice of `event` about `connection` to everyone it is for, once each."""
    notice = NOTICES[event]
    fields = _fields(connection)
    subject = notice.subject.format(**fields)
    body = notice.body.format(**fields)
    sent: list[Message] = []
    for audience in notice.to:
        seen: set[str] = set()
        for name, address in _addresses(connection, audience):
            if not address or address.lower() in seen:
                continue
            seen.add(address.lower())
            sent.append(
                notifications.send(
                    to=Recipient(audience, DeliveryChannel.EMAIL, name, address),
                    event=event,
                    subject=subject,
                    body=body,
                    referral_id=connection.referral_id,
                )
            )
    return sent


def alert_answered(connection: Connection) -> list[Alert]:
    """Tell the link worker in the notification centre that the provider answered, and by
    email with the notice's words when they keep that kind by email (the default)."""
    worker = connection.referral.link_worker
    if worker is None:
        return []
    notice = NOTICES[Event.CONNECTION_ANSWERED]
    fields = _fields(connection)
    reference = connection.referral.reference
    if connection.status == ConnectionStatus.REJECTED:
        text = f"{fields['service']} declined referral {reference}"
    elif connection.waiting_list:
        text = f"{fields['service']} put referral {reference} on its waiting list"
    else:
        text = f"{fields['service']} accepted referral {reference}"
    return centre.tell(
        [worker],
        AlertKind.CONNECTION_ANSWERED,
        text,
        reverse("casework:connections", args=[connection.referral_id]),
        connection.referral,
        email=centre.Email(
            subject=notice.subject.format(**fields),
            body=notice.body.format(**fields),
            audience=Audience.LINK_WORKER,
        ),
    )


def alert_overdue(connection: Connection) -> list[Alert]:
    """Tell the link worker and the scheme's leads in the notification centre that the
    provider has not answered by the deadline (once per connection). The overdue notice has
    already gone to them by email, so the alert goes by email only to those who chose it."""
    referral = connection.referral
    users = [m.user for m in _lead_memberships(referral.scheme_id)]
    if referral.link_worker is not None:
        users.insert(0, referral.link_worker)
    return centre.tell(
        users,
        AlertKind.OVERDUE,
        f"No answer from {connection.service.name} for referral {referral.reference} "
        "by its deadline",
        reverse("casework:connections", args=[referral.pk]),
        referral,
        key=f"connection:{connection.pk}:overdue",
    )


def _fields(connection: Connection) -> dict[str, str]:
    service, referral = connection.service, connection.referral
    return {
        "service": service.name,
        "reference": referral.reference,
        "scheme": referral.scheme.name,
        "respond_by": f"{connection.respond_by:%A %d %B %Y}" if connection.respond_by else "",
        "status": connection.get_status_display().lower(),
        "waiting_list": " (waiting list)" if connection.waiting_list else "",
        "paused_because": paused_because(service),
        "inbox_link": _link("casework:inbox_connection", connection.pk),
        "connections_link": _link("casework:connections", referral.pk),
    }


def _addresses(connection: Connection, audience: Audience) -> Iterable[tuple[str, str]]:
    if audience == Audience.PROVIDER:
        return provider_addresses(connection.service)
    if audience == Audience.SCHEME_LEAD:
        return _leads(connection.referral.scheme_id)
    return _link_worker(connection)


def _link(name: str, *args: object) -> str:
    return settings.LINKWORK_BASE_URL.rstrip("/") + reverse(name, args=args)


def provider_addresses(service: Service) -> list[tuple[str, str]]:
    """The service's own email, then every active provider user of its organisation."""
    found = [(service.name, service.email)] if service.email else []
    organisation_id = service.organization.account_organisation_id
    if organisation_id is not None:
        found += [
            (user.full_name, user.email)
            for user in User.objects.filter(
                is_active=True,
                memberships__role=Role.PROVIDER,
                memberships__organisation_id=organisation_id,
            ).distinct()
        ]
    return found


def _link_worker(connection: Connection) -> list[tuple[str, str]]:
    worker = connection.referral.link_worker
    return [(worker.full_name, worker.email)] if worker and worker.is_active else []


def _lead_memberships(scheme_id: int) -> Iterable[Membership]:
    return Membership.objects.filter(
        role=Role.SCHEME_LEAD, scheme_id=scheme_id, user__is_active=True
    ).select_related("user")


def _leads(scheme_id: int) -> list[tuple[str, str]]:
    return [(m.user.full_name, m.user.email) for m in _lead_memberships(scheme_id)]


def paused_because(service: Service) -> str:
    """Why the service takes nobody now, in words, or an empty string when it does."""
    if service.status != ServiceStatus.ACTIVE:
        return service.get_status_display().lower()
    if service.capacity == Capacity.FULL:
        return "full"
    return ""


def example_fields() -> dict[str, str]:
    """Made-up details to preview every notice with (`notifications.catalogue`)."""
    return {
        "service": "Example Walking Group",
        "reference": "LW-7K3M-Q9TD",
        "scheme": "Example Social Prescribing",
        "respond_by": "Friday 13 March 2026",
        "status": "accepted",
        "waiting_list": "",
        "paused_because": "closed for the summer",
        "inbox_link": settings.LINKWORK_BASE_URL.rstrip("/") + "/casework/inbox/",
        "connections_link": settings.LINKWORK_BASE_URL.rstrip("/") + "/casework/",
    }


def register_templates() -> None:
    """Register every notice with the admins' page of message templates."""
    from functools import partial

    from linkwork.notifications.catalogue import Template, register

    def example(notice: Notice) -> tuple[str, str]:
        fields = example_fields()
        return notice.subject.format(**fields), notice.body.format(**fields)

    for event, notice in NOTICES.items():
        for audience in notice.to:
            register(
                Template(
                    event,
                    audience,
                    (DeliveryChannel.EMAIL,),
                    "linkwork/casework/notices.py",
                    partial(example, notice),
                )
            )
