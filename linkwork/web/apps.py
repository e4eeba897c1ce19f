from django.apps import AppConfig


class WebConfig(AppConfig):
    """The top floor: pages and commands that compose the other apps (the home page, the
    navigation, the person page, demo seeding and the daily reminders)."""

    name = "linkwork.web"
    label = "web"
    verbose_name = "Web"
