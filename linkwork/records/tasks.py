"""The nightly retention review, queued with the other daily jobs (`core.daily`)."""

from __future__ import annotations

from django_tasks import task

from linkwork.records import retention


@task()
def review_retention() -> dict[str, int]:
    """List the records due for review under the retention rules; never delete one. Returns
    how many items each record class has due, for the worker's log (counts only)."""
    return dict(retention.review())
