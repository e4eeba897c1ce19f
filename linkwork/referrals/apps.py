from typing import Any

from django.apps import AppConfig
from django.db.models import QuerySet


def people_with_visible_referrals(user: Any) -> QuerySet[Any]:
    """Ids of the people with a referral the user may see: the people the user may see."""
    from linkwork.referrals.models import Referral

    return Referral.objects.visible_to(user).values("person_id")


class ReferralsConfig(AppConfig):
    name = "linkwork.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from linkwork.core import daily
        from linkwork.people.models import register_visibility
        from linkwork.referrals.tasks import remind_overdue_triage

        daily.register(remind_overdue_triage)
        register_visibility(people_with_visible_referrals)
