from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "linkwork.support"
    label = "support"
    verbose_name = "Link worker support"
