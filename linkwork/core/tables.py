"""Tables in the NHS.UK table macro's shape: presenters build the caption, the headings and the
cells here; templates lay them out with `{{ table(params) }}`, imported from
`linkwork/table.jinja`, which draws the macro's markup with `render` below.

A cell is the macro's own shape: `{"text": ...}`, a link `{"text": ..., "href": ...}`, or
`{"html": ...}` for markup that presenters build with `markup()` (which escapes every value)
or with `tag()` (the NHS.UK tag, drawn as its macro draws it), never by joining strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from jinja2 import Undefined
from markupsafe import Markup, escape

from linkwork.core.components import content
from linkwork.core.html import MISSING as _MISSING
from linkwork.core.html import attribute as _attribute
from linkwork.core.html import attributes as _attributes
from linkwork.core.html import given as _get
from linkwork.core.html import modifier
from linkwork.core.html import param as _value
from linkwork.core.html import refuse as _refuse_unknown
from linkwork.core.presenters import datetime_uk

Cell = dict[str, Any]


def table(
    caption: str,
    head: Sequence[str | Cell],
    rows: Iterable[Sequence[Cell]],
    *,
    caption_size: str | None = None,
    classes: str | None = None,
    responsive: bool = False,
) -> dict[str, Any]:
    """Parameters for the NHS.UK table macro. Every table has a caption for screen readers;
    it is shown, at `caption_size`, only where the page needs it. A `responsive` table shows
    each row as a block, each cell with its heading, on screens narrower than a desktop."""
    params: dict[str, Any] = {
        "caption": {"text": caption, "size": caption_size}
        if caption_size
        else {"text": caption, "classes": "nhsuk-u-visually-hidden"},
        "head": [{"text": heading} if isinstance(heading, str) else heading for heading in head],
        "rows": [list(row) for row in rows],
    }
    if classes:
        params["classes"] = classes
    if responsive:
        params["responsive"] = True
    return params


# A column: its heading, and how one record shows in it.
Column = tuple[str | Cell, Callable[[Any], Cell]]


def records_table(
    caption: str, columns: Sequence[Column], records: Iterable[Any], **options: Any
) -> dict[str, Any]:
    """A table with a row for each record and a cell for each column."""
    return table(
        caption,
        [heading for heading, _ in columns],
        ([cell(record) for _, cell in columns] for record in records),
        **options,
    )


def text(value: object) -> Cell:
    return {"text": "" if value is None else str(value)}


def link(value: object, href: str, *, hidden: str | None = None) -> Cell:
    """A cell that is one link; `hidden` is read out after the link text (which row it is for)."""
    cell: Cell = {"text": str(value), "href": href}
    if hidden:
        cell["visuallyHiddenText"] = hidden
    return cell


def html(value: Markup) -> Cell:
    return {"html": value}


def hidden_heading(value: str) -> Cell:
    """A column heading read out by screen readers only, for a column of actions."""
    return {"visuallyHiddenText": value}


def markup(template: str, *values: object) -> Markup:
    """`template` (our own HTML) with each value escaped into it."""
    return Markup(template).format(*values)  # noqa: S704 - the template is ours; values are escaped # nosec B704


def tag(params: Mapping[str, Any]) -> Markup:
    """An NHS.UK tag, in the tag macro's markup, drawn in Python (`components.content.tag`)."""
    return content.tag(params)


def status_history_table(changes: Iterable[Any], *, nobody: str) -> dict[str, Any]:
    """A record's status history (rows of a `StatusHistory` model), oldest first; `nobody`
    names who made a change that no user made."""
    return table(
        "Status history, oldest first",
        ["When", "Status", "By", "Why"],
        (
            [
                text(datetime_uk(change.changed_at)),
                text(change.get_to_status_display()),
                text(change.changed_by.full_name if change.changed_by else nobody),
                text(change.reason),
            ]
            for change in changes
        ),
    )


# Drawing a table: the NHS.UK table macro's markup, written in Python.
#
# The macro (nhsuk-frontend-jinja 0.10, `nhsuk/components/tables/template.jinja`) calls a macro
# for each cell, another for its value and `nhsukAttributes` for every attribute list; a 50-row
# table took most of a page's time. `render` writes the same elements, attributes, classes and
# text (white space aside) for the parameters our pages use, and refuses the macro's other
# features (sorting, scroll, card, panel, variants) with an error naming the parameter, rather
# than drawing them half right. tests/unit/core/test_tables_render.py compares the two.

