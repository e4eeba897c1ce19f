"""When a later score may be compared with the baseline: only once enough time has passed for
the difference to reflect support rather than the day (`LINKWORK_CHANGE_INTERVAL_WEEKS`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

TOO_SOON = "Too soon to compare"


def change_interval() -> dt.timedelta:
    """The least time between the baseline and a score that counts as change."""
    return dt.timedelta(weeks=settings.LINKWORK_CHANGE_INTERVAL_WEEKS)


def too_soon(baseline_at: dt.datetime, later_at: dt.datetime) -> bool:
    """Whether a score recorded at `later_at` is too close to the baseline to count as change."""
    return abs(later_at - baseline_at) < change_interval()
