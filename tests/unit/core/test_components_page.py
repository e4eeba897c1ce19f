"""`components.page` draws what the NHS.UK header, footer and skip link macros draw: the same
elements, attributes, classes and text, white space aside. Each case renders both through the
project's Jinja environment and compares them; features our pages do not use are refused by
name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from linkwork.core.components import page
from linkwork.core.presenters import Branding
from linkwork.web.navigation import header_for
from tests.macros import draw, normalise

LINKWORK = Path(page.__file__).resolve().parents[2]

MACROS = {
    "header": ("nhsuk/components/header/macro.jinja", page.header),
    "footer": ("nhsuk/components/footer/macro.jinja", page.footer),
    "skipLink": ("nhsuk/components/skip-link/macro.jinja", page.skip_link),
}


def nhsuk_macro(name: str, params: Any) -> str:
    return draw(MACROS[name][0], name, params)


def ours(name: str, params: Any) -> str:
    return draw("linkwork/components/page.jinja", name, params)


def assert_same(name: str, params: Any) -> str:
    drawn = ours(name, params)
    assert normalise(drawn) == normalise(nhsuk_macro(name, params))
    assert normalise(drawn) == normalise(str(MACROS[name][1](params)))
    return drawn


BRANDINGS = (
    Branding(
        organisation_name='NHS Leeds <West> & "Friends"',
        service_name="Social prescribing",
        nhs=True,
    ),
    Branding(
        organisation_name="Cyngor <Caerdydd>", service_name='Rhagnodi & "cymdeithasol"', nhs=False
    ),
)

HOME = "/"
LOGOUT = Markup(
    '<form class="nhsuk-header__account-form" action="/accounts/logout/" method="post">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="abc">'
    '<button class="nhsuk-header__account-button">Log out</button></form>'
)


def navigation(*items: tuple[str, str, bool]) -> dict[str, Any]:
    return {"items": [{"text": t, "href": h, "current": c} for t, h, c in items]}


HEADERS: dict[str, Any] = {
    "signed out, NHS branding": {
        "organisation": {"name": "NHS Leeds"},
        "service": {"text": "Social prescribing", "href": HOME},
        "logo": {"href": HOME},
    },
    "signed out, own logo": {
        "organisation": {"name": 'Leeds <Council> & "Friends"'},
        "service": {"text": "Linkwork", "href": HOME},
        "logo": {"href": HOME, "src": "/static/linkwork/linkwork-mark.svg", "alt": "Linkwork"},
    },
    "signed in with navigation and account": {
        "organisation": {"name": "NHS Leeds"},
        "service": {"text": "Social prescribing", "href": HOME},
        "logo": {"href": HOME},
        "navigation": navigation(
            ("Home", "/", False),
            ("Caseload", "/casework/caseload/", True),
            ('Refer <someone> & "more"', "/referrals/new/?a=1&b=2", False),
        ),
        "account": {
            "items": [
                {"text": 'Ann O\'Neil <admin> & "co"', "icon": True},
                {"text": "Notifications (3 unread)", "href": "/notifications/"},
                {"text": "Change password", "href": "/account/password/"},
                {"html": LOGOUT},
            ]
        },
    },
    "signed in, no current section": {
        "organisation": {"name": "NHS Leeds"},
        "service": {"text": "Social prescribing", "href": HOME},
        "logo": {"href": HOME},
        "navigation": navigation(("Home", "/", False), ("Directory", "/directory/", False)),
        "account": {"items": [{"text": "a@example.org", "icon": True}, {"html": LOGOUT}]},
    },
    "two-factor still to pass: account only": {
        "organisation": {"name": "NHS Leeds"},
        "service": {"text": "Social prescribing", "href": HOME},
        "logo": {"href": HOME},
        "account": {"items": [{"text": "Ann", "icon": True}, {"html": LOGOUT}]},
    },
    "person's page, NHS": {
        "service": {"text": "Social prescribing"},
        "organisation": {"name": "NHS Leeds"},
        "logo": {"href": "/p/abc/", "ariaLabel": "Social prescribing <home>"},
    },
    "person's page, own logo": {
        "service": {"text": "Rhagnodi cymdeithasol"},
        "organisation": {"name": "Cyngor <Caerdydd>"},
        "logo": {"href": "/p/abc/", "src": "/static/mark.svg", "alt": "Linkwork"},
    },
    "logo without a link": {
        "service": {"text": "Service", "href": "/s/"},
        "logo": {"href": "/elsewhere/"},
        "organisation": {"name": "Org", "split": "Split", "descriptor": "Desc"},
    },
    "service name only links": {"service": {"text": "Service", "href": "/s/"}},
    "nothing linked": {"service": {"text": "Service"}, "logo": {"alt": "Ours"}},
    "no parameters": {},
    "options": {
        "id": "top",
        "classes": "lw-header",
        "containerClasses": "lw-wide",
        "colour": "white",
        "inline": True,
        "attributes": {"data-x": "1 < 2", "data-on": {"value": True, "optional": True}},
        "service": {"text": "  Padded  ", "href": "/"},
        "logo": {"href": "/"},
        "navigation": {
            "ariaLabel": "Main <menu>",
            "classes": "lw-nav",
            "colour": "white",
            "justified": True,
            "attributes": {"data-nav": "y"},
            "toggleMenuText": "Rest",
            "toggleMenuVisuallyHiddenText": "Show",
            "items": [
                {"text": "Active", "href": "/a/", "active": True, "classes": "x"},
                {"html": Markup("<em>Marked</em>"), "href": "/b/", "attributes": {"data-i": "1"}},
                {"text": "Not a link"},
                {"text": "Current text", "current": True},
                None,
            ],
        },
        "account": {
            "ariaLabel": "You",
            "classes": "lw-account",
            "attributes": 'data-a="b"',
            "items": [
                {"text": "Sign out", "action": "/out/?a=1&b=2", "icon": True, "classes": "y"},
                {"text": "Leave", "action": "/leave/", "method": "get"},
                {},
                None,
            ],
        },
    },
    "missing names and texts": {
        "organisation": {"split": "Split only"},
        "navigation": {"items": [{"href": "/no-text/"}, {"current": True}]},
    },
    "empty navigation and account": {
        "service": {"text": "S", "href": "/"},
        "navigation": {"items": []},
        "account": {"items": []},
    },
}

FOOTERS: dict[str, Any] = {
    "layout": {
        "meta": {
            "visuallyHiddenText": "Support links",
            "items": [
                {"href": "/accessibility/", "text": "Accessibility statement"},
                {"href": "/privacy/?a=1&b=2", "text": 'Privacy <policy> & "more"'},
            ],
        },
        "copyright": {"text": 'NHS Leeds <West> & "Friends"'},
    },
    "Welsh": {
        "meta": {
            "visuallyHiddenText": "Dolenni cymorth",
            "items": [{"href": "/hygyrchedd/", "text": "Datganiad hygyrchedd"}],
        },
        "copyright": {"text": "Cyngor Caerdydd"},
    },
    "person's page": {"copyright": {"text": "NHS Leeds"}},
    "no parameters": {},
    "copyright switched off": {"copyright": {"text": ""}},
    "copyright none": {"copyright": {"text": None}},
    "copyright as string": {"copyright": "Plain & simple", "meta": "Meta <text>"},
    "copyright as markup": {"copyright": Markup("<b>Ours</b>"), "meta": Markup("<i>m</i>")},
    "meta text and html": {"meta": {"text": "  Some text  ", "items": []}},
    "meta with items and html": {
        "meta": {"items": [{"href": "/x/", "html": Markup("<b>X</b>\n")}], "html": "<i>y</i>"},
    },
    "hidden title, deprecated": {
        "meta": {"visuallyHiddenTitle": "Old", "items": [{"href": "/x/", "text": "X"}, None]},
    },
    "links without text or address": {"meta": {"items": [{"text": "No address"}, {"href": "/"}]}},
    "options": {
        "id": "foot",
        "classes": "lw-foot",
        "containerClasses": "lw-wide",
        "attributes": {"data-x": "1"},
        "meta": {"items": [{"href": "/x/", "text": "X", "attributes": {"data-y": "2"}}]},
    },
}

SKIP_LINKS: dict[str, Any] = {
    "layout": {"href": "#maincontent", "text": "Skip to main content"},
    "Welsh": {
        "href": "#maincontent",
        "text": "Neidio i\N{RIGHT SINGLE QUOTATION MARK}r prif gynnwys",
    },
    "escaping": {"href": '#a"b<c>', "text": 'Skip <to> & "main"'},
    "no parameters": {},
    "html": {"html": Markup("  <b>Skip</b>  "), "classes": "lw-x", "id": "skip"},
    "attributes": {"attributes": {"data-x": "y"}, "text": "  padded  "},
}


@pytest.mark.parametrize("params", HEADERS.values(), ids=HEADERS.keys())
def test_header_draws_what_the_nhsuk_macro_draws(params: Any) -> None:
    assert_same("header", params)


@pytest.mark.parametrize("params", FOOTERS.values(), ids=FOOTERS.keys())
def test_footer_draws_what_the_nhsuk_macro_draws(params: Any) -> None:
    assert_same("footer", params)


@pytest.mark.parametrize("params", SKIP_LINKS.values(), ids=SKIP_LINKS.keys())
def test_skip_link_draws_what_the_nhsuk_macro_draws(params: Any) -> None:
    assert_same("skipLink", params)


def test_undefined_parameters_draw_as_with_the_macros() -> None:
    for name in MACROS:
        template = (
            f'{{% from "linkwork/components/page.jinja" import {name} %}}{{{{ {name}(missing) }}}}'
        )
        drawn = engines["jinja2"].from_string(template).render({})
        assert normalise(drawn) == normalise(nhsuk_macro(name, {}))


def test_text_is_escaped_and_html_is_trusted() -> None:
    drawn = str(page.header(HEADERS["signed in with navigation and account"]))
    assert "<admin>" not in drawn
    assert "Ann O&#39;Neil &lt;admin&gt; &amp; &#34;co&#34;" in drawn
    assert "Refer &lt;someone&gt; &amp; &#34;more&#34;" in drawn
    assert 'href="/referrals/new/?a=1&amp;b=2"' in drawn
    assert str(LOGOUT) in drawn
    drawn = str(page.footer(FOOTERS["layout"]))
    assert "NHS Leeds &lt;West&gt; &amp; &#34;Friends&#34;" in drawn
    assert "<policy>" not in drawn
    drawn = str(page.skip_link(SKIP_LINKS["escaping"]))
    assert "<to>" not in drawn
    assert 'href="#a&#34;b&lt;c&gt;"' in drawn


@pytest.mark.parametrize(
    ("function", "params", "named"),
    [
        (page.header, {"search": {"action": "/search/"}}, "`search`"),
        (page.header, {"search": True}, "`search`"),
        (page.header, {"logo": {"href": "/", "size": 2}}, "`size`"),
        (page.header, {"navigation": {"items": [{"text": "A", "icon": "x"}]}}, "`icon`"),
        (page.header, {"account": {"items": [{"text": "A", "badge": 1}]}}, "`badge`"),
        (page.header, ["not", "a", "mapping"], "must be a mapping"),
        (page.footer, {"navigation": [{"items": []}]}, "`navigation`"),
        (page.footer, {"columns": 2}, "`columns`"),
        (page.footer, {"meta": {"items": [{"href": "/", "text": "x", "y": 1}]}}, "`y`"),
        (page.skip_link, {"target": "x"}, "`target`"),
    ],
)
def test_features_our_pages_do_not_use_are_refused_by_name(
    function: Any, params: Any, named: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(named)):
        function(params)


def test_features_switched_off_are_not_refused() -> None:
    assert_same("header", {"search": None, "service": {"text": "S"}})
    assert_same("footer", {"navigation": [], "columns": None})


def _header(user: Any, branding: Branding, *, verified: bool) -> dict[str, Any]:
    request = RequestFactory().get("/casework/caseload/")
    if verified:
        user.is_verified = lambda: True
    request.user = user
    return header_for(request, branding)


@pytest.mark.django_db
@pytest.mark.parametrize("branding", BRANDINGS, ids=["NHS", "own"])
def test_every_roles_header_is_drawn_as_the_macro_draws_it(world: Any, branding: Branding) -> None:
    world.link_worker_a.full_name = 'Ann <O\'Neil> & "Co"'
    users = [
        world.link_worker_a,
        world.scheme_lead_a,
        world.provider,
        world.referrer,
        world.analyst,
        world.admin,
        world.curator,
    ]
    navigations = set()
    for user in users:
        params = _header(user, branding, verified=True)
        assert params["navigation"]["items"]
        navigations.add(tuple(item["text"] for item in params["navigation"]["items"]))
        assert_same("header", params)
    assert len(navigations) > 4
    lead = type(world.scheme_lead_a).objects.get(pk=world.scheme_lead_a.pk)
    params = _header(lead, branding, verified=False)
    assert "navigation" not in params
    assert_same("header", params)
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert_same("header", header_for(request, branding))


def test_templates_use_the_fast_components_not_the_nhsuk_macros() -> None:
    """The NHS.UK header, footer and skip link macros cost most of a small page's time:
    templates import them from "linkwork/components/page.jinja" instead."""
    offenders = [
        str(path.relative_to(LINKWORK))
        for path in sorted(LINKWORK.rglob("*.jinja"))
        if re.search(
            r"nhsuk/components/(header|footer|skip-link)/", path.read_text(encoding="utf-8")
        )
    ]
    assert offenders == []


def test_welsh_page_furniture_is_drawn_as_the_macros_draw_it() -> None:
    with translation.override("cy"):
        template = engines["jinja2"].from_string(
            '{% from "linkwork/components/page.jinja" import skipLink, footer %}'
            '{{ skipLink({"href": "#maincontent", "text": _("Skip to main content")}) }}'
            '{{ footer({"meta": {"visuallyHiddenText": _("Support links"), "items": []},'
            ' "copyright": {"text": "x"}}) }}'
        )
        macros = engines["jinja2"].from_string(
            '{% from "nhsuk/components/skip-link/macro.jinja" import skipLink %}'
            '{% from "nhsuk/components/footer/macro.jinja" import footer %}'
            '{{ skipLink({"href": "#maincontent", "text": _("Skip to main content")}) }}'
            '{{ footer({"meta": {"visuallyHiddenText": _("Support links"), "items": []},'
            ' "copyright": {"text": "x"}}) }}'
        )
        assert normalise(template.render({})) == normalise(macros.render({}))


words = st.one_of(st.text(max_size=10), st.none())
addresses = st.sampled_from(["/", "/a/", "/b/?x=1&y=<2>", "", None])
navigation_items = st.fixed_dictionaries(
    {},
    optional={
        "text": words,
        "html": st.sampled_from([Markup("<b>b</b>"), "", "<i>i</i>"]),
        "href": addresses,
        "current": st.booleans(),
        "active": st.booleans(),
        "classes": st.sampled_from(["", "lw-x"]),
    },
)
account_items = st.fixed_dictionaries(
    {},
    optional={
        "text": words,
        "html": st.sampled_from([Markup("<b>b</b>\n"), ""]),
        "href": addresses,
        "icon": st.booleans(),
        "action": addresses,
    },
)


@settings(max_examples=60, deadline=None)
@given(
    organisation=st.one_of(st.none(), st.fixed_dictionaries({"name": words})),
    service=st.fixed_dictionaries({}, optional={"text": st.text(max_size=10), "href": addresses}),
    logo=st.fixed_dictionaries(
        {}, optional={"href": addresses, "src": addresses, "alt": words, "ariaLabel": words}
    ),
    nav=st.lists(st.one_of(navigation_items, st.none()), max_size=4),
    account=st.lists(st.one_of(account_items, st.none()), max_size=4),
)
def test_header_matches_the_macro_for_any_items(
    organisation: Any, service: Any, logo: Any, nav: Any, account: Any
) -> None:
    params: dict[str, Any] = {"service": service, "logo": logo}
    if organisation is not None:
        params["organisation"] = organisation
    if nav:
        params["navigation"] = {"items": nav}
    if account:
        params["account"] = {"items": account}
    assert_same("header", params)


@settings(max_examples=40, deadline=None)
@given(
    items=st.lists(
        st.fixed_dictionaries(
            {"href": addresses}, optional={"text": words, "html": st.just(Markup("<b>x</b>"))}
        ),
        max_size=3,
    ),
    meta_text=words,
    copyright_text=words,
)
# The macro indents these texts, which splits them at carriage returns and line separators.
@example(items=[], meta_text=None, copyright_text="0\r")
@example(items=[], meta_text=" a\u2028b\x85 ", copyright_text="\ra\x0bb")
def test_footer_matches_the_macro_for_any_links(
    items: Any, meta_text: Any, copyright_text: Any
) -> None:
    assert_same(
        "footer",
        {"meta": {"items": items, "text": meta_text}, "copyright": {"text": copyright_text}},
    )
