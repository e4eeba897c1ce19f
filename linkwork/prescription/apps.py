"""The person's own social prescription: a page reached by a single-use, expiring link, with
no login, and the short feedback survey a week after each connection starts."""

from django.apps import AppConfig


class PrescriptionConfig(AppConfig):
    name = "linkwork.prescription"
    label = "prescription"
    verbose_name = "The person's own prescription"

    def ready(self) -> None:
        from linkwork.core import daily
        from linkwork.insights import dashboards
        from linkwork.prescription import results
        from linkwork.prescription.panels import referral_page_panel
        from linkwork.prescription.tasks import send_feedback_surveys
        from linkwork.referrals import panels

        daily.register(send_feedback_surveys)
        # Curators and providers read the feedback about services from the header.
        from linkwork.accounts.permissions import Ability
        from linkwork.web import navigation

        navigation.register(
            navigation.NavItem("Feedback", "prescription:feedback", Ability.EDIT_LISTINGS)
        )
        panels.register(referral_page_panel)
        # The feedback results feed the insights pages as one more dashboard.
        dashboards.register(
            dashboards.Entry("feedback", results.TITLE, results.SUMMARY, results.dashboard)
        )
