"""Group sessions: recurring groups linked to a directory service, a register per session,
and the attendance a finalised register writes to each connected person's record."""

from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "linkwork.groups"
    label = "groups"
    verbose_name = "Group sessions"

    def ready(self) -> None:
        from linkwork.core import daily
        from linkwork.groups.tasks import make_sessions_ahead

        daily.register(make_sessions_ahead)
