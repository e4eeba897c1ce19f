"""The dashboards, in the order the index lists them: each module's `build(filters)` returns a
`Dashboard` of exact figures (suppression is applied on the way out)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from linkwork.insights.dashboards import (
    connections,
    contacts,
    equity,
    funnel,
    outcomes,
    referrals,
    unmet_need,
    voluntary_sector,
    waits,
)
from linkwork.insights.model import Dashboard, Filters


@dataclass(frozen=True)
class Entry:
    slug: str
    title: str
    summary: str
    build: Callable[[Filters], Dashboard]


DASHBOARDS: dict[str, Entry] = {
    entry.slug: entry
    for entry in (
        Entry("referrals", referrals.TITLE, referrals.SUMMARY, referrals.build),
        Entry("funnel", funnel.TITLE, funnel.SUMMARY, funnel.build),
        Entry("waits", waits.TITLE, waits.SUMMARY, waits.build),
        Entry("contacts", contacts.TITLE, contacts.SUMMARY, contacts.build),
        Entry("connections", connections.TITLE, connections.SUMMARY, connections.build),
        Entry("outcomes", outcomes.TITLE, outcomes.SUMMARY, outcomes.build),
        Entry("equity", equity.TITLE, equity.SUMMARY, equity.build),
        Entry("unmet-need", unmet_need.TITLE, unmet_need.SUMMARY, unmet_need.build),
        Entry(
            "voluntary-sector",
            voluntary_sector.TITLE,
            voluntary_sector.SUMMARY,
            voluntary_sector.build,
        ),
    )
}
