"""What the person's own prescription page shows, and nothing else: what matters to them, the
services agreed with when, where and how to get there, and who to call.

Built only from the one referral a link was made for, through its own relations, so nothing of
anyone else can reach the page. Words are translated in the language active when it is built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import GoalStatus, SupportPlan
from linkwork.directory.models import Schedule, Service
from linkwork.prescription.models import SchemeContact
from linkwork.referrals.models import Referral

# Connections the person and their link worker agreed on, and which still stand.
AGREED = (
    ConnectionStatus.REQUESTED,
    ConnectionStatus.ACCEPTED,
    ConnectionStatus.IN_PROGRESS,
    ConnectionStatus.ON_HOLD,
    ConnectionStatus.SIGNPOSTED,
)
DAYS = {
    "MO": gettext_lazy("Mondays"),
    "TU": gettext_lazy("Tuesdays"),
    "WE": gettext_lazy("Wednesdays"),
    "TH": gettext_lazy("Thursdays"),
    "FR": gettext_lazy("Fridays"),
    "SA": gettext_lazy("Saturdays"),
    "SU": gettext_lazy("Sundays"),
}
DAY_ORDER = list(DAYS)
MONTHS = [
    gettext_lazy("January"),
    gettext_lazy("February"),
    gettext_lazy("March"),
    gettext_lazy("April"),
    gettext_lazy("May"),
    gettext_lazy("June"),
    gettext_lazy("July"),
    gettext_lazy("August"),
    gettext_lazy("September"),
    gettext_lazy("October"),
    gettext_lazy("November"),
    gettext_lazy("December"),
]


def day(value: dt.date) -> str:
    """'2 March 2027' in the active language."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


@dataclass(frozen=True)
class Place:
    name: str
    address: str
    how_to_get_there: str


@dataclass(frozen=True)
class AgreedService:
    name: str
    organisation: str
    about: str
    status: str
    times: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    website: str = ""
    online: bool = False
    by_phone: bool = False


@dataclass(frozen=True)
class WhoToCall:
    link_worker: str
    scheme: str
    phone: str = ""
    email: str = ""
    hours: str = ""


@dataclass(frozen=True)
class Prescription:
    first_name: str
    what_matters: str
    goals: list[str]
    services: list[AgreedService]
    who_to_call: WhoToCall


def clock(value: dt.time | None) -> str:
    """'10am', '2:30pm'; Welsh writes the same figures ('10yb', '2:30yh')."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{_('am') if value.hour < 12 else _('pm')}"


def when(schedule: Schedule) -> str:
    """'Tuesdays, 10am to 12pm' in the active language; the schedule's own words otherwise."""
    codes = [code[-2:] for code in schedule.byday.split(",") if code[-2:] in DAYS]
    days = ", ".join(str(DAYS[code]) for code in sorted(set(codes), key=DAY_ORDER.index))
    if days and schedule.opens_at and schedule.closes_at:
        return _("%(days)s, %(opens)s to %(closes)s") % {
            "days": days,
            "opens": clock(schedule.opens_at),
            "closes": clock(schedule.closes_at),
        }
    return days or schedule.description


def _address(location: object) -> str:
    found = next(iter(location.addresses.all()), None)  # type: ignore[attr-defined]
    if found is None:
        return ""
    parts = [found.address_1, found.address_2, f"{found.city} {found.postal_code}".strip()]
    return ", ".join(part for part in parts if part)


def agreed_service(service: Service, status: str) -> AgreedService:
    places = [
        Place(
            name=sal.location.name,
            address=_address(sal.location),
            how_to_get_there=sal.location.transportation,
        )
        for sal in service.service_at_locations.all()
    ]
    times = [when(schedule) for schedule in service.schedules.all()]
    phone = next((p.number for p in sorted(service.phones.all(), key=lambda p: p.number)), "")
    about = service.description_text.strip()
    if len(about) > 400:
        about = about[:400].rsplit(" ", 1)[0] + "…"
    return AgreedService(
        name=service.name,
        organisation=service.organization.name,
        about=about,
        status=status,
        times=[t for t in times if t],
        places=places,
        phone=phone,
        email=service.email,
        website=service.url,
        online=bool(service.delivers_online),
        by_phone=bool(service.delivers_by_phone),
    )


def status_words(status: str) -> str:
    return {
        ConnectionStatus.REQUESTED: _("Your link worker has asked them to take you on."),
        ConnectionStatus.ACCEPTED: _("They have said yes: you can start."),
        ConnectionStatus.IN_PROGRESS: _("You are going."),
        ConnectionStatus.ON_HOLD: _("Paused for now: your link worker will tell you more."),
        ConnectionStatus.SIGNPOSTED: _("You can go along or get in touch yourself."),
    }.get(ConnectionStatus(status), "")


def build(referral: Referral) -> Prescription:
    """The person's prescription, from their referral's plan, connections and link worker."""
    person = referral.person
    try:
        plan: SupportPlan | None = referral.plan
    except SupportPlan.DoesNotExist:
        plan = None
    goals: list[str] = []
    what_matters = ""
    if plan is not None:
        what_matters = plan.what_matters.strip()
        goals = [g.description for g in plan.goals.all() if g.status == GoalStatus.OPEN]
    connections = (
        referral.connections.filter(status__in=AGREED)
        .select_related("service__organization")
        .prefetch_related(
            "service__schedules",
            "service__phones",
            "service__service_at_locations__location__addresses",
        )
        .order_by("created_at")
    )
    services = [agreed_service(c.service, c.status) for c in connections]
    contact = SchemeContact.objects.filter(scheme_id=referral.scheme_id).first()
    worker = referral.link_worker
    return Prescription(
        first_name=person.given_name,
        what_matters=what_matters,
        goals=goals,
        services=services,
        who_to_call=WhoToCall(
            link_worker=worker.full_name if worker is not None else "",
            scheme=referral.scheme.name,
            phone=contact.phone if contact else "",
            email=contact.email if contact else "",
            hours=contact.hours if contact else "",
        ),
    )
