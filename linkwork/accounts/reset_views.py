"""The "Forgotten your password?" pages: ask for a link, follow it, choose a new password.

The link's token never stays in an address the browser shows or the audit log keeps: the
link's page checks it, keeps it in the session and sends the browser on to the new password
page, whose address names the account only (as Django's own reset pages do).
"""

from __future__ import annotations

from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from linkwork.accounts import passwords
from linkwork.accounts.forms import NewPasswordForm, PasswordResetRequestForm
from linkwork.accounts.models import User
from linkwork.audit import auditor

TOKEN_SESSION_KEY = "linkwork_password_reset_token"  # noqa: S105 (a key, not a secret)


@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and passwords.address_limited(request):
        auditor.record(action="password_reset.limited", request=request)
        return render(
            request,
            "accounts/password_reset_limited.jinja",
            {"page_title": "Too many requests", "minutes": passwords.link_minutes()},
            status=429,
        )
    if request.method == "POST" and form.is_valid():
        passwords.request_reset(request, email=form.cleaned_data["email"])
        return redirect("accounts:password_reset_sent")
    return render(
        request,
        "accounts/password_reset.jinja",
        {
            "page_title": "Reset your password",
            "form": form,
            "form_errors": bool(form.errors),
        },
    )


@never_cache
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/password_reset_sent.jinja",
        {"page_title": "Check your email", "minutes": passwords.link_minutes()},
    )


def _refused(request: HttpRequest, user: User | None) -> HttpResponse:
    auditor.record(
        action="password_reset.link_refused",
        request=request,
        actor=user,
        object_type="accounts.user" if user else "",
        object_id=str(user.pk) if user else "",
    )
    request.session.pop(TOKEN_SESSION_KEY, None)
    return render(
        request,
        "accounts/password_reset_refused.jinja",
        {"page_title": "This link does not work", "minutes": passwords.link_minutes()},
        status=410,
    )


@never_cache
@sensitive_variables("token")
def password_reset_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The emailed link: keep its token in the session and go on to the new password page."""
    user = passwords.user_of(uidb64)
    if user is None or not passwords.tokens.check_token(user, token):
        return _refused(request, user)
    request.session[TOKEN_SESSION_KEY] = token
    return redirect("accounts:password_reset_new", uidb64=uidb64)


@never_cache
@sensitive_post_parameters("password", "password_again")
def password_reset_new(request: HttpRequest, uidb64: str) -> HttpResponse:
    user = passwords.user_of(uidb64)
    token = request.session.get(TOKEN_SESSION_KEY, "")
    if user is None or not passwords.tokens.check_token(user, token):
        return _refused(request, user)
    form = NewPasswordForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        if request.user.is_authenticated:
            # Whoever is signed in on this browser is signed out; the account's other sessions
            # are ended by the reset itself.
            auth.logout(request)
        passwords.set_password(request, user=user, password=form.cleaned_data["password"])
        request.session.pop(TOKEN_SESSION_KEY, None)
        messages.success(
            request,
            "Your password has been changed. Log in with your new password",
        )
        return redirect("accounts:login")
    return render(
        request,
        "accounts/password_reset_new.jinja",
        {
            "page_title": "Choose a new password",
            "form": form,
            "form_errors": bool(form.errors),
            "email": user.email,
        },
    )
