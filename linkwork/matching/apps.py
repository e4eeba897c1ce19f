from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "linkwork.matching"
    label = "matching"
    verbose_name = "Matching"
