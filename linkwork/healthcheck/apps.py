from django.apps import AppConfig


class HealthCheckConfig(AppConfig):
    name = "linkwork.healthcheck"
    label = "healthcheck"
    verbose_name = "Scheme health check"
