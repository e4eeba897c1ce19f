"""How long a signed-in session lasts, and ending a user's sessions.

A session ends after `SESSION_IDLE_SECONDS` (30 minutes) without a request, and in any case
`SESSION_ABSOLUTE_SECONDS` (12 hours) after login, however busy. The middleware keeps when the
session started and when it was last used in the session itself, and logs an expired session
out (audited as `session.expired`) before any view runs. The store's own 30-minute expiry ends
idle sessions there as well. A request renews both only when the last renewal is a minute old
(`SESSION_RENEW_SECONDS`): saving the session on every request was an UPDATE and a commit on
every page, and under load the database's busiest statement. An idle session therefore ends
between 29 and 30 minutes after the last request, never later.

Deactivating a user ends every session they hold, on every device (`deactivate_user`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from linkwork.accounts.models import User
from linkwork.audit import auditor

STARTED = "linkwork_session_started"
LAST_SEEN = "linkwork_session_last_seen"


def start(request: HttpRequest) -> None:
    """Mark the session as starting now: call right after `auth.login`."""
    now = time.time()
    request.session[STARTED] = now
    request.session[LAST_SEEN] = now


def expired(request: HttpRequest, now: float) -> str | None:
    """Why this session has ended ("idle" or "absolute"), or None while it may go on."""
    started = request.session.get(STARTED)
    last_seen = request.session.get(LAST_SEEN)
    if started is None or last_seen is None:
        return None
    if now - float(started) >= settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if now - float(last_seen) >= settings.SESSION_IDLE_SECONDS:
        return "idle"
    return None


def renewal_due(request: HttpRequest, now: float) -> bool:
    """Whether this request should renew the idle clock: a minute or more since it last did."""
    last_seen = request.session.get(LAST_SEEN)
    return last_seen is None or now - float(last_seen) >= settings.SESSION_RENEW_SECONDS


class SessionLimitsMiddleware:
    """End a signed-in session that has been idle too long or has lasted too long."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            reason = expired(request, now)
            if reason is not None:
                auditor.record(action="session.expired", request=request, detail={"reason": reason})
                auth.logout(request)
                messages.info(
                    request,
                    "You have been logged out because you were inactive for 30 minutes"
                    if reason == "idle"
                    else "You have been logged out because you logged in 12 hours ago",
                )
                return redirect_to_login(request.get_full_path())
            if request.session.get(STARTED) is None:
                # A session from before this check was added, or made without the login page.
                request.session[STARTED] = now
            if renewal_due(request, now):
                # Changing the session saves it, which renews the store's expiry too.
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def end_sessions(user: User) -> int:
    """Delete every unexpired session that belongs to `user`; return how many.

    Sessions live in the database and say whose they are only inside their encoded data, so
    this reads the unexpired ones: few, since an idle session expires in 30 minutes."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(auth.SESSION_KEY)) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@transaction.atomic
def deactivate_user(*, by: User | None, user: User) -> int:
    """Stop `user` signing in, and end every session they hold now; audited with the count."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended = end_sessions(user)
    auditor.record(
        action="user.deactivated", actor=by, target=user, detail={"sessions_ended": ended}
    )
    return ended