_TABLE_KEYS: Final = frozenset(
    {
        "caption",
        "captionSize",
        "captionClasses",
        "head",
        "rows",
        "responsive",
        "firstCellIsHeader",
        "classes",
        "tableClasses",
        "compact",
        "striped",
        "border",
        "lastRowBorder",
        "id",
        "attributes",
    }
)
_CAPTION_KEYS: Final = frozenset(
    {"text", "html", "size", "classes", "id", "attributes", "visuallyHiddenText"}
)
_CELL_KEYS: Final = frozenset(
    {
        "text",
        "html",
        "href",
        "visuallyHiddenText",
        "format",
        "classes",
        "align",
        "width",
        "colspan",
        "rowspan",
        "attributes",
        # The macro takes `header` on a cell but never draws it; a responsive cell is
        # labelled by its column's heading.
        "header",
    }
)
_CAPTION_SIZES: Final = ("s", "m", "l", "xl")
_CAPTION_PREFIX: Final = "nhsuk-table__caption--"
_ALIGNS: Final = ("left", "centre", "right")


def _refuse(where: str, mapping: Mapping[str, Any], known: frozenset[str]) -> None:
    _refuse_unknown(
        f"table {where}",
        mapping,
        known,
        module="linkwork.core.tables.render",
        tests="tests/unit/core/test_tables_render.py",
    )


def _cell_value(text: Any, html: Any, hidden: Any) -> str:
    """A cell's text (escaped) or HTML (trusted), then any words for screen readers only."""
    written = ""
    if html or text:
        if hidden:
            hidden = " " + (hidden if isinstance(hidden, str) else str(hidden))
        written = str(html) if html else str(escape(text))
    if hidden:
        written += f'<span class="nhsuk-u-visually-hidden">{escape(hidden)}</span>'
    return written.strip()


def _as_item(value: Any) -> Mapping[str, Any]:
    """A heading or cell given as a string: its text, and its HTML if it is markup. A missing
    heading is a mapping of nothing, which labels a responsive cell with an empty heading."""
    if isinstance(value, Mapping):
        return value
    if not isinstance(value, str):
        return {"text": None, "html": None}
    return {"text": value, "html": value if hasattr(value, "__html__") else None}


def _cell(
    element: str,
    item: Mapping[str, Any],
    *,
    fmt: Any,
    align: Any,
    scope: str | None,
    role: str | None,
    colspan: Any,
    heading: Mapping[str, Any] | None,
    attributes: Any,
) -> str:
    base = "nhsuk-table__header" if element == "th" else "nhsuk-table__cell"
    classes = _value(item, "classes")
    names = base
    if fmt == "numeric" and (not classes or f"{base}--numeric" not in classes):
        names += f" {base}--numeric"
    names += modifier("nhsuk-u-text-align-", align, _ALIGNS, classes)
    width = _value(item, "width")
    if width and (not classes or f"nhsuk-u-width-{width}" not in classes):
        names += f" nhsuk-u-width-{width}"
    if classes:
        names += f" {classes}"
    html = _value(item, "html")
    inner = _cell_value(_value(item, "text"), html, _value(item, "visuallyHiddenText"))
    href = _value(item, "href")
    if href:
        inner = f'<a class="nhsuk-link" href="{escape(href)}">{inner}</a>'
    if heading is not None:
        label = _cell_value(
            _value(heading, "text"), _value(heading, "html"), _value(heading, "visuallyHiddenText")
        )
        if html:
            inner = f"<span>{inner}</span>"
        inner = f'<span class="nhsuk-table__heading" aria-hidden="true">{label} </span>{inner}'
    opening = (
        f"<{element}"
        f"{_attribute('class', names, False)}"
        f"{_attribute('scope', scope, True)}"
        f"{_attribute('role', role, True)}"
        f"{_attribute('colspan', colspan, True)}"
        f"{_attribute('rowspan', _value(item, 'rowspan'), True)}"
        f"{_attributes(attributes)}>"
    )
    if not inner:
        return f"      {opening}</{element}>"
    return f"      {opening}\n        {inner}\n      </{element}>"


def _caption(params: Mapping[str, Any]) -> str:
    given = _value(params, "caption")
    if isinstance(given, Mapping):
        _refuse("caption", given, _CAPTION_KEYS)
        caption: Mapping[str, Any] = given
        hidden = _value(given, "visuallyHiddenText")
    else:
        caption = {
            "text": given if isinstance(given, str) else None,
            "html": given if hasattr(given, "__html__") else None,
            "size": _value(params, "captionSize"),
            "classes": _value(params, "captionClasses"),
        }
        hidden = None
    text, html = _value(caption, "text"), _value(caption, "html")
    if not (text or html):
        return ""
    names = "nhsuk-table__caption"
    size, classes = _value(caption, "size"), _value(caption, "classes")
    names += modifier(
        _CAPTION_PREFIX, size, _CAPTION_SIZES, classes, known=("xxs", "xs", *_CAPTION_SIZES)
    )
    if classes:
        names += f" {classes}"
    inner = (str(html) if html else str(escape(text))).strip()
    if hidden:
        words = escape("(") + escape(hidden) + ")"
        inner += f'<span class="nhsuk-u-visually-hidden"> {words}</span>'
    attributes = (
        _attribute("class", names, True)
        + _attribute("id", _value(caption, "id"), True)
        + _attributes(_value(caption, "attributes"))
    )
    return f"  <caption{attributes}>\n    {inner}\n  </caption>\n"


