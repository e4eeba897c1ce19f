"""Notices about connections to the people who must act: providers, link workers and scheme
leads. They go through the message store like every other message, so they are kept, retried
and visible in the failed list. They name the referral reference and the service, never the
person: the reader signs in to see more.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse

from linkwork.accounts.models import Membership, Role, User
from linkwork.casework.models import Connection
from linkwork.directory.models import Capacity, Service, ServiceStatus
from linkwork.notifications.models import Audience, DeliveryChannel, Event, Message
from linkwork.notifications.tasks import queue


def _link(name: str, *args: object) -> str:
    return settings.LINKWORK_BASE_URL.rstrip("/") + reverse(name, args=args)


def _send(
    *,
    connection: Connection | None,
    audience: Audience,
    event: Event,
    to: Iterable[tuple[str, str]],
    subject: str,
    body: str,
) -> list[Message]:
    sent: list[Message] = []
    seen: set[str] = set()
    for name, address in to:
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        sent.append(
            queue(
                Message(
                    referral_id=connection.referral_id if connection else None,
                    audience=audience,
                    event=event,
                    channel=DeliveryChannel.EMAIL,
                    recipient_name=name[:200],
                    recipient_address=address,
                    subject=subject[:200],
                    body=body,
                )
            )
        )
    return sent


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


def _leads(scheme_id: int) -> list[tuple[str, str]]:
    return [
        (m.user.full_name, m.user.email)
        for m in Membership.objects.filter(
            role=Role.SCHEME_LEAD, scheme_id=scheme_id, user__is_active=True
        ).select_related("user")
    ]


def connection_requested(connection: Connection) -> list[Message]:
    service, referral = connection.service, connection.referral
    return _send(
        connection=connection,
        audience=Audience.PROVIDER,
        event=Event.CONNECTION_REQUESTED,
        to=provider_addresses(service),
        subject=f"New referral to {service.name}: {referral.reference}",
        body=(
            f"{referral.scheme.name} has asked {service.name} to take a referral "
            f"(reference {referral.reference}).\n\n"
            f"Please accept it, decline it or put the person on your waiting list by "
            f"{connection.respond_by:%A %d %B %Y}:\n"
            f"{_link('casework:inbox_connection', connection.pk)}\n"
        ),
    )


def connection_reminder(connection: Connection) -> list[Message]:
    service, referral = connection.service, connection.referral
    return _send(
        connection=connection,
        audience=Audience.PROVIDER,
        event=Event.CONNECTION_REMINDER,
        to=provider_addresses(service),
        subject=f"Reminder: referral {referral.reference} to {service.name} needs an answer",
        body=(
            f"Referral {referral.reference} from {referral.scheme.name} to {service.name} is "
            f"still waiting for an answer. Please reply by {connection.respond_by:%A %d %B %Y}:"
            f"\n{_link('casework:inbox_connection', connection.pk)}\n"
        ),
    )


def connection_overdue(connection: Connection) -> list[Message]:
    service, referral = connection.service, connection.referral
    body = (
        f"{service.name} has not answered the request for referral {referral.reference} by its "
        f"deadline, {connection.respond_by:%A %d %B %Y}. You may want to call them, or choose "
        f"another service:\n{_link('casework:connections', referral.pk)}\n"
    )
    subject = f"No answer from {service.name} for referral {referral.reference}"
    return _send(
        connection=connection,
        audience=Audience.LINK_WORKER,
        event=Event.CONNECTION_OVERDUE,
        to=_link_worker(connection),
        subject=subject,
        body=body,
    ) + _send(
        connection=connection,
        audience=Audience.SCHEME_LEAD,
        event=Event.CONNECTION_OVERDUE,
        to=_leads(referral.scheme_id),
        subject=subject,
        body=body,
    )


def connection_answered(connection: Connection) -> list[Message]:
    service, referral = connection.service, connection.referral
    return _send(
        connection=connection,
        audience=Audience.LINK_WORKER,
        event=Event.CONNECTION_ANSWERED,
        to=_link_worker(connection),
        subject=f"{service.name} answered referral {referral.reference}",
        body=(
            f"{service.name} has marked referral {referral.reference} as "
            f"{connection.get_status_display().lower()}"
            f"{' (waiting list)' if connection.waiting_list else ''}.\n"
            f"{_link('casework:connections', referral.pk)}\n"
        ),
    )


def paused_because(service: Service) -> str:
    """Why the service takes nobody now, in words, or an empty string when it does."""
    if service.status != ServiceStatus.ACTIVE:
        return service.get_status_display().lower()
    if service.capacity == Capacity.FULL:
        return "full"
    return ""


def service_paused(connection: Connection) -> list[Message]:
    service, referral = connection.service, connection.referral
    return _send(
        connection=connection,
        audience=Audience.LINK_WORKER,
        event=Event.SERVICE_PAUSED,
        to=_link_worker(connection),
        subject=f"{service.name} is paused: referral {referral.reference} is on hold",
        body=(
            f"{service.name} is {paused_because(service)}, so the connection for "
            f"referral {referral.reference} is on hold. Linkwork suggests other services on "
            f"the connections page:\n{_link('casework:connections', referral.pk)}\n"
        ),
    )


def service_reopened(connection: Connection) -> list[Message]:
    service, referral = connection.service, connection.referral
    return _send(
        connection=connection,
        audience=Audience.LINK_WORKER,
        event=Event.SERVICE_REOPENED,
        to=_link_worker(connection),
        subject=f"{service.name} has reopened: resume referral {referral.reference}?",
        body=(
            f"{service.name} is taking people again. The connection for referral "
            f"{referral.reference} is still on hold; you can resume it here:\n"
            f"{_link('casework:connections', referral.pk)}\n"
        ),
    )
