"""The session engine (`SESSION_ENGINE`): Django's database sessions, with the removal of
expired ones audited.

A session that runs out on its own is never seen again by the middleware, so its end would
leave no trace. `linkwork clearsessions` (Django's command, which calls `clear_expired`)
removes them; this store audits each signed-in one first (`sessions.audit_expired`), in the
same transaction, so an expired session is either audited and removed or neither.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import transaction
from django.utils import timezone

from linkwork.accounts import sessions


class SessionStore(DatabaseSessionStore):
    @classmethod
    def clear_expired(cls) -> None:
        now = timezone.now()
        with transaction.atomic():
            expired = cls.get_model_class().objects.select_for_update().filter(expire_date__lt=now)
            sessions.audit_expired(expired.iterator(), now)
            expired.delete()
