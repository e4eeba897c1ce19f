"""Safety flags as link workers read them: the banner on every page of a person's record, and
the lines the closing summary to the GP gives. The flags and their handling are written by
`outcomes.actions`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from markupsafe import Markup

from linkwork.core.presenters import date_uk, datetime_uk
from linkwork.outcomes.models import FlagKind, SafetyFlag
from linkwork.people.models import Person
from linkwork.referrals.models import Referral

# What the flag means and what to do next, in words for the link worker: plain and calm.
WHAT_TO_DO = {
    FlagKind.SELF_HARM: (
        "The person said they have had thoughts of self-harm (PHQ-9 question 9). Talk with "
        "them today about how they are and whether they feel safe, and follow your scheme's "
        "safety procedure. If they are in immediate danger, call 999."
    ),
    FlagKind.SAFEGUARDING: (
        "A safeguarding concern was recorded on this case. Follow your safeguarding procedure "
        "and talk it through with your scheme lead or safeguarding lead."
    ),
}
RAISED_BY = {
    FlagKind.SELF_HARM: "from the PHQ-9 answers",
    FlagKind.SAFEGUARDING: "when a safeguarding concern was recorded",
}


@dataclass(frozen=True)
class OpenFlag:
    """One open flag as the banner shows it."""

    title: str
    raised: str
    what_to_do: str
    reference: str
    href: str


def open_flags(
    user: Any, *, referral: Referral | None = None, person: Person | None = None
) -> list[OpenFlag]:
    """The person's open flags that `user` supports, oldest first: the person of `referral`, or
    `person`. None for users outside the scheme's team."""
    if referral is not None:
        person_id = referral.person_id
    elif person is not None:
        person_id = person.pk
    else:
        return []
    found = (
        SafetyFlag.objects.visible_to(user)
        .open()
        .filter(referral__person_id=person_id)
        .select_related("referral")
        .order_by("raised_at")
    )
    return [present(flag) for flag in found]


def present(flag: SafetyFlag) -> OpenFlag:
    kind = FlagKind(flag.kind)
    return OpenFlag(
        title=f"Safety flag: {kind.label.lower()}",
        raised=f"Raised on {datetime_uk(flag.raised_at)} {RAISED_BY[kind]}, "
        f"referral {flag.referral.reference}.",
        what_to_do=WHAT_TO_DO[kind],
        reference=flag.referral.reference,
        href=reverse("outcomes:flag", args=[flag.referral_id, flag.pk]),
    )


def banner(
    request: Any, *, referral: Referral | None = None, person: Person | None = None
) -> Markup:
    """The open flags' warning, for the top of any page about the person; empty when none."""
    flags = open_flags(request.user, referral=referral, person=person)
    if not flags:
        return Markup("")
    return Markup(render_to_string("outcomes/_safety_flags.jinja", {"flags": flags}))  # noqa: S704 - autoescaped template # nosec B704


def open_flag_labels(referral_ids: Iterable[Any]) -> dict[Any, list[str]]:
    """The open flags of each referral, as their labels, in one query (for the caseload)."""
    found: dict[Any, list[str]] = {}
    for referral_id, kind in (
        SafetyFlag.objects.open()
        .filter(referral_id__in=list(referral_ids))
        .order_by("raised_at")
        .values_list("referral_id", "kind")
    ):
        found.setdefault(referral_id, []).append(str(FlagKind(kind).label))
    return found


def flags_raised(referral: Referral) -> list[str]:
    """The closing summary's lines: each flag raised in the episode and how it was handled."""
    lines = []
    for flag in (
        SafetyFlag.objects.filter(referral=referral)
        .select_related("handling__handled_by")
        .order_by("raised_at")
    ):
        raised = f"{FlagKind(flag.kind).label}, raised on {date_uk(flag.raised_at)}"
        handling = getattr(flag, "handling", None)
        if handling is None:
            lines.append(f"{raised}. Not yet recorded as handled.")
        else:
            lines.append(
                f"{raised}. Handled on {date_uk(handling.handled_at)} by "
                f"{handling.handled_by.full_name}: {handling.action_taken}"
            )
    return lines
