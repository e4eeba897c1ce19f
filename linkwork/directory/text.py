"""Descriptions as publishers send them, made safe to show and plain enough to search.

Council feeds describe services in HTML pasted from word processors: spans, fonts, inline
styles, tables and base64 images. A listing keeps two forms of its description:

- `sanitise_html`: a small allowed set (paragraphs, line breaks, lists, emphasis and links
  to http(s), mailto and tel addresses), for pages that show formatting;
- `plain_text`: the words a person reads, for search, matching, snippets, the ORUK API and
  export, which publish no markup.

Both are done by nh3 (the Rust `ammonia` sanitiser); nothing here parses HTML by hand
except to turn block ends into line breaks for the plain form.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Elements whose content is never text a person should read.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "head", "title", "template", "noscript"})

_BLOCK_END = re.compile(r"(?i)<\s*(br\s*/?|/\s*(p|div|h[1-6]|tr|table|ul|ol|blockquote))\s*>")
_CELL_END = re.compile(r"(?i)<\s*/\s*(td|th)\s*>")
_ROW_END = re.compile(r"(?i)<\s*/\s*tr\s*>")
_LIST_ITEM = re.compile(r"(?i)<\s*li[^>]*>")
_SPACES = re.compile(r"[ \t\u00a0\u200b\u200c\u200d\u2060\ufeff]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def looks_like_html(value: str) -> bool:
    """Whether a value holds tags or entities worth cleaning."""
    return "<" in value or "&" in value


def sanitise_html(value: str) -> str:
    """The description with only safe formatting left; links open safely."""
    if not value:
        return ""
    # Tables are not kept: their cells and rows stay apart as words and lines.
    value = _ROW_END.sub("<br>", _CELL_END.sub(" ", value))
    cleaned = nh3.clean(
        value,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return cleaned.replace("&nbsp;", " ").strip()


def plain_text(value: str) -> str:
    """The words of a description, without markup: paragraphs kept as blank-line breaks."""
    if not value:
        return ""
    if not looks_like_html(value):
        return _tidy(value)
    marked = _LIST_ITEM.sub("\n- ", _CELL_END.sub(" ", _BLOCK_END.sub("\n", value)))
    stripped = nh3.clean(
        marked, tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT), strip_comments=True
    )
    return _tidy(html.unescape(stripped))


def _tidy(value: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in value.replace("\r", "").split("\n")]
    joined = "\n".join(lines).strip()
    return _BLANK_LINES.sub("\n\n", joined)
