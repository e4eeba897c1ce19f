"""What every dashboard is made of, so pages, downloads, the export command and the quarterly
return all draw on one thing: a dashboard is a list of tables, each a list of rows.

A dashboard's builder takes `Filters` and returns a `Dashboard`. Builders count in the
database (grouped queries, a fixed number per dashboard) and never return a person's record.
Suppression of small numbers is applied on the way out (`insights.suppression`), not here, so
the scheme's own staff with case access can see exact counts where the issue allows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Filters:
    """What the person narrowed the dashboards to. Empty means everything they may see.

    `schemes` is always set by the caller to the schemes the user may see (scheme leads their
    own, analysts their host organisations', admins all), then narrowed by the chosen scheme.
    """

    schemes: frozenset[int]
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    referring_organisation: int | None = None
    route: str = ""
    link_worker: int | None = None


@dataclass(frozen=True)
class Column:
    """One column: its key (the CSV header), its heading on the page, and its kind.

    Kinds: "count" (a whole number that may be suppressed; its key is `count` or ends in
    `_count`), "rate" or "percent" (derived from counts named in `from_counts`, suppressed
    with them), "number" (a figure such as a median or a mean, shown as given), "text".
    """

    key: str
    heading: str
    kind: str = "text"
    from_counts: tuple[str, ...] = ()


@dataclass
class Table:
    """One table of a dashboard, and optionally the chart drawn from it."""

    slug: str  # file name of its CSV, e.g. "referrals_by_route"
    title: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart: str = ""  # "bar", "line" or "" for none
    note: str = ""  # one line under the table: definitions, sources


@dataclass
class Dashboard:
    slug: str
    title: str
    tables: list[Table] = field(default_factory=list)
    note: str = ""