def render(params: Mapping[str, Any] | None) -> Markup:
    """The HTML the NHS.UK `table` macro draws for `params` (the macro's own parameters)."""
    if params is None or isinstance(params, Undefined):
        params = {}
    if not isinstance(params, Mapping):
        raise ValueError(f"table: the parameters must be a mapping, not {type(params).__name__}")
    _refuse("parameters", params, _TABLE_KEYS)
    classes = _value(params, "classes")
    responsive = bool(_value(params, "responsive"))
    first_is_header = bool(_value(params, "firstCellIsHeader"))

    names = "nhsuk-table"
    if _value(params, "compact") and (not classes or "nhsuk-table--compact" not in classes):
        names += " nhsuk-table--compact"
    if responsive and (not classes or "nhsuk-table--responsive" not in classes):
        names += " nhsuk-table--responsive"
    if _value(params, "border") is False:
        if not (classes and "nhsuk-table--no-border" in classes):
            names += " nhsuk-table--no-border"
    elif _value(params, "lastRowBorder") is False and not (
        classes and "nhsuk-table--no-last-row-border" in classes
    ):
        names += " nhsuk-table--no-last-row-border"
    if _value(params, "striped") and (not classes or "nhsuk-table--striped" not in classes):
        names += " nhsuk-table--striped"
    extra = classes or _value(params, "tableClasses")
    if extra:
        names += f" {extra}"

    head = _value(params, "head") or []
    lines = [
        "<table"
        + _attribute("class", names, False)
        + _attribute("id", _value(params, "id"), True)
        + _attribute("role", "table" if responsive else None, True)
        + _attributes(_value(params, "attributes"))
        + ">\n"
        + _caption(params)
    ]
    row_role = ' role="row"' if responsive else ""
    group_role = ' role="rowgroup"' if responsive else ""
    headings: list[Mapping[str, Any]] = []
    if head:
        lines.append(f'  <thead class="nhsuk-table__head"{group_role}>')
        lines.append(f'    <tr class="nhsuk-table__row"{row_role}>')
        for given in head:
            if not isinstance(given, str | Mapping):
                headings.append(_as_item(None))
                continue
            heading = _as_item(given)
            headings.append(heading)
            _refuse("heading", heading, _CELL_KEYS)
            lines.append(
                _cell(
                    "th",
                    heading,
                    fmt=_value(heading, "format"),
                    align=_value(heading, "align"),
                    scope="col",
                    role="columnheader" if responsive else None,
                    colspan=None if responsive else _value(heading, "colspan"),
                    heading=None,
                    attributes=_value(heading, "attributes"),
                )
            )
        lines.append("    </tr>\n  </thead>")
    lines.append('  <tbody class="nhsuk-table__body">')
    for row in _value(params, "rows") or []:
        if isinstance(row, Undefined) or not isinstance(row, Iterable):
            continue
        lines.append(f'    <tr class="nhsuk-table__row"{row_role}>')
        for index, given in enumerate(row):
            if not isinstance(given, str | Mapping):
                continue
            data = _as_item(given)
            _refuse("cell", data, _CELL_KEYS)
            heading = headings[index] if index < len(headings) else _as_item(None)
            fmt = _get(data, "format")
            align = _get(data, "align")
            if align is _MISSING:
                string_in_numbers = fmt == "string" and _value(heading, "format") == "numeric"
                align = "right" if string_in_numbers else _value(heading, "align")
            is_header = index == 0 and first_is_header
            lines.append(
                _cell(
                    "th" if is_header else "td",
                    data,
                    fmt=_value(heading, "format") if fmt is _MISSING else fmt,
                    align=align,
                    scope="row" if is_header else None,
                    role=("rowheader" if is_header else "cell") if responsive else None,
                    colspan=None if responsive else _value(data, "colspan"),
                    heading=heading if responsive and heading else None,
                    attributes=_value(data, "attributes"),
                )
            )
        lines.append("    </tr>")
    lines.append("  </tbody>\n</table>")
    return Markup("\n".join(lines))  # noqa: S704 - every value is escaped above; `html` is trusted as in the macro # nosec B704
