from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "linkwork.support"
    label = "support"
    verbose_name = "Link worker support"

    def ready(self) -> None:
        from linkwork.core import daily
        from linkwork.support.tasks import prompt_scheme_leads

        daily.register(prompt_scheme_leads)

        # The admins' page of message templates shows the prompts to leads.
        from linkwork.notifications import catalogue
        from linkwork.notifications.models import Audience, DeliveryChannel, Event
        from linkwork.support.tasks import example_prompts

        catalogue.register(
            catalogue.Template(
                Event.SUPPORT_PROMPTS,
                Audience.SCHEME_LEAD,
                (DeliveryChannel.EMAIL,),
                "linkwork/support/tasks.py",
                example_prompts,
            )
        )
