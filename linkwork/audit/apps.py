from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "linkwork.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from linkwork.audit.checks import audit_table_owner

        checks.register(audit_table_owner, checks.Tags.database)
