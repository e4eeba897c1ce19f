from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "linkwork.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from linkwork.notifications.checks import message_backends

        checks.register(message_backends)
