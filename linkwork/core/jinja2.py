"""The Jinja2 environment: our templates first, then the NHS.UK frontend components."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from linkwork.core import forms, links, presenters, tables


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    """The environment every page shares: URL, static and form helpers, dates and tags. The
    page header's navigation is added on the top floor (`linkwork.web.jinja2`)."""
    loader = options.pop("loader")
    options["undefined"] = ChainableUndefined
    options["autoescape"] = True
    env = Environment(  # noqa: S701 - autoescape is switched on just above # nosec B701
        loader=ChoiceLoader([loader, PackageLoader("nhsuk_frontend_jinja")]),
        extensions=["jinja2.ext.do"],
        **options,
    )
    env.globals.update(
        {
            "url": url,
            "STATIC_URL": settings.STATIC_URL,
            "static": static,
            "get_messages": messages.get_messages,
            "status_tag": presenters.status_tag,
            "field": forms.field,
            "choice_field": forms.choice_field,
            "checkbox": forms.checkbox,
            "date_field": forms.date_field,
            "error_summary": forms.error_summary,
            "render_table": tables.render,
            # Every address from data is linked through this, never `href="{{ value }}"`.
            "link": links.link,
        }
    )
    env.filters.update(
        {
            "date_uk": presenters.date_uk,
            "datetime_uk": presenters.datetime_uk,
            "ago": presenters.ago,
        }
    )
    return env
