"""What the self-assessment and the action plan add to each cell of the health check grid.

Registered with `report.contribute` from the app's `ready()`. Each contributor reads the
scheme once, whatever the number of cells, assessments or actions (the self-assessment in two
queries, the action plan in one), so the page's query count stays fixed. Links are to pages
that need `Ability.ASSESS_SCHEME`: the page shows them only to those who hold it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.urls import reverse
from django.utils import timezone

from linkwork.accounts.models import Scheme
from linkwork.core.presenters import date_uk, datetime_uk
from linkwork.healthcheck.action_plan import actions_for
from linkwork.healthcheck.framework import Archetype
from linkwork.healthcheck.measures import Quarter
from linkwork.healthcheck.models import OPEN_STATUSES
from linkwork.healthcheck.report import Line, Section
from linkwork.healthcheck.self_assessment import latest_ratings

SELF_ASSESSMENT = "Self-assessment"
ACTIONS = "Open actions"


def self_assessment(
    scheme: Scheme, quarter: Quarter
) -> Mapping[tuple[str, str], Sequence[Section]]:
    """The latest self-assessment's rating of each cell it answered, with when and by whom;
    its rating counts towards the cell's (the worse of all a cell's ratings)."""
    found: dict[tuple[str, str], list[Section]] = {}
    for (level, setting), rated in latest_ratings(scheme).items():
        found[(level.value, setting.value)] = [
            Section(
                heading=SELF_ASSESSMENT,
                rating=Archetype(rated.rating),
                lines=(f"Answered on {datetime_uk(rated.answered_at)} by {rated.answered_by}.",),
                link=reverse(
                    "healthcheck:self_assessment_record", args=[scheme.pk, rated.assessment_id]
                ),
                link_text="See this self-assessment",
            )
        ]
    return found


def open_actions(scheme: Scheme, quarter: Quarter) -> Mapping[tuple[str, str], Sequence[Section]]:
    """Each cell's open actions (planned or in progress), soonest due first: what, owner,
    due date and status, the overdue marked. Actions carry no rating."""
    today = timezone.localdate()
    by_cell: dict[tuple[str, str], list[Line]] = {}
    for action in actions_for(scheme):
        if action.status not in OPEN_STATUSES:
            continue
        owner = action.owner.full_name or action.owner.email
        text = (
            f"{action.what} (owner {owner}, due {date_uk(action.due_on)}, "
            f"{action.get_status_display().lower()})"
        )
        line = Line(
            text,
            alert="Overdue" if action.is_overdue(today) else "",
            link=reverse("healthcheck:action_edit", args=[scheme.pk, action.pk]),
        )
        by_cell.setdefault((action.level, action.setting), []).append(line)
    return {
        cell: [
            Section(
                heading=f"{ACTIONS} ({len(lines)})",
                lines=tuple(lines),
                link=reverse("healthcheck:actions", args=[scheme.pk]),
                link_text="See the action plan",
            )
        ]
        for cell, lines in by_cell.items()
    }
