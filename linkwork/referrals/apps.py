from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "linkwork.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from linkwork.core import daily
        from linkwork.referrals.tasks import remind_overdue_triage

        daily.register(remind_overdue_triage)
