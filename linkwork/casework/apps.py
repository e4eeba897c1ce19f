from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "linkwork.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        # Matching knows no referrals: casework tells it whose shown-log each user may see.
        from linkwork.casework.matching import cases_visible_to
        from linkwork.matching.models import register_case_scope

        register_case_scope(cases_visible_to)
