"""The pathway funnel: how many referrals reached each stage, and where people left and why.

One grouped query over the referral facts: each referral's status and reasons, with whether
it reached each stage (worked out when its records changed), counted per combination.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count

from linkwork.insights import scope
from linkwork.insights.figures import percent
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.referrals.lifecycle import ClosureReason, DeclineReason, Status

TITLE = "Pathway funnel"
SUMMARY = "Received, accepted, first contact, plan agreed, connected, attended, goals met."

STAGES = (
    ("received", "Received"),
    ("accepted", "Accepted"),
    ("first_contact", "First contact"),
    ("plan_agreed", "Support plan agreed"),
    ("connected", "Connected to a service"),
    ("attended", "Attended a service"),
    ("goals_met", "Closed with goals met"),
)
ACCEPTED = {Status.ACCEPTED, Status.ACTIVE, Status.ON_HOLD, Status.CLOSED}


def _reached(row: dict[str, object]) -> list[str]:
    status = row["status"]
    reached = {
        "received": True,
        "accepted": status in ACCEPTED,
        "first_contact": bool(row["c"]),
        "plan_agreed": bool(row["p"]),
        "connected": bool(row["k"]),
        "attended": bool(row["a"]),
        "goals_met": status == Status.CLOSED and row["closure_reason"] == ClosureReason.GOALS_MET,
    }
    return [stage for stage, _ in STAGES if reached[stage]]


def _why(row: dict[str, object]) -> str:
    status = row["status"]
    if status == Status.DECLINED:
        return f"Declined: {DeclineReason(str(row['decline_reason'])).label}"
    if status == Status.REDIRECTED:
        return "Redirected to another service"
    if status == Status.CLOSED:
        return f"Closed: {ClosureReason(str(row['closure_reason'])).label}"
    if status == Status.WITHDRAWN:
        # Its own outcome: neither declined by the scheme nor support completed.
        return "Withdrawn by the referrer"
    return "Still open"


def build(filters: Filters) -> Dashboard:
    rows = [
        {
            **row,
            "c": row["had_contact"],
            "p": row["plan_agreed"],
            "k": row["connected"],
            "a": row["attended"],
        }
        for row in scope.facts(filters)
        .referrals.values(
            "status",
            "decline_reason",
            "closure_reason",
            "had_contact",
            "plan_agreed",
            "connected",
            "attended",
        )
        .annotate(n=Count("pk"))
        .order_by()
    ]
    reached: Counter[str] = Counter()
    left: Counter[tuple[str, str]] = Counter()
    labels = dict(STAGES)
    for row in rows:
        stages = _reached(row)
        for stage in stages:
            reached[stage] += row["n"]
        if "goals_met" not in stages:
            left[(labels[stages[-1]], _why(row))] += row["n"]
    received = reached["received"]
    funnel = Table(
        "funnel",
        "Referrals reaching each stage",
        [
            Column("stage", "Stage"),
            Column("count", "Referrals", "count"),
            Column("percent_of_received", "% of received", "percent", ("count",)),
        ],
        [
            {
                "stage": label,
                "count": reached[stage],
                "percent_of_received": percent(reached[stage], received),
            }
            for stage, label in STAGES
        ],
        chart="bar",
        note="Each stage counts the referrals that reached it, whatever happened between.",
    )
    order = {label: n for n, (_, label) in enumerate(STAGES)}
    leaving = Table(
        "funnel_leaving",
        "Where people left the pathway, and why",
        [
            Column("furthest_stage", "Furthest stage reached"),
            Column("reason", "Why"),
            Column("count", "Referrals", "count"),
        ],
        [
            {"furthest_stage": stage, "reason": why, "count": n}
            for (stage, why), n in sorted(
                left.items(), key=lambda i: (order[i[0][0]], -i[1], i[0][1])
            )
        ],
        note="Every referral not closed with goals met, by the furthest stage it reached.",
    )
    return Dashboard("funnel", TITLE, [funnel, leaving])
