"""`tables.render` draws what the NHS.UK table macro draws: the same elements, attributes,
classes and text, white space aside. Each case renders both through the project's Jinja
environment and compares them; features our pages do not use are refused by name."""

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
from tests.macros import draw, normalise

LINKWORK = Path(tables.__file__).resolve().parents[1]


def nhsuk_macro(params: Any) -> str:
    return draw("nhsuk/components/tables/macro.jinja", "table", params)


def ours(params: Any) -> str:
    return draw("linkwork/table.jinja", "table", params)


def assert_same(params: Any) -> str:
    drawn = ours(params)
    assert normalise(drawn) == normalise(nhsuk_macro(params))
    assert normalise(drawn) == normalise(str(tables.render(params)))
    return drawn


def tag(text: str) -> Markup:
    return tables.tag({"text": text, "classes": "nhsuk-tag--blue"})


CASES: dict[str, dict[str, Any]] = {
    "plain": tables.table("People", ["Name", "Town"], [[tables.text("Ann"), tables.text("Leeds")]]),
    "shown caption": tables.table("People", ["Name"], [[tables.text("Ann")]], caption_size="m"),
    "numeric head": tables.table(
        "Load",
        ["Link worker", {"text": "Open cases", "format": "numeric"}],
        [[tables.text("Ann"), tables.text(12)], [tables.text("Bob"), tables.text(0)]],
    ),
    "numeric cells": {
        "head": [{"text": "Count", "format": "numeric"}, "Note"],
        "rows": [
            [{"text": "1", "format": "numeric"}, {"text": "a", "format": "numeric"}],
            [{"text": "None", "format": "string"}, {"text": "b", "format": None}],
            [{"text": "2", "classes": "nhsuk-table__cell--numeric"}],
        ],
    },
    "alignment and widths": {
        "head": [{"text": "A", "align": "centre", "width": "one-half"}, {"text": "B"}],
        "rows": [
            [{"text": "x"}, {"text": "y", "align": "right", "width": "one-quarter"}],
            [{"text": "x", "align": "middle"}, {"text": "y", "classes": "nhsuk-u-text-align-left"}],
        ],
    },
    "links with hidden text": tables.table(
        "Referrals",
        ["Reference", tables.hidden_heading("Action")],
        [
            [
                tables.link("LW-2345", "/referrals/1/?a=1&b=2"),
                tables.link("Assign", "/assign/1/", hidden="Ann <Example>"),
            ],
            [tables.text(""), {"visuallyHiddenText": "Nothing to do"}],
        ],
    ),
    "html cells": tables.table(
        "Statuses",
        ["Person", "Status", {"html": '<span class="nhsuk-u-visually-hidden">Action</span>'}],
        [
            [
                tables.html(tables.markup("{}<br>{}", "Ann & Bob", tag("New"))),
                tables.html(tag("Waiting")),
                {"html": "<b>trusted string</b>", "visuallyHiddenText": "for Ann"},
            ]
        ],
    ),
    "responsive with headers": tables.table(
        "Triage queue",
        [
            "Person",
            {"text": "Days", "format": "numeric"},
            tables.hidden_heading("Action"),
            {"html": Markup("<b>Status</b>")},
        ],
        [
            [
                tables.link("Ann", "/people/1/", hidden="profile"),
                tables.text(3),
                tables.link("Triage", "/t/1/", hidden="Ann"),
                tables.html(tag("New")),
                tables.text("beyond the headings"),
            ],
            [tables.text("Bob"), tables.text(""), {}, tables.html(Markup(""))],
        ],
        responsive=True,
    ),
    "responsive first cell is header": {
        "caption": {"text": "Scores", "size": "s"},
        "head": [{"text": "Week"}, {"text": "Score", "format": "numeric", "classes": "x-y"}],
        "rows": [[{"text": "1"}, {"text": "20"}], [{"text": "2"}, {"text": "22", "colspan": 2}]],
        "responsive": True,
        "firstCellIsHeader": True,
        "classes": "lw-compact",
    },
    "first cell is header": {
        "head": ["Week", "Score"],
        "rows": [[{"text": "1"}, {"text": "20", "colspan": 2, "rowspan": 3}]],
        "firstCellIsHeader": True,
    },
    "caption as string": {"caption": "Plain caption", "head": ["A"], "rows": [["a", "b"]]},
    "caption as markup": {"caption": Markup("<em>Marked</em>"), "rows": [[Markup("<i>x</i>")]]},
    "deprecated caption options": {
        "caption": "Sized",
        "captionSize": "l",
        "captionClasses": "x-caption",
        "rows": [],
    },
    "caption sizes": {
        "caption": {"text": "Sized", "size": "xl", "classes": "nhsuk-table__caption--s"},
        "rows": [],
    },
    "caption size not allowed": {"caption": {"text": "Huge", "size": "xxl"}, "rows": []},
    "caption with hidden words and id": {
        "caption": {"text": "Cases", "visuallyHiddenText": "<sorted>", "id": "cases-caption"},
        "rows": [],
    },
    "empty rows": tables.table("Nothing yet", ["Name", "Town"], []),
    "rows without cells": {"head": ["A"], "rows": [[], [None, {"text": "skipped index"}]]},
    "no parameters": {},
    "escaping": tables.table(
        "<script>alert('caption')</script>",
        ["<script>heading</script>", {"text": "x", "visuallyHiddenText": "<i>hidden</i>"}],
        [
            [
                tables.text("<script>alert('x')</script>"),
                tables.link('"quoted" <b>', "javascript:x('<y>')", hidden="<script>"),
            ]
        ],
        responsive=True,
    ),
    "table options": {
        "id": "my-table",
        "compact": True,
        "striped": True,
        "lastRowBorder": False,
        "tableClasses": "lw-table",
        "attributes": {
            "data-x": "1 < 2",
            "data-on": {"value": True, "optional": True},
            "data-off": {"value": False, "optional": True},
            "data-none": {"value": None, "optional": True},
            "data-false": False,
            "data-empty": None,
            "data-markup": Markup('say "hi"'),
        },
        "rows": [[{"text": "a", "attributes": {"data-row": "1"}}]],
    },
    "no border": {"border": False, "classes": "nhsuk-table--compact", "compact": True, "rows": []},
    "attributes as string": {"attributes": 'data-x="y"', "rows": [[{"text": "a"}]]},
    "records table": tables.records_table(
        "Services",
        [("Name", lambda s: tables.text(s[0])), ("Open", lambda s: tables.text(s[1]))],
        [("Walking group", 3), ("Choir", None)],
        classes="nhsuk-u-font-size-16",
    ),
}


