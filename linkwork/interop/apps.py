"""Interoperability (issue 17): the FHIR R4 API for closed-loop referrals, coded events for GP
systems, and webhooks. On the top floor: it reads and changes referrals and connections through
the apps below it, and authenticates with the referrals API's organisation tokens."""

from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "linkwork.interop"
    label = "interop"
    verbose_name = "Interoperability"

    def ready(self) -> None:
        # Webhooks hear the status changes of the apps below, which cannot call up to us.
        from linkwork.core import daily
        from linkwork.interop.webhooks import signals
        from linkwork.interop.webhooks.tasks import sweep_webhooks

        signals.connect()
        daily.register(sweep_webhooks)
