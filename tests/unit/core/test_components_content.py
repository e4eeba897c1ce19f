"""`core.components.content` draws what the NHS.UK content macros draw: the same elements,
attributes, classes and text, white space aside. Each case renders the macro and our wrapper
(`linkwork/components/content.jinja`) through the project's Jinja environment and compares
them; features our pages do not use are refused by name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.template import engines
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from linkwork.core import tables
from linkwork.core.components import content
from tests.macros import draw, normalise

LINKWORK = Path(content.__file__).resolve().parents[2]

MACROS = {
    "tag": "tag",
    "summaryList": "summary-list",
    "button": "button",
    "backLink": "back-link",
    "warningCallout": "warning-callout",
    "insetText": "inset-text",
    "card": "card",
}
UNSAFE = "<b>Ann & \"Bob\"</b> 'x'"


def nhsuk_macro(name: str, params: Any, body: str | None = None) -> str:
    return draw(f"nhsuk/components/{MACROS[name]}/macro.jinja", name, params, body)


def ours(name: str, params: Any, body: str | None = None) -> str:
    return draw("linkwork/components/content.jinja", name, params, body)


def assert_same(name: str, params: Any, body: str | None = None) -> str:
    drawn = ours(name, params, body)
    assert normalise(drawn) == normalise(nhsuk_macro(name, params, body))
    return drawn


ATTRIBUTES = {
    "data-x": '1 < 2 & "3"',
    "data-on": {"value": True, "optional": True},
    "data-off": {"value": False, "optional": True},
    "data-none": None,
    "data-markup": Markup('say "hi"'),
}

TAGS: dict[str, dict[str, Any]] = {
    "text and classes": {"text": "New", "classes": "nhsuk-tag--blue"},
    "escaped text": {"text": UNSAFE},
    "html": {"html": Markup("<span>Due</span> <b>today</b>")},
    "html beats text": {"text": "x", "html": Markup("<i>y</i>")},
    "colour": {"text": "Done", "colour": "green"},
    "colour already in classes": {"text": "Done", "colour": "green", "classes": "nhsuk-tag--red"},
    "colour not allowed": {"text": "Done", "colour": "black"},
    "no colour or border": {"text": "Plain", "colour": False, "border": False},
    "id and attributes": {"text": "x", "id": "a<b", "attributes": ATTRIBUTES},
    "attributes as string": {"text": "x", "attributes": 'data-y="z"'},
    "number": {"text": 12},
    "nothing": {},
    "status tag": {"text": " Waiting ", "classes": ""},
}

ACTION = {"href": "/people/1/change/?a=1&b=2", "text": "Change", "visuallyHiddenText": UNSAFE}

LISTS: dict[str, dict[str, Any]] = {
    "text rows": {
        "rows": [
            {"key": {"text": "Name"}, "value": {"text": UNSAFE}},
            {"key": {"text": "Town"}, "value": {"text": "Leeds"}},
        ]
    },
    "html values": {
        "rows": [
            {"key": {"text": "Status"}, "value": {"html": tables.tag({"text": "New"})}},
            {"key": {"html": Markup("<b>Key</b>")}, "value": {"html": Markup("a<br>b")}},
        ]
    },
    "strings as parts": {
        "rows": [
            {"key": "Name", "value": UNSAFE},
            {"key": Markup("<i>Key</i>"), "value": Markup("<i>Value</i>")},
            {"key": 12, "value": None},
        ]
    },
    "rows without keys or values": {"rows": [{"value": {"text": "only"}}, {"key": {"text": "k"}}]},
    "one row with an action, others without": {
        "rows": [
            {"key": {"text": "Name"}, "value": {"text": "Ann"}, "actions": {"items": [ACTION]}},
            {"key": {"text": "Born"}, "value": {"text": "1 May 1950"}},
            {"key": {"text": "Empty"}, "value": {"text": ""}, "actions": {"items": []}},
        ]
    },
    "several actions": {
        "rows": [
            {
                "key": {"text": "Phone"},
                "value": {"text": "0113"},
                "actions": {
                    "items": [
                        ACTION,
                        {"href": "/x/", "html": Markup("<b>Remove</b>"), "classes": "lw-x"},
                        {"text": "Post", "type": "submit", "name": "do", "value": "<v>"},
                        {"text": "Button"},
                        "not a mapping",
                    ],
                    "classes": "lw-actions",
                    "width": "one-quarter",
                    "id": "acts",
                    "attributes": {"data-a": "1"},
                },
            }
        ]
    },
    "actions as a list": {
        "rows": [{"key": {"text": "A"}, "value": {"text": "b"}, "actions": [ACTION, ACTION]}]
    },
    "action without hidden words": {
        "rows": [{"key": "A", "value": "b", "actions": {"items": [{"href": "/a", "text": "Go"}]}}]
    },
    "classes, widths, ids and attributes": {
        "classes": "nhsuk-summary-list--no-border",
        "id": "list",
        "attributes": ATTRIBUTES,
        "rows": [
            {
                "key": {"text": "A", "width": "one-third", "classes": "lw-k", "id": "k"},
                "value": {
                    "text": "b",
                    "width": "two-thirds",
                    "classes": "nhsuk-u-width-two-thirds",
                },
                "classes": "lw-row",
                "id": "row-1",
                "attributes": {"data-row": "1"},
            }
        ],
    },
    "borders": {
        "lastRowBorder": False,
        "rows": [
            {"key": "A", "value": "a", "border": False},
            {"key": "B", "value": "b", "border": False},
        ],
    },
    "no border": {"border": False, "rows": [{"key": "A", "value": "a", "border": False}]},
    "rows that are not mappings": {"rows": ["x", None, {"key": "A", "value": "a"}]},
    "no rows": {"rows": []},
    "nothing": {},
    "html instead of rows": {"html": Markup("<div>own rows</div>")},
}

BUTTONS: dict[str, dict[str, Any]] = {
    "submit": {"text": "Save"},
    "escaped text": {"text": UNSAFE, "classes": "nhsuk-button--secondary"},
    "link": {"text": "Add", "href": "/a/?x=1&y=2", "classes": "nhsuk-button--secondary"},
    "link with type is a button": {"text": "Add", "href": "/a/", "type": "button"},
    "name and value": {"text": "Go", "name": "action", "value": "assign <now>"},
    "link ignores name": {"text": "Go", "href": "/g/", "name": "action"},
    "html": {"html": Markup("Save <span class='nhsuk-u-visually-hidden'>Ann</span>")},
    "attributes": {"text": "Go", "attributes": {"formaction": "/x/", "data-y": UNSAFE}},
    "prevent double click": {"text": "Go", "preventDoubleClick": True},
    "allow double click": {"text": "Go", "preventDoubleClick": False, "id": "go"},
    "disabled with label": {"text": "Go", "disabled": True, "ariaLabel": "Go now"},
    "link with label": {"text": "Go", "href": "/g", "ariaLabel": "Go now", "id": "g"},
    "variant and small": {"text": "Go", "variant": "warning", "small": True},
    "variant already in classes": {
        "text": "Go",
        "variant": "reverse",
        "small": True,
        "classes": "nhsuk-button--secondary nhsuk-button--small",
    },
    "element a": {"text": "Go", "element": "A"},
    "element input": {"text": "Go <now>", "element": "input", "name": "n"},
    "type reset": {"text": "Clear", "type": "reset"},
    "nothing": {},
}

BACK_LINKS: dict[str, dict[str, Any]] = {
    "link": {"href": "/people/?q=a&b=c", "text": "Back to people"},
    "escaped": {"href": "/p/", "text": UNSAFE},
    "default text": {"href": "/p/"},
    "empty text": {"href": "/p/", "text": ""},
    "html": {"href": "/p/", "html": Markup("<b>Back</b>")},
    "hidden words": {"href": "/p/", "text": "Back", "visuallyHiddenText": "to <list>"},
    "reverse with classes and id": {
        "href": "/p/",
        "variant": "reverse",
        "classes": "lw-back",
        "id": "back",
        "attributes": {"data-x": "1"},
    },
    "button": {"text": "Back"},
    "button of a type": {"text": "Back", "type": "button", "href": "/p/"},
    "element": {"text": "Back", "element": "SPAN"},
    "nothing": {},
}

INSETS: dict[str, dict[str, Any]] = {
    "text": {"text": UNSAFE},
    "html": {"html": Markup("<p>One</p>\n<p>Two</p>")},
    "hidden words": {"text": "x", "visuallyHiddenText": "Note <1>"},
    "empty hidden words": {"text": "x", "visuallyHiddenText": ""},
    "classes, id and attributes": {
        "text": "x",
        "classes": "lw-inset",
        "id": "inset",
        "attributes": ATTRIBUTES,
    },
    "nothing": {},
}

CALLOUTS: dict[str, dict[str, Any]] = {
    "heading and text": {"heading": "Check the postcode", "headingLevel": 2, "text": UNSAFE},
    "default level": {"heading": "The scheme is full", "text": "Every worker is at a limit."},
    "heading with important": {"heading": "Important", "headingLevel": 2, "text": "x"},
    "heading with lower case important": {"heading": "Very important", "text": "x"},
    "hidden words": {"heading": "Check", "visuallyHiddenText": "Pwysig", "text": "x"},
    "empty hidden words": {"heading": "Check", "visuallyHiddenText": "", "text": "x"},
    "escaped heading": {"heading": UNSAFE, "html": Markup("<p>Body</p>")},
    "markup heading": {"heading": Markup("<i>Marked</i>"), "text": "x"},
    "attributes, id and classes": {
        "heading": "Restricted",
        "headingLevel": 2,
        "html": Markup("<p>a</p>"),
        "attributes": {"id": "restriction"},
        "id": "callout",
        "classes": "lw-safety-flag",
    },
    "heading as mapping": {
        "heading": {
            "text": "Check",
            "level": 4,
            "classes": "lw-h",
            "id": "h",
            "visuallyHiddenText": "Note",
            "attributes": {"data-h": "1"},
        },
        "headingLevel": 2,
        "headingClasses": "lw-ignored",
        "text": "x",
    },
    "heading classes": {"heading": "Check", "headingClasses": "lw-h", "text": "x"},
    "level none": {"heading": "Check", "headingLevel": None, "text": "x"},
    "no heading": {"text": "x"},
    "nothing": {},
}

CARDS: dict[str, dict[str, Any]] = {
    "clickable": {
        "href": "/administration/organisations/?a=1&b=2",
        "clickable": True,
        "heading": "Organisations",
        "headingLevel": 2,
        "description": "12 organisations: " + UNSAFE,
    },
    "plain": {"heading": UNSAFE, "description": "text"},
    "markup": {"heading": Markup("<i>H</i>"), "description": Markup("<p>D</p>")},
    "heading and description as mappings": {
        "heading": {"text": "H", "level": 3, "size": "m", "id": "h", "visuallyHiddenText": "X"},
        "description": {"text": "D", "classes": "lw-d", "attributes": {"data-d": "1"}},
        "classes": "lw-card",
        "id": "card",
        "attributes": ATTRIBUTES,
    },
    "deprecated options": {
        "heading": "H",
        "headingId": "hid",
        "headingSize": "s",
        "headingClasses": "nhsuk-heading-xs",
        "headingVisuallyHiddenText": "Y",
        "descriptionHtml": Markup("<p>D</p>"),
        "secondary": True,
    },
    "heading html": {"headingHtml": Markup("<h3>H</h3>"), "description": "D"},
    "variants": {"heading": "H", "variant": "secondary", "description": "D"},
    "variant in classes": {"heading": "H", "type": "warning", "classes": "nhsuk-card--secondary"},
    "warning flag": {"heading": "H", "warning": True},
    "nothing": {},
}

ALL = {
    "tag": TAGS,
    "summaryList": LISTS,
    "button": BUTTONS,
    "backLink": BACK_LINKS,
    "insetText": INSETS,
    "warningCallout": CALLOUTS,
    "card": CARDS,
}


@pytest.mark.parametrize(
    ("name", "params"),
    [(name, params) for name, cases in ALL.items() for params in cases.values()],
    ids=[f"{name}: {case}" for name, cases in ALL.items() for case in cases],
)
def test_python_draws_what_the_nhsuk_macro_draws(name, params):
    assert_same(name, params)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("insetText", {}),
        ("insetText", {"visuallyHiddenText": "In your words"}),
        ("warningCallout", {"heading": "Finalising cannot be undone"}),
        ("warningCallout", {"heading": "Safeguarding concerns", "headingLevel": 2}),
        ("warningCallout", {}),
        ("card", {"heading": "H"}),
        ("card", {}),
    ],
)
def test_a_call_body_is_drawn_in_place_of_the_text(name, params):
    body = "<p>{{ 'Ann & Bob' }}</p>"
    replaced = {"description": "replaced"} if name == "card" else {"text": "replaced"}
    drawn = assert_same(name, {**params, **replaced}, body)
    assert "<p>Ann &amp; Bob</p>" in drawn
    assert "replaced" not in drawn


@pytest.mark.parametrize("name", list(MACROS))
def test_undefined_parameters_draw_as_the_macro_does(name):
    template = f'{{% from "linkwork/components/content.jinja" import {name} %}}{{{{ {name}(x) }}}}'
    drawn = engines["jinja2"].from_string(template).render({})
    assert normalise(drawn) == normalise(nhsuk_macro(name, {}))


def test_text_is_escaped_and_html_is_trusted():
    drawn = str(content.summary_list(LISTS["text rows"]))
    assert "<b>" not in drawn
    assert "&lt;b&gt;Ann &amp; &#34;Bob&#34;&lt;/b&gt; &#39;x&#39;" in drawn
    drawn = str(content.summary_list(LISTS["html values"]))
    assert "a<br>b" in drawn
    assert "<b>Key</b>" in drawn


def test_tables_tag_is_the_python_tag():
    assert tables.tag({"text": "New", "classes": "nhsuk-tag--blue"}) == content.tag(
        {"text": "New", "classes": "nhsuk-tag--blue"}
    )


@pytest.mark.parametrize(
    ("draw_it", "params", "named"),
    [
        (content.tag, {"text": "x", "icon": "tick"}, "`icon`"),
        (content.summary_list, {"card": {"heading": "x"}}, "`card`"),
        (content.summary_list, {"rows": [{"key": "a", "extra": 1}]}, "`extra`"),
        (content.summary_list, {"rows": [{"key": {"text": "a", "caption": "c"}}]}, "`caption`"),
        (content.summary_list, {"rows": [{"actions": {"items": [{"icon": "x"}]}}]}, "`icon`"),
        (content.summary_list, {"rows": [{"actions": {"heading": "x", "items": []}}]}, "`heading`"),
        (content.button, {"text": "x", "icon": "search"}, "`icon`"),
        (content.button, {"text": "x", "element": "div"}, "`element`"),
        (content.back_link, {"href": "/", "caller": "x"}, "`caller`"),
        (content.inset_text, {"text": "x", "heading": "h"}, "`heading`"),
        (content.warning_callout, {"heading": "h", "actions": [{"text": "a"}]}, "`actions`"),
        (content.warning_callout, {"heading": {"text": "h", "caption": "c"}}, "`caption`"),
        (content.card, {"heading": "h", "image": {"src": "/a.png"}}, "`image`"),
        (content.card, {"heading": "h", "imgURL": "/a.png"}, "`imgURL`"),
        (content.card, {"heading": "h", "primary": True}, "`primary`"),
        (content.card, {"heading": "h", "variant": "urgent"}, "`variant`"),
        (content.card, {"heading": {"text": "h", "caption": "c"}}, "`caption`"),
        (content.card, ["not", "a", "mapping"], "must be a mapping"),
    ],
)
def test_features_our_pages_do_not_use_are_refused_by_name(draw_it, params, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        draw_it(params)


def test_features_switched_off_are_not_refused():
    assert_same("button", {"text": "x", "icon": None, "element": ""})
    assert_same("summaryList", {"card": None, "rows": [{"key": "a", "actions": {"items": []}}]})


texts = st.one_of(st.text(max_size=10), st.integers(-3, 3), st.none())
parts = st.one_of(
    texts,
    st.fixed_dictionaries(
        {},
        optional={
            "text": texts,
            "html": st.sampled_from([Markup("<b>b</b>"), Markup(" <i>i</i>\n"), ""]),
            "classes": st.sampled_from(["lw-x", "nhsuk-u-width-one-half", ""]),
            "width": st.sampled_from(["one-half", "one-third", None]),
        },
    ),
)
actions = st.fixed_dictionaries(
    {},
    optional={
        "text": texts,
        "href": st.sampled_from(["/a/", "/b/?x=1&y=<2>", ""]),
        "visuallyHiddenText": texts,
        "type": st.sampled_from(["submit", "button"]),
    },
)
rows = st.fixed_dictionaries(
    {},
    optional={
        "key": parts,
        "value": parts,
        "actions": st.one_of(
            st.fixed_dictionaries({"items": st.lists(actions, max_size=3)}),
            st.lists(actions, max_size=2),
        ),
        "border": st.booleans(),
        "classes": st.sampled_from(["lw-row", "nhsuk-summary-list__row--no-border", ""]),
    },
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(rows, max_size=4),
    border=st.sampled_from([True, False, None]),
    last=st.sampled_from([True, False, None]),
)
def test_summary_list_matches_the_macro_for_any_rows(rows, border, last):
    assert_same("summaryList", {"rows": rows, "border": border, "lastRowBorder": last})


@settings(max_examples=40, deadline=None)
@given(
    text=texts,
    html=st.sampled_from([None, Markup("<b>x</b>")]),
    colour=st.sampled_from([None, False, "red", "nope"]),
    classes=st.sampled_from([None, "", "nhsuk-tag--grey", "lw-x"]),
)
def test_tag_matches_the_macro_for_any_text(text, html, colour, classes):
    assert_same("tag", {"text": text, "html": html, "colour": colour, "classes": classes})


def test_templates_use_the_python_content_components_not_the_nhsuk_macros():
    """The NHS.UK content macros take much of a page's time: templates import them from
    "linkwork/components/content.jinja" instead, which draws the same markup."""
    pattern = re.compile("nhsuk/components/(" + "|".join(MACROS.values()) + ")/macro")
    offenders = [
        str(path.relative_to(LINKWORK))
        for path in sorted(LINKWORK.rglob("*.jinja"))
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
