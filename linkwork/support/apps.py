from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "linkwork.support"
    label = "support"
    verbose_name = "Link worker support"

    def ready(self) -> None:
        from linkwork.core import daily
        from linkwork.support.tasks import prompt_scheme_leads

        daily.register(prompt_scheme_leads)
