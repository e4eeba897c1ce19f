"""Presenters prepare what templates show: labels, dates and branding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from linkwork.core.i18n import is_welsh


@dataclass(frozen=True)
class Branding:
    organisation_name: str
    service_name: str
    nhs: bool

    @classmethod
    def from_settings(cls, settings: Any) -> Branding:
        service_name = settings.LINKWORK_SERVICE_NAME
        return cls(
            organisation_name=settings.LINKWORK_ORGANISATION_NAME,
            # In the page's language when a catalogue has it (the default name has its Welsh;
            # a deployment's own name shows as set unless its catalogue adds it).
            service_name=gettext(service_name) if service_name else service_name,
            nhs=settings.LINKWORK_NHS_BRANDING,
        )

    @property
    def title_suffix(self) -> str:
        return f"{self.service_name} \N{EN DASH} {self.organisation_name}"


# The default service name (`LINKWORK_SERVICE_NAME`), for the Welsh catalogue.
DEFAULT_SERVICE_NAME = gettext_noop("Social prescribing")


def branding(request: HttpRequest) -> dict[str, Branding]:
    """Context processor: the deploying organisation's name and whether NHS branding is on."""
    from django.conf import settings

    return {"branding": Branding.from_settings(settings)}


# Welsh month names, for pages and messages in Welsh ("4 Mawrth 2026").
WELSH_MONTHS = (
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
)


def date_uk(value: dt.date | dt.datetime | None) -> str:
    """'4 March 2026': the NHS.UK style for dates ('4 Mawrth 2026' in Welsh)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    if is_welsh():
        return f"{value.day} {WELSH_MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {value:%B %Y}"


def datetime_uk(value: dt.datetime | None) -> str:
    """'4 March 2026 at 2:05pm' ('4 Mawrth 2026 am 2:05yp' in Welsh)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    if is_welsh():
        return f"{date_uk(local)} am {hour}:{local:%M}{'yb' if local.hour < 12 else 'yp'}"
    return f"{date_uk(local)} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def ago(value: dt.datetime | dt.date | None, today: dt.date | None = None) -> str:
    """Whole days since `value`, in words: 'today', '1 day ago', '12 days ago'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    days = ((today or timezone.localdate()) - value).days
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


# One colour per referral status, the same on every page.
STATUS_TAG_CLASSES = {
    "received": "nhsuk-tag--blue",
    "accepted": "nhsuk-tag--aqua-green",
    "active": "nhsuk-tag--green",
    "on_hold": "nhsuk-tag--yellow",
    "closed": "nhsuk-tag--grey",
    "declined": "nhsuk-tag--red",
    "redirected": "nhsuk-tag--purple",
    "withdrawn": "nhsuk-tag--orange",
    # Connection statuses not shared with referrals.
    "draft": "nhsuk-tag--white",
    "requested": "nhsuk-tag--blue",
    "rejected": "nhsuk-tag--red",
    "in_progress": "nhsuk-tag--green",
    "completed": "nhsuk-tag--grey",
    "failed": "nhsuk-tag--orange",
    "cancelled": "nhsuk-tag--grey",
    "signposted": "nhsuk-tag--purple",
}


def status_tag(record: Any) -> dict[str, str]:
    """Parameters for the NHS.UK tag macro showing a referral's or a connection's status."""
    return {
        "text": record.get_status_display(),
        "classes": STATUS_TAG_CLASSES.get(record.status, ""),
    }
