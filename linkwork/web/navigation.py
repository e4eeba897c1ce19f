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
    """Parameters for the NHS.UK header macro: organisation, navigation and account.

    Every signed-in page asks, so the request's address prefix and URL configuration are
    read once here rather than for each of the header's links, whether the user has passed
    two-factor is decided once, and each ability once however many links it opens."""
    where = (get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    home = _reversed("web:home", *where)
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
    if user is None or not user.is_authenticated:
        return params
    verified = _verified_or_exempt(request)
    if verified:
        current = request.path
        allowed: dict[Ability, bool] = {}
        items: list[dict[str, Any]] = []
        for entry in entries():
            if entry.ability is not None:
                if entry.ability not in allowed:
                    allowed[entry.ability] = permissions.may(user, entry.ability)
                if not allowed[entry.ability]:
                    continue
            items.append({"text": entry.text, "href": _reversed(entry.href, *where)})
        # The current section is the longest link the page's address starts with.
        matches = [
            i["href"]
            for i in items
            if current == i["href"] or (i["href"] != home and current.startswith(i["href"]))
        ]
        longest = max(matches, key=len) if matches else None
        for link in items:
            link["current"] = longest is not None and link["href"] == longest
        params["navigation"] = {"items": items}
    account: list[dict[str, Any]] = [{"text": user.get_full_name() or user.email, "icon": True}]
    if verified:
        # The page's one query for the centre: a COUNT of the user's unread alerts.
        account.append(
            {
                "text": header_text(unread_count(user)),
                "href": _reversed("notification_centre:index", *where),
            }
        )
        account.append(
            {"text": "Change password", "href": _reversed("accounts:change_password", *where)}
        )
    account.append({"html": _logout_form(request, _reversed("accounts:logout", *where))})
    params["account"] = {"items": account}
    return params


def _logout_form(request: HttpRequest, action: str) -> str:
    # The header macro's own form item has no CSRF field, so the logout form is given whole.
    return format_html(
        '<form class="nhsuk-header__account-form" action="{}" method="post">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button class="nhsuk-header__account-button">Log out</button></form>',
        action,
        get_token(request),
    )


def _verified_or_exempt(request: HttpRequest) -> bool:
    user = request.user
    return not permissions.needs_two_factor(user) or permissions.passed_two_factor(user)
