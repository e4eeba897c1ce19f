from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "linkwork.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    # A letter's own words (date, reference, page numbers) are in the message's language.
    person_facing = ("letters.py",)

    def ready(self) -> None:
        from linkwork.notifications.checks import message_backends

        checks.register(message_backends)
