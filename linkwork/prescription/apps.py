from django.apps import AppConfig


class PrescriptionConfig(AppConfig):
    name = "linkwork.prescription"
    label = "prescription"
    verbose_name = "The person's own prescription"
