from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "linkwork.api"
    label = "api"
    verbose_name = "API"
