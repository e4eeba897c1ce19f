"""Which language a person's page and survey are shown in: English or Welsh.

Chosen by the link (`?lang=cy` or `?lang=en`) and remembered in this browser's session; else
the person's recorded preferred language; else English.
"""

from __future__ import annotations

from django.http import HttpRequest

from linkwork.people.models import Person

ENGLISH = "en-gb"
WELSH = "cy"
SESSION_KEY = "prescription.language"
ASKED = {"cy": WELSH, "en": ENGLISH, "en-gb": ENGLISH}


def for_person(person: Person | None) -> str:
    """The language a person's messages are written in."""
    if person is not None and (person.preferred_language or "").lower() == "cy":
        return WELSH
    return ENGLISH


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
