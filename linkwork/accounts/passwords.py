"""Resetting a forgotten password by email, changing one's own password, and an admin's
reset of a lost authenticator.

Password reset
  Anyone may ask, on the login page, for a reset link to an email address. The page answers
  the same whether or not an account has that address, so it never tells who has an account.
  For an active account the link is Django's `PasswordResetTokenGenerator` token: it names the
  account and a time, signed with the secret key over the account's password hash and last
  login, so it works once (setting a password changes the hash), stops working after
  `PASSWORD_RESET_TIMEOUT` seconds, and stops working if the password changes any other way.

  Asking is limited: an account gets at most `PASSWORD_RESET_ACCOUNT_LIMIT` emails in that
  time (more asks get the same answer, and nothing is sent), and one address may ask at most
  `PASSWORD_RESET_ADDRESS_LIMIT` times (then the page says to wait). Both are counted from the
  audit log, as the login's own lock-out over every account is (`views.address_locked_out`):
  django-axes counts failed logins, and an ask for a reset is not one.

  Setting the new password ends every session the account holds and does not sign anyone in:
  the person logs in with the new password and, where their roles need it, their security
  code, as on any other day.

Changing one's own password
  A signed-in user (past two-factor, like any page but signing in) gives their current
  password and a new one twice, checked by the same validators. Their own session stays, with
  its second factor; every other session of the account ends; they are told by email.

Emails
  The account emails (reset, welcome, authenticator reset) go through Django's mail
  (`EMAIL_BACKEND`), as the triage and listing reminders to staff do. `notifications` sits on a
  floor above accounts, and it keeps the text of every message it sends, readable on its
  pages: a link that can set someone's password must not be kept anywhere. So the task that
  sends an email is given the account's id and the kind of email only; it makes the link as it
  sends, and the link is never stored, logged or audited.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import task

from linkwork.accounts import sessions
from linkwork.accounts.models import User
from linkwork.audit import auditor
from linkwork.audit.models import AuditEvent

tokens = PasswordResetTokenGenerator()

REQUESTED = "password_reset.requested"


class Email(StrEnum):
    RESET = "reset"
    WELCOME = "welcome"
    TWO_FACTOR_RESET = "two_factor_reset"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a kind of email, not a secret)
    PASSWORD_CHANGED_SIGNED_IN = "password_changed_signed_in"  # noqa: S105 (likewise)


def link_minutes() -> int:
    return int(settings.PASSWORD_RESET_TIMEOUT // 60)


def _since() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def address_limited(request: HttpRequest) -> bool:
    """This address has asked for as many resets as it may in the link's lifetime."""
    address = auditor.client_ip(request)
    if address is None:
        return False
    asked = AuditEvent.objects.filter(
        action=REQUESTED, ip_address=address, occurred_at__gte=_since()
    ).count()
    return asked >= settings.PASSWORD_RESET_ADDRESS_LIMIT


def _account_limited(user: User) -> bool:
    sent = AuditEvent.objects.filter(
        action=REQUESTED, actor=user, occurred_at__gte=_since(), detail__sent=True
    ).count()
    return sent >= settings.PASSWORD_RESET_ACCOUNT_LIMIT


@transaction.atomic
def request_reset(request: HttpRequest, *, email: str) -> None:
    """Send a reset link to the active account with this address, if there is one and it has
    not had its emails for now. Audited either way: the account by its id only, the address
    asked for never."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        auditor.record(action=REQUESTED, request=request, detail={"account": "none"})
        return
    limited = _account_limited(user)
    auditor.record(
        action=REQUESTED,
        request=request,
        actor=user,
        target=user,
        detail={"sent": not limited, **({"reason": "account_limit"} if limited else {})},
    )
    if not limited:
        queue_email(user, Email.RESET)


def queue_email(user: User, kind: Email) -> None:
    """Send one of the account emails once the transaction commits."""
    user_id = user.pk
    transaction.on_commit(lambda: send_account_email.enqueue(user_id, str(kind)))


def uid_of(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_of(uidb64: str) -> User | None:
    """The active account a link names, or None for a link that names none."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def reset_link(user: User) -> str:
    path = reverse(
        "accounts:password_reset_link",
        kwargs={"uidb64": uid_of(user), "token": tokens.make_token(user)},
    )
    return settings.LINKWORK_BASE_URL.rstrip("/") + path


@transaction.atomic
def set_password(request: HttpRequest, *, user: User, password: str) -> int:
    """Give `user` the new password (already checked by the form) and end every session they
    hold; audited with how many ended. Returns that number. An account that had a password is
    told by email that it changed (one setting its first password is not)."""
    had_password = user.has_usable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    ended = sessions.end_sessions(user)
    # Failed logins before the reset no longer count towards locking the account.
    axes_reset(username=user.email)
    auditor.record(
        action="password_reset.completed",
        request=request,
        actor=user,
        target=user,
        detail={"sessions_ended": ended},
    )
    if had_password:
        queue_email(user, Email.PASSWORD_CHANGED)
    return ended


