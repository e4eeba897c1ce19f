from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "linkwork.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from linkwork.accounts import sessions
        from linkwork.accounts.models import User

        # However a user is made inactive, every session they hold ends (issue 16, item 5).
        pre_save.connect(sessions.note_active_before_save, sender=User)
        post_save.connect(sessions.end_sessions_on_deactivation, sender=User)
