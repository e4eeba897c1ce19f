"""Welsh and English: which language a page or a message is in.

Pages a person sees (the self-referral form and its confirmation, and any other view marked
`@person_facing`) are in English or Welsh. The language is chosen by a link (`?lang=cy`,
`?lang=en`), remembered in Django's language cookie, and otherwise English. Staff pages are
always in English: their strings are marked for translation, but a half-translated staff page
(Django's own words in Welsh, ours in English) would help nobody, so the cookie is not read
there.

Messages and letters to a person use the person's preferred language (`language_for`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

View = TypeVar("View", bound=Callable[..., Any])

ENGLISH = "en-gb"
WELSH = "cy"
# What `?lang=` may say, and the language each answer chooses.
CHOICES = {"en": ENGLISH, "en-gb": ENGLISH, "cy": WELSH}
# The switch link on a person-facing page: the other language, named in itself.
SWITCH = {ENGLISH: ("cy", "Cymraeg"), WELSH: ("en", "English")}


def person_facing(view: View) -> View:
    """Mark a view as one a person (not staff) sees: it follows `?lang=` and the cookie."""
    view.person_facing = True  # type: ignore[attr-defined]
    return view


def language_for(code: str | None) -> str:
    """The language to write to someone whose preferred language is `code` (an ISO 639-1
    code from the person record): Welsh for "cy", else English."""
    return WELSH if (code or "").lower().startswith("cy") else ENGLISH


def is_welsh() -> bool:
    return (translation.get_language() or "").startswith("cy")


def html_lang() -> str:
    """The `<html lang>` of the page being drawn: "cy" or "en"."""
    return "cy" if is_welsh() else "en"


def _chosen(request: HttpRequest) -> tuple[str, bool]:
    """The language for a person-facing request, and whether it was chosen by the link."""
    asked = request.GET.get("lang", "").strip().lower()
    if asked in CHOICES:
        return CHOICES[asked], True
    remembered = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return CHOICES.get(remembered.lower(), ENGLISH), False


class LanguageMiddleware:
    """English for every request, except person-facing views, which follow the link and the
    cookie (see the module's docstring). Stands where Django's `LocaleMiddleware` would."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        translation.activate(ENGLISH)
        request.LANGUAGE_CODE = ENGLISH
        try:
            response = self.get_response(request)
            if getattr(request, "person_facing", False):
                language = translation.get_language() or ENGLISH
                response.headers.setdefault("Content-Language", html_lang())
                patch_vary_headers(response, ("Cookie",))
                if getattr(request, "language_chosen", False):
                    response.set_cookie(
                        settings.LANGUAGE_COOKIE_NAME,
                        "cy" if language == WELSH else "en",
                        max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH,
                        secure=settings.LANGUAGE_COOKIE_SECURE,
                        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        # Sent when a person follows a link from a message or a leaflet.
                        samesite="Lax",
                    )
            return response
        finally:
            translation.deactivate()

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if not getattr(view, "person_facing", False):
            return
        language, chosen = _chosen(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        request.person_facing = True  # type: ignore[attr-defined]
        request.language_chosen = chosen  # type: ignore[attr-defined]


def language_switch(request: HttpRequest | None) -> dict[str, str] | None:
    """The "Cymraeg" or "English" link on a person-facing page: the same address in the other
    language, keeping the page's other query parameters. None on staff pages."""
    if request is None or not getattr(request, "person_facing", False):
        return None
    code, text = SWITCH[WELSH if is_welsh() else ENGLISH]
    query = {k: str(v) for k, v in request.GET.items() if k != "lang"}
    query["lang"] = code
    return {"href": f"{request.path}?{urlencode(query)}", "text": text, "lang": code}
