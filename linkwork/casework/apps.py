from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "linkwork.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        # Directory search on behalf of one case offers to connect that person; the directory,
        # a floor below, learns here how to fetch the case through the gate.
        from linkwork.directory.views import register_case_lookup
        from linkwork.referrals.scoping import get_case_or_404

        register_case_lookup(get_case_or_404)
