from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "linkwork.core"
    label = "core"
    verbose_name = "Core"
