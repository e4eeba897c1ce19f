"""Login, two-factor authentication, changing one's own password and logout.

A user signs in with email and password, then, for every role that can see personal data,
with a time-based code from an authenticator app (set up on first login).
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkwork.accounts import passwords, permissions, sessions
from linkwork.accounts.forms import ChangePasswordForm, CodeForm, LoginForm
from linkwork.accounts.models import Membership, Organisation, User
from linkwork.accounts.qr import qr_svg
from linkwork.audit import auditor
from linkwork.audit.models import AuditEvent

NEXT_SESSION_KEY = "linkwork_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _after_login(request: HttpRequest) -> HttpResponseRedirect:
    if permissions.needs_two_factor(request.user) and not permissions.passed_two_factor(
        request.user
    ):
        return redirect("accounts:two_factor")
    return redirect(request.session.pop(NEXT_SESSION_KEY, None) or reverse("web:home"))


@sensitive_post_parameters("password")
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return _after_login(request)
    form = LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and address_locked_out(request):
        # Guesses spread over many accounts from one address: refused before any is checked.
        return locked_out(request, scope="address")
    if request.method == "POST" and not form.is_valid():
        auditor.record(action="login.failed", request=request, detail={"reason": "incomplete"})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        user = auth.authenticate(request, email=email, password=form.cleaned_data["password"])
        if user is None:
            # The audit names the account tried only by id, and only when it exists.
            tried = User.objects.filter(email=email).first()
            auditor.record(action="login.failed", request=request, actor=tried)
            form.add_error(None, "Enter a correct email address and password")
        elif (closed := inactive_organisation(user)) is not None:
            auditor.record(
                action="login.refused",
                request=request,
                actor=user,
                detail={"reason": "organisation_inactive", "organisation": closed.pk},
            )
            form.add_error(
                None,
                f"You cannot log in because {closed.name} is no longer active on this service. "
                "If you think this is wrong, ask your system admin",
            )
        else:
            next_url = _safe_next(request, request.GET.get("next"))
            # Logging in gives the session a new key (no fixation) and starts its clock.
            auth.login(request, user)
            sessions.start(request)
            if next_url:
                request.session[NEXT_SESSION_KEY] = next_url
            auditor.record(action="login.succeeded", request=request)
            return _after_login(request)
    return render(
        request,
        "accounts/login.jinja",
        {"page_title": "Log in", "form": form, "form_errors": bool(form.errors)},
    )


def inactive_organisation(user: User) -> Organisation | None:
    """The organisation that keeps `user` from signing in: one of theirs that is inactive,
    when every role they hold is in an inactive organisation. None for a user with a role in
    an active organisation, or with no role yet (a new account sees nothing anyway)."""
    held = list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    if not held or any(membership.organisation.is_active for membership in held):
        return None
    return held[0].organisation


def _confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def _demo_code(device: TOTPDevice) -> str | None:
    if not settings.LINKWORK_DEMO:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    device = _confirmed_device(request.user)
    if device is None:
        return redirect("accounts:two_factor_setup")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            # A new key for the session that now carries the second factor too.
            request.session.cycle_key()
            auditor.record(action="two_factor.verified", request=request)
            return _after_login(request)
        auditor.record(action="two_factor.failed", request=request)
        form.add_error("code", "The security code is wrong or has expired: enter the latest code")
    return render(
        request,
        "accounts/two_factor.jinja",
        {
            "page_title": "Enter your security code",
            "form": form,
            "form_errors": bool(form.errors),
            "demo_code": _demo_code(device),
        },
    )


@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if _confirmed_device(request.user) is not None:
        return redirect("accounts:two_factor")
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session.cycle_key()
            auditor.record(action="two_factor.enrolled", request=request)
            messages.success(request, "Two-factor authentication is set up")
            return _after_login(request)
        form.add_error("code", "The security code is wrong or has expired: enter the latest code")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.jinja",
        {
            "page_title": "Set up two-factor authentication",
            "form": form,
            "form_errors": bool(form.errors),
            "qr_svg": qr_svg(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "demo_code": _demo_code(device),
        },
    )


@login_required
@never_cache
@sensitive_post_parameters("current_password", "password", "password_again")
def change_password(request: HttpRequest) -> HttpResponse:
    """A signed-in user changes their own password; their other sessions end."""
    user = request.user
    assert isinstance(user, User)
    form = ChangePasswordForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and not form.is_valid() and "current_password" in form.errors:
        # Which field was wrong, never what was typed.
        auditor.record(action="password.change_failed", request=request, target=user)
        if _change_failures(user) >= settings.AXES_FAILURE_LIMIT:
            # Someone guessing at a session left open: as many wrong tries as the login page
            # allows end the session, and the login page's own limits take over.
            auditor.record(action="logout", request=request, detail={"reason": "password_guesses"})
            auth.logout(request)
            messages.info(
                request,
                "You have been logged out because your current password was entered wrongly "
                "too many times. Log in again to change it",
            )
            return redirect("accounts:login")
    if request.method == "POST" and form.is_valid():
        ended = passwords.change_password(
            request, user=user, password=form.cleaned_data["password"]
        )
        messages.success(
            request,
            "Your password has been changed"
            + (f". You have been logged out of {ended} other session" if ended else "")
            + ("s" if ended > 1 else ""),
        )
        return redirect("web:home")
    return render(
        request,
        "accounts/change_password.jinja",
        {"page_title": "Change your password", "form": form, "form_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def _change_failures(user: User) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AuditEvent.objects.filter(
        action="password.change_failed", object_id=str(user.pk), occurred_at__gte=since
    ).count()


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        auditor.record(action="logout", request=request)
    auth.logout(request)
    messages.success(request, "You have logged out")
    return redirect("accounts:login")


def address_locked_out(request: HttpRequest) -> bool:
    """Too many failed logins from this address, over every account, in the lock-out time."""
    address = auditor.client_ip(request)
    if address is None:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AuditEvent.objects.filter(
        action="login.failed", ip_address=address, occurred_at__gte=since
    ).count()
    return failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def locked_out(
    request: HttpRequest,
    credentials: Any = None,
    *args: Any,
    scope: str = "account",
    **kwargs: Any,
) -> HttpResponse:
    """Shown after too many failed logins: from one address for one account (django-axes), or
    from one address over every account (`address_locked_out`)."""
    auditor.record(action="login.locked_out", request=request, detail={"scope": scope})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.jinja",
        {"page_title": "Your account is locked", "minutes": minutes},
        status=429,
    )
