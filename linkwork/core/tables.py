"""Tables drawn by the NHS.UK `table` macro: presenters build the caption, the headings and the
cells here; templates lay them out with `{{ table(params) }}`.

A cell is the macro's own shape: `{"text": ...}`, a link `{"text": ..., "href": ...}`, or
`{"html": ...}` for markup that presenters build with `markup()` (which escapes every value)
or with `tag()` (the NHS.UK tag macro itself), never by joining strings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

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
    return Markup(template).format(*values)  # noqa: S704 - the template is ours; values are escaped


def tag(params: Mapping[str, Any]) -> Markup:
    """An NHS.UK tag, drawn by the component's own macro."""
    return _macro("nhsuk/components/tag/macro.jinja", "tag")(dict(params))


@functools.cache
def _macro(path: str, name: str) -> Callable[..., Markup]:
    from django.template import engines

    environment = engines["jinja2"].env  # type: ignore[attr-defined]
    macro: Callable[..., Markup] = getattr(environment.get_template(path).module, name)
    return macro


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
