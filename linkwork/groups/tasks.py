"""The daily job of group sessions: keep each active group's sessions made eight weeks ahead."""

from __future__ import annotations

from django_tasks import task

from linkwork.groups import actions
from linkwork.groups.models import Group


@task()
def make_sessions_ahead() -> int:
    """Make the coming sessions of every active group; returns how many were new."""
    return sum(actions.make_sessions(group=group) for group in Group.objects.filter(active=True))
