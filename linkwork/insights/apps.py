from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "linkwork.insights"
    label = "insights"
    verbose_name = "Insights"
