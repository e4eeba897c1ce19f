"""The dashboards, in the order the index lists them: each module's `build(filters)` returns a
`Dashboard` of exact figures (suppression is applied on the way out). Each is run in one
transaction with room to group a million facts in memory (`scope.reading`)."""

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
from linkwork.insights.scope import read


@dataclass(frozen=True)
class Entry:
    slug: str
    title: str
    summary: str
    build: Callable[[Filters], Dashboard]


DASHBOARDS: dict[str, Entry] = {
    entry.slug: entry
    for entry in (
        Entry("referrals", referrals.TITLE, referrals.SUMMARY, read(referrals.build)),
        Entry("funnel", funnel.TITLE, funnel.SUMMARY, read(funnel.build)),
        Entry("waits", waits.TITLE, waits.SUMMARY, read(waits.build)),
        Entry("contacts", contacts.TITLE, contacts.SUMMARY, read(contacts.build)),
        Entry("connections", connections.TITLE, connections.SUMMARY, read(connections.build)),
        Entry("outcomes", outcomes.TITLE, outcomes.SUMMARY, read(outcomes.build)),
        Entry("equity", equity.TITLE, equity.SUMMARY, read(equity.build)),
        Entry("unmet-need", unmet_need.TITLE, unmet_need.SUMMARY, read(unmet_need.build)),
        Entry(
            "voluntary-sector",
            voluntary_sector.TITLE,
            voluntary_sector.SUMMARY,
            read(voluntary_sector.build),
        ),
    )
}


def register(entry: Entry) -> None:
    """Add a dashboard built by an app above insights (from its `AppConfig.ready()`), listed
    after ours. Its builder is wrapped like ours (`scope.read`)."""
    if entry.slug not in DASHBOARDS:
        DASHBOARDS[entry.slug] = Entry(entry.slug, entry.title, entry.summary, read(entry.build))
