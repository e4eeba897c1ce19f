"""The Jinja2 environment's shortcuts give exactly what Jinja2 itself gives: the `indent`
filter on markup and on plain text, and templates' globals kept in a dict."""

from __future__ import annotations

from typing import Any

from django.template import engines
from hypothesis import given
from hypothesis import strategies as st
from jinja2.filters import do_indent
from markupsafe import Markup

from linkwork.core.jinja2 import indent

LINES = st.lists(
    st.text(alphabet=st.sampled_from(" ab<&>\"'\t\r\u2028"), max_size=6), max_size=5
).map("\n".join)
WIDTHS = st.one_of(
    st.integers(min_value=0, max_value=12),
    st.sampled_from(["", "  ", "\t", "<b>", Markup("  "), Markup("<i>")]),
)


@given(text=LINES, width=WIDTHS, first=st.booleans(), blank=st.booleans())
def test_indent_is_jinja2s_on_markup_and_plain_text(
    text: str, width: Any, first: bool, blank: bool
) -> None:
    for value in (Markup(text), text):  # noqa: S704 - the text is the test's own
        expected = do_indent(value, width, first, blank)
        got = indent(value, width, first, blank)
        assert got == expected
        assert isinstance(got, Markup) == isinstance(expected, Markup)


def test_the_environment_uses_the_faster_indent() -> None:
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    assert env.filters["indent"] is indent
    rendered = env.from_string("{{ value | indent(2, true) }}").render(
        value=Markup("<p>a</p>\n<p>b</p>")
    )
    assert rendered == "  <p>a</p>\n  <p>b</p>"
    escaped = env.from_string("{{ value | indent(2) }}").render(value="<p>a</p>\nb")
    assert escaped == "&lt;p&gt;a&lt;/p&gt;\n  b"


def test_templates_globals_are_a_dict_with_the_environments_and_their_own() -> None:
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    template = env.from_string("{{ extra }} {{ url('web:home') }}", globals={"extra": "x"})
    assert type(template.globals) is dict
    assert template.globals["url"] is env.globals["url"]
    assert template.render() == "x /"
    assert "extra" not in env.globals


def test_an_imported_macro_sees_the_environments_globals() -> None:
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    page = env.from_string(
        '{% from "nhsuk/components/tag/macro.jinja" import tag %}'
        '{{ tag({"text": "Open"}) }}{{ tag({"text": "Closed"}) }}'
    )
    html = page.render()
    assert html.count("nhsuk-tag") == 2
    assert "Open" in html
    assert "Closed" in html
