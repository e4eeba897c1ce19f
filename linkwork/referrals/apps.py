from typing import Any

from django.apps import AppConfig
from django.db.models import QuerySet

from linkwork.people.areas import Area


def people_with_visible_referrals(user: Any) -> QuerySet[Any]:
    """Ids of the people the user may see: those of the referrals the user may see, except a
    record a referrer's referral joined by a confirmed match (`Referral.joined_by_match`)."""
    from linkwork.referrals.models import Referral

    return Referral.objects.people_visible_to(user)


def postcode_area(postcode: str) -> Area | None:
    """The people app's area of a postcode, from the directory's postcode and IMD tables.

    Registered here because referrals sits above both apps, and every person is created
    through a referral (the staff form, the self-referral form, the API)."""
    from linkwork.directory.geography import postcode_area as locate

    found = locate(postcode)
    if found is None:
        return None
    lsoa, local_authority, decile = found
    return Area(lsoa=lsoa, local_authority=local_authority, imd_decile=decile)


def restricted_referral(referral_id: Any) -> str:
    """Why messages about a referral are held: the scheme's organisation has restricted the
    processing of the person's record (`people.Restriction`), or ""."""
    from linkwork.people.models import is_restricted
    from linkwork.referrals.models import Referral

    found = (
        Referral.objects.filter(pk=referral_id).values_list("person_id", "scheme__host_id").first()
    )
    if found is None or not is_restricted(*found):
        return ""
    return "Not sent: processing of the person's record is restricted"


def open_cases_by_link_worker(scheme: Any) -> dict[int, int]:
    """How many open referrals of `scheme` each link worker holds, for the scheme lead's page
    of link workers (a link worker holding any is not removed from the scheme)."""
    from django.db.models import Count

    from linkwork.referrals.lifecycle import OPEN_STATUSES
    from linkwork.referrals.models import Referral

    rows = (
        Referral.objects.filter(scheme=scheme, status__in=OPEN_STATUSES, link_worker__isnull=False)
        .values("link_worker_id")
        .annotate(n=Count("id"))
    )
    return {row["link_worker_id"]: row["n"] for row in rows}


class ReferralsConfig(AppConfig):
    name = "linkwork.referrals"
    label = "referrals"
    verbose_name = "Referrals"
    # What a person sees, in English and Welsh: every string marked in these files, and the
    # words of these forms, need a Welsh translation (`core.catalogues`).
    person_facing = (
        "jinja2/referrals/self_referral.jinja",
        "jinja2/referrals/self_easy_read.jinja",
        "jinja2/referrals/self_done.jinja",
        "jinja2/referrals/self_busy.jinja",
        "forms.py",
        "intake.py",
        "views.py",
        "message_back.py",
    )
    person_facing_forms = ("linkwork.referrals.forms.SelfReferralForm",)

    def ready(self) -> None:
        from linkwork.accounts.staffing import register_open_cases
        from linkwork.core import daily
        from linkwork.notifications import holds, inbound
        from linkwork.people.areas import register_area_lookup
        from linkwork.people.models import register_visibility
        from linkwork.referrals.catalogue import register_templates
        from linkwork.referrals.replies import referral_for_number, tell_link_worker
        from linkwork.referrals.tasks import remind_overdue_triage

        daily.register(remind_overdue_triage)
        register_visibility(people_with_visible_referrals)
        register_area_lookup(postcode_area)
        holds.register(restricted_referral)
        register_open_cases(open_cases_by_link_worker)
        inbound.register_matcher(referral_for_number)
        inbound.register_listener(tell_link_worker)
        register_templates()
