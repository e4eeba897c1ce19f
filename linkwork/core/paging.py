"""Links to the pages either side of one page of a list, for `core/_pagination.jinja`.

Every paged list keeps its filters (a search, a status, a sort) from page to page, so the
links are the request's own GET parameters with only the page number changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.http import QueryDict


@dataclass(frozen=True)
class Paging:
    """One page of a list, the addresses of the pages before and after it (None at either
    end) and the name a screen reader announces for the links."""

    page: Page[Any]
    previous_url: str | None
    next_url: str | None
    label: str = "Pagination"

    @property
    def several(self) -> bool:
        return self.page.paginator.num_pages > 1


def paging(
    query: QueryDict, page: Page[Any], *, param: str = "page", label: str = "Pagination"
) -> Paging:
    """The links around `page`, numbered by the GET parameter `param` (a page with two lists
    gives each its own), every other parameter of `query` kept as it came."""
    return Paging(
        page=page,
        previous_url=_page_url(query, param, page.number - 1) if page.has_previous() else None,
        next_url=_page_url(query, param, page.number + 1) if page.has_next() else None,
        label=label,
    )


def _page_url(query: QueryDict, param: str, number: int) -> str:
    params = query.copy()
    params[param] = str(number)
    return "?" + params.urlencode()
