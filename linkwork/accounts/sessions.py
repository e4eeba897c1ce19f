"""How long a signed-in session lasts, and ending a user's sessions.

A session ends after `SESSION_IDLE_SECONDS` (30 minutes) without a request, and in any case
`SESSION_ABSOLUTE_SECONDS` (12 hours) after login, however busy. The middleware keeps when the
session started and when it was last used in the session itself, and logs an expired session
out (audited as `session.expired`) before any view runs. The store's own 30-minute expiry ends
idle sessions there as well. A request renews both only when the last renewal is a minute old
(`SESSION_RENEW_SECONDS`): saving the session on every request was an UPDATE and a commit on
every page, and under load the database's busiest statement. An idle session therefore ends
between 29 and 30 minutes after the last request, never later.

A session that simply runs out (nobody comes back after 30 minutes, or the 12 hours pass
between requests) is never seen by the middleware, since the store no longer returns it. The
session engine (`linkwork.accounts.session_store`) audits each such session as
`session.expired` when `linkwork clearsessions` removes it (`audit_expired`).

Deactivating a user ends every session they hold, on every device, however `is_active` was
turned off: the admin, a form, the shell or `deactivate_user` (`end_sessions_on_deactivation`,
a save signal). An update that skips `save()` still cannot sign anyone in: Django's
`ModelBackend` treats an inactive user's session as signed out.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.base_session import AbstractBaseSession
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


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete every unexpired session that belongs to `user`, but the one whose key is `keep`
    (the session that changed its own password); return how many."""
    return end_sessions_of([user.pk], keep=keep)


def end_sessions_of(user_ids: Iterable[int], *, keep: str | None = None) -> int:
    """Delete every unexpired session that belongs to one of `user_ids` (but `keep`); return
    how many.

    Sessions live in the database and say whose they are only inside their encoded data, so
    this reads the unexpired ones: few, since an idle session expires in 30 minutes."""
    whose = {str(pk) for pk in user_ids}
    if not whose:
        return 0
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get(auth.SESSION_KEY)) in whose:
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def audit_expired(sessions: Iterable[AbstractBaseSession], now: dt.datetime) -> int:
    """Audit each signed-in session among `sessions` (expired ones, about to be removed) as
    `session.expired`: the account by its id only, why it ended and when. Returns how many.

    "absolute" when the 12 hours since login had passed by the time it expired, else
    "idle". Sessions nobody signed in to (a self-referral's draft) are not audited."""
    ended: list[tuple[str, str, dt.datetime]] = []
    for session in sessions:
        data = session.get_decoded()
        user_id = data.get(auth.SESSION_KEY)
        if user_id is None:
            continue
        started = data.get(STARTED)
        at = min(session.expire_date, now)
        lasted = at.timestamp() - float(started) if started is not None else 0.0
        ended.append(
            (
                str(user_id),
                "absolute" if lasted >= settings.SESSION_ABSOLUTE_SECONDS else "idle",
                at,
            )
        )
    users = User.objects.in_bulk([user_id for user_id, _, _ in ended])
    for user_id, reason, at in ended:
        auditor.record(
            action="session.expired",
            actor=users.get(int(user_id)) if user_id.isdigit() else None,
            object_type="accounts.user",
            object_id=user_id,
            detail={"reason": reason, "ended_at": at.isoformat(), "found_by": "clearsessions"},
        )
    return len(ended)


@transaction.atomic
def deactivate_user(*, by: User | None, user: User) -> int:
    """Stop `user` signing in, and end every session they hold now; audited with the count.
    Saving is what ends the sessions (the signal below), so every other path does too."""
    user.deactivated_by = by
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        return user.sessions_ended
    return _ended(user, by=by)


def _ended(user: User, *, by: User | None) -> int:
    ended = end_sessions(user)
    auditor.record(
        action="user.deactivated", actor=by, target=user, detail={"sessions_ended": ended}
    )
    return ended


def note_active_before_save(
    sender: type[User], instance: User, raw: bool = False, **kwargs: Any
) -> None:
    """Remember whether a user being saved is active in the database now (pre_save)."""
    fields = kwargs.get("update_fields")
    if raw or instance.pk is None or (fields is not None and "is_active" not in fields):
        instance.was_active = None
        return
    instance.was_active = (
        User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    )


def end_sessions_on_deactivation(
    sender: type[User], instance: User, raw: bool = False, **kwargs: Any
) -> None:
    """A user saved inactive who was active before: end every session they hold (post_save),
    audited as `user.deactivated` with who did it when the caller said (`deactivated_by`)."""
    if raw or not getattr(instance, "was_active", None) or instance.is_active:
        return
    instance.was_active = False
    instance.sessions_ended = _ended(instance, by=getattr(instance, "deactivated_by", None))
