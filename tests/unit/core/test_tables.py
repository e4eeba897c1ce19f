"""Tables for the NHS.UK table macro: a caption for screen readers on every table, headings
with their scope, cells as text, links or escaped markup."""

from __future__ import annotations

import re

from django.template import engines
from markupsafe import Markup

from linkwork.core import tables


def render(params: dict[str, object]) -> str:
    template = engines["jinja2"].from_string(
        '{% from "nhsuk/components/tables/macro.jinja" import table %}{{ table(params) }}'
    )
    return template.render({"params": params})


def test_table_caption_is_hidden_unless_sized():
    hidden = tables.table("People", ["Name"], [])
    assert hidden["caption"] == {"text": "People", "classes": "nhsuk-u-visually-hidden"}
    shown = tables.table("People", ["Name"], [], caption_size="m")
    assert shown["caption"] == {"text": "People", "size": "m"}


def test_table_renders_caption_headings_with_scope_and_cells():
    params = tables.table(
        "Referrals, newest first",
        ["Reference", {"text": "Open cases", "format": "numeric"}, tables.hidden_heading("Action")],
        [[tables.link("LW-2345", "/referrals/1/"), tables.text(3), tables.text("")]],
    )
    page = render(params)
    assert re.search(
        r'<caption\s+class="nhsuk-table__caption nhsuk-u-visually-hidden"\s*>\s*'
        r"Referrals, newest first\s*</caption>",
        page,
    )
    assert len(re.findall(r'<th[^>]*scope="col"', page)) == 3
    assert '<span class="nhsuk-u-visually-hidden">Action</span>' in page
    assert '<a class="nhsuk-link" href="/referrals/1/">LW-2345</a>' in page
    assert re.search(r'class="nhsuk-table__cell nhsuk-table__cell--numeric"\s*>\s*3\s*<', page)


def test_text_cells_are_escaped_by_the_macro():
    page = render(tables.table("Notes", ["Note"], [[tables.text("<b>O'Brien</b>")]]))
    assert "&lt;b&gt;O&#39;Brien&lt;/b&gt;" in page


def test_markup_escapes_every_value_into_our_html():
    value = tables.markup('<a href="{}">{}</a>', "/x?a=1&b=2", "<script>")
    assert isinstance(value, Markup)
    assert value == '<a href="/x?a=1&amp;b=2">&lt;script&gt;</a>'


def test_link_reads_out_which_row_it_is_for():
    cell = tables.link("Assign", "/assign/1/", hidden="Ann Example")
    page = render(tables.table("People", ["Action"], [[cell]]))
    assert re.search(
        r'<a class="nhsuk-link" href="/assign/1/">Assign\s*'
        r'<span class="nhsuk-u-visually-hidden"> Ann Example</span></a>',
        page,
    )


def test_tag_is_drawn_as_the_nhsuk_macro_draws_it():
    drawn = tables.tag({"text": "Urgent & <new>", "classes": "nhsuk-tag--red"})
    assert isinstance(drawn, Markup)
    assert re.fullmatch(
        r'<strong class="nhsuk-tag nhsuk-tag--red"\s*>\s*Urgent &amp; &lt;new&gt;\s*</strong>',
        str(drawn).strip(),
    )
