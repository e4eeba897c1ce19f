"""Which language a person's page and survey are shown in: English or Welsh.

Chosen by the link (`?lang=cy` or `?lang=en`) and remembered in this browser's session; else
the person's recorded preferred language; else English.
"""

from __future__ import annotations

from django.http import HttpRequest

from linkwork.core.i18n import CHOICES as ASKED
from linkwork.core.i18n import ENGLISH, WELSH, language_for
from linkwork.people.models import Person

SESSION_KEY = "prescription.language"

__all__ = ["ASKED", "ENGLISH", "WELSH", "chosen", "for_person"]


def for_person(person: Person | None) -> str:
    """The language a person's messages are written in (`core.i18n.language_for`)."""
    return language_for(person.preferred_language if person is not None else None)


def chosen(request: HttpRequest, person: Person | None = None) -> str:
    """The language of this page: asked for by the link, remembered, or the person's own."""
    asked = ASKED.get(request.GET.get("lang", "").lower())
    if asked is not None:
        request.session[SESSION_KEY] = asked
        return asked
    remembered = request.session.get(SESSION_KEY)
    if remembered in (ENGLISH, WELSH):
        return str(remembered)
    return for_person(person)
