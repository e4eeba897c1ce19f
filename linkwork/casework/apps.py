from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "linkwork.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from linkwork.casework.digest import remind_link_workers
        from linkwork.casework.safeguarding import referral_page_panel
        from linkwork.casework.tasks import chase_connection_deadlines
        from linkwork.core import daily
        from linkwork.referrals import panels

        daily.register(remind_link_workers, chase_connection_deadlines)
        panels.register(referral_page_panel)
