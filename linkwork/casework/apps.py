from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "linkwork.casework"
    label = "casework"
    verbose_name = "Casework"
