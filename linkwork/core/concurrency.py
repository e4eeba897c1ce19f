"""No lost updates: every edit form carries the version of the record it was opened on.

A record's version is a token that changes with every write: an integer `version` column
counted up by the action that saves, or a timestamp the record already keeps (a directory
listing's `last_modified`). The form sends back the token it was shown (`VERSION_FIELD`); the
action, holding the row lock, compares it with the record's and raises `EditConflict` when
someone else saved in between. The first write stands; the second person sees who changed the
record and when, with their own answers kept, and may save again on the new version.

A request without a token is not checked, so scripts and older pages keep working; every form
in Linkwork sends one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone

VERSION_FIELD = "version"
# Who saved last, when, and optionally what they changed (field labels, never values).
LastChange = tuple[str, dt.datetime | None] | tuple[str, dt.datetime | None, str]


class EditConflict(Exception):
    """Someone else saved the record after this form was opened."""

    def __init__(
        self, *, what: str, by: str, at: dt.datetime | None, current: str, changed: str = ""
    ) -> None:
        self.what = what
        self.by = by
        self.at = at
        self.current = current
        self.changed = changed
        super().__init__(self.message)

    @property
    def message(self) -> str:
        when = ""
        if self.at is not None:
            local = timezone.localtime(self.at)
            when = f" on {local.day} {local:%B %Y} at {local:%H:%M}"
        changed = f" ({self.changed})" if self.changed else ""
        return (
            f"{self.by} changed this {self.what}{when}{changed}, after you opened it. Your "
            "changes have not been saved. Your answers are kept below: check them against "
            "their change and save again."
        )


def sent_version(data: Mapping[str, Any]) -> str | None:
    """The version token a form sent back, or None when it sent none."""
    value = data.get(VERSION_FIELD)
    if value is None:
        return None
    return str(value).strip()


def check(
    *,
    sent: str | None,
    current: object,
    what: str,
    last_change: Callable[[], LastChange],
) -> None:
    """Raise `EditConflict` when `sent` is a token other than the record's `current` one.
    `last_change()` names who saved it last, when, and optionally what they changed. Call it
    holding the row lock."""
    token = token_of(current)
    if sent is None or sent == token:
        return
    by, at, *changed = last_change()
    raise EditConflict(
        what=what, by=by, at=at, current=token, changed=changed[0] if changed else ""
    )


def token_of(current: object) -> str:
    """The token of a version: an integer as digits, a timestamp in ISO 8601."""
    if isinstance(current, dt.datetime):
        return current.isoformat()
    return str(current)


def name_of(user: Any) -> str:
    """How the other person is named in a conflict: their name, or who they were."""
    if user is None:
        return "Someone else"
    return str(getattr(user, "full_name", "") or "Someone else")


def version_to_show(
    *, stored: object, posted: Mapping[str, Any] | None, conflict: EditConflict | None = None
) -> str:
    """The version a re-shown form carries: after a conflict, the one now stored (the user
    has been shown the other change); after any other failed save, the one the user started
    from, so a conflict is never skipped; otherwise the stored one."""
    if conflict is not None:
        return conflict.current
    if posted is not None:
        return sent_version(posted) or token_of(stored)
    return token_of(stored)
