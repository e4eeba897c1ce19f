from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "linkwork.referrals"
    label = "referrals"
    verbose_name = "Referrals"
