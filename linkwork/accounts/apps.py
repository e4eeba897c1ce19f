from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "linkwork.accounts"
    label = "accounts"
    verbose_name = "Accounts"
