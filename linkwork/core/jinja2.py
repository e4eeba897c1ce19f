"""The Jinja2 environment: our templates first, then the NHS.UK frontend components."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader
from jinja2.filters import do_indent
from markupsafe import Markup

from linkwork.core import forms, i18n, links, presenters, tables
from linkwork.core.components import content, fields, page


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """`reverse()` for templates. An address without arguments (a page's fixed links, such as
    the footer's) is the same on every request with the same address prefix and URL
    configuration, so it is worked out once for each rather than on every page."""
    if not args and not kwargs:
        return _fixed_url(name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    return reverse(name, args=args or None, kwargs=kwargs or None)


@lru_cache(maxsize=512)
def _fixed_url(name: str, prefix: str, urlconf: str | None, root_urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


class LinkworkEnvironment(Environment):
    """Jinja2's environment, with each template's globals kept in a plain dict.

    Jinja2 layers a template's own globals over the environment's in a `ChainMap`, and every
    `{% from ... import ... %}` a template runs (each NHS.UK component imports its macros, so
    dozens per page) compares the page's globals with the imported template's: on a
    `ChainMap` that is a Python-level lookup per global, some 30-60 microseconds an import,
    a few milliseconds a page. A dict copy gives the same answers at C speed. The copy is
    taken when a template is loaded, so globals must all be set before the first template
    loads, which Jinja2 asks anyway ("as long as no template was loaded it's safe to modify
    this") and which `environment()` does."""

    def make_globals(self, d: Mapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja2's `indent` filter, with the same result, faster on markup.

    The NHS.UK components indent every piece of markup they place (dozens of times a page).
    Jinja2 indents markup line by line as markup, escaping and wrapping each line again,
    although markup lines joined with spaces and newlines are markup already: indenting the
    plain text and marking the result safe once gives the same string at a fraction of the
    cost. Anything else (plain text, escaped later as ever) goes to Jinja2's own filter."""
    if isinstance(s, Markup):
        plain_width = str(width) if isinstance(width, str) else width
        return Markup(do_indent(str(s), plain_width, first, blank))  # noqa: S704 # nosec B704 - already markup
    return do_indent(s, width, first, blank)


def environment(**options: Any) -> Environment:
    """The environment every page shares: URL, static and form helpers, dates and tags. The
    page header's navigation is added on the top floor (`linkwork.web.jinja2`)."""
    loader = options.pop("loader")
    options["undefined"] = ChainableUndefined
    options["autoescape"] = True
    # Autoescape is switched on just above.
    env = LinkworkEnvironment(
        loader=ChoiceLoader([loader, PackageLoader("nhsuk_frontend_jinja")]),
        extensions=["jinja2.ext.do", "jinja2.ext.i18n"],
        **options,
    )
    # `{% trans %}` and `_()` in templates use Django's catalogues and the request's language.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=True
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
            # The content components drawn in Python (`linkwork/components/content.jinja`).
            "render_tag": content.tag,
            "render_summary_list": content.summary_list,
            "render_button": content.button,
            "render_back_link": content.back_link,
            "render_warning_callout": content.warning_callout,
            "render_inset_text": content.inset_text,
            "render_card": content.card,
            # The header, footer and skip link (`linkwork/components/page.jinja`).
            "render_header": page.header,
            "render_footer": page.footer,
            "render_skip_link": page.skip_link,
            # The form fields of `linkwork/components/fields.jinja`, drawn in Python.
            "render_input": fields.render_input,
            "render_select": fields.render_select,
            "render_radios": fields.render_radios,
            "render_checkboxes": fields.render_checkboxes,
            "render_textarea": fields.render_textarea,
            "render_date_input": fields.render_date_input,
            "render_fieldset": fields.render_fieldset,
            # Every address from data is linked through this, never `href="{{ value }}"`.
            "link": links.link,
            # Welsh and English on the pages a person sees (`core.i18n`).
            "html_lang": i18n.html_lang,
            "language_switch": i18n.language_switch,
        }
    )
    env.filters.update(
        {
            "date_uk": presenters.date_uk,
            "datetime_uk": presenters.datetime_uk,
            "ago": presenters.ago,
            "indent": indent,
        }
    )
    return env
