"""One scheme's health check for one quarter: every indicator measured over that quarter and
the three before it, rated on the archetypes, and gathered into the grid of levels by
settings.

A cell's rating is the worst rating among its indicators for the quarter (and among any
ratings other parts of the health check add to it, such as the self-assessment): one weak
condition can hold a scheme back whatever the others show, so the cell does not average it
away. A cell with nothing rated has no rating ("Not yet rated").

Other parts of the health check (the self-assessment, the action plan) add what they know
about each cell through `contribute`, without this module knowing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from linkwork.accounts.models import Scheme
from linkwork.healthcheck.framework import Archetype, Level, Setting, worse
from linkwork.healthcheck.indicators import INDICATORS, Indicator
from linkwork.healthcheck.measures import MEASURES, Measurement, Quarter

TREND_QUARTERS = 4


@dataclass(frozen=True)
class Line:
    """One line of a section that may stand out (`alert`, such as "Overdue") and may link to
    a page of its own (shown only to those who may use it)."""

    text: str
    alert: str = ""
    link: str = ""


@dataclass(frozen=True)
class Section:
    """Something another part of the health check shows in a cell: a heading, an optional
    rating that counts towards the cell's, and lines of text. `link` goes to a page that
    needs `Ability.ASSESS_SCHEME`; the page shows it only to those who hold it."""

    heading: str
    rating: Archetype | None = None
    lines: tuple[str | Line, ...] = ()
    link: str = ""
    link_text: str = ""

    @property
    def alerts(self) -> int:
        """How many of its lines stand out (the overdue actions)."""
        return sum(1 for line in self.lines if isinstance(line, Line) and line.alert)


Contributor = Callable[[Scheme, Quarter], Mapping[tuple[str, str], Sequence[Section]]]
_CONTRIBUTORS: list[Contributor] = []


def contribute(contributor: Contributor) -> None:
    """Register `contributor(scheme, quarter)`, giving sections by (level, setting); called
    from an app's `ready()` (the self-assessment's ratings, the open actions)."""
    if contributor not in _CONTRIBUTORS:
        _CONTRIBUTORS.append(contributor)


@dataclass(frozen=True)
class Measured:
    """One indicator over the quarters, oldest first; the last is the quarter asked for."""

    indicator: Indicator
    quarters: tuple[Quarter, ...]
    values: tuple[Measurement | None, ...]

    @property
    def current(self) -> Measurement | None:
        return self.values[-1]

    @property
    def rating(self) -> Archetype | None:
        current = self.current
        return self.indicator.rate(current.value if current else None)

    @property
    def trend(self) -> list[tuple[Quarter, Measurement | None, Archetype | None]]:
        return [
            (q, m, self.indicator.rate(m.value if m else None))
            for q, m in zip(self.quarters, self.values, strict=True)
        ]


@dataclass
class Cell:
    level: Level
    setting: Setting
    indicators: list[Measured] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def rating(self) -> Archetype | None:
        ratings = [m.rating for m in self.indicators] + [s.rating for s in self.sections]
        found: Archetype | None = None
        for rating in ratings:
            if rating is not None:
                found = rating if found is None else Archetype(worse(found, rating))
        return found

    @property
    def weak(self) -> bool:
        """Rated below best practice: a cell the action plan is for."""
        rating = self.rating
        return rating is not None and rating != Archetype.BEST


@dataclass
class HealthCheck:
    scheme: Scheme
    quarter: Quarter
    quarters: tuple[Quarter, ...]
    cells: dict[tuple[str, str], Cell]

    def cell(self, level: str, setting: str) -> Cell:
        return self.cells[(level, setting)]

    def rows(self) -> list[tuple[Level, list[Cell]]]:
        return [
            (level, [self.cells[(level.value, setting.value)] for setting in Setting])
            for level in Level
        ]

    def measured(self) -> list[Measured]:
        return [m for cell in self.cells.values() for m in cell.indicators]


def last_complete_quarter(today: dt.date) -> Quarter:
    current = Quarter.of(today.year, (today.month - 1) // 3 + 1)
    return current.previous()


def quarters_to(quarter: Quarter, count: int = TREND_QUARTERS) -> tuple[Quarter, ...]:
    """`count` quarters ending with `quarter`, oldest first."""
    found = [quarter]
    while len(found) < count:
        found.append(found[-1].previous())
    return tuple(reversed(found))


def build(
    scheme: Scheme,
    quarter: Quarter,
    indicators: Mapping[str, Indicator] = INDICATORS,
    *,
    contributors: Sequence[Contributor] | None = None,
) -> HealthCheck:
    """The health check of `scheme` for `quarter`: each measure run once for the four
    quarters (a fixed number of queries whatever the data), then rated."""
    quarters = quarters_to(quarter)
    results: dict[str, Any] = {}
    cells = {
        (level.value, setting.value): Cell(level, setting) for level in Level for setting in Setting
    }
    for indicator in indicators.values():
        if indicator.source not in results:
            results[indicator.source] = MEASURES[indicator.source](scheme, quarters)
        by_quarter = results[indicator.source]
        values = tuple(by_quarter.get(i) for i in range(len(quarters)))
        cells[(indicator.level, indicator.setting)].indicators.append(
            Measured(indicator, quarters, values)
        )
    for contributor in _CONTRIBUTORS if contributors is None else contributors:
        for (level, setting), sections in contributor(scheme, quarter).items():
            cells[(level, setting)].sections.extend(sections)
    return HealthCheck(scheme, quarter, quarters, cells)


def parse_quarter(text: str, today: dt.date) -> Quarter:
    """The quarter "YYYY-QN" names (the last complete one when empty). Raises ValueError with
    a message naming the form expected; a quarter not yet over is refused too."""
    latest = last_complete_quarter(today)
    text = text.strip()
    if not text:
        return latest
    if len(text) != 7 or text[4:6] != "-Q" or not text[:4].isdigit() or text[6] not in "1234":
        raise ValueError("Give the quarter as YYYY-QN, for example 2026-Q2.")
    if int(text[:4]) < 2000:
        raise ValueError("Choose a quarter from 2000 onwards.")
    quarter = Quarter.of(int(text[:4]), int(text[6]))
    if quarter.first > latest.first:
        raise ValueError(f"Choose a quarter that has ended: {latest.name} or earlier.")
    return quarter


def recent_quarters(today: dt.date, count: int = 8) -> list[Quarter]:
    """The last `count` complete quarters, newest first, for the quarter picker."""
    found = [last_complete_quarter(today)]
    while len(found) < count:
        found.append(found[-1].previous())
    return found