@transaction.atomic
def change_password(request: HttpRequest, *, user: User, password: str) -> int:
    """A signed-in user's new password (already checked by the form, current password and
    all). This session stays signed in, second factor and all; every other session the
    account holds ends. Audited with how many ended; the user is told by email. Returns that
    number."""
    user.set_password(password)
    user.save(update_fields=["password"])
    ended = sessions.end_sessions(user, keep=request.session.session_key)
    # Keeps this session valid with the new password hash, under a new key.
    update_session_auth_hash(request, user)
    auditor.record(
        action="password.changed",
        request=request,
        actor=user,
        target=user,
        detail={"sessions_ended": ended},
    )
    queue_email(user, Email.PASSWORD_CHANGED_SIGNED_IN)
    return ended


@transaction.atomic
def reset_two_factor(*, by: User, user: User, reason: str, request: HttpRequest) -> int:
    """Remove every authenticator `user` has set up, so they set one up again at their next
    login, and end their sessions. Audited with the reason; the user is told by email."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    ended = sessions.end_sessions(user)
    auditor.record(
        action="two_factor.reset",
        request=request,
        actor=by,
        target=user,
        detail={"reason": reason, "devices_removed": removed, "sessions_ended": ended},
    )
    queue_email(user, Email.TWO_FACTOR_RESET)
    return ended


# --- The emails -------------------------------------------------------------------------------


def _email(*paragraphs: str) -> str:
    """Paragraphs of plain text, a blank line between each."""
    return "\n\n".join(paragraphs) + "\n"


def _reset_body(user: User) -> tuple[str, str]:
    return (
        f"Reset your password for {settings.LINKWORK_ORGANISATION_NAME}",
        _email(
            f"Hello {user.get_short_name()},",
            "Someone asked to reset the password for your account. If it was you, open this "
            "link to choose a new password:",
            reset_link(user),
            f"The link works once, for the next {link_minutes()} minutes.",
            "After you choose a new password, log in with it. If you use an authenticator app, "
            "you will still need the security code from it.",
            "If you did not ask for this, you do not need to do anything. Your password has not "
            "changed. If you keep getting these emails, tell your system admin.",
        ),
    )


def _welcome_body(user: User) -> tuple[str, str]:
    return (
        f"Your new account for {settings.LINKWORK_ORGANISATION_NAME}",
        _email(
            f"Hello {user.get_short_name()},",
            "Your scheme lead has set up an account for you. You log in with this email address.",
            "Open this link to choose your password:",
            reset_link(user),
            f"The link works once, for the next {link_minutes()} minutes. If it has stopped "
            'working, go to the login page, choose "Forgotten your password?" and we will send '
            "you a new link.",
            "When you first log in, you will be asked to set up an authenticator app on your "
            "phone. You will need it every time you log in.",
        ),
    )


def _two_factor_reset_body(user: User) -> tuple[str, str]:
    login = settings.LINKWORK_BASE_URL.rstrip("/") + reverse("accounts:login")
    return (
        "Your authenticator app has been reset",
        _email(
            f"Hello {user.get_short_name()},",
            "A system admin has reset the authenticator app for your account. It no longer "
            f"gives you codes for {settings.LINKWORK_ORGANISATION_NAME}.",
            "The next time you log in, you will be asked to set up an authenticator app again:",
            login,
            "If you did not ask for this, tell your system admin straight away.",
        ),
    )


def _password_changed_body(user: User) -> tuple[str, str]:
    return (
        "Your password has been changed",
        _email(
            f"Hello {user.get_short_name()},",
            "The password for your account was changed just now, using a reset link sent to "
            "this email address. You have been logged out everywhere else.",
            "If it was you, you do not need to do anything.",
            "If it was not you, tell your system admin straight away: someone may be able to "
            "read your email.",
        ),
    )


def _password_changed_signed_in_body(user: User) -> tuple[str, str]:
    return (
        "Your password has been changed",
        _email(
            f"Hello {user.get_short_name()},",
            f"The password for your {settings.LINKWORK_ORGANISATION_NAME} account was changed "
            "just now, by someone logged in to your account. You have been logged out "
            "everywhere else.",
            "If it was you, you do not need to do anything.",
            "If it was not you, tell your system admin straight away: someone else may know "
            "your password and have your authenticator app.",
        ),
    )


BODIES = {
    Email.RESET: _reset_body,
    Email.WELCOME: _welcome_body,
    Email.TWO_FACTOR_RESET: _two_factor_reset_body,
    Email.PASSWORD_CHANGED: _password_changed_body,
    Email.PASSWORD_CHANGED_SIGNED_IN: _password_changed_signed_in_body,
}


@task()
def send_account_email(user_id: int, kind: str) -> bool:
    """Write and send one account email to the account's address. The link in it is made here
    and kept nowhere. False when the account is gone or switched off."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    subject, body = BODIES[Email(kind)](user)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
    return True
