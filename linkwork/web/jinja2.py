"""The Jinja2 environment of the site: core's, with the page header and its navigation."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from linkwork.core import jinja2 as core_jinja2
from linkwork.outcomes import safety
from linkwork.people.models import Person
from linkwork.referrals.models import Referral
from linkwork.web import navigation


def environment(**options: Any) -> Environment:
    env = core_jinja2.environment(**options)
    env.globals["header_for"] = navigation.header_for
    env.globals["safety_flags"] = safety_flags
    return env


def safety_flags(request: Any, referral: object = None, person: object = None) -> Markup:
    """The person's open safety flags, at the top of every page about them: any page whose
    context holds their referral or them. Empty for users outside the scheme's team."""
    if request is None or not getattr(request.user, "is_authenticated", False):
        return Markup("")
    if isinstance(referral, Referral):
        return safety.banner(request, referral=referral)
    if isinstance(person, Person):
        return safety.banner(request, person=person)
    return Markup("")
