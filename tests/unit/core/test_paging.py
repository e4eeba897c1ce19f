"""`paging` keeps a list's filters from page to page and changes only the page number, and
`core/_pagination.jinja` draws its links, or nothing for a list of one page."""

from __future__ import annotations

from urllib.parse import parse_qs

from django.core.paginator import Paginator
from django.http import QueryDict
from django.template import engines

from linkwork.core.paging import paging

# 25 items, 10 a page: pages 1, 2 and 3.
ITEMS = list(range(25))


def page_of(number: int, size: int = 10):
    return Paginator(ITEMS, size).get_page(number)


def params(url: str | None) -> dict[str, list[str]]:
    assert url is not None
    assert url.startswith("?")
    return parse_qs(url[1:], keep_blank_values=True)


def test_paging_keeps_the_filters_and_replaces_the_page():
    query = QueryDict("status=active&q=Rowan+Ash&page=2")
    links = paging(query, page_of(2))
    assert params(links.previous_url) == {"status": ["active"], "q": ["Rowan Ash"], "page": ["1"]}
    assert params(links.next_url) == {"status": ["active"], "q": ["Rowan Ash"], "page": ["3"]}


def test_paging_adds_the_page_when_the_request_had_none():
    links = paging(QueryDict("q=Rowan"), page_of(1))
    assert links.next_url == "?q=Rowan&page=2"


def test_paging_keeps_repeated_and_blank_filters():
    links = paging(QueryDict("need=housing&need=food&status="), page_of(1))
    assert params(links.next_url) == {"need": ["housing", "food"], "status": [""], "page": ["2"]}


def test_paging_first_page_has_no_previous():
    links = paging(QueryDict(""), page_of(1))
    assert links.previous_url is None
    assert links.next_url == "?page=2"


def test_paging_last_page_has_no_next():
    links = paging(QueryDict("page=3"), page_of(3))
    assert links.previous_url == "?page=2"
    assert links.next_url is None


def test_paging_named_parameter_leaves_other_lists_pages_alone():
    query = QueryDict("page-7=2&waiting-page=4&name=Ash")
    links = paging(query, page_of(2), param="waiting-page", label="Pages of the waiting list")
    assert params(links.next_url) == {"page-7": ["2"], "waiting-page": ["3"], "name": ["Ash"]}
    assert params(links.previous_url)["waiting-page"] == ["1"]
    assert links.label == "Pages of the waiting list"


def test_paging_does_not_change_the_request():
    query = QueryDict("q=Rowan&page=2")
    paging(query, page_of(2))
    assert query.urlencode() == "q=Rowan&page=2"


def render(links, note: str = "") -> str:
    template = engines["jinja2"].from_string('{% include "core/_pagination.jinja" %}')
    return template.render({"paging": links, "paging_note": note})


def test_pagination_include_shows_where_the_reader_is_and_both_links():
    html = render(paging(QueryDict("q=Rowan&page=2"), page_of(2)), note=" (25 people)")
    assert "Page 2 of 3 (25 people)" in html
    assert 'href="?q=Rowan&amp;page=1"' in html
    assert 'href="?q=Rowan&amp;page=3"' in html
    assert 'aria-label="Pagination"' in html


def test_pagination_include_on_the_last_page_has_no_next_link():
    html = render(paging(QueryDict("page=3"), page_of(3), label="Pages of the inbox"))
    assert 'rel="prev"' in html
    assert 'rel="next"' not in html
    assert 'aria-label="Pages of the inbox"' in html


def test_pagination_include_draws_nothing_for_one_page():
    assert render(paging(QueryDict(""), page_of(1, size=50))).strip() == ""
