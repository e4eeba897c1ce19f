from django.apps import AppConfig


class GpEventsConfig(AppConfig):
    name = "linkwork.interop.gp_events"
    label = "gp_events"
    verbose_name = "Coded events for GP systems"
