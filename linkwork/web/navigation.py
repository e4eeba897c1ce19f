"""The page header: branding, the navigation each user's abilities open, and their account.

The navigation names pages of every app and asks `accounts.permissions` which of them the user
may use, so it lives on the top floor; the Jinja2 environment of `linkwork.web.jinja2` gives it
to every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html

from linkwork.accounts import permissions
from linkwork.accounts.permissions import Ability
from linkwork.core.presenters import Branding
from linkwork.notifications.centre import unread_count
from linkwork.notifications.centre_presenters import header_text


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
    NavItem("Diary", "casework:diary", Ability.KEEP_DIARY),
    NavItem("Triage", "referrals:triage_queue", Ability.TRIAGE_REFERRAL),
    NavItem("Capacity", "casework:capacity", Ability.MANAGE_CAPACITY),
    NavItem("Inbox", "casework:inbox", Ability.ANSWER_CONNECTIONS),
    NavItem("Your services", "casework:provider_services", Ability.ANSWER_CONNECTIONS),
    NavItem("Groups", "groups:index", Ability.RUN_GROUPS),
    NavItem("Referrals", "referrals:list", Ability.VIEW_REFERRAL),
    NavItem("Failed messages", "notifications:failed", Ability.TRIAGE_REFERRAL),
    NavItem("Letters to print", "notifications:print_queue", Ability.DO_CASEWORK),
    NavItem("GP events", "gp_events:index", Ability.VIEW_GP_EVENTS),
    NavItem("Support", "support:index", Ability.USE_SUPPORT),
    NavItem("Insights", "insights:index", Ability.VIEW_INSIGHTS),
    NavItem("Directory", "directory:search", Ability.SEARCH_DIRECTORY),
    NavItem("Add a listing", "directory:new", Ability.EDIT_LISTINGS),
    NavItem("Tips to check", "directory:tips", Ability.CURATE_DIRECTORY),
    NavItem("Duplicates", "directory:duplicates", Ability.CURATE_DIRECTORY),
    NavItem("Webhooks", "webhooks:endpoints", Ability.MANAGE_WEBHOOKS),
    NavItem("Audit log", "audit:search", Ability.VIEW_AUDIT),
    NavItem("Rights requests", "records:requests", Ability.MANAGE_RECORDS),
    NavItem("Retention review", "records:review", Ability.MANAGE_RECORDS),
)
# Entries that apps above this floor add from their `AppConfig.ready()` (`register`).
_REGISTERED: list[NavItem] = []


def register(item: NavItem) -> None:
    """Add an app's page to the header, after the built-in entries (once however often
    `ready()` runs)."""
    if item not in _REGISTERED:
        _REGISTERED.append(item)


def entries() -> tuple[NavItem, ...]:
    return (*NAVIGATION, *_REGISTERED)


@lru_cache(maxsize=128)
def _reversed(name: str, prefix: str, urlconf: str | None, root_urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


def href(name: str) -> str:
    """`reverse(name)` for the header's links, which take no arguments: worked out once per
    address prefix and URL configuration rather than a dozen times on every page."""
    return _reversed(name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)


def header_for(request: HttpRequest, branding: Branding) -> dict[str, Any]:
    """Parameters for the NHS.UK header macro: organisation, navigation and account."""
    home = href("web:home")
    params: dict[str, Any] = {
        "organisation": {"name": branding.organisation_name},
        "service": {"text": branding.service_name, "href": home},
        "logo": {"href": home}
        if branding.nhs
        else {
            "href": home,
            "src": static("linkwork/linkwork-mark.svg"),
            "alt": "Linkwork",
        },
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and _verified_or_exempt(request):
        current = request.path
        items: list[dict[str, Any]] = [
            {"text": item.text, "href": href(item.href)}
            for item in entries()
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
        account: list[dict[str, Any]] = [{"text": user.get_full_name() or user.email, "icon": True}]
        if _verified_or_exempt(request):
            # The page's one query for the centre: a COUNT of the user's unread alerts.
            account.append(
                {
                    "text": header_text(unread_count(user)),
                    "href": href("notification_centre:index"),
                }
            )
            account.append({"text": "Change password", "href": href("accounts:change_password")})
        account.append({"html": _logout_form(request)})
        params["account"] = {"items": account}
    return params


def _logout_form(request: HttpRequest) -> str:
    # The header macro's own form item has no CSRF field, so the logout form is given whole.
    return format_html(
        '<form class="nhsuk-header__account-form" action="{}" method="post">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button class="nhsuk-header__account-button">Log out</button></form>',
        href("accounts:logout"),
        get_token(request),
    )


def _verified_or_exempt(request: HttpRequest) -> bool:
    user = request.user
    return not permissions.needs_two_factor(user) or permissions.passed_two_factor(user)
