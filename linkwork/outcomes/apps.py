from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "linkwork.outcomes"
    label = "outcomes"
    verbose_name = "Outcome measures"

    def ready(self) -> None:
        from linkwork.outcomes.message_back import outcome_scores
        from linkwork.referrals import message_back

        # Referrals writes the message back but may not read outcomes: we write our section.
        message_back.contribute(message_back.OUTCOMES, outcome_scores)

        from linkwork.outcomes.safety import flags_raised

        message_back.contribute(message_back.SAFETY, flags_raised)

        # The admins' page of message templates shows the safety flag notice.
        from linkwork.notifications import catalogue
        from linkwork.notifications.models import Audience, DeliveryChannel, Event
        from linkwork.outcomes.actions import example_flag_notice

        catalogue.register(
            catalogue.Template(
                Event.SAFETY_FLAG,
                Audience.SCHEME_LEAD,
                (DeliveryChannel.EMAIL,),
                "linkwork/outcomes/actions.py",
                example_flag_notice,
            )
        )

        from linkwork.outcomes.actions import flag_concern_at_intake
        from linkwork.referrals.actions import on_received

        # A safeguarding concern typed at intake raises a flag in the same transaction.
        on_received(flag_concern_at_intake)