@pytest.mark.parametrize("params", CASES.values(), ids=CASES.keys())
def test_render_draws_what_the_nhsuk_macro_draws(params):
    assert_same(params)


def test_text_is_escaped_and_html_is_trusted():
    drawn = str(tables.render(CASES["escaping"]))
    assert "<script>" not in drawn
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in drawn
    drawn = str(tables.render(CASES["html cells"]))
    assert "Ann &amp; Bob<br>" in drawn
    assert "<b>trusted string</b>" in drawn


def test_responsive_cells_carry_their_heading_for_narrow_screens():
    drawn = normalise(str(tables.render(CASES["responsive with headers"])))
    assert '<table class="nhsuk-table nhsuk-table--responsive" role="table">' in drawn
    assert '<thead class="nhsuk-table__head" role="rowgroup">' in drawn
    assert (
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell">'
        '<span class="nhsuk-table__heading" aria-hidden="true">Days </span>3 </td>'
    ) in drawn
    assert (
        '<span class="nhsuk-table__heading" aria-hidden="true"><b>Status</b></span>'
        "<span><strong" in drawn
    )


def test_an_undefined_table_is_an_empty_table_as_with_the_macro():
    template = '{% from "linkwork/table.jinja" import table %}{{ table(missing) }}'
    drawn = engines["jinja2"].from_string(template).render({})
    assert normalise(drawn) == normalise(nhsuk_macro({}))


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"scroll": True}, "`scroll`"),
        ({"card": {"heading": "x"}}, "`card`"),
        ({"panel": True}, "`panel`"),
        ({"variant": "reverse"}, "`variant`"),
        ({"sortAnnouncementText": "Sorted"}, "`sortAnnouncementText`"),
        ({"head": [{"text": "A", "sort": True}]}, "`sort`"),
        ({"rows": [[{"text": "A", "sortValue": 1}]]}, "`sortValue`"),
        ({"caption": {"text": "A", "caption": "Over"}}, "`caption`"),
        ({"attributes": {"data-x": {"value": [1], "type": "array"}}}, "`data-x`"),
        (["not", "a", "mapping"], "must be a mapping"),
    ],
)
def test_features_our_pages_do_not_use_are_refused_by_name(params, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        tables.render(params)


def test_features_switched_off_are_not_refused():
    assert_same({"scroll": False, "card": None, "variant": "", "rows": [[{"sort": None}]]})


cell_text = st.one_of(st.text(max_size=12), st.integers(-5, 5), st.none())
cells = st.fixed_dictionaries(
    {},
    optional={
        "text": cell_text,
        "html": st.sampled_from([Markup("<b>b</b>"), Markup("<i>i</i>\n<br>"), "", "<u>u</u>"]),
        "href": st.sampled_from(["/a/", "/b/?x=1&y=<2>", ""]),
        "visuallyHiddenText": cell_text,
        "format": st.sampled_from(["numeric", "string", None]),
        "classes": st.sampled_from(["lw-x", "nhsuk-table__cell--numeric", ""]),
        "align": st.sampled_from(["left", "right", "centre", "top", None]),
    },
)
headings = st.one_of(st.text(max_size=8), cells)


@settings(max_examples=60, deadline=None)
@given(
    head=st.lists(headings, max_size=4),
    rows=st.lists(st.lists(st.one_of(cells, st.text(max_size=6)), max_size=5), max_size=3),
    responsive=st.booleans(),
    first=st.booleans(),
    caption=st.one_of(st.text(max_size=10), st.none()),
)
def test_render_matches_the_macro_for_any_cells(head, rows, responsive, first, caption):
    assert_same(
        {
            "caption": caption,
            "head": head,
            "rows": rows,
            "responsive": responsive,
            "firstCellIsHeader": first,
        }
    )


def test_templates_use_the_fast_table_not_the_nhsuk_macro():
    """The NHS.UK table macro takes most of a table page's time: templates import
    `table` from "linkwork/table.jinja" instead, which draws the same markup."""
    offenders = [
        str(path.relative_to(LINKWORK))
        for path in sorted(LINKWORK.rglob("*.jinja"))
        if "nhsuk/components/tables/" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
