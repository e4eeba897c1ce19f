"""Presenters prepare what templates show: labels, dates and the page header."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from linkwork.accounts import permissions
from linkwork.accounts.permissions import Ability


@dataclass(frozen=True)
class Branding:
    organisation_name: str
    service_name: str
    nhs: bool

    @classmethod
    def from_settings(cls, settings: Any) -> Branding:
        return cls(
            organisation_name=settings.LINKWORK_ORGANISATION_NAME,
            service_name=settings.LINKWORK_SERVICE_NAME,
            nhs=settings.LINKWORK_NHS_BRANDING,
        )

    @property
    def title_suffix(self) -> str:
        return f"{self.service_name} \N{EN DASH} {self.organisation_name}"


def branding(request: HttpRequest) -> dict[str, Branding]:
    """Context processor: the deploying organisation's name and whether NHS branding is on."""
    from django.conf import settings

    return {"branding": Branding.from_settings(settings)}


def date_uk(value: dt.date | dt.datetime | None) -> str:
    """'4 March 2026': the NHS.UK style for dates."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


def datetime_uk(value: dt.datetime | None) -> str:
    """'4 March 2026 at 2:05pm'."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
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


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    ability: Ability | None = None


NAVIGATION = (
    NavItem("Home", "web:home"),
    NavItem("Refer someone", "referrals:new", Ability.MAKE_REFERRAL),
    NavItem("My referrals", "notifications:my_referrals", Ability.FOLLOW_OWN_REFERRALS),
    NavItem("Caseload", "casework:caseload", Ability.DO_CASEWORK),
    NavItem("Triage", "referrals:triage_queue", Ability.TRIAGE_REFERRAL),
    NavItem("Capacity", "casework:capacity", Ability.MANAGE_CAPACITY),
    NavItem("Inbox", "casework:inbox", Ability.ANSWER_CONNECTIONS),
    NavItem("Your services", "casework:provider_services", Ability.ANSWER_CONNECTIONS),
    NavItem("Referrals", "referrals:list", Ability.VIEW_REFERRAL),
    NavItem("Failed messages", "notifications:failed", Ability.TRIAGE_REFERRAL),
    NavItem("Directory", "directory:search", Ability.SEARCH_DIRECTORY),
    NavItem("Duplicates", "directory:duplicates", Ability.CURATE_DIRECTORY),
    NavItem("Audit log", "audit:search", Ability.VIEW_AUDIT),
)


def header_for(request: HttpRequest, branding: Branding) -> dict[str, Any]:
    """Parameters for the NHS.UK header macro: organisation, navigation and account."""
    params: dict[str, Any] = {
        "organisation": {"name": branding.organisation_name},
        "service": {"text": branding.service_name, "href": reverse("web:home")},
        "logo": {"href": reverse("web:home")}
        if branding.nhs
        else {
            "href": reverse("web:home"),
            "src": static("linkwork/linkwork-mark.svg"),
            "alt": "Linkwork",
        },
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and _verified_or_exempt(request):
        current = request.path
        home = reverse("web:home")
        items: list[dict[str, Any]] = [
            {"text": item.text, "href": reverse(item.href)}
            for item in NAVIGATION
            if item.ability is None or permissions.may(user, item.ability)
        ]
        # The current section is the longest link the page's address starts with.
        matches = [
            i["href"]
            for i in items
            if current == i["href"] or (i["href"] != home and current.startswith(i["href"]))
        ]
        for item in items:
            item["current"] = bool(matches) and item["href"] == max(matches, key=len)
        params["navigation"] = {"items": items}
    if user is not None and user.is_authenticated:
        params["account"] = {
            "items": [
                {"text": user.get_full_name() or user.email, "icon": True},
                {"html": _logout_form(request)},
            ]
        }
    return params


def _logout_form(request: HttpRequest) -> str:
    # The header macro's own form item has no CSRF field, so the logout form is given whole.
    return format_html(
        '<form class="nhsuk-header__account-form" action="{}" method="post">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button class="nhsuk-header__account-button">Log out</button></form>',
        reverse("accounts:logout"),
        get_token(request),
    )


def _verified_or_exempt(request: HttpRequest) -> bool:
    user = request.user
    return not permissions.needs_two_factor(user) or permissions.passed_two_factor(user)


# One colour per referral status, the same on every page.
STATUS_TAG_CLASSES = {
    "received": "nhsuk-tag--blue",
    "accepted": "nhsuk-tag--aqua-green",
    "active": "nhsuk-tag--green",
    "on_hold": "nhsuk-tag--yellow",
    "closed": "nhsuk-tag--grey",
    "declined": "nhsuk-tag--red",
    "redirected": "nhsuk-tag--purple",
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
