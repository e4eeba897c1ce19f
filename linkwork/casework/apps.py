from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "linkwork.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from linkwork.casework.message_back import (
            connections_made,
            plan_and_actions,
            support_offered,
        )
        from linkwork.referrals import message_back

        # Referrals writes the message back but may not read casework: we write our sections.
        message_back.contribute(message_back.PLAN, plan_and_actions)
        message_back.contribute(message_back.SUPPORT, support_offered)
        message_back.contribute(message_back.CONNECTIONS, connections_made)

        # Matching knows no referrals: casework tells it whose shown-log each user may see.
        from linkwork.casework.matching import cases_visible_to
        from linkwork.matching.models import register_case_scope

        register_case_scope(cases_visible_to)

        # The admins' page of message templates lists every notice.
        from linkwork.casework.digest import example_digest
        from linkwork.casework.notices import register_templates
        from linkwork.notifications import catalogue
        from linkwork.notifications.models import Audience, DeliveryChannel, Event

        register_templates()
        catalogue.register(
            catalogue.Template(
                Event.DUE_ITEMS,
                Audience.LINK_WORKER,
                (DeliveryChannel.EMAIL,),
                "linkwork/casework/digest.py",
                example_digest,
            )
        )

        from linkwork.casework import booking
        from linkwork.casework.digest import remind_link_workers
        from linkwork.casework.safeguarding import referral_page_panel
        from linkwork.casework.tasks import chase_connection_deadlines, remind_appointments
        from linkwork.core import daily
        from linkwork.referrals import next_steps, panels

        daily.register(remind_link_workers, chase_connection_deadlines, remind_appointments)
        panels.register(referral_page_panel)
        # Appointments: the next one on the referral page, and booking the first one straight
        # after triage accepts.
        panels.register(booking.referral_page_panel)
        next_steps.register(booking.FIRST_APPOINTMENT)

        # Directory search on behalf of one case offers to connect that person; the directory,
        # a floor below, learns here how to fetch the case through the gate.
        from linkwork.directory.views import register_case_lookup
        from linkwork.referrals.scoping import get_case_or_404

        register_case_lookup(get_case_or_404)

        # A withdrawn referral ends the casework nobody has started, in its transaction.
        from linkwork.casework.actions import end_withdrawn_casework
        from linkwork.referrals.actions import on_withdrawn

        on_withdrawn(end_withdrawn_casework)
