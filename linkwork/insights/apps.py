from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "linkwork.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from linkwork.insights import signals

        signals.connect()
