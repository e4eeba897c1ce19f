"""Pages as plain HTML for assertions about tables: the NHS.UK table macro writes each row and
cell with its own classes and much white space; `plain` takes those out, so a test can look
for `<td>47.5</td>` as the page would read by hand."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import escape

# The classes the table macro puts on every row, heading, cell and link.
STRUCTURAL = {"nhsuk-table__row", "nhsuk-table__cell", "nhsuk-table__header", "nhsuk-link"}
VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "col", "area", "base"}


class _Plain(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = []
        for name, value in attrs:
            if name == "class":
                value = " ".join(c for c in (value or "").split() if c not in STRUCTURAL)
                if not value:
                    continue
            written.append(f' {name}="{escape(value or "")}"')
        self.out.append(f"<{tag}{''.join(written)}>")

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", " ", data).strip()
        if text:
            self.out.append(str(escape(text)))


def plain(page: str) -> str:
    """`page` with the table macro's classes and the white space between tags taken out."""
    parser = _Plain()
    parser.feed(page)
    parser.close()
    return "".join(parser.out)
